package pairing_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// scWorld runs the service with the SmartConnect client against the
// sandbox over loopback. The sandbox and the client each have a fake clock:
// the sandbox refuses polls less than 2 s apart on its clock, and the
// client waits its PollInterval on its own, so drive advances both.
type scWorld struct {
	sb       *sandbox.Sandbox
	term     string
	svc      *pairing.Service
	sbClock  *clockwork.FakeClock
	cliClock *clockwork.FakeClock
	records  *keystore.FileRecords
}

func newSCWorld(t *testing.T) *scWorld {
	t.Helper()
	w := &scWorld{sbClock: clockwork.NewFakeClock(), cliClock: clockwork.NewFakeClock()}
	w.sb = testkit.StartSandbox(t, sandbox.Options{Seed: 5, Clock: w.sbClock})
	client, err := smartconnect.New(smartconnect.Config{
		BaseURL: w.sb.Info().URL("smartconnect_url"), Environment: smartconnect.EnvSandbox,
		Clock: w.cliClock, Timeout: 5 * time.Second, PollInterval: smartconnect.MinPollInterval,
	})
	if err != nil {
		t.Fatal(err)
	}
	if w.records, err = keystore.OpenRecords(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	w.term = testkit.Terminal(t, w.sb, providers.SmartConnect).ID
	// A secrets store that fails every call proves SmartConnect never
	// needs the keyring.
	w.svc = pairing.New(pairing.Config{Providers: []providers.Provider{client}, Secrets: failingSecrets{},
		Records: w.records, Clock: w.cliClock})
	return w
}

// failingSecrets is a keyring that is never available.
type failingSecrets struct{}

func (failingSecrets) Get(name string) (providers.Secret, error) {
	return providers.Secret{}, &keystore.Error{Kind: keystore.KindNoService, Op: "read secret", Item: name}
}
func (failingSecrets) Set(name string, _ providers.Secret) error {
	return &keystore.Error{Kind: keystore.KindNoService, Op: "store secret", Item: name}
}
func (failingSecrets) Delete(name string) error {
	return &keystore.Error{Kind: keystore.KindNoService, Op: "delete secret", Item: name}
}

// drive advances both clocks by one poll interval whenever the client
// waits (its check deadline plus its poll timer), until ctx ends.
func (w *scWorld) drive(ctx context.Context) {
	go func() {
		for w.cliClock.BlockUntilContext(ctx, 2) == nil {
			w.sbClock.Advance(smartconnect.MinPollInterval)
			w.cliClock.Advance(smartconnect.MinPollInterval)
		}
	}()
}

func (w *scWorld) code(t *testing.T) string {
	t.Helper()
	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		t.Fatal(err)
	}
	return term.PairingCode
}

// pair pairs this register with a fresh code from the terminal.
func (w *scWorld) pair(t *testing.T, ctx context.Context) providers.Pairing {
	t.Helper()
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.SmartConnect, Code: w.code(t)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *scWorld) setup(t *testing.T) providers.RegisterIdentity {
	t.Helper()
	ch, err := w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Main Register", BusinessName: "Toys Shop", VendorName: "Till2Go"})
	if err != nil {
		t.Fatal(err)
	}
	return ch.Identity
}

func TestSmartConnectPairWithoutIdentityIsConfigError(t *testing.T) {
	w := newSCWorld(t)
	_, err := w.svc.Pair(testCtx(t), pairing.PairInput{Provider: providers.SmartConnect, Code: w.code(t)})
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.KindConfig || !strings.Contains(pe.Message, "tillpair setup smartconnect") {
		t.Fatalf("err = %v; want KindConfig naming the setup command", err)
	}
	if n := w.sb.RequestCount(providers.SmartConnect, "pairing"); n != 0 {
		t.Errorf("%d pairing requests sent without an identity", n)
	}
}

func TestSmartConnectPairTestUnpairForget(t *testing.T) {
	w := newSCWorld(t)
	ctx := testCtx(t)
	id := w.setup(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.SmartConnect, Code: " " + w.code(t) + " "})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if p.Status != providers.StatusActive || p.ID != id.RegisterID || p.Register == nil || *p.Register != id {
		t.Fatalf("pairing %+v; want active, ID = register ID, identity stored", p)
	}
	term, _ := w.sb.Terminal(w.term)
	if len(term.Pairings) != 1 || term.Pairings[0].PairingID != id.RegisterID || term.Screen != "paired" {
		t.Fatalf("terminal %+v", term)
	}
	f, _ := w.records.Load()
	if len(f.Pairings) != 1 || f.Pairings[0].Register == nil || f.Pairings[0].Register.BusinessName != "Toys Shop" {
		t.Fatalf("records %+v", f.Pairings)
	}

	driveCtx, stop := context.WithCancel(ctx)
	w.drive(driveCtx)
	got, err := w.svc.Test(ctx, p.ID)
	stop()
	if err != nil || got.Status != providers.StatusActive || got.CheckedAt.IsZero() {
		t.Fatalf("Test = %+v, %v", got, err)
	}
	if n := w.sb.RequestCount(providers.SmartConnect, "poll"); n < 2 {
		t.Errorf("GetStatus was polled %d times; the sandbox answers PENDING first", n)
	}

	err = w.svc.Unpair(ctx, p.ID)
	if providers.KindOf(err) != providers.KindUnpairOnTerminal {
		t.Fatalf("Unpair = %v; want KindUnpairOnTerminal", err)
	}
	if list, _ := w.svc.List(); len(list) != 1 {
		t.Fatalf("Unpair deleted something: %+v", list)
	}
	if err := w.svc.Forget(ctx, p.ID); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Fatalf("Forget left %+v", list)
	}
}

func TestSmartConnectTestAfterTerminalUnpairMarksUnpaired(t *testing.T) {
	w := newSCWorld(t)
	ctx := testCtx(t)
	w.setup(t)
	p := w.pair(t, ctx)
	if _, err := w.sb.UnpairFromTerminal(w.term); err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.Test(ctx, p.ID)
	if providers.KindOf(err) != providers.KindNotPaired || got.Status != providers.StatusUnpaired {
		t.Fatalf("Test = %+v, %v; want unpaired", got.Status, err)
	}
}

func TestSmartConnectOfflineTerminalKeepsStatus(t *testing.T) {
	w := newSCWorld(t)
	ctx := testCtx(t)
	w.setup(t)
	p := w.pair(t, ctx)
	if _, err := w.sb.SetOffline(w.term, true); err != nil {
		t.Fatal(err)
	}
	driveCtx, stop := context.WithCancel(ctx)
	w.drive(driveCtx)
	got, err := w.svc.Test(ctx, p.ID)
	stop()
	if providers.KindOf(err) != providers.KindNotListening || got.Status != providers.StatusActive {
		t.Fatalf("Test = %v, %v; want not listening with the status kept", got.Status, err)
	}
}

func TestSaveRegisterGeneratesIDAndFlagsRepair(t *testing.T) {
	w := newSCWorld(t)
	ctx := testCtx(t)
	if _, ok, err := w.svc.Register(); ok || err != nil {
		t.Fatalf("Register before setup: ok=%v err=%v", ok, err)
	}
	first := w.setup(t)
	if _, err := uuid.Parse(first.RegisterID); err != nil {
		t.Fatalf("register ID %q is not a UUID: %v", first.RegisterID, err)
	}
	got, ok, err := w.svc.Register()
	if !ok || err != nil || got != first {
		t.Fatalf("Register = %+v %v %v", got, ok, err)
	}

	// Without a pairing, changing the business name needs no re-pair.
	ch, err := w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Main Register", BusinessName: "Toy Shop", VendorName: "Till2Go"})
	if err != nil || ch.NeedsRepair || ch.Identity.RegisterID != first.RegisterID {
		t.Fatalf("SaveRegister without pairing = %+v, %v", ch, err)
	}

	if _, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.SmartConnect, Code: w.code(t)}); err != nil {
		t.Fatal(err)
	}
	ch, err = w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Main Register", BusinessName: "Toys & Games", VendorName: "Till2Go"})
	if err != nil || !ch.NeedsRepair || ch.Identity.RegisterID != first.RegisterID {
		t.Fatalf("business name change = %+v, %v; want NeedsRepair, same ID", ch, err)
	}
	if len(ch.Reasons) != 1 || !strings.Contains(ch.Reasons[0], "business name changed") {
		t.Errorf("reasons %q", ch.Reasons)
	}

	ch, err = w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Front", BusinessName: "Toys & Games", VendorName: "Till2Go"})
	if err != nil || ch.NeedsRepair || len(ch.Reasons) != 1 || !strings.Contains(ch.Reasons[0], "register name") {
		t.Fatalf("register name change = %+v, %v; want a note but no re-pair", ch, err)
	}

	ch, err = w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Front", BusinessName: "Toys & Games", VendorName: "Till2Go", RegenerateID: true})
	if err != nil || !ch.NeedsRepair || ch.Identity.RegisterID == first.RegisterID {
		t.Fatalf("regenerate = %+v, %v; want a new ID and NeedsRepair", ch, err)
	}
	if len(ch.Reasons) != 1 || !strings.Contains(ch.Reasons[0], "register ID changed") {
		t.Errorf("reasons %q", ch.Reasons)
	}
}

func TestSaveRegisterValidatesEachField(t *testing.T) {
	w := newSCWorld(t)
	ok := pairing.RegisterInput{RegisterName: "R", BusinessName: "B", VendorName: "V"}
	for _, tc := range []struct {
		name string
		edit func(*pairing.RegisterInput)
		want string
	}{
		{"empty register", func(in *pairing.RegisterInput) { in.RegisterName = "  " }, "register name is required"},
		{"empty business", func(in *pairing.RegisterInput) { in.BusinessName = "" }, "business name is required"},
		{"control char", func(in *pairing.RegisterInput) { in.VendorName = "a\x1b[31m" }, "vendor name contains a control character"},
		{"too long", func(in *pairing.RegisterInput) { in.BusinessName = strings.Repeat("é", 65) }, "business name is 65 characters"},
	} {
		in := ok
		tc.edit(&in)
		_, err := w.svc.SaveRegister(in)
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Kind != providers.KindInvalidInput || !strings.Contains(pe.Message, tc.want) {
			t.Errorf("%s: err = %v; want KindInvalidInput %q", tc.name, err, tc.want)
		}
	}
	if _, ok, _ := w.svc.Register(); ok {
		t.Error("an invalid identity was stored")
	}
	in := ok
	in.BusinessName = strings.Repeat("é", 64)
	if _, err := w.svc.SaveRegister(in); err != nil {
		t.Errorf("64 runes refused: %v", err)
	}
}

func TestSmartConnectEnvironmentSetting(t *testing.T) {
	w := newSCWorld(t)
	if env, err := w.svc.SmartConnectEnvironment(); env != "" || err != nil {
		t.Fatalf("default = %q, %v", env, err)
	}
	if err := w.svc.SetSmartConnectEnvironment("Production"); err != nil {
		t.Fatal(err)
	}
	if env, _ := w.svc.SmartConnectEnvironment(); env != "production" {
		t.Errorf("stored %q", env)
	}
	if err := w.svc.SetSmartConnectEnvironment("staging"); providers.KindOf(err) != providers.KindInvalidInput {
		t.Errorf("staging accepted: %v", err)
	}
}

func TestSmartConnectTestUsesTheCurrentIdentity(t *testing.T) {
	w := newSCWorld(t)
	ctx := testCtx(t)
	w.setup(t)
	p := w.pair(t, ctx)
	ch, err := w.svc.SaveRegister(pairing.RegisterInput{RegisterName: "Main Register", BusinessName: "Renamed", VendorName: "Till2Go"})
	if err != nil || !ch.NeedsRepair {
		t.Fatalf("SaveRegister = %+v, %v", ch, err)
	}
	got, err := w.svc.Test(ctx, p.ID)
	if providers.KindOf(err) != providers.KindNotPaired || got.Status != providers.StatusUnpaired {
		t.Fatalf("Test after the business name changed = %v, %v; want not paired", got.Status, err)
	}
	// Pairing again with the new identity makes it active again.
	p, err = w.svc.Pair(ctx, pairing.PairInput{Provider: providers.SmartConnect, Code: w.code(t)})
	if err != nil || p.Register.BusinessName != "Renamed" || p.Status != providers.StatusActive {
		t.Fatalf("re-pair = %+v, %v", p, err)
	}
}
