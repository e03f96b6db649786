package pairing_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// These tests run the service against the SCI client talking real HTTP on
// loopback to the sandbox. The sandbox and client use the real clock (the
// sandbox checks signature times); the service's polling uses a fake one
// that advances whenever the service waits on it.

type world struct {
	sb      *sandbox.Sandbox
	term    string // the SCI virtual terminal
	svc     *pairing.Service
	clock   *clockwork.FakeClock
	secrets keystore.Secrets
	records *keystore.FileRecords
}

type worldOpts struct {
	secrets keystore.Secrets
	dir     string
	seed    int64 // 0: 7
	// http is the SCI client's HTTP client (nil: its default).
	http *http.Client
}

func newWorld(t *testing.T, o worldOpts) *world {
	t.Helper()
	if o.seed == 0 {
		o.seed = 7
	}
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: o.seed})
	info := sb.Info()
	client, err := sci.New(sci.Config{PairingURL: info.URL("sci_pairing_url"),
		APIKey:             providers.NewSecret(info.Credential("sci_api_key")),
		SigningSecretPartA: providers.NewSecret(info.Credential("sci_signing_secret_part_a")),
		HTTPClient:         o.http,
		Timeout:            5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	recs, err := keystore.OpenRecords(o.dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.secrets == nil {
		o.secrets = keystore.NewMemorySecrets()
	}
	w := &world{sb: sb, clock: clockwork.NewFakeClock(), secrets: o.secrets, records: recs}
	w.term = testkit.Terminal(t, sb, providers.SCI).ID
	w.svc = pairing.New(pairing.Config{Providers: []providers.Provider{client}, Secrets: o.secrets, Records: recs, Clock: w.clock})
	return w
}

// startCode makes the terminal show a pairing code and returns it.
func (w *world) startCode(t *testing.T) string {
	t.Helper()
	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		t.Fatal(err)
	}
	return term.PairingCode
}

// livePairings lists the terminal's pairings that are not unpaired.
func (w *world) livePairings(t *testing.T) []sandbox.TerminalPairing {
	t.Helper()
	return testkit.LivePairings(t, w.sb, w.term)
}

func (w *world) drive(ctx context.Context) {
	go func() {
		for w.clock.BlockUntilContext(ctx, 1) == nil {
			w.clock.Advance(time.Second)
		}
	}()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSandboxPairConfirmActive(t *testing.T) {
	w := newWorld(t, worldOpts{})
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t), Nickname: "Front Bar"})
	if err != nil {
		t.Fatal(err)
	}
	term, _ := w.sb.Terminal(w.term)
	if p.Status != providers.StatusAwaitingConfirmation || p.ConfirmationCode == "" || p.ConfirmationCode != term.ConfirmationCode {
		t.Fatalf("pairing %+v; terminal shows %q", p, term.ConfirmationCode)
	}
	w.drive(ctx)
	waits := 0
	got, err := w.svc.AwaitConfirmation(ctx, p.ID, func(e pairing.Event) {
		if e.Type == pairing.EventWaiting {
			if waits++; waits == 2 {
				if _, err := w.sb.Confirm(w.term); err != nil {
					t.Error(err)
				}
			}
		}
	})
	if err != nil || got.Status != providers.StatusActive {
		t.Fatalf("AwaitConfirmation = %+v, %v", got, err)
	}
	if waits != 2 {
		t.Errorf("waited %d times; want 2", waits)
	}
	if live := w.livePairings(t); len(live) != 1 || live[0].PairingID != p.ID || live[0].Status != "active" {
		t.Errorf("terminal pairings %+v", live)
	}
	got, err = w.svc.Test(ctx, "front bar")
	if err != nil || got.Status != providers.StatusActive {
		t.Errorf("Test = %+v, %v", got, err)
	}
	if err := w.svc.Unpair(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("still paired on the terminal: %+v", live)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Errorf("records left: %+v", list)
	}
}

func TestSandboxCancelWhileWaiting(t *testing.T) {
	w := newWorld(t, worldOpts{})
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, stop := context.WithCancel(ctx)
	w.drive(ctx)
	_, err = w.svc.AwaitConfirmation(waitCtx, p.ID, func(pairing.Event) { stop() })
	if providers.KindOf(err) != providers.KindCanceled {
		t.Fatalf("AwaitConfirmation = %v; want canceled", err)
	}
	if live := w.livePairings(t); len(live) != 1 {
		t.Fatalf("before cancel the terminal should hold the half-made pairing: %+v", live)
	}
	if err := w.svc.Cancel(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("pairing left on the terminal: %+v", live)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Errorf("records left: %+v", list)
	}
	if _, err := w.secrets.Get(keystore.SCIPartB(p.ID)); !keystore.IsNotFound(err) {
		t.Errorf("secret left: %v", err)
	}
	// Confirming now is impossible: nothing is left to confirm.
	if _, err := w.sb.Confirm(w.term); !errors.Is(err, sandbox.ErrNothingToConfirm) {
		t.Errorf("Confirm after cancel = %v", err)
	}
}

type failingSet struct{ *keystore.MemorySecrets }

func (f failingSet) Set(name string, _ providers.Secret) error {
	return &keystore.Error{Kind: keystore.KindNoService, Op: "store secret", Item: name, Service: "tillpair"}
}

func TestSandboxKeyringFailureRollsBack(t *testing.T) {
	w := newWorld(t, worldOpts{secrets: failingSet{keystore.NewMemorySecrets()}})
	ctx := testCtx(t)
	_, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
	var ke *keystore.Error
	if !errors.As(err, &ke) || ke.Kind != keystore.KindNoService {
		t.Fatalf("Pair = %v; want the keyring error", err)
	}
	if n := w.sb.RequestCount(providers.SCI, simsci.RouteUnpair); n != 1 {
		t.Errorf("unpair requests = %d; want the rollback", n)
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("pairing left on the terminal: %+v", live)
	}
	f, err := w.records.Load()
	if err != nil || len(f.Pairings) != 0 {
		t.Errorf("records = %+v, %v", f.Pairings, err)
	}
}

func TestSandboxUnpairedExternallyOnRefresh(t *testing.T) {
	w := newWorld(t, worldOpts{})
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.Confirm(w.term); err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.Refresh(ctx)
	if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Pairing.Status != providers.StatusActive {
		t.Fatalf("Refresh = %+v, %v", res, err)
	}
	if _, err := w.sb.UnpairFromTerminal(w.term); err != nil {
		t.Fatal(err)
	}
	res, err = w.svc.Refresh(ctx)
	if err != nil || len(res) != 1 {
		t.Fatalf("Refresh = %+v, %v", res, err)
	}
	if res[0].Pairing.Status != providers.StatusUnpaired || providers.KindOf(res[0].Err) != providers.KindNotPaired {
		t.Errorf("after unpair on terminal: %+v", res[0])
	}
	if list, _ := w.svc.List(); list[0].ID != p.ID || list[0].Status != providers.StatusUnpaired {
		t.Errorf("stored %+v", list)
	}
	// Unpairing it from here too still succeeds: the cloud already forgot it.
	if err := w.svc.Unpair(ctx, p.ID); err != nil {
		t.Errorf("Unpair of an externally unpaired pairing = %v", err)
	}
}

func TestSandboxNetworkDownWhileWaiting(t *testing.T) {
	for _, fault := range []sandbox.Fault{
		{Provider: providers.SCI, Route: simsci.RoutePairingInfo, Reset: true, Count: 3},
		{Provider: providers.SCI, Route: simsci.RoutePairingInfo, Status: http.StatusServiceUnavailable, Count: 3},
	} {
		name := "reset"
		if fault.Status != 0 {
			name = "503"
		}
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			ctx := testCtx(t)
			p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.sb.SetFault(fault); err != nil {
				t.Fatal(err)
			}
			w.drive(ctx)
			warnings := 0
			got, err := w.svc.AwaitConfirmation(ctx, p.ID, func(e pairing.Event) {
				switch e.Type {
				case pairing.EventNetworkWarning:
					warnings++
				case pairing.EventWaiting:
					// The network is back; the merchant confirms.
					if _, err := w.sb.Confirm(w.term); err != nil {
						t.Error(err)
					}
				}
			})
			if err != nil || got.Status != providers.StatusActive {
				t.Fatalf("AwaitConfirmation = %+v, %v", got, err)
			}
			if warnings == 0 {
				t.Error("no EventNetworkWarning seen")
			}
		})
	}
}

func TestSandboxTwoServicesShareOneConfigDir(t *testing.T) {
	dir := t.TempDir()
	a := newWorld(t, worldOpts{dir: dir})
	b := newWorld(t, worldOpts{dir: dir, seed: 8})
	ctx := testCtx(t)
	codes := []string{a.startCode(t), b.startCode(t)}
	errs := make(chan error, 2)
	for i, w := range []*world{a, b} {
		go func() {
			_, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: codes[i]})
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	f, err := a.records.Load()
	if err != nil || len(f.Pairings) != 2 || f.Pairings[0].ID == f.Pairings[1].ID {
		t.Fatalf("records = %+v, %v", f.Pairings, err)
	}
}
