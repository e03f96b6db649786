package ui

import (
	"context"
	"sync"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/registry"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/smartconnect"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/screens"
)

// stubService answers from fixed data, for goldens that must not depend on
// timing. Flow tests use the real service over the sandbox instead.
type stubService struct {
	mu       sync.Mutex
	provs    []providers.Provider
	pairings []providers.Pairing
	pairErr  error
	register *providers.RegisterIdentity
	change   pairing.RegisterChange
	saveErr  error
	// blockTest makes Test wait until the model quits, so goldens can show
	// the live "Testing…" state.
	blockTest bool
	// cancelErr, when set, is Cancel's immediate answer.
	cancelErr error
	// cancelGate, when set, holds Cancel until closed (or ctx ends), for a
	// cancel that outlives the model's context (cancelling before quit).
	cancelGate chan struct{}
	// cancelOK makes Cancel succeed at once.
	cancelOK bool
	cancels  int
	// paired, when set, is Pair's answer.
	paired *providers.Pairing
}

// newStubService offers the sandbox's providers (SCI, SmartConnect, Helcim, SumUp); their
// clients point at a closed port and are never called.
func newStubService(ps ...providers.Pairing) *stubService {
	p, err := sci.New(sci.Config{PairingURL: "http://127.0.0.1:1/sci-pairing"})
	if err != nil {
		panic(err)
	}
	sc, err := smartconnect.New(smartconnect.Config{BaseURL: "http://127.0.0.1:1/smartconnect/POS", Environment: smartconnect.EnvSandbox})
	if err != nil {
		panic(err)
	}
	h, err := helcim.New(helcim.Config{BaseURL: "http://127.0.0.1:1/helcim/v2"})
	if err != nil {
		panic(err)
	}
	su, err := sumup.New(sumup.Config{BaseURL: "http://127.0.0.1:1/sumup", MerchantCode: "MK10CL2A"})
	if err != nil {
		panic(err)
	}
	reg := goldenRegister()
	return &stubService{provs: []providers.Provider{p, sc, h, su}, pairings: ps, register: &reg}
}

func goldenRegister() providers.RegisterIdentity {
	return providers.RegisterIdentity{RegisterID: "7444ae07-dc63-4e9c-83e3-59a7c108cc80", RegisterName: "Main Register",
		BusinessName: "Toys Shop", VendorName: "Till2Go"}
}

func (s *stubService) Providers() []providers.Provider { return s.provs }

func (s *stubService) Provider(id string) (providers.Provider, bool) {
	for _, p := range s.provs {
		if p.ID() == id {
			return p, true
		}
	}
	return nil, false
}

func (s *stubService) Register() (providers.RegisterIdentity, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.register == nil {
		return providers.RegisterIdentity{}, false, nil
	}
	return *s.register, true, nil
}

func (s *stubService) SaveRegister(pairing.RegisterInput) (pairing.RegisterChange, error) {
	return s.change, s.saveErr
}

func (s *stubService) Pair(context.Context, pairing.PairInput) (providers.Pairing, error) {
	if s.paired != nil {
		return *s.paired, nil
	}
	return providers.Pairing{}, s.pairErr
}

// AwaitConfirmation waits until cancelled, like a terminal nobody touches.
func (s *stubService) AwaitConfirmation(ctx context.Context, _ string, _ func(pairing.Event)) (providers.Pairing, error) {
	<-ctx.Done()
	return providers.Pairing{}, &providers.Error{Kind: providers.KindCanceled}
}

// Cancel blocks until the model quits, so goldens can show "Cancelling…";
// cancelErr, cancelOK and cancelGate change that.
func (s *stubService) Cancel(ctx context.Context, _ string) error {
	s.mu.Lock()
	s.cancels++
	cerr := s.cancelErr
	s.mu.Unlock()
	if cerr != nil || s.cancelOK {
		return cerr
	}
	if s.cancelGate != nil {
		select {
		case <-s.cancelGate:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	<-ctx.Done()
	return ctx.Err()
}
func (s *stubService) Test(ctx context.Context, _ string) (providers.Pairing, error) {
	if s.blockTest {
		<-ctx.Done()
		return providers.Pairing{}, &providers.Error{Kind: providers.KindCanceled}
	}
	return providers.Pairing{}, nil
}
func (s *stubService) Unpair(context.Context, string) error { return nil }
func (s *stubService) Forget(context.Context, string) error { return nil }
func (s *stubService) RefreshWhere(ctx context.Context, keep func(providers.Pairing) bool) ([]pairing.CheckResult, error) {
	if s.blockTest {
		<-ctx.Done()
		return nil, &providers.Error{Kind: providers.KindCanceled}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []pairing.CheckResult
	for _, p := range s.pairings {
		if keep == nil || keep(p) {
			out = append(out, pairing.CheckResult{Pairing: p})
		}
	}
	return out, nil
}
func (s *stubService) ValidateCode(id, raw string) (string, error) {
	p, _ := s.Provider(id)
	return pairing.NormalizeCode(p.Capabilities().Code, raw)
}

// CancelUnconfirmed is Cancel detached from ctx and bounded by the
// session's one timeout, as the service's is.
func (s *stubService) CancelUnconfirmed(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pairing.CancelTimeout)
	defer cancel()
	return s.Cancel(ctx, id)
}

// EntryCheck re-checks the provider's pairings where the descriptor's
// check is silent, as the service's does.
func (s *stubService) EntryCheck(ctx context.Context, id string) ([]pairing.CheckResult, error) {
	d, _ := registry.All().Lookup(id)
	res, err := s.RefreshWhere(ctx, func(p providers.Pairing) bool { return p.Provider == id })
	for i := range res {
		res[i].Checked = d != nil && d.SilentCheck && res[i].Pairing.Status != providers.StatusUnpaired
	}
	return res, err
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
func (stubTerminals) SignIn(string, string) error        { return nil }
func (stubTerminals) Unpair(string) error                { return nil }
func (stubTerminals) SetAsleep(string, bool) error       { return nil }
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

// asked records a request of kind k as its Cmd would, for an answer a test
// sends itself.
func (m *Model) asked(k reqKind) req { return m.ask(k) }

// awaiting is the confirmation wait in flight (zero: none), asked by the
// confirming screen.
func (m *Model) awaiting() req {
	r := req{asker: m.kept[screens.Confirming]}
	for id, k := range m.reqs.pending {
		if k == reqAwait && id > r.id {
			r.id = id
		}
	}
	return r
}
