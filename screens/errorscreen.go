package screens

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/tui/widgets"
)

// ErrorKeys are the error screen's keys.
type ErrorKeys struct {
	Back   key.Binding
	Retry  key.Binding
	Forget key.Binding
	Setup  key.Binding
}

// ErrorScreen words a failure and offers the next step.
type ErrorScreen struct {
	c     Common
	keys  ErrorKeys
	words Wording
	// retry is re-sent on r (nil: no retry).
	retry tea.Msg
	// back is where enter/esc go.
	back      ID
	pairingID string // for Forget
	// subject names the pairing a per-pairing operation failed on ("": the
	// failure is not about one pairing).
	subject string
	w, h    int
	logo    logoChoice
}

// NewError builds the screen. retry (may be nil) is the intent to repeat;
// back is the screen enter/esc return to; pairingID enables Forget where
// the wording offers it.
func NewError(c Common, err error, retry tea.Msg, back ID, pairingID string) *ErrorScreen {
	return newError(c, Describe(err), retry, back, pairingID)
}

// NewCancelFailed is the error screen for a failed cancel of a pairing
// awaiting confirmation (see CancelFailedWording); retry re-sends the
// cancel.
func NewCancelFailed(c Common, err error, retry tea.Msg, back ID) *ErrorScreen {
	return newError(c, CancelFailedWording(err), retry, back, "")
}

func newError(c Common, w Wording, retry tea.Msg, back ID, pairingID string) *ErrorScreen {
	k := ErrorKeys{
		Back:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "back")),
		Retry:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try again")),
		Forget: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "forget pairing")),
		Setup:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "register setup")),
	}
	k.Setup.SetEnabled(w.Setup)
	k.Retry.SetEnabled(w.Retry && retry != nil)
	k.Forget.SetEnabled(w.Forget && pairingID != "")
	return &ErrorScreen{c: c, keys: k, words: w, retry: retry, back: back, pairingID: pairingID}
}

// About names the pairing the failure is about (its nickname, else its
// id), so with several pairings the merchant knows which one failed.
func (s *ErrorScreen) About(name string) *ErrorScreen {
	s.subject = name
	return s
}

// Wording is what the screen says.
func (s *ErrorScreen) Wording() Wording { return s.words }

// ID implements Screen.
func (s *ErrorScreen) ID() ID { return ErrorView }

func (s *ErrorScreen) Init() tea.Cmd    { return nil }
func (s *ErrorScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *ErrorScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Back, s.keys.Retry, s.keys.Forget, s.keys.Setup}
}
func (s *ErrorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *ErrorScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(km, s.keys.Back):
		return s, send(NavigateMsg{To: s.back})
	case key.Matches(km, s.keys.Retry):
		return s, send(s.retry)
	case key.Matches(km, s.keys.Forget):
		return s, send(ForgetMsg{PairingID: s.pairingID})
	case key.Matches(km, s.keys.Setup):
		return s, send(NavigateMsg{To: Setup})
	}
	return s, nil
}

func (s *ErrorScreen) View() string {
	st := s.c.Styles
	w := max(s.w, 20)
	var head []string
	head = append(head, st.Heading.Render(s.words.Title))
	if s.subject != "" {
		head = append(head, widgets.Para(st.FieldLabel, "Pairing  "+st.Value.Render(s.subject), w))
	}
	// Wrapped lines hang under the text, not under the ✗.
	head = append(head, "", widgets.Hang(st.Error, "✗ ", s.words.Line, w))
	detailAt := len(head)
	if s.words.Detail != "" {
		head = append(head, widgets.Hang(st.Faint, "  ", s.words.Detail, w))
	}
	head = append(head, "", widgets.Para(st.Text, s.words.Next, w))
	var buttons []string
	if s.keys.Retry.Enabled() {
		buttons = append(buttons, widgets.Button(st, "Try again", "r", widgets.Primary))
	}
	if s.keys.Forget.Enabled() {
		buttons = append(buttons, widgets.Button(st, "Forget pairing", "f", widgets.Danger))
	}
	if s.keys.Setup.Enabled() {
		buttons = append(buttons, widgets.Button(st, "Setup", "s", widgets.Secondary))
	}
	buttons = append(buttons, widgets.Button(st, "Back", "enter", widgets.Secondary))
	actions := lipgloss.NewStyle().Width(w).Render(widgets.Buttons(buttons...))
	build := func(brand string, head []string) []string {
		var lines []string
		if brand != "" {
			lines = append(lines, brand, "")
		}
		return append(append(lines, head...), "", actions)
	}
	var brands []string
	if descriptor(s.c.Provider).Branding.Logo != "" {
		if s.logo != logoCompact {
			brands = append(brands, BrandBlock(st, s.c.Provider, s.c.Product, w, false))
		}
		brands = append(brands, BrandBlock(st, s.c.Provider, s.c.Product, w, true))
	}
	brands = append(brands, "")
	if s.h == 0 {
		return join(build(brands[0], head)...)
	}
	for _, b := range brands {
		if lines := fitBlanks(build(b, slices.Clone(head)), s.h); linesHeight(lines) <= s.h {
			return join(lines...)
		}
	}
	if s.words.Detail != "" {
		// The detail is the least needed line: it goes before anything
		// the merchant acts on is cut.
		head = slices.Delete(head, detailAt, detailAt+1)
	}
	// The buttons are the way on: spacing goes first, then what does not
	// fit is cut above them.
	return join(cutAbove(fitBlanks(build("", head), s.h), s.h, lipgloss.Height(actions))...)
}

// SetLogo implements LogoSetter.
func (s *ErrorScreen) SetLogo(full bool) { s.logo = choiceOf(full) }
