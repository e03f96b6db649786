package smartconnect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is the sandbox on real loopback HTTP and a client for it, sharing one
// fake clock so tests drive code expiry, polling and deadlines.
type env struct {
	sb     *sandbox.Sandbox
	info   sandbox.Info
	clock  *clockwork.FakeClock
	client *smartconnect.Client
	term   string // the sandbox's SmartConnect terminal
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	sb := testkit.StartSandbox(t, sandbox.Options{Clock: clk, Seed: 42})
	e := &env{sb: sb, info: sb.Info(), clock: clk}
	e.client = e.newClient(t, func(*smartconnect.Config) {})
	e.term = testkit.Terminal(t, sb, providers.SmartConnect).ID
	return e
}

func (e *env) newClient(t *testing.T, edit func(*smartconnect.Config)) *smartconnect.Client {
	t.Helper()
	cfg := smartconnect.Config{BaseURL: e.info.URL("smartconnect_url"), Environment: smartconnect.EnvSandbox, Clock: e.clock, Timeout: 5 * time.Second}
	edit(&cfg)
	c, err := smartconnect.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func register(id string) *providers.RegisterIdentity {
	return &providers.RegisterIdentity{RegisterID: id, RegisterName: "Main Register", BusinessName: "Toys Shop", VendorName: "Till2Go"}
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// code makes the terminal show a pairing code.
func (e *env) code(t *testing.T, term string) string {
	t.Helper()
	shown, err := e.sb.StartPairing(term)
	if err != nil {
		t.Fatal(err)
	}
	return shown.PairingCode
}

// pair pairs register id with term and returns the pairing.
func (e *env) pair(t *testing.T, term, id string) providers.Pairing {
	t.Helper()
	p, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: e.code(t, term), Register: register(id)})
	if err != nil {
		t.Fatalf("Pair(%s on %s) = %v", id, term, err)
	}
	return p
}

func wantErr(t *testing.T, err error, kind providers.Kind) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error %v", err, err, kind)
	}
	if pe.Kind != kind || pe.Provider != providers.SmartConnect {
		t.Fatalf("err = %v: kind %v provider %q, want %v smartconnect", err, pe.Kind, pe.Provider, kind)
	}
	return pe
}

type checkResult struct {
	st  providers.Status
	err error
}

// check runs Check while advancing the fake clock by step each time the
// client waits on it (its deadline timer plus one poll timer), until Check
// returns. No sleeps: BlockUntilContext observes the client waiting.
func (e *env) check(t *testing.T, c *smartconnect.Client, p providers.Pairing, step time.Duration) (providers.Status, error) {
	t.Helper()
	done := make(chan checkResult, 1)
	go func() {
		stCR, err := c.Check(ctx(t), p, providers.Secret{})
		st := stCR.Status
		done <- checkResult{st, err}
	}()
	for advanced := 0; ; advanced++ {
		if advanced > 50 {
			t.Fatal("Check did not finish after 50 clock steps")
		}
		bctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		blocked := make(chan error, 1)
		go func() { blocked <- e.clock.BlockUntilContext(bctx, 2) }()
		select {
		case r := <-done:
			cancel()
			<-blocked
			return r.st, r.err
		case err := <-blocked:
			cancel()
			if err != nil {
				t.Fatalf("the client neither finished nor waited on the clock: %v", err)
			}
			e.clock.Advance(step)
		}
	}
}

func TestPairSuccess(t *testing.T) {
	e := newEnv(t)
	code := e.code(t, e.term)
	p, secret, err := e.client.Pair(ctx(t), providers.PairRequest{Code: " " + code + " ", Nickname: "Front", Register: register("reg-1")})
	if err != nil {
		t.Fatal(err)
	}
	if p.Provider != "smartconnect" || p.ID != "reg-1" || p.Status != providers.StatusActive || p.PairingNickname != "Front" ||
		p.Environment != "sandbox" || p.Register == nil || *p.Register != *register("reg-1") || !p.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("pairing = %+v", p)
	}
	if !secret.IsZero() {
		t.Fatal("SmartConnect pairing returned a secret")
	}
	term, _ := e.sb.Terminal(e.term)
	if term.Screen != sandbox.ScreenPaired || len(term.Pairings) != 1 || term.Pairings[0].PairingID != "reg-1" || term.Pairings[0].PairingNickname != "Main Register" {
		t.Fatalf("terminal = %+v", term)
	}
	// Without a nickname, the register name names the pairing.
	p, _, err = e.client.Pair(ctx(t), providers.PairRequest{Code: e.code(t, e.term), Register: register("reg-2")})
	if err != nil || p.PairingNickname != "Main Register" {
		t.Fatalf("second pairing = %+v, %v", p, err)
	}
}

func TestPairRefusesBeforeSending(t *testing.T) {
	e := newEnv(t)
	code := e.code(t, e.term)
	blank := []struct {
		field string
		edit  func(*providers.RegisterIdentity)
	}{
		{"POSRegisterID", func(r *providers.RegisterIdentity) { r.RegisterID = "" }},
		{"POSRegisterName", func(r *providers.RegisterIdentity) { r.RegisterName = " " }},
		{"POSBusinessName", func(r *providers.RegisterIdentity) { r.BusinessName = "" }},
		{"POSVendorName", func(r *providers.RegisterIdentity) { r.VendorName = "\t" }},
	}
	for _, b := range blank {
		reg := register("reg-1")
		b.edit(reg)
		_, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: code, Register: reg})
		pe := wantErr(t, err, providers.KindConfig)
		if !strings.Contains(pe.Message, b.field) || !strings.Contains(pe.Message, "tillpair setup smartconnect") {
			t.Errorf("missing %s: message %q", b.field, pe.Message)
		}
		_, err = e.client.Check(ctx(t), providers.Pairing{Register: reg}, providers.Secret{})
		if pe := wantErr(t, err, providers.KindConfig); !strings.Contains(pe.Message, b.field) {
			t.Errorf("Check without %s: %q", b.field, pe.Message)
		}
	}
	_, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: code})
	wantErr(t, err, providers.KindConfig)
	for _, bad := range []string{"", "123", "12345678901", "1234-5678", "12 34", "１２３４"} {
		_, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: bad, Register: register("reg-1")})
		wantErr(t, err, providers.KindInvalidCode)
	}
	if n := e.sb.RequestCount("smartconnect", "pairing") + e.sb.RequestCount("smartconnect", "transaction"); n != 0 {
		t.Fatalf("%d requests reached the cloud", n)
	}
	if term, _ := e.sb.Terminal(e.term); term.PairingCode != code {
		t.Fatalf("terminal no longer shows the code: %+v", term)
	}
}

func TestPairInvalidCode(t *testing.T) {
	e := newEnv(t)
	code := e.code(t, e.term)
	wrong := "00000000"
	if code == wrong {
		wrong = "00000001"
	}
	_, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: wrong, Register: register("reg-1")})
	pe := wantErr(t, err, providers.KindInvalidCode)
	if pe.HTTPStatus != 400 || pe.Message != "Invalid pairing code" || pe.Retryable {
		t.Fatalf("err = %+v", pe)
	}
}

func TestPairCodeRefreshedAway(t *testing.T) {
	e := newEnv(t)
	old := e.code(t, e.term)
	e.clock.Advance(2 * time.Minute) // the default TTL
	term, _ := e.sb.Terminal(e.term)
	if term.PairingCode == "" || term.PairingCode == old {
		t.Fatalf("terminal did not refresh its code: %+v", term)
	}
	_, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: old, Register: register("reg-1")})
	if pe := wantErr(t, err, providers.KindInvalidCode); pe.Message != "Invalid pairing code" {
		t.Fatalf("old code: %+v", pe)
	}
	if _, _, err := e.client.Pair(ctx(t), providers.PairRequest{Code: term.PairingCode, Register: register("reg-1")}); err != nil {
		t.Fatalf("new code: %v", err)
	}
}

func TestRepairMovesRegister(t *testing.T) {
	e := newEnv(t)
	other, err := e.sb.AddTerminal(providers.SmartConnect)
	if err != nil {
		t.Fatal(err)
	}
	e.pair(t, e.term, "reg-1")
	p := e.pair(t, other.ID, "reg-1")
	if first, _ := e.sb.Terminal(e.term); len(first.Pairings) != 0 || first.Screen != sandbox.ScreenIdle {
		t.Fatalf("first terminal still paired: %+v", first)
	}
	if second, _ := e.sb.Terminal(other.ID); len(second.Pairings) != 1 || second.Pairings[0].PairingID != "reg-1" {
		t.Fatalf("second terminal = %+v", second)
	}
	// The test reaches the new terminal: the old one being offline is irrelevant.
	if _, err := e.sb.SetOffline(e.term, true); err != nil {
		t.Fatal(err)
	}
	if st, err := e.check(t, e.client, p, 2*time.Second); st != providers.StatusActive || err != nil {
		t.Fatalf("Check = %v, %v", st, err)
	}
}

func TestCheckActiveThroughPolling(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	st, err := e.check(t, e.client, p, 2*time.Second)
	if st != providers.StatusActive || err != nil {
		t.Fatalf("Check = %v, %v", st, err)
	}
	if tx, polls := e.sb.RequestCount("smartconnect", "transaction"), e.sb.RequestCount("smartconnect", "poll"); tx != 1 || polls != 2 {
		t.Fatalf("requests: %d transaction, %d polls; want 1 and 2 (PENDING, then COMPLETED)", tx, polls)
	}
	// The register name may change; the triple may not.
	p.Register.RegisterName = "Renamed"
	if st, err := e.check(t, e.client, p, 2*time.Second); st != providers.StatusActive || err != nil {
		t.Fatalf("Check after rename = %v, %v", st, err)
	}
}

func TestCheckTerminalOffline(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	if _, err := e.sb.SetOffline(e.term, true); err != nil {
		t.Fatal(err)
	}
	st, err := e.check(t, e.client, p, 2*time.Second)
	pe := wantErr(t, err, providers.KindNotListening)
	if st != providers.StatusUnknown || pe.Code != "FAILED-INTERFACE" || !strings.Contains(pe.Message, "CANCELLED") || !pe.Retryable {
		t.Fatalf("Check = %v, %+v", st, pe)
	}
}

func TestCheckAfterUnpairOnTerminal(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	if _, err := e.sb.UnpairFromTerminal(e.term); err != nil {
		t.Fatal(err)
	}
	stCR, err := e.client.Check(ctx(t), p, providers.Secret{})
	st := stCR.Status
	pe := wantErr(t, err, providers.KindNotPaired)
	if st != providers.StatusUnpaired || pe.Message != "This register is not paired to a device" || pe.HTTPStatus != 400 {
		t.Fatalf("Check = %v, %+v", st, pe)
	}
	// A changed business name breaks routing the same way [OBS T11].
	p = e.pair(t, e.term, "reg-1")
	p.Register.BusinessName = "Toy Shop"
	if st, err := e.client.Check(ctx(t), p, providers.Secret{}); st.Status != providers.StatusUnpaired || providers.KindOf(err) != providers.KindNotPaired {
		t.Fatalf("Check with another business name = %v, %v", st, err)
	}
}

func TestCheckTokenExpired(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	c := e.newClient(t, func(cfg *smartconnect.Config) { cfg.CheckTimeout = time.Hour })
	st, err := e.check(t, c, p, 15*time.Minute)
	pe := wantErr(t, err, providers.KindTimeout)
	if st != providers.StatusUnknown || pe.HTTPStatus != 401 || !strings.HasPrefix(pe.Message, "Token expired") || !pe.Retryable {
		t.Fatalf("Check = %v, %+v", st, pe)
	}
}

func TestCheckDeadline(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	st, err := e.check(t, e.client, p, smartconnect.DefaultCheckTimeout)
	pe := wantErr(t, err, providers.KindTimeout)
	if st != providers.StatusUnknown || !strings.Contains(pe.Message, "within 1m0s") {
		t.Fatalf("Check = %v, %+v", st, pe)
	}
}

func TestCheckCallerCancels(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := e.client.Check(c, p, providers.Secret{}); done <- err }()
	if err := e.clock.BlockUntilContext(ctx(t), 2); err != nil {
		t.Fatal(err)
	}
	cancel()
	wantErr(t, <-done, providers.KindCanceled)
}

func TestUnpairIsOnTheTerminal(t *testing.T) {
	e := newEnv(t)
	p := e.pair(t, e.term, "reg-1")
	err := e.client.Unpair(ctx(t), p, providers.Secret{})
	pe := wantErr(t, err, providers.KindUnpairOnTerminal)
	if pe.Op != providers.OpUnpair || !strings.Contains(pe.Message, "unpair on the terminal") || !strings.Contains(pe.Message, "forget it here") {
		t.Fatalf("Unpair = %+v", pe)
	}
	if term, _ := e.sb.Terminal(e.term); len(term.Pairings) != 1 {
		t.Fatalf("Unpair changed the terminal: %+v", term)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	fast := e.newClient(t, func(cfg *smartconnect.Config) { cfg.Timeout = 300 * time.Millisecond })
	pairFaults := []struct {
		name      string
		fault     sandbox.Fault
		kind      providers.Kind
		retryable bool
	}{
		{"5xx", sandbox.Fault{Status: 503}, providers.KindServer, true},
		{"reset", sandbox.Fault{Reset: true}, providers.KindNetwork, true},
		{"malformed", sandbox.Fault{Malformed: true}, providers.KindProtocol, false},
		{"delay beyond timeout", sandbox.Fault{DelayMS: 60_000}, providers.KindTimeout, true},
	}
	code := e.code(t, e.term)
	for _, f := range pairFaults {
		f.fault.Provider, f.fault.Route, f.fault.Count = "smartconnect", "pairing", 1
		if err := e.sb.SetFault(f.fault); err != nil {
			t.Fatal(err)
		}
		_, _, err := fast.Pair(ctx(t), providers.PairRequest{Code: code, Register: register("reg-1")})
		if pe := wantErr(t, err, f.kind); pe.Retryable != f.retryable || pe.Op != providers.OpPair {
			t.Errorf("%s: %+v", f.name, pe)
		}
	}
	// Each failure is safe to retry: the code still works.
	p, _, err := fast.Pair(ctx(t), providers.PairRequest{Code: code, Register: register("reg-1")})
	if err != nil {
		t.Fatalf("retry after faults: %v", err)
	}

	for _, f := range []sandbox.Fault{
		{Route: "transaction", Status: 502},
		{Route: "poll", Status: 500},
	} {
		f.Provider, f.Count = "smartconnect", 1
		if err := e.sb.SetFault(f); err != nil {
			t.Fatal(err)
		}
		if st, err := e.check(t, e.client, p, 2*time.Second); st != providers.StatusUnknown || providers.KindOf(err) != providers.KindServer {
			t.Errorf("%s fault: Check = %v, %v", f.Route, st, err)
		}
	}
	// Until cleared: net/http quietly retries a GET reset on a reused
	// connection once, which is fine for an idempotent poll.
	if err := e.sb.SetFault(sandbox.Fault{Provider: "smartconnect", Route: "poll", Reset: true}); err != nil {
		t.Fatal(err)
	}
	_, err = e.check(t, e.client, p, 2*time.Second)
	e.sb.ClearFaults()
	wantErr(t, err, providers.KindNetwork)
	var full strings.Builder
	for u := error(err); u != nil; u = errorsUnwrap(u) {
		full.WriteString(u.Error())
	}
	if strings.Contains(full.String(), "merchantAccessToken") {
		t.Fatalf("the polling token leaked into the error chain: %s", full.String())
	}
	if err := e.sb.SetFault(sandbox.Fault{Provider: "smartconnect", Route: "poll", Malformed: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.check(t, e.client, p, 2*time.Second)
	wantErr(t, err, providers.KindProtocol)
}

func errorsUnwrap(err error) error {
	u, ok := err.(interface{ Unwrap() error })
	if !ok {
		return nil
	}
	return u.Unwrap()
}
