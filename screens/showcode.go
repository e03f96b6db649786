package screens

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// ShowCodeKeys are the show-code screen's keys.
type ShowCodeKeys struct {
	// NewCode asks for a new code; enabled once the code expired or the
	// cloud gave up on it.
	NewCode key.Binding
	Cancel  key.Binding
}

// DefaultShowCodeKeys are r for a new code and esc (or c) to cancel.
func DefaultShowCodeKeys() ShowCodeKeys {
	return ShowCodeKeys{
		NewCode: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "new code"), key.WithDisabled()),
		Cancel:  key.NewBinding(key.WithKeys("esc", "c"), key.WithHelp("esc", "cancel")),
	}
}

// Typed results of the show-code screen, for the root to act on.
type (
	// ShowCodeCancelled: the operator stopped waiting. The cloud cannot
	// withdraw the code (Descriptor.CanCancel false), so it stays usable
	// until ValidUntil; the root forgets the pending pairing and says so.
	ShowCodeCancelled struct {
		PairingID, Code string
		ValidUntil      time.Time
	}
	// NewCodeRequested: the operator wants a fresh code (the old one
	// expired). The root starts a new pairing attempt (a new
	// PairRequest.Attempt) and answers with ShowCode.SetPairing.
	NewCodeRequested struct{ PairingID string }
)

// showCodeTick re-renders the countdown; id ties it to one screen.
type showCodeTick struct{ id int64 }

var showCodeIDs atomic.Int64

var _ Screen = (*ShowCode)(nil)

// ShowCode is the generic screen of the CodeFromPOS model: the register
// shows the code the cloud made, large enough to read from a step away, a
// live countdown to its expiry, the descriptor's steps for the terminal,
// and waits while the root polls. The countdown is computed from
// Common.Clock on every render; ticks (real time, none with
// Common.StaticSpinner) only ask for a render.
type ShowCode struct {
	c       Common
	d       *providers.Descriptor
	keys    ShowCodeKeys
	pairing providers.Pairing
	// loc is the zone of the expiry time shown (time.Local by default).
	loc  *time.Location
	spin spinner.Model
	id   int64

	requesting bool   // asking the cloud for a code
	expired    bool   // told so by the root, or past ExpiresAt
	reason     string // why the code is no good, "" for plain expiry
	warning    string // a retryable failure while waiting
	cancelled  bool
	w, h       int
}

// NewShowCode shows p's code (p.ConfirmationCode, until p.ExpiresAt) for
// provider d. A p without a code shows the screen asking for one.
func NewShowCode(c Common, d *providers.Descriptor, p providers.Pairing) *ShowCode {
	s := &ShowCode{
		c: c, d: d, keys: DefaultShowCodeKeys(), loc: time.Local,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Info)),
		id:   showCodeIDs.Add(1),
	}
	s.SetPairing(p)
	return s
}

// SetLocation sets the zone the expiry time is shown in.
func (s *ShowCode) SetLocation(loc *time.Location) {
	if loc != nil {
		s.loc = loc
	}
}

// SetPairing shows a (new) code; a pairing without one shows the
// request in flight.
func (s *ShowCode) SetPairing(p providers.Pairing) {
	p.ConfirmationCode = plain(p.ConfirmationCode)
	s.pairing = p
	s.requesting = p.ConfirmationCode == ""
	s.expired, s.reason, s.warning, s.cancelled = false, "", "", false
	s.keys.NewCode.SetEnabled(false)
}

// Pairing is the pairing shown.
func (s *ShowCode) Pairing() providers.Pairing { return s.pairing }

// Requesting shows that a new code is being asked for.
func (s *ShowCode) Requesting() {
	s.requesting, s.expired, s.reason, s.warning = true, false, "", ""
	s.keys.NewCode.SetEnabled(false)
}

// Expired ends the wait: the code can no longer be used. reason says why
// when it is not plain expiry ("Square could not report the code's
// state"); r then asks for a new code.
func (s *ShowCode) Expired(reason string) {
	s.expired, s.reason, s.warning = true, plain(reason), ""
	s.keys.NewCode.SetEnabled(true)
}

// Warn shows a retryable failure (network, rate limit) while waiting goes
// on; "" clears it.
func (s *ShowCode) Warn(line string) { s.warning = plain(line) }

// plain is transport.CleanText, the clients' one sanitiser: this screen
// draws what any provider hands it as text, relying on no client.
func plain(s string) string { return transport.CleanText(s) }

// IsExpired reports whether the code is no longer usable: the root said
// so, or the clock passed its expiry.
func (s *ShowCode) IsExpired() bool {
	return s.expired || !s.requesting && !s.pairing.ExpiresAt.IsZero() && !s.c.Clock.Now().Before(s.pairing.ExpiresAt)
}

func (s *ShowCode) Init() tea.Cmd {
	if s.c.StaticSpinner {
		return nil
	}
	return tea.Batch(s.spin.Tick, s.tick())
}

func (s *ShowCode) tick() tea.Cmd {
	id := s.id
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return showCodeTick{id: id} })
}

// ID is ShowCodeView.
func (s *ShowCode) ID() ID { return ShowCodeView }

func (s *ShowCode) SetSize(w, h int) { s.w, s.h = w, h }

func (s *ShowCode) ShortHelp() []key.Binding {
	if s.cancelled {
		return nil
	}
	if s.IsExpired() && !s.requesting {
		nc := s.keys.NewCode
		nc.SetEnabled(true)
		return []key.Binding{nc, s.keys.Cancel}
	}
	return []key.Binding{s.keys.Cancel}
}

func (s *ShowCode) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *ShowCode) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case WarnMsg:
		s.Warn(msg.Line)
	case TimedOutMsg:
		s.Expired(msg.Line)
	case tea.KeyMsg:
		if s.cancelled {
			return s, nil
		}
		if s.IsExpired() {
			s.keys.NewCode.SetEnabled(true)
		}
		switch {
		case key.Matches(msg, s.keys.Cancel):
			s.cancelled = true
			return s, send(ShowCodeCancelled{PairingID: s.pairing.ID, Code: s.pairing.ConfirmationCode, ValidUntil: s.pairing.ExpiresAt})
		case key.Matches(msg, s.keys.NewCode) && !s.requesting:
			id := s.pairing.ID
			s.Requesting()
			return s, send(NewCodeRequested{PairingID: id})
		}
	case showCodeTick:
		if msg.id != s.id || s.cancelled || s.c.StaticSpinner {
			return s, nil
		}
		if s.IsExpired() {
			s.keys.NewCode.SetEnabled(true)
		}
		return s, s.tick()
	case spinner.TickMsg:
		if s.c.StaticSpinner {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return s, cmd
	}
	return s, nil
}

// remaining is the time left, never negative.
func (s *ShowCode) remaining() time.Duration {
	return max(s.pairing.ExpiresAt.Sub(s.c.Clock.Now()), 0)
}

func clockText(d time.Duration) string {
	// Rounded up: "0:00" only once the code has expired.
	d = (d + time.Second - 1).Truncate(time.Second)
	return fmt.Sprintf("%d:%02d", int(d/time.Minute), int(d%time.Minute/time.Second))
}

// product is the provider's name in running text.
func (s *ShowCode) product() string {
	if s.d != nil && s.d.Short != "" {
		return s.d.Short
	}
	return s.c.Product
}

func (s *ShowCode) title() string {
	return "Sign in on the " + s.terminal() + " with this code"
}

// terminal names the device in running text ("Square Terminal").
func (s *ShowCode) terminal() string {
	if s.d != nil && s.d.Short != "" {
		return s.d.Short + " Terminal"
	}
	return "terminal"
}

func (s *ShowCode) steps(compact bool) []string {
	if s.d == nil {
		return nil
	}
	steps := s.d.WaitingSteps()
	if len(steps) == 0 {
		steps = s.d.Steps.Pair
	}
	if compact && len(steps) > 1 {
		// The first step is what to do on the terminal; the rest is
		// reassurance a small screen can spare.
		return steps[:1]
	}
	return steps
}

func (s *ShowCode) codeLabel() string {
	if s.d != nil && s.d.Labels.Confirmation != "" {
		return s.d.Labels.Confirmation
	}
	return "Code"
}

// View lays the screen out, giving way from the bottom when it is short:
// blank lines first, then the card's padding, then the numbered steps for
// the one-paragraph version, then the big glyphs for the plain code. The
// actions (the way out) stay.
func (s *ShowCode) View() string {
	w := s.w
	if w <= 0 {
		w = 80 // before the first SetSize
	}
	type variant struct {
		big, padded, fullSteps bool
	}
	var lines []string
	for _, v := range []variant{{true, true, true}, {true, false, true}, {true, false, false}, {false, false, false}} {
		lines = s.build(w, v.big, v.padded, v.fullSteps)
		if s.h == 0 || linesHeight(lines) <= s.h {
			return join(clipLines(linesOf(lines), w)...)
		}
		if lines = fitBlanks(lines, s.h); linesHeight(lines) <= s.h {
			return join(clipLines(linesOf(lines), w)...)
		}
	}
	keep := 0
	if a := s.actions(s.IsExpired(), w); a != "" {
		keep = lipgloss.Height(a)
	}
	return join(clipLines(cutAbove(lines, s.h, keep), w)...)
}

func (s *ShowCode) build(w int, big, padded, fullSteps bool) []string {
	st := s.c.Styles
	para := lipgloss.NewStyle().Width(w)
	expired := s.IsExpired()
	lines := []string{st.Title.Render(truncateText(s.title(), w)), ""}

	// The code: large in a card, or plainly when the card does not fit.
	code := s.pairing.ConfirmationCode
	codeStyle := st.Code
	if expired {
		codeStyle = st.Faint
	}
	card := st.Card
	if !padded {
		card = card.Padding(0, 2)
	}
	if expired {
		card = card.BorderForeground(s.c.Styles.Theme.Border)
	}
	var body string
	switch {
	case s.requesting:
		body = st.Faint.Render("Asking " + s.product() + " for a code…")
	default:
		body = codeStyle.Render(spaced(code))
		if g, ok := bigCode(code); ok && big {
			body = codeStyle.Render(g)
		}
	}
	box := card.Render(body)
	if lipgloss.Width(box) > w {
		box = card.Padding(0, 1).Render(codeStyle.Render(spaced(code)))
	}
	if lipgloss.Width(box) > w {
		box = codeStyle.Render(code)
	}
	lines = append(lines, box)

	// The code in plain text and the countdown.
	if !s.requesting {
		lines = append(lines, s.countdown(w, expired))
	}

	// The steps on the terminal, while the code is good.
	if !expired && !s.cancelled {
		lines = append(lines, "")
		steps := s.steps(!fullSteps)
		for i, step := range steps {
			if len(steps) == 1 {
				lines = append(lines, para.Render(st.Text.Render(step)))
				continue
			}
			// Numbered, wrapped under the text rather than the number.
			prefix := fmt.Sprintf("%d. ", i+1)
			text := lipgloss.NewStyle().Width(max(w-len(prefix), 10)).Render(st.Text.Render(step))
			lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, st.Text.Render(prefix), text))
		}
	}

	// Where things stand.
	lines = append(lines, "")
	var status string
	switch {
	case s.cancelled:
		status = st.Warning.Render("Cancelled.")
		if code != "" && !expired {
			status += st.Text.Render(" Code " + code + " stays usable until " + s.pairing.ExpiresAt.In(s.loc).Format("15:04:05") + "; ignore it.")
		}
	case s.requesting:
		status = s.spin.View() + st.Text.Render(" Getting a new code…")
	case expired && s.reason != "":
		status = st.Error.Render(s.reason+" — ") + st.Text.Render("press ") + st.Key.Render("r") + st.Text.Render(" for a new one")
	case expired:
		status = st.Error.Render("Code expired — ") + st.Text.Render("press ") + st.Key.Render("r") + st.Text.Render(" for a new one")
	default:
		status = s.spin.View() + st.Text.Render(" Waiting for the "+s.terminal()+" to sign in…")
	}
	lines = append(lines, para.Render(status))
	if s.warning != "" && !expired && !s.cancelled {
		lines = append(lines, para.Render(st.Warning.Render("! "+s.warning)))
	}

	if a := s.actions(expired, w); a != "" {
		lines = append(lines, "", a)
	}
	return lines
}

// countdown is the code in plain text and the time it has left, shorter
// where the width asks: the label goes first, then the clock time, so the
// code and its countdown stay.
func (s *ShowCode) countdown(w int, expired bool) string {
	st := s.c.Styles
	code := s.pairing.ConfirmationCode
	until := st.Faint.Render(" (at " + s.pairing.ExpiresAt.In(s.loc).Format("15:04:05") + ")")
	var left string
	switch d := s.remaining(); {
	case expired:
		left, until = st.Error.Render("expired"), ""
	case s.pairing.ExpiresAt.IsZero():
		left, until = st.Faint.Render("no expiry given"), ""
	case d < time.Minute:
		left = st.Warning.Render("expires in " + clockText(d))
	default:
		left = st.Text.Render("expires in ") + st.Value.Render(clockText(d))
	}
	sep := st.Faint.Render("  ·  ")
	label := st.Label.Render(s.codeLabel() + " ")
	for _, line := range []string{
		label + st.Value.Render(code) + sep + left + until,
		st.Value.Render(code) + sep + left + until,
		st.Value.Render(code) + sep + left,
	} {
		if lipgloss.Width(line) <= w {
			return line
		}
	}
	return left
}

// spaced puts a space between a code's characters, for a plain rendering
// that still reads character by character.
func spaced(code string) string { return strings.Join(strings.Split(code, ""), " ") }

// actions are the buttons, one under the other where they do not fit
// side by side.
func (s *ShowCode) actions(expired bool, w int) string {
	if s.cancelled {
		return ""
	}
	st := s.c.Styles
	cancel := widgets.Button(st, "Cancel", "esc", widgets.Secondary)
	if !expired || s.requesting {
		return cancel
	}
	renew := widgets.Button(st, "New code", "r", widgets.Primary)
	if row := renew + "   " + cancel; lipgloss.Width(row) <= w {
		return row
	}
	return renew + "\n" + cancel
}
