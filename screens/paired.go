package screens

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/internal/wording"
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
	// Refresh re-checks the pairings now (as entering the screen does).
	Refresh key.Binding
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
	// result is the last Test's outcome, shown by the Test button until
	// the next key.
	result    string
	asking    bool // "Unpair …? y/n"
	askForget bool // the question is "Forget …?"
	// askMove: the question is whether to pair this register elsewhere
	// (a provider with one pairing per register, wording.MovesRegister).
	askMove bool
	busy    string
	testing bool // busy is a Test: show the live indicator
	started time.Time
	spin    spinner.Model
	w, h    int
	logo    logoChoice
	// mixed: the list holds more than one provider's pairings, so each row
	// names its provider. SetPairings works it out once per list, not per
	// frame.
	mixed bool
	// rev counts the changes to what the screen shows: every method that
	// changes a field above calls changed. View draws again only when rev
	// or the outside state (drawEnv) moved since the last drawing, so the
	// frames Bubble Tea asks for after clock ticks and the other pane's
	// messages cost a comparison, not a rendering.
	rev   uint64
	drawn struct {
		ok  bool
		rev uint64
		env drawEnv
		out string
	}
}

// drawEnv is what a drawing depends on besides the screen's own fields: the
// global colour state, the styles and, while a Test runs, the live
// indicator, which follows the clock.
type drawEnv struct {
	profile termenv.Profile
	dark    bool
	styles  *theme.Styles
	live    string
}

// changed records a change to what the screen shows.
func (s *PairedScreen) changed() { s.rev++ }

// NewPaired builds the screen. justPairedID ("" for none) marks a pairing
// that was just made, for the success message.
func NewPaired(c Common, ps []providers.Pairing, justPairedID string) *PairedScreen {
	s := &PairedScreen{
		c: c,
		keys: PairedKeys{
			Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
			Down:    key.NewBinding(key.WithKeys("down", "j")),
			Test:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")),
			Unpair:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unpair")),
			Add:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add pairing")),
			Forget:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", ForgetHelp(c.Provider))),
			Setup:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "register setup")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
			Yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, unpair")),
			No:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		},
		justPaired: justPairedID,
		spin:       spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Info)),
	}
	d := s.desc()
	s.keys.Unpair.SetEnabled(d.RemoteUnpair)
	s.keys.Forget.SetEnabled(!d.RemoteUnpair)
	s.keys.Setup.SetEnabled(d.Register.Asks())
	s.SetPairings(ps)
	for i, p := range s.pairings {
		if p.ID == justPairedID {
			s.sel = i
		}
	}
	return s
}

// SetPairings replaces the list, keeping the selection on the same id. The
// screen keeps ps: to show a change to it, pass the list again.
func (s *PairedScreen) SetPairings(ps []providers.Pairing) {
	s.changed()
	cur := s.Selected().ID
	s.pairings = ps
	s.sel = 0
	for i, p := range ps {
		if p.ID == cur {
			s.sel = i
		}
	}
	s.busy, s.testing = "", false
	s.mixed = false
	for _, p := range ps {
		if p.Provider != ps[0].Provider {
			s.mixed = true
			break
		}
	}
}

// Selected is the highlighted pairing (zero when none).
func (s *PairedScreen) Selected() providers.Pairing {
	if s.sel < len(s.pairings) {
		return s.pairings[s.sel]
	}
	return providers.Pairing{}
}

// Tested shows a successful Test's outcome beside the buttons.
func (s *PairedScreen) Tested(line string) {
	s.result = line
	s.changed()
}

// Done clears a busy note after Test or Unpair answers.
func (s *PairedScreen) Done() { s.busy, s.testing = "", false; s.changed() }

// Testing reports whether a Test is in flight.
func (s *PairedScreen) Testing() bool { return s.testing }

// ID implements Screen.
func (s *PairedScreen) ID() ID { return Paired }

func (s *PairedScreen) Init() tea.Cmd    { return nil }
func (s *PairedScreen) SetSize(w, h int) { s.w, s.h = w, h; s.changed() }

// SetLogo implements LogoSetter.
func (s *PairedScreen) SetLogo(full bool) { s.logo = choiceOf(full); s.changed() }
func (s *PairedScreen) Asking() bool      { return s.asking }
func (s *PairedScreen) Count() int        { return len(s.pairings) }
func (s *PairedScreen) FullHelp() [][]key.Binding {
	if s.asking {
		return [][]key.Binding{s.ShortHelp()}
	}
	// Refresh is for the full help only: the footer keeps its room.
	return [][]key.Binding{append(s.ShortHelp(), s.keys.Refresh)}
}

func (s *PairedScreen) ShortHelp() []key.Binding {
	if s.asking {
		yes := s.keys.Yes
		switch {
		case s.askForget:
			yes.SetHelp("y", "yes, forget")
		case s.askMove:
			yes.SetHelp("y", "yes, pair elsewhere")
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
	switch msg := msg.(type) {
	case PairingsMsg:
		if !msg.IfIdle || !s.testing && !s.asking {
			s.SetPairings(msg.Pairings)
		}
		return s, nil
	case TestedMsg:
		s.Done()
		return s, nil
	case TestPassedMsg:
		s.Tested(msg.Line)
		return s, nil
	}
	if tick, ok := msg.(spinner.TickMsg); ok {
		if !s.testing || s.c.StaticSpinner {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(tick)
		s.changed()
		return s, cmd
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || s.busy != "" {
		return s, nil
	}
	s.result = ""
	s.changed()
	sel := s.Selected()
	if s.asking {
		switch {
		case key.Matches(km, s.keys.Yes) && s.askMove:
			s.asking, s.askMove = false, false
			return s, send(NavigateMsg{To: Unpaired})
		case key.Matches(km, s.keys.Yes) && s.askForget:
			s.asking, s.askForget = false, false
			s.busy = "Forgetting…"
			return s, send(ForgetMsg{PairingID: sel.ID})
		case key.Matches(km, s.keys.Yes):
			s.asking = false
			s.busy = "Unpairing…"
			return s, send(UnpairMsg{PairingID: sel.ID})
		case key.Matches(km, s.keys.No):
			s.asking, s.askForget, s.askMove = false, false, false
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
	case key.Matches(km, s.keys.Add) && wording.MovesRegister(s.desc()) != "" && len(s.pairings) > 0:
		// One register, one terminal: say so before the form.
		s.asking, s.askMove = true, true
	case key.Matches(km, s.keys.Add):
		return s, send(NavigateMsg{To: Unpaired})
	case key.Matches(km, s.keys.Refresh):
		return s, send(RefreshMsg{})
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
	d := s.desc()
	switch {
	case d.Register != nil && len(d.Register.Fields) == 0:
		// The register is known by a generated id alone (Linkly's POS
		// ID): a pairing of its own, with that id under its own label.
		var regID string
		if p.Register != nil {
			regID = p.Register.RegisterID
		}
		return []string{
			row("Pairing Nickname", p.PairingNickname),
			row(d.Labels.PairingID, p.ID),
			row(d.Labels.TID, p.TID),
			row(d.Labels.TerminalNickname, p.TerminalNickname),
			row(cmp.Or(d.Register.IDLabel, "Register ID"), regID),
			row("Status", status),
		}
	case d.Register != nil:
		// The provider knows this register by its identity: that is the
		// pairing's detail.
		reg := providers.RegisterIdentity{RegisterID: p.ID}
		if p.Register != nil {
			reg = *p.Register
		}
		var rows []string
		for i, v := range []string{reg.RegisterName, reg.BusinessName, reg.VendorName} {
			if i < len(d.Register.Fields) {
				rows = append(rows, row(d.Register.Fields[i].Label, v))
			}
		}
		return append(rows,
			row(d.Labels.PairingID, reg.RegisterID),
			row("Pairing Nickname", p.PairingNickname),
			row("Status", status),
		)
	case d.Model == providers.CodeFromPOS:
		// The pairing is the device that signed in with the code shown;
		// the code's own id is for support only.
		return []string{
			row("Pairing Nickname", p.PairingNickname),
			row(d.Labels.TID, p.TID),
			row(d.Labels.TerminalNickname, p.TerminalNickname),
			row("Location", p.Location),
			row("Status", status),
		}
	case d.Model == providers.DeviceCode:
		// The code typed is the device's own: it is the pairing.
		return []string{
			row(d.Labels.PairingID, p.ID),
			row("Pairing Nickname", p.PairingNickname),
			row("Status", status),
		}
	}
	rows := []string{
		row("Pairing Nickname", p.PairingNickname),
		row(d.Labels.PairingID, p.ID),
		row(d.Labels.TID, p.TID),
	}
	device, health := deviceRows(p), wording.HealthRows(p.Health, s.c.Clock.Now())
	// With health rows the screen is full: an empty terminal nickname
	// gives way to them.
	if p.TerminalNickname != "" || len(health) == 0 {
		rows = append(rows, row(d.Labels.TerminalNickname, p.TerminalNickname))
	}
	for _, r := range device {
		rows = append(rows, row(r[0], r[1]))
	}
	rows = append(rows, row("Status", status))
	for _, r := range health {
		rows = append(rows, row(r[0], r[1]))
	}
	return rows
}

// deviceRows name the device where the cloud said (the pairing's Serial
// and Model): a provider without them draws the screen it always had.
func deviceRows(p providers.Pairing) [][2]string {
	var out [][2]string
	if p.Serial != "" && p.Serial != p.TID {
		out = append(out, [2]string{"Serial", p.Serial})
	}
	model := p.Model
	if model == "" && p.Health != nil {
		model = p.Health.Model
	}
	if model != "" {
		out = append(out, [2]string{"Model", model})
	}
	return out
}

// View draws the screen, or returns the last drawing when nothing changed
// since (rev, drawEnv). A drawing's cost follows the screen's height, not
// the number of pairings: only the rows that fit are drawn (layout).
func (s *PairedScreen) View() string {
	env := drawEnv{profile: lipgloss.ColorProfile(), dark: lipgloss.HasDarkBackground(), styles: s.c.Styles}
	if s.testing {
		env.live = s.spinView() + s.elapsed()
	}
	if !s.drawn.ok || s.drawn.rev != s.rev || s.drawn.env != env {
		s.drawn.ok, s.drawn.rev, s.drawn.env = true, s.rev, env
		s.drawn.out = s.draw(s.layout)
	}
	return s.drawn.out
}

// draw renders the screen's parts and places them with layout.
func (s *PairedScreen) draw(layout func(head, tail, actions []string) []string) string {
	st := s.c.Styles
	w := max(s.w, 20)
	var head []string
	head = append(head, s.message(), "")
	var tail []string
	tail = append(tail, s.details(s.Selected())...)
	tail = append(tail, "")
	var actions []string
	switch {
	case s.asking && s.askMove:
		actions = append(actions, widgets.Para(st.Warning, wording.MovesRegister(s.desc()), w), "")
		actions = append(actions, st.Warning.Render("Pair this register with another terminal? ")+
			st.Key.Render("y")+st.Faint.Render(" yes  ")+st.Key.Render("n")+st.Faint.Render(" no"))
	case s.asking && s.askForget:
		// Forgetting leaves the pairing on the terminal: say where to end it.
		actions = append(actions, lipgloss.NewStyle().Width(w).Render(st.Faint.Render(UnpairSteps(s.c.Provider))), "")
		actions = append(actions, s.question("Forget", " "+ForgetWhere(s.c.Provider)+"? "))
	case s.testing:
		actions = append(actions, s.spinView()+st.Info.Render(" "+s.busy+" ")+st.Value.Render(s.elapsed()))
	case s.asking:
		// A remote unpair may leave the terminal waiting: the descriptor's
		// tip says what to do there (a SumUp Solo's Disconnect).
		if d := s.desc(); d.RemoteUnpair && d.Steps.Unpair != "" {
			actions = append(actions, widgets.Para(st.Faint, d.Steps.Unpair, w), "")
		}
		actions = append(actions, s.question("Unpair", "? "))
	case s.busy != "":
		actions = append(actions, st.Info.Render(s.busy))
	case !s.desc().RemoteUnpair:
		actions = append(actions, s.actions()...)
	default:
		actions = append(actions, s.buttons(false))
	}
	if s.result != "" && !s.asking && s.busy == "" {
		// The outcome by the button that asked for it.
		actions = append(actions, widgets.Hang(st.Success, "✓ ", s.result, w))
	}
	return join(clipLines(linesOf(layout(head, tail, actions)), w)...)
}

// message is the line above the list: the success message belongs to the
// pairing just made, so it shows only while that one is selected.
func (s *PairedScreen) message() string {
	st := s.c.Styles
	if w := s.statusWarning(s.Selected().Status); w != "" {
		return st.Warning.Render(w)
	}
	if s.justPaired == "" || s.justPaired != s.Selected().ID {
		return st.Success.Render("✓ Paired")
	}
	if t := wording.TextsOf(s.desc()).JustPaired; t != "" {
		return st.Success.Render(t)
	}
	return st.Success.Render("✓ Paired")
}

// StatusNeedsRepair is the status shown for a SmartConnect pairing made
// with a register identity this register no longer sends: SmartConnect
// routes by that identity, so the terminal no longer reaches this register.
const StatusNeedsRepair providers.Status = "needs re-pairing"

// statusWarning is the heading for a selected pairing that is not in
// working order ("" when it is, or its status is not known to be bad): a
// green "✓ Paired" above a pairing that no longer works would contradict
// the status row below it. The way out names the key this provider offers.
func (s *PairedScreen) statusWarning(st providers.Status) string {
	remove := "forget it (f)"
	if !s.keys.Forget.Enabled() {
		remove = "unpair it here (u)"
	}
	switch st {
	case StatusNeedsRepair:
		return "! Re-pairing needed — pair this register again, or " + remove
	case providers.StatusUnpaired:
		return "! Unpaired on the terminal — " + remove + ", then pair again"
	case providers.StatusAwaitingConfirmation:
		return "! Not confirmed on the terminal yet — test it (t), or " + remove
	}
	return ""
}

// question asks about the selected pairing, its name cut to what the line
// has room for after the verb, the rest of the question and y/n.
func (s *PairedScreen) question(verb, rest string) string {
	st := s.c.Styles
	yn := st.Key.Render("y") + st.Faint.Render(" yes  ") + st.Key.Render("n") + st.Faint.Render(" no")
	room := max(s.w, 20) - lipgloss.Width(verb+" “”"+rest) - lipgloss.Width(yn)
	name := ansi.Truncate(DisplayName(s.Selected()), max(room, 8), "…")
	// A destructive question, in the danger role as its button is.
	return st.DangerButton.Render(verb+" "+Quote(name)+rest) + yn
}

// list draws the pairings with at most rows of them: a window around the
// selection, its header saying how many are above and below it.
func (s *PairedScreen) list(rows int) []string {
	st := s.c.Styles
	n := len(s.pairings)
	rows = min(max(rows, 1), n)
	first := min(max(s.sel-rows/2, 0), n-rows)
	header := st.Heading.Render(fmt.Sprintf("Pairings (%d)", n))
	if above, below := first, n-first-rows; above+below > 0 {
		var more []string
		if above > 0 {
			more = append(more, fmt.Sprintf("↑ %d more", above))
		}
		if below > 0 {
			more = append(more, fmt.Sprintf("↓ %d more", below))
		}
		header += st.Faint.Render("  " + strings.Join(more, "  "))
	}
	out := []string{header}
	for i := first; i < first+rows; i++ {
		p := s.pairings[i]
		marker, style := "  ", st.Text
		if i == s.sel {
			marker, style = st.Selected.Render("> "), st.Selected
		}
		line := marker + style.Render(padCells(DisplayName(p), 20)) +
			st.Faint.Render(" "+padCells(orDash(p.TID), 10)+" "+string(p.Status))
		if s.mixed {
			line += st.Faint.Render("  " + ProductName(p.Provider))
		}
		out = append(out, line)
	}
	return append(out, "")
}

// layout puts the title and, for SCI, the logo above the message, list,
// details and actions, and picks the layout that fits. MaxWidth cuts lines
// without wrapping, so measured heights decide before anything is joined.
// The actions are the screen's purpose (Unpair is an SCI certification
// item), so everything else gives way first, in this order: blank lines,
// the full logo for the compact one, list rows beyond the selected one
// (the header counts those above and below), then — only below the
// supported minimum size, as SCIPAIRING02 wants the title and logo in the
// paired state — the title, the logo and a plain "✓ Paired"; what still
// does not fit is cut above the actions.
//
// The number of list rows is worked out from the height, not found by
// trying every count: a frame draws at most a screen's worth of rows
// whatever the number of pairings.
func (s *PairedScreen) layout(head, tail, actions []string) []string {
	st := s.c.Styles
	// The provider's wordmark, beside its mark where it has one.
	title := st.Wordmark.Render(s.c.Product)
	n := len(s.pairings)
	// build lays out rows list rows (none when rows is 0 or there is
	// only one pairing).
	build := func(title, logo string, rows int, dense bool) []string {
		var out []string
		if title != "" {
			out = append(out, title)
		}
		if logo != "" {
			out = append(out, logo)
		}
		if title != "" || logo != "" {
			out = append(out, "")
		}
		out = append(out, head...)
		if n > 1 && rows > 0 {
			out = append(out, s.list(rows)...)
		}
		out = append(append(out, tail...), actions...)
		if dense {
			return s.fit(out)
		}
		return out
	}
	fits := func(lines []string) bool { return s.h == 0 || linesHeight(lines) <= s.h }
	// most is the most list rows a dense layout with this title and logo
	// can hold: fit drops every blank line if it must, and the list adds
	// its header and at least a line per row. Unsized, every row fits.
	most := func(title, logo string) int {
		if s.h == 0 {
			return n
		}
		base := build(title, logo, 0, false)
		return min(n, s.h-(linesHeight(base)-blanks(base))-1)
	}
	// dense is the dense layout with the most rows that fit, if any does.
	// The first count tried fits unless a row spans several lines.
	dense := func(title, logo string) ([]string, bool) {
		if n <= 1 {
			lines := build(title, logo, 0, true)
			return lines, n == 1 && fits(lines)
		}
		for rows := most(title, logo); rows >= 1; rows-- {
			if lines := build(title, logo, rows, true); fits(lines) {
				return lines, true
			}
		}
		return nil, false
	}
	compact := ""
	if descriptor(s.c.Provider).Branding.Logo != "" {
		full := BrandBlock(st, s.c.Provider, s.c.Product, max(s.w, 20), false)
		title = ""
		switch s.logo {
		case logoFull:
			// The size allows the full logo (so the pairing form shows it
			// too): blank lines go before it does.
			if n <= 1 || most(title, full) >= n {
				if lines := build(title, full, n, true); fits(lines) {
					return lines
				}
			}
		case logoAuto:
			// The spaced layout holds every row: more rows than lines
			// cannot fit.
			if s.h == 0 || n <= s.h {
				if lines := build(title, full, n, false); fits(lines) && lipgloss.Width(full) <= max(s.w, 20) {
					return lines
				}
			}
		}
		compact = BrandBlock(st, s.c.Provider, s.c.Product, max(s.w, 20), true)
	}
	if lines, ok := dense(title, compact); ok {
		return lines
	}
	if lines := build("", compact, 1, true); fits(lines) {
		return lines
	}
	lines := build("", "", 1, true)
	if fits(lines) {
		return lines
	}
	if head[0] == st.Success.Render("✓ Paired") {
		// The plain tick says no more than the screen does.
		head = nil
		if lines = build("", "", 1, true); fits(lines) {
			return lines
		}
	}
	return cutAbove(lines, s.h, len(linesOf(actions)))
}

// blanks counts the blank lines fit may drop.
func blanks(lines []string) int {
	n := 0
	for _, l := range lines {
		if l == "" {
			n++
		}
	}
	return n
}

// linesOf splits rendered blocks into single lines.
func linesOf(blocks []string) []string {
	var out []string
	for _, b := range blocks {
		out = append(out, strings.Split(b, "\n")...)
	}
	return out
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

// clipLines cuts every line to w cells without wrapping, marking a cut
// with "…" so a long name or value does not look complete.
func clipLines(lines []string, w int) []string {
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return lines
}

// truncateText cuts s to n display cells, marking the cut with "…": wide
// characters (CJK, emoji) take two cells each, so runes cannot be counted.
func truncateText(s string, n int) string { return ansi.Truncate(s, n, "…") }

// padCells cuts s to n cells and pads it with spaces to exactly n cells.
func padCells(s string, n int) string {
	s = truncateText(s, n)
	return s + strings.Repeat(" ", max(n-ansi.StringWidth(s), 0))
}
