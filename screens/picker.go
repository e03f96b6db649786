package screens

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// PickerItem is one provider the picker offers.
type PickerItem struct {
	ID    string
	Badge string // environment: SANDBOX, TEST, LIVE, DEV
}

// PickerKeys are the provider picker's keys.
type PickerKeys struct {
	Up, Down key.Binding
	Choose   key.Binding
	// Number chooses by the number in the list, in one key.
	Number key.Binding
	Back   key.Binding
}

// PickerScreen lists the available providers; choosing one switches the
// whole app to it.
type PickerScreen struct {
	c     Common
	keys  PickerKeys
	items []PickerItem
	sel   int
	w, h  int
}

// NewPicker lists items with the current provider selected.
func NewPicker(c Common, items []PickerItem) *PickerScreen {
	s := &PickerScreen{c: c, items: items, keys: PickerKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k", "shift+tab"), key.WithHelp("↑/↓", "select")),
		Down:   key.NewBinding(key.WithKeys("down", "j", "tab")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
	var digits []string
	for i := range min(len(items), 9) {
		digits = append(digits, fmt.Sprint(i+1))
	}
	// A number chooses at once, as enter does: one binding in the help,
	// so the footer and the keys agree.
	s.keys.Number = key.NewBinding(key.WithKeys(digits...))
	s.keys.Number.SetEnabled(len(digits) > 0)
	if len(digits) > 0 {
		s.keys.Choose.SetHelp("enter/"+numberHelp(len(digits)), "choose")
	}
	for i, it := range items {
		if it.ID == c.Provider {
			s.sel = i
		}
	}
	return s
}

// Selected is the highlighted provider id.
func (s *PickerScreen) Selected() string {
	if s.sel < len(s.items) {
		return s.items[s.sel].ID
	}
	return ""
}

// ID implements Screen.
func (s *PickerScreen) ID() ID { return Picker }

func (s *PickerScreen) Init() tea.Cmd    { return nil }
func (s *PickerScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *PickerScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Up, s.keys.Choose, s.keys.Back}
}
func (s *PickerScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.keys.Up, s.keys.Choose, s.keys.Back}}
}

func numberHelp(n int) string {
	if n <= 1 {
		return "1"
	}
	return fmt.Sprintf("1–%d", n)
}

func (s *PickerScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(km, s.keys.Up):
		s.sel = max(s.sel-1, 0)
	case key.Matches(km, s.keys.Down):
		s.sel = min(s.sel+1, max(len(s.items)-1, 0))
	case key.Matches(km, s.keys.Choose):
		return s, send(PickProviderMsg{Provider: s.Selected()})
	case key.Matches(km, s.keys.Back):
		return s, send(PickProviderMsg{})
	case key.Matches(km, s.keys.Number):
		// A digit chooses at once: two keys from anywhere to any provider.
		s.sel = int(km.Runes[0] - '1')
		return s, send(PickProviderMsg{Provider: s.Selected()})
	}
	return s, nil
}

func (s *PickerScreen) View() string {
	st := s.c.Styles
	lines := []string{st.Title.Render("Choose the payment provider"), ""}
	for i, it := range s.items {
		marker, style := "  ", st.Text
		if i == s.sel {
			marker, style = st.Selected.Render("> "), st.Selected
		}
		line := marker + style.Render(fmt.Sprintf("%d. %-26s", i+1, ProductName(it.ID)))
		if it.Badge != "" {
			line += " " + st.Faint.Render("["+it.Badge+"]")
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", lipgloss.NewStyle().Width(max(s.w, 20)).Render(
		st.Faint.Render("Each provider keeps its own pairings. ctrl+t opens this list again, except while a pairing is being confirmed.")))
	return join(lines...)
}
