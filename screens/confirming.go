package screens

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// ConfirmingKeys are the confirming screen's keys.
type ConfirmingKeys struct {
	Test   key.Binding
	Cancel key.Binding
	Wait   key.Binding
}

// ConfirmingScreen shows the confirmation code large while the merchant
// confirms on the terminal.
type ConfirmingScreen struct {
	c       Common
	keys    ConfirmingKeys
	pairing providers.Pairing
	started time.Time
	spin    spinner.Model
	static  bool // frozen spinner for goldens

	attempt int
	warning string
	// note is the last Test now's finding; unlike a poll warning it stays
	// until the next Test now, a real status change or a network warning,
	// or the poll right after would wipe it before it can be read.
	note       string
	noteAt     time.Time
	cancelling bool
	testing    bool
	timedOut   bool
	w, h       int
	logo       logoChoice
	// parts are the drawings that change only with the code, the width or
	// the styles (the code's cards, the brand blocks, the steps), kept
	// across frames: the spinner and the elapsed time redraw the screen
	// every tick, and the cards were half of a frame's cost.
	parts confirmParts
}

// confirmParts are ConfirmingScreen's fixed drawings, for key (whose
// width is never 0, so the zero value is never taken for a drawing).
type confirmParts struct {
	key                 confirmKey
	full, compact       string // brand blocks
	roomy, tight, plain card
	steps               string
}

// card is a drawing of the code with its width, measured once.
type card struct {
	s string
	w int
}

func newCard(s string) card { return card{s, lipgloss.Width(s)} }

type confirmKey struct {
	env   fixedEnv
	code  string
	w     int
	mark  bool
	steps string
}

// NewConfirming starts the screen; the elapsed time counts from the clock's
// now. staticSpinner freezes the spinner on its first frame.
func NewConfirming(c Common, p providers.Pairing, staticSpinner bool) *ConfirmingScreen {
	return &ConfirmingScreen{
		c: c,
		keys: ConfirmingKeys{
			Test:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "check for the confirmation now")),
			Cancel: key.NewBinding(key.WithKeys("esc", "c"), key.WithHelp("esc/c", "cancel")),
			Wait:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keep waiting"), key.WithDisabled()),
		},
		pairing: p,
		started: c.Clock.Now(),
		spin:    spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Info)),
		static:  staticSpinner,
	}
}

// PairingID is the pairing being confirmed.
func (s *ConfirmingScreen) PairingID() string { return s.pairing.ID }

// Cancelling reports whether a cancel is in flight.
func (s *ConfirmingScreen) Cancelling() bool { return s.cancelling }

// StartCancel shows a cancel started elsewhere (quitting) as if Cancel
// had been pressed.
func (s *ConfirmingScreen) StartCancel() { s.cancelling = true }

// Waiting records a poll that said "not yet".
func (s *ConfirmingScreen) Waiting(attempt int) { s.attempt, s.warning = attempt, "" }

// Warn shows a retryable failure while waiting goes on; it replaces a
// Test now's note.
func (s *ConfirmingScreen) Warn(line string) { s.warning, s.note = line, "" }

// TestDone ends a Test now; note (may be "") says what it found.
func (s *ConfirmingScreen) TestDone(note string) {
	s.testing, s.note, s.noteAt = false, note, s.c.Clock.Now()
}

// TimedOut stops the live wait: the confirm window passed. r waits again.
func (s *ConfirmingScreen) TimedOut(line string) {
	s.timedOut, s.testing, s.warning, s.note = true, false, line, ""
	s.keys.Wait.SetEnabled(true)
}

// CancelFailed re-enables the screen after a failed cancel.
func (s *ConfirmingScreen) CancelFailed() {
	s.cancelling = false
	s.timedOut = false
	s.keys.Wait.SetEnabled(false)
}

// ID implements Screen.
func (s *ConfirmingScreen) ID() ID { return Confirming }

func (s *ConfirmingScreen) Init() tea.Cmd {
	if s.static {
		return nil
	}
	return s.spin.Tick
}

func (s *ConfirmingScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *ConfirmingScreen) ShortHelp() []key.Binding {
	if s.cancelling {
		return nil
	}
	if s.timedOut {
		// Cancel before Test now: a narrow footer drops from the end, and
		// the way out must stay (as Keep waiting, the way on, does).
		return []key.Binding{s.keys.Wait, s.keys.Cancel, s.keys.Test}
	}
	// Cancel first: the footer drops its last keys first when narrow.
	return []key.Binding{s.keys.Cancel, s.keys.Test}
}

// actions are the screen's buttons, as on the other screens (SCI's
// certification list asks for Test and Cancel on this one); none while a
// cancel is in flight, and Keep waiting once the wait stopped.
func (s *ConfirmingScreen) actions() string {
	if s.cancelling {
		return ""
	}
	st := s.c.Styles
	keep := ""
	if s.timedOut {
		keep = widgets.Button(st, "Keep waiting", "r", widgets.Primary)
	}
	return widgets.Buttons(keep,
		widgets.Button(st, "Test now", "t", widgets.Primary),
		widgets.Button(st, "Cancel", "esc", widgets.Secondary))
}

func (s *ConfirmingScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp()}
}

func (s *ConfirmingScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case WaitingMsg:
		s.Waiting(msg.Attempt)
	case WarnMsg:
		s.Warn(msg.Line)
	case TestedMsg:
		s.TestDone(msg.Note)
	case TimedOutMsg:
		s.TimedOut(msg.Line)
	case CancelStartedMsg:
		s.StartCancel()
	case CancelFailedMsg:
		s.CancelFailed()
	case tea.KeyMsg:
		if s.cancelling {
			return s, nil
		}
		switch {
		case key.Matches(msg, s.keys.Cancel):
			s.cancelling = true
			return s, send(CancelMsg{PairingID: s.pairing.ID})
		case key.Matches(msg, s.keys.Wait):
			s.timedOut, s.warning = false, ""
			s.keys.Wait.SetEnabled(false)
			s.started = s.c.Clock.Now()
			return s, send(WaitAgainMsg{PairingID: s.pairing.ID})
		case key.Matches(msg, s.keys.Test):
			s.testing, s.note = true, ""
			return s, send(TestMsg{PairingID: s.pairing.ID})
		}
	case spinner.TickMsg:
		if s.static {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return s, cmd
	}
	return s, nil
}

func (s *ConfirmingScreen) elapsed() string {
	d := s.c.Clock.Since(s.started)
	if d < 0 {
		d = 0
	}
	d = d.Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (s *ConfirmingScreen) View() string {
	st := s.c.Styles
	w := max(s.w, 20)
	code := s.pairing.ConfirmationCode
	p := s.fixedParts(w)
	status := s.spin.View() + st.Text.Render(" Waiting for confirmation on the terminal… ") + st.Value.Render(s.elapsed())
	switch {
	case s.cancelling:
		status = st.Warning.Render("Cancelling…")
	case s.timedOut:
		status = st.Warning.Render("Stopped waiting: not confirmed in time")
	case s.testing:
		status = s.spin.View() + st.Text.Render(" Checking for the confirmation now… ") + st.Value.Render(s.elapsed())
	}
	var notes []string
	if s.warning != "" {
		notes = append(notes, widgets.Hang(st.Warning, "! ", s.warning, w))
	} else if note := s.liveNote(); note != "" {
		notes = append(notes, widgets.Hang(st.Warning, "! ", note, w))
	}
	if s.pairing.PairingNickname != "" {
		notes = append(notes, "", st.FieldLabel.Render("Pairing Nickname  ")+
			st.Value.Render(truncateText(s.pairing.PairingNickname, max(w-18, 8))))
	}
	var actions []string
	if a := s.actions(); a != "" {
		if !s.timedOut {
			// Test now checks at once rather than at the next poll.
			if b := a + st.Faint.Render("   Test now checks for the confirmation now"); lipgloss.Width(b) <= w {
				a = b
			}
		}
		actions = []string{"", a}
	}
	steps := p.steps
	build := func(brand, card string, withSteps bool) []string {
		var lines []string
		if brand != "" {
			lines = append(lines, brand, "")
		}
		if code == "" {
			// The terminal confirms on its own (a SumUp Solo): no code to
			// compare, the descriptor's steps say what happens there.
			lines = append(lines, st.Heading.Render("Waiting for the terminal"), "")
		} else {
			lines = append(lines, st.Heading.Render("Confirm the pairing"), "", st.FieldLabel.Render("Confirmation code"), card, "")
		}
		if withSteps {
			lines = append(lines, steps, "")
		}
		return append(append(append(lines, status), notes...), actions...)
	}
	full, compact, roomy, tight, plain := p.full, p.compact, p.roomy, p.tight, p.plain
	type try struct {
		brand string
		card  card
		steps bool
	}
	var tries []try
	if s.logo != logoCompact {
		tries = append(tries, try{full, roomy, true})
	}
	tries = append(tries, try{compact, roomy, true})
	if s.logo != logoCompact {
		tries = append(tries, try{full, tight, true})
	}
	tries = append(tries, try{compact, tight, true}, try{compact, tight, false},
		try{compact, plain, false}, try{"", plain, false}, try{"", newCard(st.Code.Render(code)), false})
	// The actions are how the merchant gets out of this screen, so the
	// rest gives way first: blank lines, the full mark, the card's room,
	// the instructions (the status line says what is awaited), the big
	// digits; what still does not fit is cut above the actions.
	// Room around the code matters more than the full mark: every layout
	// is tried with its blank lines before any loses them.
	var lines []string
	for _, drop := range []int{2, len(tries) + 20} {
		for _, t := range tries {
			if t.card.w > w {
				continue
			}
			lines = build(t.brand, t.card.s, t.steps)
			if s.h > 0 {
				lines = fitBlanksMax(lines, s.h, drop)
			}
			if s.h == 0 || linesHeight(lines) <= s.h {
				return join(lines...)
			}
		}
	}
	keep := 0
	if len(actions) > 0 {
		keep = lipgloss.Height(actions[1])
	}
	return join(cutAbove(lines, s.h, keep)...)
}

// fixedParts are the drawings that follow only the code, the width and
// the styles, drawn again only when one of those changed.
func (s *ConfirmingScreen) fixedParts(w int) *confirmParts {
	k := confirmKey{env: fixedEnvOf(s.c.Styles), code: s.pairing.ConfirmationCode, w: w, mark: s.hasMark(), steps: s.confirmSteps()}
	p := &s.parts
	if p.key == k {
		return p
	}
	st := s.c.Styles
	*p = confirmParts{key: k}
	if k.mark {
		p.full, p.compact = BrandBlock(st, s.c.Provider, s.c.Product, w, false), BrandBlock(st, s.c.Provider, s.c.Product, w, true)
	}
	big := st.Code.Render(assets.BigDigits(k.code))
	p.roomy, p.tight = newCard(widgets.Card(st, big, true)), newCard(widgets.Card(st, big, false))
	p.plain = newCard(widgets.Card(st, st.Code.Render(k.code), false))
	p.steps = widgets.Para(st.Text, k.steps, w)
	return p
}

// confirmSteps is what to do on the terminal: compare the code shown
// there, or, for a pairing without one, the descriptor's confirm steps.
func (s *ConfirmingScreen) confirmSteps() string {
	if s.pairing.ConfirmationCode != "" {
		return "Check the terminal shows the same code, then confirm on the terminal."
	}
	if steps := descriptor(s.c.Provider).WaitingSteps(); len(steps) > 0 {
		return strings.Join(steps, " ")
	}
	return "Confirm the pairing on the terminal."
}

// hasMark: the provider has a mark to show (its descriptor's branding).
func (s *ConfirmingScreen) hasMark() bool { return descriptor(s.c.Provider).Branding.Logo != "" }

// SetLogo implements LogoSetter.
func (s *ConfirmingScreen) SetLogo(full bool) { s.logo = choiceOf(full) }

// noteTTL is how long a Test now's finding stays: after that it describes
// a moment long past, while the wait goes on.
const noteTTL = 30 * time.Second

// liveNote is the last Test now's finding while it is recent.
func (s *ConfirmingScreen) liveNote() string {
	if s.note == "" || s.c.Clock.Since(s.noteAt) > noteTTL {
		return ""
	}
	return s.note
}

// fitBlanksMax is fitBlanks dropping at most n blank lines.
func fitBlanksMax(lines []string, h, n int) []string {
	height := linesHeight(lines)
	for i := len(lines) - 1; i >= 0 && height > h && n > 0; i-- {
		if lines[i] == "" {
			lines = slices.Delete(lines, i, i+1)
			height--
			n--
		}
	}
	return lines
}

// fitBlanks drops blank spacing lines from the bottom up until lines fit
// in h, so a small terminal loses the gaps around the buttons before the
// ones that set the code apart.
func fitBlanks(lines []string, h int) []string {
	height := 0
	for _, l := range lines {
		height += lipgloss.Height(l)
	}
	for i := len(lines) - 1; i >= 0 && height > h; i-- {
		if lines[i] == "" {
			lines = slices.Delete(lines, i, i+1)
			height--
		}
	}
	return lines
}

// cutAbove fits blocks into h lines by cutting lines just above the last
// keep lines (a screen's action row), so what is cut is the least urgent
// part nearest the end and the way on stays on screen.
func cutAbove(blocks []string, h, keep int) []string {
	lines := linesOf(blocks)
	if len(lines) <= h {
		return lines
	}
	keep = min(keep, len(lines), h)
	tail := lines[len(lines)-keep:]
	return append(lines[:h-keep:h-keep], tail...)
}
