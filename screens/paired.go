package screens

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/providers"
)

// PairedKeys are the paired screen's keys.
type PairedKeys struct {
	Up, Down key.Binding
	Test     key.Binding
	Unpair   key.Binding
	Add      key.Binding
	// Forget and Setup serve providers without a POS-side unpair
	// (SmartConnect, Helcim) and SmartConnect's register identity.
	Forget  key.Binding
	Setup   key.Binding
	Yes, No key.Binding
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
	askForget  bool // the question is "Forget …?"
	busy       string
	testing    bool // busy is a Test: show the live indicator
	started    time.Time
	spin       spinner.Model
	w, h       int
	logo       logoChoice
	memo       pairedMemo
	fixed      *Parts
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
			Forget: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", ForgetHelp(c.Provider))),
			Setup:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "register setup")),
			Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, unpair")),
			No:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		},
		justPaired: justPairedID,
		spin:       spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Info)),
		fixed:      c.Parts,
	}
	if s.fixed == nil {
		s.fixed = &Parts{}
	}
	remote := c.Provider == "" || c.Provider == providers.SCI || c.Caps.RemoteUnpair
	s.keys.Unpair.SetEnabled(remote)
	s.keys.Forget.SetEnabled(!remote)
	s.keys.Setup.SetEnabled(c.Provider == providers.SmartConnect)
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
	s.busy, s.testing = "", false
}

// Selected is the highlighted pairing (zero when none).
func (s *PairedScreen) Selected() providers.Pairing {
	if s.sel < len(s.pairings) {
		return s.pairings[s.sel]
	}
	return providers.Pairing{}
}

// Done clears a busy note after Test or Unpair answers.
func (s *PairedScreen) Done() { s.busy, s.testing = "", false }

// Testing reports whether a Test is in flight.
func (s *PairedScreen) Testing() bool { return s.testing }

func (s *PairedScreen) Init() tea.Cmd    { return nil }
func (s *PairedScreen) SetSize(w, h int) { s.w, s.h = w, h }

// SetLogo implements LogoSetter.
func (s *PairedScreen) SetLogo(full bool)         { s.logo = choiceOf(full) }
func (s *PairedScreen) Asking() bool              { return s.asking }
func (s *PairedScreen) Count() int                { return len(s.pairings) }
func (s *PairedScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *PairedScreen) ShortHelp() []key.Binding {
	if s.asking {
		yes := s.keys.Yes
		if s.askForget {
			yes.SetHelp("y", "yes, forget")
		}
		return []key.Binding{yes, s.keys.No}
	}
	out := []key.Binding{}
	if len(s.pairings) > 1 {
		out = append(out, s.keys.Up)
	}
	return append(out, s.keys.Test, s.keys.Unpair, s.keys.Forget, s.keys.Add, s.keys.Setup)
}

func (s *PairedScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	if tick, ok := msg.(spinner.TickMsg); ok {
		if !s.testing || s.c.StaticSpinner {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(tick)
		return s, cmd
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || s.busy != "" {
		return s, nil
	}
	sel := s.Selected()
	if s.asking {
		switch {
		case key.Matches(km, s.keys.Yes) && s.askForget:
			s.asking, s.askForget = false, false
			s.busy = "Forgetting…"
			return s, send(ForgetMsg{PairingID: sel.ID})
		case key.Matches(km, s.keys.Yes):
			s.asking = false
			s.busy = "Unpairing…"
			return s, send(UnpairMsg{PairingID: sel.ID})
		case key.Matches(km, s.keys.No):
			s.asking, s.askForget = false, false
		}
		return s, nil
	}
	switch {
	case key.Matches(km, s.keys.Up):
		s.sel = max(s.sel-1, 0)
	case key.Matches(km, s.keys.Down):
		s.sel = min(s.sel+1, max(len(s.pairings)-1, 0))
	case key.Matches(km, s.keys.Test) && sel.ID != "":
		s.busy, s.testing, s.started = TestingText(s.c.Provider), true, s.c.Clock.Now()
		if s.c.StaticSpinner {
			return s, send(TestMsg{PairingID: sel.ID})
		}
		return s, tea.Batch(send(TestMsg{PairingID: sel.ID}), s.spin.Tick)
	case key.Matches(km, s.keys.Unpair) && sel.ID != "":
		s.asking = true
	case key.Matches(km, s.keys.Forget) && sel.ID != "":
		s.asking, s.askForget = true, true
	case key.Matches(km, s.keys.Setup):
		return s, send(NavigateMsg{To: Setup})
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
		return s.fixed.get(&st.Label, fmt.Sprintf("%-18s", label)) + st.Value.Render(orDash(value))
	}
	status := string(p.Status)
	if !p.CheckedAt.IsZero() {
		// The clock's zone, not time.Local, so a frozen test clock renders the same everywhere.
		status += " (checked " + p.CheckedAt.In(s.c.Clock.Now().Location()).Format("15:04:05") + ")"
	}
	switch s.c.Provider {
	case providers.SmartConnect:
		reg := providers.RegisterIdentity{RegisterID: p.ID}
		if p.Register != nil {
			reg = *p.Register
		}
		return []string{
			row("Register name", reg.RegisterName),
			row("Business name", reg.BusinessName),
			row("Vendor name", reg.VendorName),
			row("Register ID", reg.RegisterID),
			row("Pairing Nickname", p.PairingNickname),
			row("Status", status),
		}
	case providers.Helcim:
		return []string{
			row("Device Code", p.ID),
			row("Pairing Nickname", p.PairingNickname),
			row("Status", status),
		}
	}
	return []string{
		row("Pairing Nickname", p.PairingNickname),
		row("Pairing ID", p.ID),
		row("TID", p.TID),
		row("Terminal Nickname", p.TerminalNickname),
		row("Status", status),
	}
}

// render draws the screen; View reuses its result (paired_memo.go).
func (s *PairedScreen) render() string {
	st := s.c.Styles
	s.fixed.reset(st)
	fx := s.fixed.get
	w := max(s.w, 20)
	var lines []string
	switch {
	case s.justPaired != "" && s.c.Provider == providers.Helcim:
		lines = append(lines, fx(&st.Success, "✓ Paired. Check the terminal screen for the ping message."))
	case s.justPaired != "" && s.c.Provider == providers.SmartConnect:
		lines = append(lines, fx(&st.Success, "✓ Paired — this register is paired with the terminal"))
	case s.justPaired != "":
		lines = append(lines, fx(&st.Success, "✓ Pairing successful — this till is paired with the terminal"))
	default:
		lines = append(lines, fx(&st.Success, "✓ Paired"))
	}
	lines = append(lines, "")
	if len(s.pairings) > 1 {
		lines = append(lines, fx(&st.Label, fmt.Sprintf("Pairings (%d)", len(s.pairings))))
		for i, p := range s.pairings {
			marker, style := "  ", st.Text
			if i == s.sel {
				marker, style = fx(&st.Selected, "> "), st.Selected
			}
			line := marker + style.Render(fmt.Sprintf("%-20s", truncateText(DisplayName(p), 20))) +
				st.Faint.Render(fmt.Sprintf(" %-10s %s", orDash(p.TID), p.Status))
			if s.mixed() {
				line += st.Faint.Render("  " + ProductName(p.Provider))
			}
			lines = append(lines, line)
		}
		lines = append(lines, "")
	}
	lines = append(lines, s.details(s.Selected())...)
	lines = append(lines, "")
	switch {
	case s.asking && s.askForget:
		// Forgetting leaves the pairing on the terminal: say where to end it.
		lines = append(lines, lipgloss.NewStyle().Width(w).Render(st.Faint.Render(UnpairSteps(s.c.Provider))), "")
		lines = append(lines, st.Warning.Render("Forget "+Quote(truncateText(DisplayName(s.Selected()), 20))+" "+ForgetWhere(s.c.Provider)+"? ")+
			fx(&st.Key, "y")+fx(&st.Faint, " yes  ")+fx(&st.Key, "n")+fx(&st.Faint, " no"))
	case s.testing:
		lines = append(lines, s.spinView()+fx(&st.Info, " "+s.busy+" ")+st.Value.Render(s.elapsed()))
	case s.asking:
		lines = append(lines, st.Warning.Render("Unpair "+Quote(truncateText(DisplayName(s.Selected()), 24))+"? ")+
			fx(&st.Key, "y")+fx(&st.Faint, " yes  ")+fx(&st.Key, "n")+fx(&st.Faint, " no"))
	case s.busy != "":
		lines = append(lines, fx(&st.Info, s.busy))
	case !s.sci():
		lines = append(lines, s.actions()...)
	default:
		lines = append(lines, fx(&st.Button, "[ Test ]")+fx(&st.Faint, " t   ")+
			fx(&st.Button, "[ Unpair ]")+fx(&st.Faint, " u   ")+
			fx(&st.Button, "[ Add pairing ]")+fx(&st.Faint, " a"))
	}
	return cutLines(join(s.layout(lines)...), w)
}

// layout puts the title and, for SCI, the logo above body and picks the
// layout that fits. MaxWidth cuts lines without wrapping, so measured
// heights decide before anything is joined: the full logo when it fits
// with the spacing, else the compact logo spaced, else the compact logo
// with the blank lines dropped. SCIPAIRING02 wants the branding in the
// paired state too, so the logo shrinks but never goes.
func (s *PairedScreen) layout(body []string) []string {
	st, fx := s.c.Styles, s.fixed.get
	title := fx(&st.Title, s.c.Product)
	if !s.sci() {
		return s.fit(append([]string{title, ""}, body...))
	}
	full := fx(&st.Logo, assets.Logo())
	spaced := func(logo string) []string {
		return append([]string{title, logo, ""}, body...)
	}
	switch s.logo {
	case logoFull:
		// The size allows the full logo (so the pairing form shows it too):
		// blank lines go before it does.
		if lines := s.fit(spaced(full)); s.h == 0 || linesHeight(lines) <= s.h {
			return lines
		}
	case logoAuto:
		if lines := spaced(full); (s.h == 0 || linesHeight(lines) <= s.h) && lipgloss.Width(full) <= max(s.w, 20) {
			return lines
		}
	}
	return s.fit(spaced(fx(&st.Logo, assets.LogoCompact())))
}

// fit drops blank lines, from the bottom up, until lines fit the screen.
func (s *PairedScreen) fit(lines []string) []string {
	if s.h == 0 {
		return lines
	}
	return fitBlanks(lines, s.h)
}

func linesHeight(lines []string) int {
	n := 0
	for _, l := range lines {
		n += lipgloss.Height(l)
	}
	return n
}

// cutLines cuts every line to w cells without wrapping. It draws what
// lipgloss's MaxWidth does for unstyled text whose lines join already made
// equally wide, without measuring every line twice more.
func cutLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "")
	}
	return strings.Join(lines, "\n")
}

func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
