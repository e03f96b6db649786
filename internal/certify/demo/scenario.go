package demo

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/ui"
)

// Scenario is one certification requirement on show: a few steps played
// on the real UI.
type Scenario struct {
	// Slug names the scenario in files (requests/<slug>.log).
	Slug string
	// Requirement is the caption's headline, e.g.
	// "SCIPAIRING07 Cancel calls Unpair".
	Requirement string
	// Fresh starts the scenario on a new session (new sandbox, empty
	// records); otherwise it continues from the scenario before it.
	Fresh bool
	Steps []Step
}

// Step is one action and the screen it must lead to.
type Step struct {
	// Slug names the step's screenshot.
	Slug string
	// Caption says what is on show while the step plays.
	Caption string
	// Do acts (sandbox calls happen here) and returns the messages to send
	// to the UI, in order: usually key presses.
	Do func(e *Env) ([]tea.Msg, error)
	// Until is true once the step's screen is reached; the next step waits
	// for it. Every step has one.
	Until func(e *Env, view string) bool
	// Expect names what Until waits for, for the error when it never comes.
	Expect string
	// Setup steps only get the session to where the scenario starts: they
	// play without a pause and are not screenshots.
	Setup bool
	// Shows lists the requirement keys (see Requirements) this step's
	// screen is evidence for.
	Shows []string
}

// Env is what a step can act on and look at.
type Env struct {
	Session  *Session
	Provider string
	// mark is the clock's wait count, logMark the request count, when the
	// step started; delivered the app's answers by kind so far.
	mark, logMark int
	delivered     map[ui.Answer]int
}

// Listed reports whether the app got a fresh pairing list since the step
// began. A step that goes back to the pairings waits for it: a list still
// on its way would otherwise land during a later step and undo what that
// step showed (a Forget, say).
func (e *Env) Listed() bool { return e.deliveredSince(ui.AnswerEntryCheck) > 0 }

// Refreshed is Listed for SCI, whose entry check re-checks pairing-info
// live and sets the "checked" times on screen.
func (e *Env) Refreshed() bool { return e.deliveredSince(ui.AnswerEntryCheck) > 0 }

func (e *Env) deliveredSince(kind ui.Answer) int {
	return e.Session.delivered[kind] - e.delivered[kind]
}

// Sandbox is the session's sandbox.
func (e *Env) Sandbox() *sandbox.Sandbox { return e.Session.Runtime.Sandbox }

// Terminal is the first virtual terminal of the provider on show.
func (e *Env) Terminal() (sandbox.Terminal, error) {
	for _, t := range e.Sandbox().Terminals() {
		if t.Provider == e.Provider {
			return t, nil
		}
	}
	return sandbox.Terminal{}, fmt.Errorf("the sandbox has no %s terminal", e.Provider)
}

// WaitedSinceStart reports whether the app started a wait on the clock
// (e.g. the next confirmation poll) after the step began.
func (e *Env) WaitedSinceStart() bool { return e.Session.Clock.Waits() > e.mark }

// requestsSinceStart counts requests whose path ends with suffix since the
// step began.
func (e *Env) requestsSinceStart(suffix string) int {
	n := 0
	for _, x := range e.Session.Log(e.logMark) {
		path, _, _ := strings.Cut(x.Target, "?")
		if strings.HasSuffix(path, suffix) {
			n++
		}
	}
	return n
}

// Key helpers for scripts.
func runes(s string) []tea.Msg {
	out := make([]tea.Msg, 0, len(s))
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

func keys(ks ...tea.KeyType) []tea.Msg {
	out := make([]tea.Msg, 0, len(ks))
	for _, k := range ks {
		out = append(out, tea.KeyMsg{Type: k})
	}
	return out
}

func concat(parts ...[]tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// showsAll is an Until that waits for every text. Spacing is ignored: a
// line wraps at a different word on a narrow screen.
func showsAll(texts ...string) func(*Env, string) bool {
	return func(_ *Env, view string) bool {
		flat := flatten(view)
		for _, t := range texts {
			if !strings.Contains(flat, flatten(t)) {
				return false
			}
		}
		return true
	}
}

// flatten turns every run of spaces and line breaks into one space.
func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

// Position names a step in a script.
type Position struct{ Scenario, Step int }

// Script is the scenarios of one provider.
type Script struct {
	Provider  string
	Scenarios []Scenario
}

// Next is the position after p, and false after the last step.
func (s Script) Next(p Position) (Position, bool) {
	if p.Step+1 < len(s.Scenarios[p.Scenario].Steps) {
		return Position{p.Scenario, p.Step + 1}, true
	}
	if p.Scenario+1 < len(s.Scenarios) {
		return Position{p.Scenario + 1, 0}, true
	}
	return p, false
}

// Prev is the shown (non-setup) step before p, or p itself at the start.
func (s Script) Prev(p Position) Position {
	q := p
	for {
		switch {
		case q.Step > 0:
			q.Step--
		case q.Scenario > 0:
			q.Scenario--
			q.Step = len(s.Scenarios[q.Scenario].Steps) - 1
		default:
			return q
		}
		if !s.Scenarios[q.Scenario].Steps[q.Step].Setup {
			return q
		}
	}
}

// ChainStart is the Fresh scenario that p's session began with.
func (s Script) ChainStart(scenario int) int {
	for i := scenario; i > 0; i-- {
		if s.Scenarios[i].Fresh {
			return i
		}
	}
	return 0
}

// Before reports whether p comes before q.
func (p Position) Before(q Position) bool {
	return p.Scenario < q.Scenario || p.Scenario == q.Scenario && p.Step < q.Step
}
