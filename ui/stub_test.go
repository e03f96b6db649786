package ui

import (
	"context"
	"sync"
	"time"

	"github.com/tillpair/tillpair/pairing"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/ui/widgets"
)

// stubService answers from fixed data, for goldens that must not depend on
// timing. Flow tests use the real service over the sandbox instead.
type stubService struct {
	mu       sync.Mutex
	prov     providers.Provider
	pairings []providers.Pairing
	pairErr  error
}

func newStubService(ps ...providers.Pairing) *stubService {
	p, err := sci.New(sci.Config{PairingURL: "http://127.0.0.1:1/sci-pairing"})
	if err != nil {
		panic(err)
	}
	return &stubService{prov: p, pairings: ps}
}

func (s *stubService) Provider(id string) (providers.Provider, bool) {
	return s.prov, id == providers.SCI
}

func (s *stubService) Pair(context.Context, pairing.PairInput) (providers.Pairing, error) {
	return providers.Pairing{}, s.pairErr
}

// AwaitConfirmation waits until cancelled, like a terminal nobody touches.
func (s *stubService) AwaitConfirmation(ctx context.Context, _ string, _ func(pairing.Event)) (providers.Pairing, error) {
	<-ctx.Done()
	return providers.Pairing{}, &providers.Error{Kind: providers.KindCanceled}
}

// Cancel blocks until the model quits, so goldens can show "Cancelling…".
func (s *stubService) Cancel(ctx context.Context, _ string) error {
	<-ctx.Done()
	return ctx.Err()
}
func (s *stubService) Test(context.Context, string) (providers.Pairing, error) {
	return providers.Pairing{}, nil
}
func (s *stubService) Unpair(context.Context, string) error { return nil }
func (s *stubService) Forget(context.Context, string) error { return nil }
func (s *stubService) Refresh(context.Context) ([]pairing.CheckResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]pairing.CheckResult, len(s.pairings))
	for i, p := range s.pairings {
		out[i] = pairing.CheckResult{Pairing: p}
	}
	return out, nil
}
func (s *stubService) List() ([]providers.Pairing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]providers.Pairing(nil), s.pairings...), nil
}

// stubTerminals shows one fixed virtual terminal.
type stubTerminals struct{ view widgets.TerminalView }

func (t stubTerminals) Snapshot() []widgets.TerminalView { return []widgets.TerminalView{t.view} }
func (stubTerminals) StartPairing(string) error          { return nil }
func (stubTerminals) Confirm(string) error               { return nil }
func (stubTerminals) Unpair(string) error                { return nil }
func (stubTerminals) Changes() (<-chan struct{}, func()) {
	ch := make(chan struct{})
	var once sync.Once
	return ch, func() { once.Do(func() { close(ch) }) }
}

var goldenNow = time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC)

func activePairing(id, nick, tid, tnick string) providers.Pairing {
	return providers.Pairing{
		Provider: providers.SCI, ID: id, Status: providers.StatusActive,
		PairingNickname: nick, TID: tid, TerminalNickname: tnick,
		CreatedAt: goldenNow.Add(-time.Hour), CheckedAt: goldenNow.Add(-5 * time.Second),
	}
}
