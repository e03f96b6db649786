package helcim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	simhelcim "github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/transport"
)

// env is a sandbox on real loopback HTTP and a client configured for it.
type env struct {
	sb     *sandbox.Sandbox
	info   sandbox.Info
	clock  *clockwork.FakeClock
	client *helcim.Client
	term   sandbox.Terminal // the start-up Helcim terminal
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	sb := testkit.StartSandbox(t, sandbox.Options{Clock: clk, Seed: 42})
	e := &env{sb: sb, info: sb.Info(), clock: clk}
	e.client = e.newClient(t, func(*helcim.Config) {})
	e.term = testkit.Terminal(t, sb, providers.Helcim)
	return e
}

func (e *env) newClient(t *testing.T, edit func(*helcim.Config)) *helcim.Client {
	t.Helper()
	cfg := helcim.Config{
		BaseURL:  e.info.URL("helcim_url"),
		APIToken: providers.NewSecret(e.info.Credential("helcim_api_token")),
		Clock:    e.clock,
		Timeout:  5 * time.Second,
	}
	edit(&cfg)
	c, err := helcim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pairingMode switches the terminal to pairing mode and returns its code.
func (e *env) pairingMode(t *testing.T, id string) string {
	t.Helper()
	term, err := e.sb.StartPairing(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(term.PairingCode) != 4 {
		t.Fatalf("terminal in pairing mode shows %+v", term)
	}
	return term.PairingCode
}

func (e *env) count(route string) int { return e.sb.RequestCount(providers.Helcim, route) }

func requireKind(t *testing.T, err error, kind providers.Kind) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error of kind %v", err, err, kind)
	}
	if pe.Kind != kind || pe.Provider != providers.Helcim {
		t.Fatalf("err = %v: kind %v provider %q, want %v helcim", err, pe.Kind, pe.Provider, kind)
	}
	return pe
}

func pairReq(code string) providers.PairRequest {
	return providers.PairRequest{Code: code, Nickname: "Front counter"}
}

func TestPairSuccessShowsPing(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)
	changes, stop := e.sb.Changes()
	defer stop()

	p, secret, err := e.client.Pair(context.Background(), pairReq(strings.ToLower(code)))
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now().UTC()
	if p.Provider != "helcim" || p.ID != code || p.Status != providers.StatusActive || p.PairingNickname != "Front counter" ||
		p.Environment != helcim.EnvironmentSandbox || !p.CreatedAt.Equal(now) || !p.CheckedAt.Equal(now) || !secret.IsZero() {
		t.Fatalf("pairing = %+v, secret zero %v", p, secret.IsZero())
	}
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("the terminal did not change after the ping")
	}
	term, _ := e.sb.Terminal(e.term.ID)
	if term.Screen != simhelcim.ScreenPing || term.Message != simhelcim.PingMessage {
		t.Fatalf("terminal after Pair = %+v; want the ping on screen", term)
	}
	if e.count(simhelcim.RouteDevice) != 1 || e.count(simhelcim.RoutePing) != 1 {
		t.Fatalf("requests: device %d ping %d, want 1 and 1", e.count(simhelcim.RouteDevice), e.count(simhelcim.RoutePing))
	}
}

func TestPairUnknownCode(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)
	unknown := "ZZZ9"
	if unknown == code {
		unknown = "ZZZ8"
	}
	_, _, err := e.client.Pair(context.Background(), pairReq(unknown))
	pe := requireKind(t, err, providers.KindNotFound)
	if pe.HTTPStatus != 404 || pe.Code != helcim.CodeDeviceNotFound || pe.Retryable ||
		!strings.Contains(pe.Message, "Device code not found on this Helcim account") || !strings.Contains(pe.Message, "Device Not Found") {
		t.Fatalf("err = %+v", pe)
	}
	if e.count(simhelcim.RoutePing) != 0 {
		t.Fatal("an unknown device was pinged")
	}
}

func TestPairDeviceOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	other, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: providers.Helcim, ForeignTenant: true})
	if err != nil {
		t.Fatal(err)
	}
	code := e.pairingMode(t, other.ID) // listening, but not ours
	_, _, err = e.client.Pair(context.Background(), pairReq(code))
	if pe := requireKind(t, err, providers.KindNotFound); pe.HTTPStatus != 404 {
		t.Fatalf("err = %+v", pe)
	}
	if term, _ := e.sb.Terminal(other.ID); term.Screen == simhelcim.ScreenPing {
		t.Fatal("another account's device showed the ping")
	}
}

func TestPairNotListening(t *testing.T) {
	e := newEnv(t)
	code := e.term.TID // registered, still standalone
	_, _, err := e.client.Pair(context.Background(), pairReq(code))
	pe := requireKind(t, err, providers.KindNotListening)
	if pe.HTTPStatus != 409 || pe.Code != helcim.CodeNotListening || !pe.Retryable || !strings.Contains(pe.Message, "pairing mode") {
		t.Fatalf("standalone: err = %+v", pe)
	}

	e.pairingMode(t, e.term.ID)
	if _, err := e.sb.Sleep(e.term.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.client.Pair(context.Background(), pairReq(code))
	requireKind(t, err, providers.KindNotListening)
	if _, err := e.sb.Wake(e.term.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.client.Pair(context.Background(), pairReq(code)); err != nil {
		t.Fatalf("after waking: %v", err)
	}
}

func TestPairCredentials(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)

	for _, tok := range []string{"", " \n"} {
		c := e.newClient(t, func(cfg *helcim.Config) { cfg.APIToken = providers.NewSecret(tok) })
		_, _, err := c.Pair(context.Background(), pairReq(code))
		pe := requireKind(t, err, providers.KindCredentials)
		if pe.Code != helcim.CodeUnauthorized || pe.HTTPStatus != 0 || !strings.Contains(pe.Message, "TILLPAIR_HELCIM_API_TOKEN") {
			t.Fatalf("token %q: err = %+v", tok, pe)
		}
		_, err = c.Check(context.Background(), providers.Pairing{Provider: "helcim", ID: code}, providers.Secret{})
		requireKind(t, err, providers.KindCredentials)
	}
	if n := e.count(simhelcim.RouteDevice) + e.count(simhelcim.RoutePing); n != 0 {
		t.Fatalf("%d requests sent without a token", n)
	}

	// The cloud's own 401 (what it answers a request with no token).
	if err := e.sb.SetFault(sandbox.Fault{Provider: providers.Helcim, Route: simhelcim.RouteDevice, Status: 401, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.client.Pair(context.Background(), pairReq(code))
	if pe := requireKind(t, err, providers.KindCredentials); pe.HTTPStatus != 401 || pe.Code != helcim.CodeUnauthorized {
		t.Fatalf("401: err = %+v", pe)
	}

	wrong := e.newClient(t, func(cfg *helcim.Config) { cfg.APIToken = providers.NewSecret("not-a-sandbox-token") })
	_, _, err = wrong.Pair(context.Background(), pairReq(code))
	pe := requireKind(t, err, providers.KindCredentials)
	if pe.HTTPStatus != 403 || pe.Code != helcim.CodeForbidden || !strings.Contains(pe.Message, "not valid or lacks permission") ||
		strings.Contains(err.Error(), "not-a-sandbox-token") {
		t.Fatalf("invalid token: err = %v (%+v)", err, pe)
	}

	restricted := e.newClient(t, func(cfg *helcim.Config) { cfg.APIToken = providers.NewSecret(simhelcim.RestrictedAPIToken(e.sb)) })
	_, _, err = restricted.Pair(context.Background(), pairReq(code))
	pe = requireKind(t, err, providers.KindCredentials)
	if pe.HTTPStatus != 403 || pe.Code != helcim.CodeForbidden || !strings.Contains(pe.Message, "lacks permission") ||
		!strings.Contains(pe.Message, "General: Read and Settings: Read") || !strings.Contains(pe.Message, "No access permission") {
		t.Fatalf("restricted token: err = %+v", pe)
	}
}

func TestRateLimitThenRecovery(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)
	p := providers.Pairing{Provider: "helcim", ID: code}
	for i := range 100 {
		if st, err := e.client.Check(context.Background(), p, providers.Secret{}); err != nil || st.Status != providers.StatusActive {
			t.Fatalf("check %d: %v %v", i+1, st, err)
		}
	}
	stCR, err := e.client.Check(context.Background(), p, providers.Secret{})
	st := stCR.Status
	pe := requireKind(t, err, providers.KindRateLimited)
	if st != providers.StatusUnknown || pe.HTTPStatus != 429 || !pe.Retryable || pe.Code != helcim.CodeRateLimited {
		t.Fatalf("101st: %v %+v", st, pe)
	}
	for _, want := range []string{"try again in about 60 seconds", "minute-limit-remaining 0", "hour-limit-remaining 2900"} {
		if !strings.Contains(pe.Message, want) {
			t.Errorf("message %q does not say %q", pe.Message, want)
		}
	}
	e.clock.Advance(time.Minute)
	if st, err := e.client.Check(context.Background(), p, providers.Secret{}); err != nil || st.Status != providers.StatusActive {
		t.Fatalf("after a minute: %v %v", st, err)
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name      string
		fault     sandbox.Fault
		timeout   time.Duration
		kind      providers.Kind
		retryable bool
		status    int
	}{
		{"5xx on lookup", sandbox.Fault{Route: simhelcim.RouteDevice, Status: 503}, 0, providers.KindServer, true, 503},
		{"5xx on ping", sandbox.Fault{Route: simhelcim.RoutePing, Status: 500}, 0, providers.KindServer, true, 500},
		{"reset", sandbox.Fault{Route: simhelcim.RouteDevice, Reset: true}, 0, providers.KindNetwork, true, 0},
		{"malformed lookup", sandbox.Fault{Route: simhelcim.RouteDevice, Malformed: true}, 0, providers.KindProtocol, false, 200},
		{"malformed ping (200, not 202)", sandbox.Fault{Route: simhelcim.RoutePing, Malformed: true}, 0, providers.KindProtocol, false, 200},
		// The sandbox delays on its fake clock, which never advances here,
		// so only the client's deadline can end the request.
		{"delay beyond the timeout", sandbox.Fault{Route: simhelcim.RoutePing, DelayMS: 60000}, 150 * time.Millisecond, providers.KindTimeout, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			code := e.pairingMode(t, e.term.ID)
			c.fault.Provider, c.fault.Count = providers.Helcim, 1
			if err := e.sb.SetFault(c.fault); err != nil {
				t.Fatal(err)
			}
			client := e.client
			if c.timeout > 0 {
				client = e.newClient(t, func(cfg *helcim.Config) { cfg.Timeout = c.timeout })
			}
			_, _, err := client.Pair(context.Background(), pairReq(code))
			pe := requireKind(t, err, c.kind)
			if pe.Retryable != c.retryable || pe.HTTPStatus != c.status || pe.Op != providers.OpPair {
				t.Fatalf("err = %+v", pe)
			}
			// One-shot fault: the next attempt gets through.
			if _, _, err := e.client.Pair(context.Background(), pairReq(code)); err != nil {
				t.Fatalf("after the fault: %v", err)
			}
		})
	}
}

// TestErrorFormsServedBySandbox decodes each errors form as the sandbox
// really serves it.
func TestErrorFormsServedBySandbox(t *testing.T) {
	e := newEnv(t)
	get := func(path string) *transport.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, e.info.URL("helcim_url")+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("api-token", e.info.Credential("helcim_api_token"))
		resp, err := transport.Do(context.Background(), transport.NewClient(), req, transport.Options{Provider: "helcim", Op: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, c := range []struct{ form, path, want string }{
		{"string", "/devices/ZZZ9", "Device Not Found"},
		{"list", "/devices/AB-1", `code must be 4 letters or digits; got "AB-1"`},
		{"map", "/devices?limit=0&offset=-2", "limit: limit must be a whole number from 1 to 100; offset: offset must be a whole number, 0 or more"},
	} {
		resp := get(c.path)
		if got := helcim.DecodeErrors(resp.Status, resp.Body); got != c.want {
			t.Errorf("%s form (%s → %d %s): decoded %q, want %q", c.form, c.path, resp.Status, resp.Body, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)
	p, _, err := e.client.Pair(context.Background(), pairReq(code))
	if err != nil {
		t.Fatal(err)
	}
	before := e.count(simhelcim.RoutePing)
	if st, err := e.client.Check(context.Background(), p, providers.Secret{}); err != nil || st.Status != providers.StatusActive {
		t.Fatalf("Check = %v %v", st, err)
	}
	if e.count(simhelcim.RoutePing) != before+1 || e.count(simhelcim.RouteDevice) != 1 {
		t.Fatal("Check did not ping exactly once (or looked the device up again)")
	}

	if _, err := e.sb.Sleep(e.term.ID); err != nil {
		t.Fatal(err)
	}
	stCR, err := e.client.Check(context.Background(), p, providers.Secret{})
	st := stCR.Status
	if pe := requireKind(t, err, providers.KindNotListening); st != providers.StatusUnknown || pe.Op != providers.OpCheck {
		t.Fatalf("asleep: %v %+v", st, pe)
	}

	// A stored code whose device is not on the account (any more).
	gone := providers.Pairing{Provider: "helcim", ID: "ZZZ9"}
	if gone.ID == code {
		gone.ID = "ZZZ8"
	}
	stCR, err = e.client.Check(context.Background(), gone, providers.Secret{})
	st = stCR.Status
	if pe := requireKind(t, err, providers.KindNotPaired); st != providers.StatusUnpaired || pe.HTTPStatus != 404 {
		t.Fatalf("device gone: %v %+v", st, pe)
	}
}

func TestUnpairIsOnTheTerminal(t *testing.T) {
	e := newEnv(t)
	code := e.pairingMode(t, e.term.ID)
	err := e.client.Unpair(context.Background(), providers.Pairing{Provider: "helcim", ID: code}, providers.Secret{})
	pe := requireKind(t, err, providers.KindUnpairOnTerminal)
	if pe.Op != providers.OpUnpair || !strings.Contains(pe.Message, "standalone (Helcim POS) mode") || !strings.Contains(pe.Message, "forget it here") {
		t.Fatalf("err = %+v", pe)
	}
	if e.count(simhelcim.RoutePing)+e.count(simhelcim.RouteDevice) != 0 {
		t.Fatal("Unpair sent a request")
	}
	// The device still listens: only switching it on the terminal stops it.
	if st, err := e.client.Check(context.Background(), providers.Pairing{ID: code}, providers.Secret{}); err != nil || st.Status != providers.StatusActive {
		t.Fatalf("check after Unpair: %v %v", st, err)
	}
	if _, err := e.sb.UnpairFromTerminal(e.term.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Check(context.Background(), providers.Pairing{ID: code}, providers.Secret{})
	requireKind(t, err, providers.KindNotListening)
}

func TestInvalidCodeIsRejectedLocally(t *testing.T) {
	e := newEnv(t)
	for _, code := range []string{"", "ABC", "ABCDE", "AB-1", "ÄBCD", "../x"} {
		_, _, err := e.client.Pair(context.Background(), pairReq(code))
		if pe := requireKind(t, err, providers.KindInvalidCode); pe.HTTPStatus != 0 || !strings.Contains(pe.Message, "DY6L") {
			t.Fatalf("code %q: %+v", code, pe)
		}
	}
	if n := e.count(simhelcim.RouteDevice); n != 0 {
		t.Fatalf("%d lookups for invalid codes", n)
	}
}
