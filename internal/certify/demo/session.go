package demo

import (
	"context"
	"fmt"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/ui"
)

// Seed fixes every id, code and credential the sandbox makes.
const Seed = 51

// Session is one run of the app against a fresh in-process sandbox: a
// chain of scenarios plays on one session, and a new chain gets a new one.
type Session struct {
	Runtime *app.Runtime
	// Service is the runtime's pairing service (seeded: the SmartConnect
	// register ID repeats from run to run).
	Service *pairing.Service
	Clock   *StepClock
	Model   *ui.Model

	pane *paneFeed
	// delivered counts the answers the app got from its own commands, by
	// kind (read and written on the player's goroutine only).
	delivered map[ui.Answer]int
	cancel    context.CancelFunc
	mu        sync.Mutex
	log       []sandbox.Entry
}

// newSession builds the sandbox runtime and the real root model on it.
func newSession(parent context.Context, provider string, creds sandbox.Credentials) (*Session, error) {
	ctx, cancel := context.WithCancel(parent)
	s := &Session{Clock: NewStepClock(), cancel: cancel, delivered: map[ui.Answer]int{}}
	rt, err := app.Build(ctx, app.Options{
		ForceSandbox: true,
		Clock:        s.Clock,
		Sandbox:      sandbox.Options{Seed: Seed, Clock: s.Clock, RequestLog: s.record, Credentials: creds},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("starting the demo sandbox: %w", err)
	}
	s.Runtime = rt
	s.Service = rt.Service
	s.pane = &paneFeed{Terminals: app.Terminals(rt.Sandbox)}
	var attempts int
	s.Model = ui.New(ui.Options{
		Service: s.Service, Terminals: s.pane, Provider: provider,
		Badge: rt.Badge[provider], Badges: rt.Badge,
		// The UI's own ticks run on the plain fake clock: they are not waits
		// the player needs to advance to.
		Clock: s.Clock.FakeClock, StaticSpinner: true, Context: ctx,
		// Attempts by number, not at random: an idempotent create's key
		// (Square's) is in the request log, which must match between runs.
		NewAttempt: func() string { attempts++; return fmt.Sprintf("demo-attempt-%d", attempts) },
	})
	s.pane.settle()
	return s, nil
}

// markDelivered counts msg if it is one of the app's answers (ui.AnswerOf).
func (s *Session) markDelivered(msg tea.Msg) {
	if a := ui.AnswerOf(msg); a != ui.AnswerNone {
		s.delivered[a]++
	}
}

func (s *Session) record(e sandbox.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, e)
}

// LogLen is how many requests the sandbox has served.
func (s *Session) LogLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// Log returns the entries from index from on, with the sandbox's address
// replaced by "http://sandbox" so logs do not depend on the port.
func (s *Session) Log(from int) []sandbox.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from > len(s.log) {
		from = len(s.log)
	}
	base := strings.TrimSuffix(s.Runtime.Sandbox.Info().ControlURL(), "/control")
	out := make([]sandbox.Entry, 0, len(s.log)-from)
	for _, e := range s.log[from:] {
		e.RequestBody = strings.ReplaceAll(e.RequestBody, base, "http://sandbox")
		e.ResponseBody = strings.ReplaceAll(e.ResponseBody, base, "http://sandbox")
		out = append(out, e)
	}
	return out
}

// Close stops the model's background work and the sandbox.
func (s *Session) Close() error {
	s.Model.Update(ui.Quit())
	s.cancel()
	return s.Runtime.Close()
}
