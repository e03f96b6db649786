package screens

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
	para := lipgloss.NewStyle().Width(max(s.w, 20))
	lines := []string{st.Title.Render(s.words.Title)}
	if s.subject != "" {
		lines = append(lines, para.Render(st.Label.Render("Pairing  ")+st.Value.Render(s.subject)))
	}
	lines = append(lines, "", para.Render(st.Error.Render("✗ "+s.words.Line)))
	detailAt := len(lines)
	if s.words.Detail != "" {
		lines = append(lines, para.Render(st.Faint.Render("  "+s.words.Detail)))
	}
	lines = append(lines, "", para.Render(st.Text.Render(s.words.Next)))
	var actions string
	if s.keys.Retry.Enabled() {
		actions += st.Button.Render("[ Try again ]") + st.Faint.Render(" r   ")
	}
	if s.keys.Forget.Enabled() {
		actions += st.Button.Render("[ Forget pairing ]") + st.Faint.Render(" f   ")
	}
	if s.keys.Setup.Enabled() {
		actions += st.Button.Render("[ Setup ]") + st.Faint.Render(" s   ")
	}
	actions += st.Button.Render("[ Back ]") + st.Faint.Render(" enter")
	actions = para.Render(actions)
	lines = append(lines, "", actions)
	if s.h == 0 {
		return join(lines...)
	}
	if s.words.Detail != "" && lipgloss.Height(join(fitBlanks(slices.Clone(lines), s.h)...)) > s.h {
		// The detail is the least needed line: it goes before anything
		// the merchant acts on is cut.
		lines = slices.Delete(lines, detailAt, detailAt+1)
	}
	// The buttons are the way on: spacing goes first, then what does not
	// fit is cut above them.
	return join(cutAbove(fitBlanks(lines, s.h), s.h, lipgloss.Height(actions))...)
}
