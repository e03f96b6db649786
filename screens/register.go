package screens

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// RegisterKeys are the register setup form's keys.
type RegisterKeys struct {
	Save       key.Binding
	Next, Prev key.Binding
	Regenerate key.Binding
	Back       key.Binding
	Continue   key.Binding
}

// RegisterScreen edits SmartConnect's register identity. SmartConnect
// routes by register ID, business name and vendor name, so the ID is shown
// read-only and only regenerated on purpose (reference §2.3).
type RegisterScreen struct {
	c       Common
	keys    RegisterKeys
	id      providers.RegisterIdentity
	exists  bool
	inputs  [3]textinput.Model
	focus   int
	regen   bool
	invalid string
	// saved is set after a save that needs re-pairing: the screen then
	// shows the reasons until the user continues.
	saved   bool
	reasons []string
	w, h    int
}

var registerLabels = [3]string{"Register name", "Business name", "Vendor name"}

// NewRegister builds the form from the stored identity (exists false: none
// yet, and esc has nowhere to go back to).
func NewRegister(c Common, id providers.RegisterIdentity, exists bool) *RegisterScreen {
	s := &RegisterScreen{c: c, id: id, exists: exists, keys: RegisterKeys{
		Save:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		Next:       key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:       key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Regenerate: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "regenerate ID")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Continue:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "pair again"), key.WithDisabled()),
	}}
	s.keys.Back.SetEnabled(exists)
	s.keys.Regenerate.SetEnabled(exists)
	placeholders := [3]string{"e.g. Main Register", "e.g. Toys Shop", "e.g. Till2Go"}
	values := [3]string{id.RegisterName, id.BusinessName, id.VendorName}
	for i := range s.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholders[i]
		in.CharLimit = 64
		in.Width = 30
		in.TextStyle = c.Styles.Value
		in.PlaceholderStyle = c.Styles.Placeholder
		in.SetValue(values[i])
		s.inputs[i] = in
	}
	s.inputs[0].Focus()
	return s
}

// ID implements Screen.
func (s *RegisterScreen) ID() ID { return Setup }

func (s *RegisterScreen) Init() tea.Cmd    { return textinput.Blink }
func (s *RegisterScreen) SetSize(w, h int) { s.w, s.h = w, h }

// Typing: a field has focus until the form is saved.
func (s *RegisterScreen) Typing() bool { return !s.saved }

// SetValues fills the fields (tests).
func (s *RegisterScreen) SetValues(register, business, vendor string) {
	for i, v := range []string{register, business, vendor} {
		s.inputs[i].SetValue(v)
	}
}

// Failed shows why the save was refused.
func (s *RegisterScreen) Failed(line string) { s.invalid = line }

// Saved shows the reasons re-pairing is needed; enter then goes on.
func (s *RegisterScreen) Saved(id providers.RegisterIdentity, reasons []string) {
	s.id, s.exists, s.saved, s.reasons, s.regen, s.invalid = id, true, true, reasons, false, ""
	for i := range s.inputs {
		s.inputs[i].Blur()
	}
	s.keys.Continue.SetEnabled(true)
}

func (s *RegisterScreen) ShortHelp() []key.Binding {
	if s.saved {
		return []key.Binding{s.keys.Continue}
	}
	// ctrl+r is on the form itself; the footer keeps room for ctrl+t.
	return []key.Binding{s.keys.Save, s.keys.Next, s.keys.Back}
}

func (s *RegisterScreen) FullHelp() [][]key.Binding {
	if s.saved {
		return [][]key.Binding{{s.keys.Continue}}
	}
	next, prev := s.keys.Next, s.keys.Prev
	next.SetHelp("tab/↓", "next field")
	prev.SetHelp("shift+tab/↑", "previous field")
	return [][]key.Binding{{s.keys.Save, next, prev, s.keys.Regenerate, s.keys.Back}, editKeys()}
}

func (s *RegisterScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case SaveFailedMsg:
		s.Failed(msg.Line)
		return s, nil
	case SavedMsg:
		s.Saved(msg.Identity, msg.Reasons)
		return s, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		s.inputs[s.focus], cmd = s.inputs[s.focus].Update(msg)
		return s, cmd
	}
	if s.saved {
		if key.Matches(km, s.keys.Continue) {
			return s, send(NavigateMsg{To: Unpaired})
		}
		return s, nil
	}
	switch {
	case key.Matches(km, s.keys.Back):
		return s, send(NavigateMsg{To: Paired})
	case key.Matches(km, s.keys.Save):
		return s, s.submit()
	case key.Matches(km, s.keys.Regenerate):
		s.regen = !s.regen
		return s, nil
	case key.Matches(km, s.keys.Next):
		s.setFocus((s.focus + 1) % len(s.inputs))
		return s, nil
	case key.Matches(km, s.keys.Prev):
		s.setFocus((s.focus + len(s.inputs) - 1) % len(s.inputs))
		return s, nil
	}
	var cmd tea.Cmd
	s.inputs[s.focus], cmd = s.inputs[s.focus].Update(km)
	s.invalid = ""
	return s, cmd
}

func (s *RegisterScreen) setFocus(i int) {
	s.inputs[s.focus].Blur()
	s.focus = i
	s.inputs[i].Focus()
}

func (s *RegisterScreen) submit() tea.Cmd {
	for i, in := range s.inputs {
		if strings.TrimSpace(in.Value()) == "" {
			s.invalid = fmt.Sprintf("Enter the %s", strings.ToLower(registerLabels[i]))
			s.setFocus(i)
			return nil
		}
	}
	s.invalid = ""
	return send(SaveRegisterMsg{
		RegisterName: s.inputs[0].Value(), BusinessName: s.inputs[1].Value(), VendorName: s.inputs[2].Value(),
		RegenerateID: s.regen,
	})
}

// View draws the form; where it does not fit even without its blank lines,
// the unfocused fields lose their underline (the focused one keeps its
// heavy rule) before anything is cut.
func (s *RegisterScreen) View() string {
	out, cut := s.render(true)
	if cut {
		out, _ = s.render(false)
	}
	return out
}

func (s *RegisterScreen) render(rules bool) (string, bool) {
	st := s.c.Styles
	para := lipgloss.NewStyle().Width(max(s.w, 20))
	lines := []string{st.Heading.Render("Register setup"), ""}
	if s.saved {
		lines = append(lines, st.Success.Render("✓ Register identity saved"), "")
		lines = append(lines, para.Render(st.Warning.Render("! Re-pairing is needed:")))
		hang := lipgloss.NewStyle().Width(max(s.w, 20) - 2)
		for _, r := range s.reasons {
			wrapped := strings.Split(hang.Render(r), "\n")
			for i, l := range wrapped {
				lead := "  "
				if i == 0 {
					lead = "• "
				}
				wrapped[i] = st.Text.Render(strings.TrimRight(lead+l, " "))
			}
			lines = append(lines, strings.Join(wrapped, "\n"))
		}
		lines = append(lines, "", widgets.Button(st, "Pair again", "enter", widgets.Primary))
		return s.fit(lines)
	}
	lines = append(lines, para.Render(st.Faint.Render(
		descriptor(s.c.Provider).Short+" knows this register by these values; the terminal shows the register name.")), "")
	for i, in := range s.inputs {
		// The input draws one cell past its width for the cursor.
		f := widgets.InlineField(st, widgets.Field{Label: registerLabels[i],
			Input: in.View(), Width: in.Width + 1, Focused: i == s.focus}, 15)
		if !rules && i != s.focus {
			f, _, _ = strings.Cut(f, "\n")
		}
		lines = append(lines, f)
	}
	id := s.id.RegisterID
	hint := "ctrl+r regenerate (requires re-pair)"
	switch {
	case id == "":
		id, hint = "made when you save", ""
	case s.regen:
		hint = "a new ID is made on save — requires re-pair (ctrl+r keeps it)"
	}
	lines = append(lines, st.FieldLabel.Render(fmt.Sprintf("%-15s", "Register ID"))+st.Faint.Render(id))
	if hint != "" {
		style := st.Faint
		if s.regen {
			style = st.Warning
		}
		// Wrapped lines stay under the field they are about.
		wrapped := strings.Split(lipgloss.NewStyle().Width(max(s.w-15, 10)).Render(hint), "\n")
		for i, l := range wrapped {
			wrapped[i] = style.Render(strings.Repeat(" ", 15) + strings.TrimRight(l, " "))
		}
		lines = append(lines, strings.Join(wrapped, "\n"))
	}
	if s.invalid != "" {
		lines = append(lines, widgets.Hang(st.Error, "✗ ", s.invalid, max(s.w, 20)))
	}
	lines = append(lines, "", widgets.Button(st, "Save", "enter", widgets.Primary))
	return s.fit(lines)
}

// fit drops the blank spacing when the form is taller than its space;
// cut reports that lines were cut even so.
func (s *RegisterScreen) fit(lines []string) (out string, cut bool) {
	out = join(lines...)
	if s.h > 0 && lipgloss.Height(out) > s.h {
		var dense []string
		for _, l := range lines {
			if l != "" {
				dense = append(dense, l)
			}
		}
		// The button is the way on: what still does not fit is cut above it.
		cut = linesHeight(dense) > s.h
		out = join(cutAbove(dense, s.h, 1)...)
	}
	return out, cut
}
