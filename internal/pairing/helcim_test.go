package pairing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
)

type helcimWorld struct {
	sb   *sandbox.Sandbox
	term string
	svc  *pairing.Service
}

func newHelcimWorld(t *testing.T) *helcimWorld {
	t.Helper()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 9})
	info := sb.Info()
	client, err := helcim.New(helcim.Config{BaseURL: info.URL("helcim_url"), APIToken: providers.NewSecret(info.Credential("helcim_api_token")), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &helcimWorld{sb: sb}
	w.term = testkit.Terminal(t, sb, providers.Helcim).ID
	w.svc = pairing.New(pairing.Config{Providers: []providers.Provider{client}, Secrets: failingSecrets{}, Records: recs})
	return w
}

// listening switches the device to pairing mode and returns its code.
func (w *helcimWorld) listening(t *testing.T) string {
	t.Helper()
	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		t.Fatal(err)
	}
	if term.PairingCode == "" {
		t.Fatalf("terminal shows no code: %+v", term)
	}
	return term.PairingCode
}

func TestHelcimPairLowerCaseCodeTestForget(t *testing.T) {
	w := newHelcimWorld(t)
	ctx := testCtx(t)
	code := w.listening(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: strings.ToLower(code), Nickname: "Counter"})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if p.ID != code || p.Status != providers.StatusActive || p.PairingNickname != "Counter" {
		t.Fatalf("pairing %+v; want ID %s active", p, code)
	}
	term, _ := w.sb.Terminal(w.term)
	if term.Screen != "ping" || !strings.Contains(term.Message, "Ping") {
		t.Fatalf("terminal %+v; want the ping on screen", term)
	}
	if list, _ := w.svc.List(); len(list) != 1 || list[0].ID != code {
		t.Fatalf("records %+v", list)
	}

	pings := w.sb.RequestCount(providers.Helcim, "ping")
	got, err := w.svc.Test(ctx, code)
	if err != nil || got.Status != providers.StatusActive || got.CheckedAt.IsZero() {
		t.Fatalf("Test = %+v, %v", got, err)
	}
	if n := w.sb.RequestCount(providers.Helcim, "ping"); n != pings+1 {
		t.Errorf("Test sent %d pings; want 1", n-pings)
	}

	if err := w.svc.Unpair(ctx, code); providers.KindOf(err) != providers.KindUnpairOnTerminal {
		t.Fatalf("Unpair = %v", err)
	}
	if list, _ := w.svc.List(); len(list) != 1 {
		t.Fatal("Unpair deleted the record")
	}
	if err := w.svc.Forget(ctx, code); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Fatalf("Forget left %+v", list)
	}
}

func TestHelcimNotListeningAndNotFound(t *testing.T) {
	w := newHelcimWorld(t)
	ctx := testCtx(t)
	term, _ := w.sb.Terminal(w.term)
	// Standalone mode: the device exists but does not listen.
	_, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: term.TID})
	if providers.KindOf(err) != providers.KindNotListening {
		t.Fatalf("standalone device: err = %v; want KindNotListening", err)
	}
	unknown := "ZZ99"
	if term.TID == unknown {
		unknown = "ZZ98"
	}
	_, err = w.svc.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: unknown})
	if providers.KindOf(err) != providers.KindNotFound {
		t.Fatalf("unknown code: err = %v; want KindNotFound", err)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Fatalf("a failed pairing was stored: %+v", list)
	}
}

func TestHelcimTestWhileAsleepKeepsStatus(t *testing.T) {
	w := newHelcimWorld(t)
	ctx := testCtx(t)
	code := w.listening(t)
	if _, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: code}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.Sleep(w.term); err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.Test(ctx, code)
	if providers.KindOf(err) != providers.KindNotListening || got.Status != providers.StatusActive {
		t.Fatalf("Test = %v, %v; want not listening, status kept active", got.Status, err)
	}
	results, err := w.svc.Refresh(ctx)
	if err != nil || len(results) != 1 || providers.KindOf(results[0].Err) != providers.KindNotListening || results[0].Pairing.Status != providers.StatusActive {
		t.Fatalf("Refresh = %+v, %v", results, err)
	}
}

func TestHelcimBadCodeSendsNothing(t *testing.T) {
	w := newHelcimWorld(t)
	for _, code := range []string{"AB", "ABCDE", "AB!D"} {
		_, err := w.svc.Pair(testCtx(t), pairing.PairInput{Provider: providers.Helcim, Code: code})
		pe, ok := providers.AsError(err)
		if !ok || pe.Kind != providers.KindInvalidCode || pe.HTTPStatus != 0 {
			t.Errorf("code %q: err = %v; want a local invalid code", code, err)
		}
	}
	if n := w.sb.RequestCount(providers.Helcim, "device") + w.sb.RequestCount(providers.Helcim, "ping"); n != 0 {
		t.Errorf("%d requests sent for bad codes", n)
	}
}
