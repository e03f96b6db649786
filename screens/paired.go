package screens

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/providers"
)

// PairedKeys are the paired screen's keys.
type PairedKeys struct {
	Up, Down key.Binding
	Test     key.Binding
	Unpair   key.Binding
	Add      key.Binding
	Yes, No  key.Binding
}

// PairedScreen shows the pairings: one in detail, several as a list with
// the selected one's details below.
type PairedScreen struct {
	c        Common
	keys     PairedKeys
	pairings []providers.Pairing
	sel      int
	// justPaired shows the success message for a pairing made now.
	justPaired string
	asking     bool // "Unpair …? y/n"
	busy       string
	w, h       int
}

// NewPaired builds the screen. justPairedID ("" for none) marks a pairing
// that was just made, for the success message.
func NewPaired(c Common, ps []providers.Pairing, justPairedID string) *PairedScreen {
	s := &PairedScreen{
		c: c,
		keys: PairedKeys{
			Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
			Down:   key.NewBinding(key.WithKeys("down", "j")),
			Test:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")),
			Unpair: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unpair")),
			Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add pairing")),
			Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, unpair")),
			No:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		},
		justPaired: justPairedID,
	}
	s.SetPairings(ps)
	for i, p := range s.pairings {
		if p.ID == justPairedID {
			s.sel = i
		}
	}
	return s
}

// SetPairings replaces the list, keeping the selection on the same id.
func (s *PairedScreen) SetPairings(ps []providers.Pairing) {
	cur := s.Selected().ID
	s.pairings = ps
	s.sel = 0
	for i, p := range ps {
		if p.ID == cur {
			s.sel = i
		}
	}
	s.busy = ""
}

// Selected is the highlighted pairing (zero when none).
func (s *PairedScreen) Selected() providers.Pairing {
	if s.sel < len(s.pairings) {
		return s.pairings[s.sel]
	}
	return providers.Pairing{}
}

// Done clears a busy note after Test or Unpair answers.
func (s *PairedScreen) Done() { s.busy = "" }

func (s *PairedScreen) Init() tea.Cmd             { return nil }
func (s *PairedScreen) SetSize(w, h int)          { s.w, s.h = w, h }
func (s *PairedScreen) Asking() bool              { return s.asking }
func (s *PairedScreen) Count() int                { return len(s.pairings) }
func (s *PairedScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *PairedScreen) ShortHelp() []key.Binding {
	if s.asking {
		return []key.Binding{s.keys.Yes, s.keys.No}
	}
	out := []key.Binding{}
	if len(s.pairings) > 1 {
		out = append(out, s.keys.Up)
	}
	return append(out, s.keys.Test, s.keys.Unpair, s.keys.Add)
}

func (s *PairedScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || s.busy != "" {
		return s, nil
	}
	sel := s.Selected()
	if s.asking {
		switch {
		case key.Matches(km, s.keys.Yes):
			s.asking = false
			s.busy = "Unpairing…"
			return s, send(UnpairMsg{PairingID: sel.ID})
		case key.Matches(km, s.keys.No):
			s.asking = false
		}
		return s, nil
	}
	switch {
	case key.Matches(km, s.keys.Up):
		s.sel = max(s.sel-1, 0)
	case key.Matches(km, s.keys.Down):
		s.sel = min(s.sel+1, max(len(s.pairings)-1, 0))
	case key.Matches(km, s.keys.Test) && sel.ID != "":
		s.busy = "Testing…"
		return s, send(TestMsg{PairingID: sel.ID})
	case key.Matches(km, s.keys.Unpair) && sel.ID != "":
		s.asking = true
	case key.Matches(km, s.keys.Add):
		return s, send(NavigateMsg{To: Unpaired})
	}
	return s, nil
}

// DisplayName is the nickname, else the pairing id.
func DisplayName(p providers.Pairing) string {
	if p.PairingNickname != "" {
		return p.PairingNickname
	}
	return p.ID
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *PairedScreen) details(p providers.Pairing) []string {
	st := s.c.Styles
	row := func(label, value string) string {
		return st.Label.Render(fmt.Sprintf("%-18s", label)) + st.Value.Render(orDash(value))
	}
	status := string(p.Status)
	if !p.CheckedAt.IsZero() {
		// The clock's zone, not time.Local, so a frozen test clock renders the same everywhere.
		status += " (checked " + p.CheckedAt.In(s.c.Clock.Now().Location()).Format("15:04:05") + ")"
	}
	return []string{
		row("Pairing Nickname", p.PairingNickname),
		row("Pairing ID", p.ID),
		row("TID", p.TID),
		row("Terminal Nickname", p.TerminalNickname),
		row("Status", status),
	}
}

func (s *PairedScreen) View() string {
	st := s.c.Styles
	w := max(s.w, 20)
	// SCIPAIRING02: the branding stays visible in the paired state too.
	lines := []string{st.Title.Render(s.c.Product), st.Logo.Render(assets.LogoCompact()), ""}
	if s.justPaired != "" {
		lines = append(lines, st.Success.Render("✓ Pairing successful — this till is paired with the terminal"))
	} else {
		lines = append(lines, st.Success.Render("✓ Paired"))
	}
	lines = append(lines, "")
	if len(s.pairings) > 1 {
		lines = append(lines, st.Label.Render(fmt.Sprintf("Pairings (%d)", len(s.pairings))))
		for i, p := range s.pairings {
			marker, style := "  ", st.Text
			if i == s.sel {
				marker, style = st.Selected.Render("> "), st.Selected
			}
			line := marker + style.Render(fmt.Sprintf("%-20s", truncateText(DisplayName(p), 20))) +
				st.Faint.Render(fmt.Sprintf(" %-10s %s", orDash(p.TID), p.Status))
			lines = append(lines, line)
		}
		lines = append(lines, "")
	}
	lines = append(lines, s.details(s.Selected())...)
	lines = append(lines, "")
	switch {
	case s.asking:
		lines = append(lines, st.Warning.Render(fmt.Sprintf("Unpair %q? ", truncateText(DisplayName(s.Selected()), 24)))+
			st.Key.Render("y")+st.Faint.Render(" yes  ")+st.Key.Render("n")+st.Faint.Render(" no"))
	case s.busy != "":
		lines = append(lines, st.Info.Render(s.busy))
	default:
		lines = append(lines, st.Button.Render("[ Test ]")+st.Faint.Render(" t   ")+
			st.Button.Render("[ Unpair ]")+st.Faint.Render(" u   ")+
			st.Button.Render("[ Add pairing ]")+st.Faint.Render(" a"))
	}
	out := lipgloss.NewStyle().MaxWidth(w).Render(join(lines...))
	if s.h > 0 && lipgloss.Height(out) > s.h {
		var dense []string
		for _, l := range lines {
			if l != "" {
				dense = append(dense, l)
			}
		}
		out = lipgloss.NewStyle().MaxWidth(w).Render(join(dense...))
	}
	return out
}

func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
