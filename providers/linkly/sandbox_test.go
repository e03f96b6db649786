package linkly_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	simlinkly "github.com/tillpair/tillpair/internal/sandbox/linkly"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/transport"
)

const posID = "3e7f5001-58a3-43fa-9129-6e84a7b4f2a0"

// env is the full sandbox on real loopback HTTP, a fake clock shared with
// the client, and a client configured from the sandbox's Info through the
// Descriptor's names. Every request and answer the client saw is kept
// (wire), so a canary scan knows the secrets and tokens handed out.
type env struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	info   sandbox.Info
	clock  *clockwork.FakeClock
	client *linkly.Client
	pad    string
	log    *bytes.Buffer
	wire   *recorder
	sbLog  *entries
}

type entries struct {
	mu  sync.Mutex
	all []sandbox.Entry
}

func (e *entries) add(x sandbox.Entry) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, x)
}

func (e *entries) text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for _, x := range e.all {
		fmt.Fprintf(&b, "%s %s %d\n%s\n%s\n%s\n", x.Method, x.Target, x.Status, strings.Join(x.HeaderLines(), "\n"), x.RequestBody, x.ResponseBody)
	}
	return b.String()
}

// recorder keeps every response body the client received.
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	bodies []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := r.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	b, rerr := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	if rerr != nil {
		return nil, rerr
	}
	r.mu.Lock()
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
	return res, nil
}

// handedOut are the secrets and tokens the cloud gave the client.
func (r *recorder) handedOut() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	re := regexp.MustCompile(`"(?:secret|token)":"([^"]+)"`)
	var out []string
	for _, b := range r.bodies {
		for _, m := range re.FindAllStringSubmatch(b, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	opts.Clock, opts.Seed = clk, 42
	e := &env{t: t, clock: clk, log: &bytes.Buffer{}, sbLog: &entries{}}
	opts.RequestLog = e.sbLog.add
	e.sb = testkit.StartSandbox(t, opts)
	e.info = e.sb.Info()
	e.pad = testkit.Terminal(t, e.sb, linkly.ID).ID
	e.client = e.newClient(func(*linkly.Config) {})
	return e
}

func (e *env) newClient(edit func(*linkly.Config)) *linkly.Client {
	e.t.Helper()
	logger := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := transport.NewClient()
	e.t.Cleanup(base.CloseIdleConnections)
	e.wire = &recorder{next: base.Transport}
	base.Transport = e.wire
	cfg := linkly.Config{
		AuthURL: e.info.URL(linkly.EndpointAuth), POSURL: e.info.URL(linkly.EndpointPOS),
		PosID: posID, PosVersion: "1.4.0",
		HTTPClient: transport.WithLogger(base, logger), Clock: e.clock, Timeout: 10 * time.Second,
	}
	edit(&cfg)
	c, err := linkly.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) username() string { return e.info.Credential(linkly.InputUsername) }
func (e *env) password() string { return e.info.Credential(linkly.InputPassword) }

func (e *env) showCode(id string) string {
	e.t.Helper()
	term, err := e.sb.StartPairing(id)
	if err != nil {
		e.t.Fatal(err)
	}
	return term.PairingCode
}

func (e *env) request(code, password string) providers.PairRequest {
	return providers.PairRequest{Code: code, Nickname: "Front till", Inputs: map[string]providers.Secret{
		linkly.InputUsername: providers.NewSecret(e.username()), linkly.InputPassword: providers.NewSecret(password)}}
}

// pair pairs PIN pad id and returns the pairing and its secret.
func (e *env) pair(id string) (providers.Pairing, providers.Secret) {
	e.t.Helper()
	p, s, err := e.client.Pair(context.Background(), e.request(e.showCode(id), e.password()))
	if err != nil {
		e.t.Fatalf("Pair: %v", err)
	}
	return p, s
}

// check runs Check while advancing the shared fake clock a second at a
// time whenever the client or the sandbox waits on it, so 425 polling
// and the sandbox's result hold run without real waiting.
func (e *env) check(p providers.Pairing, s providers.Secret) (providers.CheckResult, error) {
	e.t.Helper()
	base := 0
	for {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if e.clock.BlockUntilContext(ctx, base+1) != nil {
			break
		}
		base++
	}
	type out struct {
		res providers.CheckResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := e.client.Check(context.Background(), p, s)
		done <- out{res, err}
	}()
	deadline := time.After(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		waiting := e.clock.BlockUntilContext(ctx, base+1) == nil
		cancel()
		select {
		case o := <-done:
			return o.res, o.err
		case <-deadline:
			e.t.Fatal("Check did not return")
		default:
		}
		if waiting {
			e.clock.Advance(time.Second)
		}
	}
}

func wantErr(t *testing.T, what string, err error, kind providers.Kind, code string) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != kind || pe.Code != code || pe.Provider != linkly.ID {
		t.Fatalf("%s: error = %#v (%v), want kind %s code %s", what, err, err, kind, code)
	}
	return pe
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestPairThenTest(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	p, s := e.pair(e.pad)
	if p.Provider != linkly.ID || !uuidV4.MatchString(p.ID) || p.Status != providers.StatusActive || p.PairingNickname != "Front till" ||
		p.Register == nil || p.Register.RegisterID != posID || p.Environment != linkly.EnvironmentSandbox || s.Len() != 128 {
		t.Fatalf("pairing = %+v, secret of %d bytes", p, s.Len())
	}
	if p.Health == nil || p.Health.Detail != "token valid for 30 min" {
		t.Fatalf("pairing health = %+v", p.Health)
	}
	pad, _ := e.sb.Terminal(e.pad)
	if pad.Screen != sandbox.ScreenPaired || len(pad.Pairings) != 1 || pad.Pairings[0].PairingNickname != linkly.PosName {
		t.Fatalf("PIN pad after pairing = %+v", pad)
	}
	res, err := e.check(p, s)
	if err != nil || res.Status != providers.StatusActive || res.Health.Online == nil || !*res.Health.Online || res.Health.State != "logged on" {
		t.Fatalf("Check = %+v, %v", res, err)
	}
	if res.Learned == nil || res.Learned.TID != pad.TID || len(res.Learned.Serial) != 16 {
		t.Fatalf("Check learned %+v, want TID %s", res.Learned, pad.TID)
	}
	if !strings.Contains(res.Health.Detail, "PIN pad online, logged on; TILLPAIR SANDBOX; serial ") {
		t.Fatalf("health detail = %q", res.Health.Detail)
	}
	// The token bought at pairing served the check.
	if n := e.sb.RequestCount(linkly.ID, simlinkly.RouteToken); n != 1 {
		t.Fatalf("token requests = %d, want 1 (cached)", n)
	}
}

// Every refused pairing — wrong password, an expired or unknown code, a
// 400 instead of a 401, a body or none — is the same one message.
func TestPairRefusedIsOneMessage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	var msgs []string
	try := func(what string, req providers.PairRequest, wantBody string) {
		t.Helper()
		_, s, err := e.client.Pair(ctx, req)
		pe := wantErr(t, what, err, providers.KindInvalidCode, linkly.CodePairingRefused)
		if !s.IsZero() || pe.Retryable {
			t.Fatalf("%s: secret %v, retryable %v", what, !s.IsZero(), pe.Retryable)
		}
		if r := linkly.ReplyOf(err); r == nil || r.Body != wantBody {
			t.Fatalf("%s: reply = %+v, want body %q", what, r, wantBody)
		}
		w, ok := linkly.Descriptor.Wording(pe)
		if !ok || w.Line != pe.Message || !strings.Contains(w.Next, "new pair code") || !strings.HasPrefix(w.Detail, "Linkly answered HTTP 40") {
			t.Fatalf("%s: wording = %+v", what, w)
		}
		msgs = append(msgs, pe.Message)
	}
	code := e.showCode(e.pad)
	try("wrong password", e.request(code, "not-it"), "")
	try("unknown code", e.request("999999x", e.password()), "")
	e.clock.Advance(linkly.CodeTTL)
	try("expired code", e.request(code, e.password()), "")
	if err := simlinkly.Configure(e.sb, func(s *simlinkly.Settings) { s.PairFailureStatus, s.ErrorBodies = 400, simlinkly.BodiesText }); err != nil {
		t.Fatal(err)
	}
	try("400 with a text body", e.request(e.showCode(e.pad), "not-it"), "Error")
	for _, m := range msgs {
		if m != msgs[0] || !strings.Contains(m, "check username, password and pair code") {
			t.Fatalf("messages differ: %q", msgs)
		}
	}
	// Nothing is sent without the inputs.
	before := e.sb.RequestCount(linkly.ID, simlinkly.RoutePair)
	for what, req := range map[string]providers.PairRequest{
		"no username": {Code: "123456", Inputs: map[string]providers.Secret{linkly.InputPassword: providers.NewSecret("x")}},
		"no password": {Code: "123456", Inputs: map[string]providers.Secret{linkly.InputUsername: providers.NewSecret("u")}},
		"no code":     e.request(" ", e.password()),
	} {
		if _, _, err := e.client.Pair(ctx, req); providers.KindOf(err) != providers.KindInvalidInput && providers.KindOf(err) != providers.KindInvalidCode {
			t.Errorf("%s: %v", what, err)
		}
	}
	if e.sb.RequestCount(linkly.ID, simlinkly.RoutePair) != before {
		t.Fatal("a pairing with a missing input was sent")
	}
}

func TestPosIDRequired(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, id := range []string{"", "register-1", "3e7f5001-58a3-13fa-9129-6e84a7b4f2a0", strings.ReplaceAll(posID, "-", "")} {
		c := e.newClient(func(c *linkly.Config) { c.PosID = id })
		_, _, err := c.Pair(context.Background(), e.request("123456", e.password()))
		wantErr(t, "posId "+id, err, providers.KindConfig, linkly.CodeNoPosID)
	}
	if n := e.sb.RequestCount(linkly.ID, simlinkly.RoutePair); n != 0 {
		t.Fatalf("%d pairings sent without a valid posId", n)
	}
	// A register identity's id wins over the configured one.
	other := "0b7a3c1e-1111-4abc-8def-0123456789ab"
	req := e.request(e.showCode(e.pad), e.password())
	req.Register = &providers.RegisterIdentity{RegisterID: other}
	p, s, err := e.client.Pair(context.Background(), req)
	if err != nil || p.Register.RegisterID != other {
		t.Fatalf("Pair with a register identity = %+v, %v", p.Register, err)
	}
	// A token is bought for one posId: another posId buys its own.
	tokens := func() int { return e.sb.RequestCount(linkly.ID, simlinkly.RouteToken) }
	n := tokens()
	if _, err := e.check(p, s); err != nil || tokens() != n {
		t.Fatalf("check with the pairing's posId: %v, %d→%d tokens", err, n, tokens())
	}
	p.Register = &providers.RegisterIdentity{RegisterID: posID}
	if _, err := e.check(p, s); err != nil || tokens() != n+1 {
		t.Fatalf("check with another posId: %v, %d→%d tokens", err, n, tokens())
	}
}

// The token is renewed when less than 5 minutes remain (at half its life
// when it lives 5 minutes or less), on the client's clock.
func TestTokenRefresh(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	set := func(n int) {
		if err := simlinkly.Configure(e.sb, func(s *simlinkly.Settings) { s.TokenExpirySeconds, s.ResultHoldMS = n, 0 }); err != nil {
			t.Fatal(err)
		}
	}
	tokens := func() int { return e.sb.RequestCount(linkly.ID, simlinkly.RouteToken) }
	set(600)
	p, s := e.pair(e.pad)
	e.clock.Advance(4*time.Minute + 59*time.Second)
	if _, err := e.check(p, s); err != nil || tokens() != 1 {
		t.Fatalf("check before the refresh point: %v, %d token requests", err, tokens())
	}
	e.clock.Advance(time.Second)
	if _, err := e.check(p, s); err != nil || tokens() != 2 {
		t.Fatalf("check at the refresh point: %v, %d token requests", err, tokens())
	}
	set(60)
	p, s = e.pair(e.pad)
	n := tokens()
	e.clock.Advance(29 * time.Second)
	if _, err := e.check(p, s); err != nil || tokens() != n {
		t.Fatalf("short token before half-life: %v, %d→%d", err, n, tokens())
	}
	e.clock.Advance(2 * time.Second)
	if _, err := e.check(p, s); err != nil || tokens() != n+1 {
		t.Fatalf("short token after half-life: %v, %d→%d", err, n, tokens())
	}
}

// Unpairing on the PIN pad, or pairing it again, revokes the secret:
// the token call's 401 is the pairing lost.
func TestPairingLost(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	first, s1 := e.pair(e.pad)
	second, s2 := e.pair(e.pad)
	e.client = e.newClient(func(*linkly.Config) {}) // no cached tokens
	res, err := e.check(first, s1)
	pe := wantErr(t, "check after a re-pair", err, providers.KindNotPaired, linkly.CodePairingLost)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("status = %s", res.Status)
	}
	if w, _ := linkly.Descriptor.Wording(pe); !w.Forget || w.Title != "Pairing lost" || !strings.Contains(w.Line, "Pair the PIN pad again") {
		t.Fatalf("wording = %+v", w)
	}
	if _, err := e.check(second, s2); err != nil {
		t.Fatalf("the new pairing: %v", err)
	}
	// Unpair on the pad: the cached token is refused by the POS API, a
	// new one is refused too.
	if _, err := e.sb.UnpairFromTerminal(e.pad); err != nil {
		t.Fatal(err)
	}
	res, err = e.check(second, s2)
	wantErr(t, "check after unpair on the pad", err, providers.KindNotPaired, linkly.CodePairingLost)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("status = %s", res.Status)
	}
}

// A POS API 401 drops the token and retries once with a new one.
func TestPOS401RetriesOnce(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	p, s := e.pair(e.pad)
	if err := e.sb.SetFault(sandbox.Fault{Provider: linkly.ID, Route: simlinkly.RouteStatus, Status: 401, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.check(p, s); err != nil {
		t.Fatalf("check after one POS 401: %v", err)
	}
	if n := e.sb.RequestCount(linkly.ID, simlinkly.RouteToken); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
	if err := e.sb.SetFault(sandbox.Fault{Provider: linkly.ID, Route: simlinkly.RouteStatus, Status: 401, Count: 2}); err != nil {
		t.Fatal(err)
	}
	_, err := e.check(p, s)
	wantErr(t, "two POS 401s", err, providers.KindNotPaired, linkly.CodePairingLost)
}

// 425 polling: the pad answers 5 s late; a pad switched off never does,
// and the wait is bounded by StatusTimeout on the clock.
func TestStatusPolling(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	slow, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: linkly.ID, Settings: map[string]json.RawMessage{"status_delay": json.RawMessage(`"5s"`)}})
	if err != nil {
		t.Fatal(err)
	}
	p, s := e.pair(slow.ID)
	start := e.clock.Now()
	if res, err := e.check(p, s); err != nil || res.Status != providers.StatusActive {
		t.Fatalf("slow pad: %+v, %v", res, err)
	}
	if took := e.clock.Since(start); took != 5*time.Second {
		t.Fatalf("slow pad answered after %s of clock, want 5s", took)
	}
	if n := e.sb.RequestCount(linkly.ID, simlinkly.RouteResult); n < 3 {
		t.Fatalf("result requests = %d, want several (425 polling)", n)
	}

	if _, err := e.sb.SetPower(slow.ID, false); err != nil {
		t.Fatal(err)
	}
	before := e.sb.RequestCount(linkly.ID, simlinkly.RouteResult)
	start = e.clock.Now()
	res, err := e.check(p, s)
	wantErr(t, "pad switched off", err, providers.KindNotListening, linkly.CodeNoAnswer)
	if res.Status != providers.StatusActive || res.Health.Online == nil || *res.Health.Online {
		t.Fatalf("pad switched off: %+v", res)
	}
	if took := e.clock.Since(start); took != linkly.DefaultStatusTimeout {
		t.Fatalf("gave up after %s, want %s", took, linkly.DefaultStatusTimeout)
	}
	if n := e.sb.RequestCount(linkly.ID, simlinkly.RouteResult) - before; n < 10 || n > 40 {
		t.Fatalf("%d result requests in the wait", n)
	}
}

func TestBusyPad(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	busy, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: linkly.ID, Settings: map[string]json.RawMessage{"busy": json.RawMessage(`true`)}})
	if err != nil {
		t.Fatal(err)
	}
	p, s := e.pair(busy.ID)
	res, err := e.check(p, s)
	pe := wantErr(t, "busy pad", err, providers.KindNotListening, linkly.CodePinPadBusy)
	if !pe.Retryable || res.Status != providers.StatusActive || res.Health.State != "busy" {
		t.Fatalf("busy: %+v %+v", res, pe)
	}
}

func TestServerAndTransportFailures(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	fault := func(route string, f sandbox.Fault) {
		f.Provider, f.Route, f.Count = linkly.ID, route, 1
		if err := e.sb.SetFault(f); err != nil {
			t.Fatal(err)
		}
	}
	fault(simlinkly.RoutePair, sandbox.Fault{Status: 503})
	_, _, err := e.client.Pair(ctx, e.request(e.showCode(e.pad), e.password()))
	pe := wantErr(t, "pair 503", err, providers.KindServer, linkly.CodeUnexpected)
	if w, _ := linkly.Descriptor.Wording(pe); pe.Retryable || w.Line != "Linkly had a server problem; nothing was changed" || !w.Retry {
		t.Fatalf("pair 503: retryable %v, wording %+v", pe.Retryable, w)
	}
	fault(simlinkly.RoutePair, sandbox.Fault{Reset: true})
	_, _, err = e.client.Pair(ctx, e.request(e.showCode(e.pad), e.password()))
	if pe, _ := providers.AsError(err); providers.KindOf(err) != providers.KindNetwork || pe.Retryable {
		t.Fatalf("pair reset: %v", err)
	}
	fault(simlinkly.RoutePair, sandbox.Fault{Malformed: true})
	_, _, err = e.client.Pair(ctx, e.request(e.showCode(e.pad), e.password()))
	wantErr(t, "pair malformed", err, providers.KindProtocol, linkly.CodeNoSecret)

	p, s := e.pair(e.pad)
	e.client = e.newClient(func(*linkly.Config) {})
	fault(simlinkly.RouteToken, sandbox.Fault{Status: 400})
	_, err = e.check(p, s)
	pe = wantErr(t, "token 400", err, providers.KindConfig, linkly.CodeIdentityRejected)
	if w, _ := linkly.Descriptor.Wording(pe); !w.Setup || w.Detail != "Linkly answered HTTP 400 with no body" {
		t.Fatalf("token 400 wording = %+v", w)
	}
	fault(simlinkly.RouteResult, sandbox.Fault{Status: 500})
	_, err = e.check(p, s)
	wantErr(t, "result 500", err, providers.KindServer, linkly.CodeUnexpected)
}

func TestUnpairForgetsHere(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	p, s := e.pair(e.pad)
	err := e.client.Unpair(context.Background(), p, s)
	pe := wantErr(t, "unpair", err, providers.KindUnpairOnTerminal, "")
	if w, ok := linkly.Descriptor.Wording(pe); !ok || !strings.Contains(w.Next, "forget the pairing here") {
		t.Fatalf("unpair wording = %+v", w)
	}
	// The token went with it: the next check buys a new one.
	if _, err := e.check(p, s); err != nil || e.sb.RequestCount(linkly.ID, simlinkly.RouteToken) != 2 {
		t.Fatalf("check after unpair: %v, %d tokens", err, e.sb.RequestCount(linkly.ID, simlinkly.RouteToken))
	}
	if pad, _ := e.sb.Terminal(e.pad); pad.Screen != sandbox.ScreenPaired {
		t.Fatalf("the PIN pad changed: %+v", pad)
	}
}

// Secret canary: the password (planted in the sandbox), a wrong password
// typed, the pairing secrets and the tokens never appear in an error, a
// wording, a pairing record, the client's debug log or the sandbox's
// request log.
func TestSecretCanary(t *testing.T) {
	const canary, wrong = "CANARY-linkly-password-7Qx", "CANARY-wrong-password-9Zk"
	e := newEnv(t, sandbox.Options{Credentials: sandbox.Credentials{linkly.InputPassword: canary}})
	if e.password() != canary {
		t.Fatal("the canary was not planted")
	}
	var out bytes.Buffer
	show := func(v ...any) {
		for _, x := range v {
			fmt.Fprintf(&out, "%v\n%+v\n%#v\n", x, x, x)
			if pe, ok := providers.AsError(asErr(x)); ok {
				w, _ := linkly.Descriptor.Wording(pe)
				fmt.Fprintf(&out, "%+v\n", w)
			}
		}
	}
	ctx := context.Background()
	_, _, err := e.client.Pair(ctx, e.request(e.showCode(e.pad), wrong))
	show(err)
	p, s, err := e.client.Pair(ctx, e.request(e.showCode(e.pad), canary))
	show(p, s, err)
	res, err := e.check(p, s)
	show(res, err)
	show(e.client.Unpair(ctx, p, s))
	res, err = e.check(p, s) // a new token: Unpair forgot the old one
	show(res, err)
	if _, err := e.sb.UnpairFromTerminal(e.pad); err != nil {
		t.Fatal(err)
	}
	res, err = e.check(p, s)
	show(res, err)
	if err := e.sb.SetFault(sandbox.Fault{Provider: linkly.ID, Route: simlinkly.RouteToken, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res, err = e.check(p, s)
	show(res, err, e.client)

	secrets := append([]string{canary, wrong}, e.wire.handedOut()...)
	if len(secrets) < 5 {
		t.Fatalf("only %d secrets to look for", len(secrets))
	}
	for _, where := range []struct{ name, text string }{
		{"errors, wordings and records", out.String()}, {"the client's debug log", e.log.String()}, {"the sandbox request log", e.sbLog.text()},
	} {
		if where.text == "" {
			t.Fatalf("%s is empty", where.name)
		}
		for _, v := range secrets {
			if strings.Contains(where.text, v) {
				t.Errorf("a secret (%d chars) leaked into %s", len(v), where.name)
			}
		}
	}
}

func asErr(v any) error {
	if err, ok := v.(error); ok {
		return err
	}
	return errors.New("")
}

// The descriptor's names are the sandbox's Info keys, and its New builds
// a working client from them.
func TestDescriptorAgainstSandbox(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, k := range []string{linkly.EndpointAuth, linkly.EndpointPOS} {
		if e.info.URL(k) == "" {
			t.Errorf("the sandbox has no URL %s", k)
		}
	}
	for _, in := range linkly.Descriptor.PairInputs {
		if e.info.Credential(in.Name) == "" {
			t.Errorf("the sandbox has no credential %s", in.Name)
		}
	}
	prov, err := linkly.Descriptor.New(providers.Config{
		Environment: linkly.EnvironmentSandbox,
		URLs:        map[string]string{linkly.EndpointAuth: e.info.URL(linkly.EndpointAuth), linkly.EndpointPOS: e.info.URL(linkly.EndpointPOS)},
		Credentials: map[string]providers.Secret{linkly.GeneratedPosID: providers.NewSecret(posID)},
		Clock:       e.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	p, s, err := prov.Pair(context.Background(), e.request(e.showCode(e.pad), e.password()))
	if err != nil || s.IsZero() || p.Environment != linkly.EnvironmentSandbox {
		t.Fatalf("Pair through the descriptor: %+v, %v", p, err)
	}
	if got := fmt.Sprintf(linkly.Descriptor.PairingSecret, p.ID); got != "linkly/"+p.ID+"/secret" {
		t.Fatalf("keyring item = %s", got)
	}
}
