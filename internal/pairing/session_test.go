package pairing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	simhelcim "github.com/tillpair/tillpair/internal/sandbox/helcim"
	simlinkly "github.com/tillpair/tillpair/internal/sandbox/linkly"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	simsc "github.com/tillpair/tillpair/internal/sandbox/smartconnect"
	simsumup "github.com/tillpair/tillpair/internal/sandbox/sumup"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
	"github.com/tillpair/tillpair/providers/sumup"
)

// sessionWorld is every registered provider's client, each built by its
// descriptor from the sandbox's Info (as the app does), talking loopback
// HTTP to the simulated clouds. The sandbox and clients share the
// harness's fake clock; the service polls on its own fake clock, advanced
// whenever the service waits on it.
type sessionWorld struct {
	h       *sandboxtest.Harness
	svc     *pairing.Service
	clock   *clockwork.FakeClock
	secrets *keystore.MemorySecrets
}

func newSessionWorld(t *testing.T) *sessionWorld {
	t.Helper()
	h := sandboxtest.New(t, sandbox.Options{}, clouds.All()...)
	var provs []providers.Provider
	for _, d := range descriptors() {
		cfg := providers.Config{Environment: "sandbox", URLs: map[string]string{}, Credentials: map[string]providers.Secret{},
			HTTPClient: h.Client, Clock: h.Clock, Timeout: 10 * time.Second}
		for _, e := range d.Endpoints {
			cfg.URLs[e.Name] = h.Info.URL(e.Name)
		}
		for _, c := range d.Credentials {
			if v := h.Info.Credential(c.Name); v != "" {
				cfg.Credentials[c.Name] = providers.NewSecret(v)
			}
		}
		p, err := d.New(cfg)
		if err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		provs = append(provs, p)
	}
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &sessionWorld{h: h, clock: clockwork.NewFakeClock(), secrets: keystore.NewMemorySecrets()}
	w.svc = pairing.New(pairing.Config{Providers: provs, Registry: descriptors(), Secrets: w.secrets, Records: recs, Clock: w.clock})
	if _, err := w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Register 1", BusinessName: "Sandbox Store", VendorName: "tillpair"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// descriptors are the registered providers, and SumUp until it is
// registered.
func descriptors() providers.Registry {
	r := registry.All()
	if _, ok := r.Lookup(sumup.ID); !ok {
		r = append(r, sumup.Descriptor)
	}
	return r
}

func (w *sessionWorld) session(t *testing.T, id string) *pairing.Session {
	t.Helper()
	s, ok := w.svc.Session(id)
	if !ok {
		t.Fatalf("no session for %s", id)
	}
	return s
}

// code makes provider's start-up terminal show a code and returns it.
func (w *sessionWorld) code(t *testing.T, provider string) (term, code string) {
	t.Helper()
	id := w.h.FirstTerminal(provider).ID
	got, err := w.h.SB.StartPairing(id)
	if err != nil {
		t.Fatal(err)
	}
	return id, got.PairingCode
}

// drive advances the service's clock while it waits, until ctx ends.
func (w *sessionWorld) drive(ctx context.Context) {
	go func() {
		for w.clock.BlockUntilContext(ctx, 1) == nil {
			w.clock.Advance(time.Second)
		}
	}()
}

// The whole session for each provider whose terminal shows the code: the
// typed code is normalised once (lower case, a dash), a confirming
// provider's pairing is pending until its terminal confirms, the entry
// check re-checks only where the descriptor says it is silent, Test, then
// Unpair (remote) or the on-terminal error and Forget.
func TestSessionPerProvider(t *testing.T) {
	entryRoute := map[string]string{"sci": simsci.RoutePairingInfo, "smartconnect": simsc.RouteTransaction,
		"helcim": simhelcim.RoutePing, "sumup": simsumup.RouteGet, "linkly": simlinkly.RouteToken}
	for _, d := range descriptors() {
		if d.Model == providers.CodeFromPOS {
			continue
		}
		t.Run(d.ID, func(t *testing.T) {
			w := newSessionWorld(t)
			ctx := testCtx(t)
			s := w.session(t, d.ID)
			term, code := w.code(t, d.ID)
			typed := code
			if !d.Code.Digits && len(code) > 4 {
				typed = code[:4] + "-" + code[4:]
			}
			// The pair inputs (Linkly's username and password): the
			// sandbox's, under the same names.
			var inputs map[string]providers.Secret
			for _, c := range d.PairInputs {
				if inputs == nil {
					inputs = map[string]providers.Secret{}
				}
				inputs[c.Name] = providers.NewSecret(w.h.Info.Credential(c.Name))
			}
			p, err := s.Pair(ctx, pairing.PairInput{Code: typed, Nickname: "Front Bar", Inputs: inputs})
			if err != nil {
				t.Fatalf("Pair(%q) = %v", typed, err)
			}
			if d.Confirms {
				if p.Status != providers.StatusAwaitingConfirmation || s.Pending() != p.ID {
					t.Fatalf("after Pair: %+v, pending %q", p, s.Pending())
				}
				w.drive(ctx)
				confirmed := false
				p, err = s.Await(ctx, func(ev pairing.Event) {
					if ev.Type == pairing.EventWaiting && !confirmed {
						confirmed = true
						if _, err := w.h.SB.Confirm(term); err != nil {
							t.Error(err)
						}
					}
				})
				if err != nil {
					t.Fatalf("Await = %v", err)
				}
			}
			if p.Status != providers.StatusActive || s.Pending() != "" {
				t.Fatalf("paired: %+v, pending %q", p, s.Pending())
			}

			route := entryRoute[d.ID]
			before := w.h.SB.RequestCount(d.ID, route)
			res, err := s.EntryCheck(ctx)
			if err != nil || len(res) != 1 || res[0].Pairing.ID != p.ID || res[0].Err != nil {
				t.Fatalf("EntryCheck = %+v, %v", res, err)
			}
			sent := w.h.SB.RequestCount(d.ID, route) - before
			if d.SilentCheck != (sent > 0) {
				t.Errorf("entry check sent %d %s requests; descriptor SilentCheck %v", sent, route, d.SilentCheck)
			}
			if res[0].Checked != d.SilentCheck {
				t.Errorf("entry check result Checked %v; descriptor SilentCheck %v", res[0].Checked, d.SilentCheck)
			}

			// A SmartConnect test polls its transaction on the sandbox's
			// clock while the virtual terminal answers on it: move it on
			// once both wait.
			tctx, stop := context.WithCancel(ctx)
			go func() {
				for w.h.Clock.BlockUntilContext(tctx, 2) == nil {
					w.h.Clock.Advance(time.Second)
				}
			}()
			got, err := s.Test(ctx, "front bar")
			stop()
			if err != nil || got.Status != providers.StatusActive || got.CheckedAt.IsZero() {
				t.Fatalf("Test = %+v, %v", got, err)
			}
			err = s.Unpair(ctx, p.ID)
			if !d.RemoteUnpair {
				if providers.KindOf(err) != providers.KindUnpairOnTerminal {
					t.Fatalf("Unpair = %v; want unpair on the terminal", err)
				}
				err = s.Forget(ctx, p.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			if ps, err := s.Pairings(); err != nil || len(ps) != 0 {
				t.Errorf("left: %+v, %v", ps, err)
			}
		})
	}
}

// Abandon cancels a pairing that was never confirmed even when the
// front-end's context is already cancelled (Ctrl-C, quitting): the cloud
// unpairs it and nothing is kept here (SCIPAIRING07).
func TestSessionAbandonAfterInterrupt(t *testing.T) {
	for _, id := range []string{"sci", "sumup"} {
		t.Run(id, func(t *testing.T) {
			w := newSessionWorld(t)
			ctx := testCtx(t)
			s := w.session(t, id)
			term, code := w.code(t, id)
			p, err := s.Pair(ctx, pairing.PairInput{Code: code})
			if err != nil {
				t.Fatal(err)
			}
			waitCtx, interrupt := context.WithCancel(ctx)
			w.drive(ctx)
			if _, err := s.Await(waitCtx, func(pairing.Event) { interrupt() }); providers.KindOf(err) != providers.KindCanceled {
				t.Fatalf("Await = %v; want canceled", err)
			}
			if err := s.Abandon(waitCtx); err != nil {
				t.Fatalf("Abandon with a cancelled context = %v", err)
			}
			if s.Pending() != "" {
				t.Errorf("still pending %q", s.Pending())
			}
			if list, _ := w.svc.List(); len(list) != 0 {
				t.Errorf("records left: %+v", list)
			}
			if live := testkit.LivePairings(t, w.h.SB, term); len(live) != 0 {
				t.Errorf("left on the terminal: %+v", live)
			}
			if id == "sci" {
				if _, err := w.secrets.Get(keystore.SCIPartB(p.ID)); !keystore.IsNotFound(err) {
					t.Errorf("secret left: %v", err)
				}
			}
			// Nothing pending: a second Abandon is a no-op.
			if err := s.Abandon(ctx); err != nil {
				t.Errorf("second Abandon = %v", err)
			}
		})
	}
}

// CancelUnconfirmed leaves a confirmed pairing alone: a front-end that
// cancels on its way out cannot undo a pairing confirmed meanwhile.
func TestCancelUnconfirmedKeepsAConfirmedPairing(t *testing.T) {
	w := newSessionWorld(t)
	ctx := testCtx(t)
	s := w.session(t, "sci")
	term, code := w.code(t, "sci")
	p, err := s.Pair(ctx, pairing.PairInput{Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.h.SB.Confirm(term); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Test(ctx, p.ID); err != nil || got.Status != providers.StatusActive {
		t.Fatalf("Test = %+v, %v", got, err)
	}
	if err := w.svc.CancelUnconfirmed(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := w.svc.List(); len(list) != 1 || list[0].Status != providers.StatusActive {
		t.Errorf("records = %+v", list)
	}
	if err := w.svc.CancelUnconfirmed(ctx, "no-such-pairing"); err != nil {
		t.Errorf("CancelUnconfirmed of nothing = %v", err)
	}
}

// A code is checked in one place: ValidateCode (which Pair calls too),
// stamped with the provider, before anything is sent.
func TestSessionValidateCode(t *testing.T) {
	w := newSessionWorld(t)
	s := w.session(t, "sci")
	if got, err := s.ValidateCode(" 123-456 "); err != nil || got != "123456" {
		t.Errorf("ValidateCode = %q, %v", got, err)
	}
	_, err := s.ValidateCode("12a456")
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.KindInvalidCode || pe.Provider != "sci" || pe.Op != providers.OpPair || pe.HTTPStatus != 0 {
		t.Fatalf("ValidateCode(12a456) = %#v", err)
	}
	before := w.h.SB.RequestCount("sci", simsci.RouteProgressPairing)
	if _, err := s.Pair(testCtx(t), pairing.PairInput{Code: "12a456"}); providers.KindOf(err) != providers.KindInvalidCode {
		t.Errorf("Pair = %v", err)
	}
	if n := w.h.SB.RequestCount("sci", simsci.RouteProgressPairing) - before; n != 0 {
		t.Errorf("%d requests sent for an invalid code", n)
	}
	if _, ok := w.svc.Session("nope"); ok {
		t.Error("a session for an unknown provider")
	}
}

// posProvider is a code_from_pos provider (Square's model) in memory: Pair
// gets no code and answers the code to show; a check learns the device
// once the code is signed in on the terminal.
type posProvider struct {
	clock    clockwork.Clock
	signedIn chan struct{}
	codes    []string // what Pair was sent
	attempts []string // the attempts Pair was sent
	fail     int      // how many Pairs fail (a lost answer) before one succeeds
}

func (p *posProvider) ID() string { return "pos" }
func (p *posProvider) Capabilities() providers.Capabilities {
	return providers.Capabilities{NeedsConfirmation: true, CanTest: true,
		Code: providers.CodeSpec{Label: "Device code", MinLen: 6, MaxLen: 6}}
}

func (p *posProvider) Pair(_ context.Context, req providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	p.codes = append(p.codes, req.Code)
	p.attempts = append(p.attempts, req.Attempt)
	if p.fail > 0 {
		p.fail--
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: "pos", Op: providers.OpPair, Kind: providers.KindNetwork}
	}
	return providers.Pairing{ID: "dc_1", ConfirmationCode: "EBCARJ", ExpiresAt: p.clock.Now().Add(5 * time.Minute)}, providers.Secret{}, nil
}

func (p *posProvider) Check(context.Context, providers.Pairing, providers.Secret) (providers.CheckResult, error) {
	select {
	case <-p.signedIn:
		online := true
		return providers.CheckResult{Status: providers.StatusActive, Health: providers.Health{Online: &online},
			Learned: &providers.Pairing{TID: "907CS13101300122", Serial: "907CS13101300122", Location: "B5E4484SHHNYH"}}, nil
	default:
		return providers.CheckResult{Status: providers.StatusAwaitingConfirmation}, nil
	}
}

func (p *posProvider) Unpair(context.Context, providers.Pairing, providers.Secret) error {
	return &providers.Error{Provider: "pos", Kind: providers.KindUnpairOnTerminal}
}

var posDescriptor = &providers.Descriptor{ID: "pos", Name: "POS-code cloud", Model: providers.CodeFromPOS,
	Confirms: true, ConfirmWindow: 10 * time.Minute, CanTest: true, SilentCheck: true}

func newPOSWorld(t *testing.T) (*pairing.Service, *posProvider, *clockwork.FakeClock) {
	t.Helper()
	clk := clockwork.NewFakeClock()
	prov := &posProvider{clock: clk, signedIn: make(chan struct{})}
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := pairing.New(pairing.Config{Providers: []providers.Provider{prov}, Registry: providers.Registry{posDescriptor},
		Secrets: keystore.NewMemorySecrets(), Records: recs, Clock: clk})
	return svc, prov, clk
}

// code_from_pos: nothing is typed, so NormalizeCode is skipped (whatever
// the front-end passes is not sent); the pairing carries the code to show
// and its expiry; confirmation merges what the check learned (the device)
// and its health into the stored record.
func TestSessionCodeFromPOS(t *testing.T) {
	svc, prov, clk := newPOSWorld(t)
	ctx := testCtx(t)
	s, _ := svc.Session("pos")
	if s.TakesCode() {
		t.Fatal("a code_from_pos session takes a code")
	}
	if code, err := s.ValidateCode("not a code!"); err != nil || code != "" {
		t.Fatalf("ValidateCode = %q, %v", code, err)
	}
	p, err := s.Pair(ctx, pairing.PairInput{Code: "ignored?!"})
	if err != nil || p.ConfirmationCode != "EBCARJ" || p.ExpiresAt.IsZero() || s.Pending() != p.ID {
		t.Fatalf("Pair = %+v, %v (pending %q)", p, err, s.Pending())
	}
	if len(prov.codes) != 1 || prov.codes[0] != "" {
		t.Errorf("codes sent = %q; want one empty", prov.codes)
	}
	go func() {
		for clk.BlockUntilContext(ctx, 1) == nil {
			clk.Advance(time.Second)
		}
	}()
	waits := 0
	got, err := s.Await(ctx, func(ev pairing.Event) {
		if waits++; waits == 3 {
			close(prov.signedIn)
		}
	})
	if err != nil || got.Status != providers.StatusActive || got.TID != "907CS13101300122" || got.Serial != "907CS13101300122" ||
		got.Location != "B5E4484SHHNYH" || got.ConfirmationCode != "EBCARJ" || got.Health == nil || got.Health.Online == nil || !*got.Health.Online {
		t.Fatalf("Await = %+v, %v", got, err)
	}
	if list, _ := svc.List(); len(list) != 1 || list[0].TID != got.TID || list[0].Health == nil {
		t.Errorf("stored %+v", list)
	}
}

// The wait ends when the code lapses (its ExpiresAt), not at the longer
// window: a code no one typed in time cannot be confirmed.
func TestSessionCodeFromPOSExpires(t *testing.T) {
	svc, _, clk := newPOSWorld(t)
	ctx := testCtx(t)
	s, _ := svc.Session("pos")
	p, err := s.Pair(ctx, pairing.PairInput{})
	if err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	go func() {
		for clk.BlockUntilContext(ctx, 1) == nil {
			clk.Advance(time.Second)
		}
	}()
	_, err = s.Await(ctx, nil)
	if providers.KindOf(err) != providers.KindTimeout {
		t.Fatalf("Await = %v; want a timeout", err)
	}
	if el := clk.Since(start); el != p.ExpiresAt.Sub(start) {
		t.Errorf("gave up after %v; want the code's %v", el, p.ExpiresAt.Sub(start))
	}
	// The pairing cannot be withdrawn in the cloud (CanCancel false):
	// Abandon forgets it here.
	if err := s.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ := svc.List(); len(list) != 0 {
		t.Errorf("records left: %+v", list)
	}
}

// The confirm window is the descriptor's unless the runtime sets one
// (for code_from_pos, a longer one).
func TestConfirmWindowOf(t *testing.T) {
	svc, _, _ := newPOSWorld(t)
	if got := svc.ConfirmWindowOf("pos"); got != 10*time.Minute {
		t.Errorf("descriptor window = %v", got)
	}
	if got := svc.ConfirmWindowOf("other"); got != pairing.DefaultConfirmWindow {
		t.Errorf("default window = %v", got)
	}
	// A code_from_pos code's expiry ends the wait: a shorter configured
	// window does not cut it, a longer one stands.
	set := pairing.New(pairing.Config{Registry: providers.Registry{posDescriptor}, ConfirmWindow: time.Minute})
	if got := set.ConfirmWindowOf("pos"); got != 10*time.Minute {
		t.Errorf("configured shorter window = %v", got)
	}
	set = pairing.New(pairing.Config{Registry: providers.Registry{posDescriptor}, ConfirmWindow: time.Hour})
	if got := set.ConfirmWindowOf("pos"); got != time.Hour {
		t.Errorf("configured longer window = %v", got)
	}
}

// A Pair retried after a failure is the same attempt (the provider's
// idempotent create gives the same code back); after a success the next
// Pair is a new attempt (a new code).
func TestSessionPairAttempts(t *testing.T) {
	svc, prov, _ := newPOSWorld(t)
	ctx := testCtx(t)
	s, _ := svc.Session("pos")
	prov.fail = 2
	for range 2 {
		if _, err := s.Pair(ctx, pairing.PairInput{}); providers.KindOf(err) != providers.KindNetwork {
			t.Fatalf("Pair = %v; want the network failure", err)
		}
	}
	if _, err := s.Pair(ctx, pairing.PairInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pair(ctx, pairing.PairInput{}); err != nil {
		t.Fatal(err)
	}
	a := prov.attempts
	if len(a) != 4 || a[0] == "" || a[0] != a[1] || a[1] != a[2] || a[3] == a[2] || a[3] == "" {
		t.Fatalf("attempts = %q; want three alike (two failures and the retry that made it), then a new one", a)
	}
	// A caller's own attempt is passed as it is.
	if _, err := s.Pair(ctx, pairing.PairInput{Attempt: "mine"}); err != nil || prov.attempts[4] != "mine" {
		t.Fatalf("own attempt: %q, %v", prov.attempts, err)
	}
}

// A provider's settings are kept by credential name; one that picks an
// environment must name one of the descriptor's.
func TestSettings(t *testing.T) {
	w := newSessionWorld(t)
	if err := w.svc.SetSetting("smartconnect", "smartconnect_env", "Production"); err != nil {
		t.Fatal(err)
	}
	if v, err := w.svc.Setting("smartconnect_env"); err != nil || v != "production" {
		t.Errorf("Setting = %q, %v", v, err)
	}
	if v, err := w.svc.SmartConnectEnvironment(); err != nil || v != "production" {
		t.Errorf("SmartConnectEnvironment = %q, %v", v, err)
	}
	err := w.svc.SetSetting("smartconnect", "smartconnect_env", "staging")
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.KindInvalidInput || !strings.Contains(pe.Message, "dev or production") {
		t.Errorf("SetSetting(staging) = %v", err)
	}
	if err := w.svc.SetSetting("sumup", "sumup_merchant_code", "MK10CL2A"); err != nil {
		t.Fatal(err)
	}
	if v, _ := w.svc.Setting("sumup_merchant_code"); v != "MK10CL2A" {
		t.Errorf("merchant code %q", v)
	}
}
