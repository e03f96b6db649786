package square_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	simsquare "github.com/tillpair/tillpair/internal/sandbox/square"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/transport"
)

// env is the full sandbox on real loopback HTTP, a fake clock, and a
// client configured from the sandbox's Info through the Descriptor names.
type env struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	info   sandbox.Info
	fix    simsquare.Fixtures
	clock  *clockwork.FakeClock
	client *square.Client
	term   sandbox.Terminal // the start-up Square Terminal
	log    *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2026, 2, 6, 18, 44, 33, 0, time.UTC))
	sb := testkit.StartSandbox(t, sandbox.Options{Clock: clk, Seed: 42})
	fix, err := simsquare.FixturesOf(sb)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sb: sb, info: sb.Info(), fix: fix, clock: clk, log: &bytes.Buffer{}}
	e.client = e.newClient(func(*square.Config) {})
	e.term = testkit.Terminal(t, sb, square.ID)
	return e
}

// newClient builds a client for the sandbox, logging every request at
// debug level into e.log, after edit.
func (e *env) newClient(edit func(*square.Config)) *square.Client {
	e.t.Helper()
	cfg := square.Config{
		BaseURL:     e.info.URL(square.EndpointURL),
		AccessToken: providers.NewSecret(e.token()),
		LocationID:  e.info.Credential(square.CredLocationID),
		HTTPClient:  e.httpClient(nil),
		Clock:       e.clock,
		Timeout:     10 * time.Second,
	}
	edit(&cfg)
	c, err := square.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// httpClient logs into e.log; rt, if not nil, wraps the transport.
func (e *env) httpClient(wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	logger := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := transport.NewClient()
	if wrap != nil {
		base.Transport = wrap(base.Transport)
	}
	hc := transport.WithLogger(base, logger)
	e.t.Cleanup(hc.CloseIdleConnections)
	return hc
}

func (e *env) token() string { return e.info.Credential(square.CredAccessToken) }

func (e *env) pair(c *square.Client, nick, attempt string) (providers.Pairing, error) {
	p, secret, err := c.Pair(context.Background(), providers.PairRequest{Nickname: nick, Attempt: attempt})
	if err == nil && !secret.IsZero() {
		e.t.Fatal("Pair returned a secret")
	}
	return p, err
}

func (e *env) mustPair(nick string) providers.Pairing {
	e.t.Helper()
	p, err := e.pair(e.client, nick, "")
	if err != nil {
		e.t.Fatalf("Pair: %v", err)
	}
	return p
}

func (e *env) check(p providers.Pairing) (providers.CheckResult, error) {
	return e.client.Check(context.Background(), p, providers.Secret{})
}

// control posts a terminal action to the control API over HTTP, as a demo
// or a script would, and returns the status.
func (e *env) control(termID, action, body string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.info.ControlURL()+"/terminals/"+termID+"/"+action, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// signIn is the operator typing code on the Terminal through the control API.
func (e *env) signIn(termID, code string) {
	e.t.Helper()
	if st := e.control(termID, sandbox.ActionSignIn, `{"code":"`+code+`"}`); st != http.StatusOK {
		e.t.Fatalf("sign-in %s = %d", code, st)
	}
}

// learn applies a check's Learned fields as the pairing service would.
func learn(p providers.Pairing, res providers.CheckResult) providers.Pairing {
	p.Status = res.Status
	if l := res.Learned; l != nil {
		if l.TID != "" {
			p.TID, p.Serial = l.TID, l.Serial
		}
		if l.TerminalNickname != "" {
			p.TerminalNickname = l.TerminalNickname
		}
		if l.Location != "" {
			p.Location = l.Location
		}
	}
	return p
}

func (e *env) fault(f sandbox.Fault) {
	e.t.Helper()
	f.Provider = square.ID
	if err := e.sb.SetFault(f); err != nil {
		e.t.Fatal(err)
	}
}

// codes lists the account's device codes straight over HTTP.
func (e *env) codes() int {
	e.t.Helper()
	n := 0
	cursor := ""
	for {
		req, _ := http.NewRequest(http.MethodGet, e.info.URL(square.EndpointURL)+"/v2/devices/codes?cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+e.token())
		req.Header.Set("Square-Version", square.SquareVersion)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		var page struct {
			DeviceCodes []json.RawMessage `json:"device_codes"`
			Cursor      string            `json:"cursor"`
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			e.t.Fatalf("list codes = %d, %v", res.StatusCode, err)
		}
		n += len(page.DeviceCodes)
		if cursor = page.Cursor; cursor == "" {
			return n
		}
	}
}

func requireKind(t *testing.T, err error, kind providers.Kind, code string) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error of kind %v", err, err, kind)
	}
	if pe.Kind != kind || pe.Provider != square.ID || pe.Code != code {
		t.Fatalf("err = %v: kind %v code %q provider %q, want %v %q square", err, pe.Kind, pe.Code, pe.Provider, kind, code)
	}
	return pe
}

var (
	codeRE   = regexp.MustCompile(`^[A-Z]{6}$`)
	codeIDRE = regexp.MustCompile(`^[0-9A-Z]{13}$`)
)

// The whole model-B flow: create, show, sign in on the Terminal through
// the control API, PAIRED, then the device's health through its life.
func TestPairSignInCheck(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now().UTC()
	p := e.mustPair("Counter 1")
	if p.Provider != square.ID || !codeIDRE.MatchString(p.ID) || !codeRE.MatchString(p.ConfirmationCode) ||
		p.Status != providers.StatusAwaitingConfirmation || !p.ExpiresAt.Equal(now.Add(5*time.Minute)) ||
		p.PairingNickname != "Counter 1" || p.Location != e.info.Credential(square.CredLocationID) ||
		p.TID != "" || p.Environment != square.EnvironmentSandbox || !p.CreatedAt.Equal(now) {
		t.Fatalf("pairing = %+v", p)
	}

	res, err := e.check(p)
	if err != nil || res.Status != providers.StatusAwaitingConfirmation || res.Learned != nil {
		t.Fatalf("check before sign-in = %+v, %v", res, err)
	}

	e.clock.Advance(2 * time.Minute)
	e.signIn(e.term.ID, strings.ToLower(p.ConfirmationCode))
	res, err = e.check(p)
	if err != nil || res.Status != providers.StatusActive || res.Learned == nil || res.Learned.TID != e.term.TID ||
		res.Learned.Serial != e.term.TID || len(e.term.TID) != 16 || res.Learned.TerminalNickname != "Square Terminal "+e.term.TID[12:] {
		t.Fatalf("check after sign-in = %+v (learned %+v), %v; terminal %s", res, res.Learned, err, e.term.TID)
	}
	if h := res.Health; h.Online == nil || !*h.Online || h.State != square.CategoryAvailable || h.Battery == nil || *h.Battery != 100 {
		t.Fatalf("health after sign-in = %+v", h)
	}
	p = learn(p, res)

	// Active: the device route, with the colon escaped; nothing new to
	// learn.
	res, err = e.check(p)
	if err != nil || res.Status != providers.StatusActive || res.Learned != nil || res.Health.State != square.CategoryAvailable || !strings.HasPrefix(res.Health.Detail, "Terminal available as of 18:46 UTC") {
		t.Fatalf("active check = %+v, %v", res, err)
	}
	if n := e.sb.RequestCount(square.ID, simsquare.RouteGetDevice); n != 2 {
		t.Fatalf("device route called %d times", n)
	}

	for _, step := range []struct {
		action, body, category string
		online                 bool
	}{
		{simsquare.ActionNeedsAttention, "", square.CategoryNeedsAttention, true},
		{simsquare.ActionAttentionResolved, "", square.CategoryAvailable, true},
		{sandbox.ActionPower, `{"online":false}`, square.CategoryOffline, false},
		{sandbox.ActionPower, `{"online":true}`, square.CategoryAvailable, true},
		// Log out on the Terminal: the code stays PAIRED, the device goes
		// OFFLINE, the pairing stays active (Square cannot tell more).
		{sandbox.ActionUnpair, "", square.CategoryOffline, false},
	} {
		e.clock.Advance(time.Second)
		if st := e.control(e.term.ID, step.action, step.body); st != http.StatusOK {
			t.Fatalf("%s = %d", step.action, st)
		}
		res, err := e.check(p)
		if h := res.Health; err != nil || res.Status != providers.StatusActive || h.State != step.category || h.Online == nil || *h.Online != step.online {
			t.Fatalf("after %s: %+v, %v", step.action, res, err)
		}
	}

	// No API unpair: the steps say how.
	err = e.client.Unpair(context.Background(), p, providers.Secret{})
	pe := requireKind(t, err, providers.KindUnpairOnTerminal, "")
	if w, ok := square.Descriptor.Wording(pe); !ok || !w.Forget || !strings.Contains(w.Next, "Log out") {
		t.Fatalf("unpair wording = %+v", w)
	}
}

// A code nobody signs in with expires at pair_by on the fake clock, even
// when Square is late to say so; the Terminal then refuses it, and a new
// attempt gets a new code.
func TestCodeExpires(t *testing.T) {
	e := newEnv(t)
	if err := simsquare.Configure(e.sb, simsquare.Settings{PageSize: 2, ExpiryLagSeconds: 90}); err != nil {
		t.Fatal(err)
	}
	p := e.mustPair("Counter 1")
	e.clock.Advance(5*time.Minute - time.Millisecond)
	if res, err := e.check(p); err != nil || res.Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("just before pair_by = %+v, %v", res, err)
	}
	e.clock.Advance(time.Millisecond)
	res, err := e.check(p) // Square still says UNPAIRED (lazy)
	pe := requireKind(t, err, providers.KindCodeUsed, square.CodeExpired)
	if res.Status != providers.StatusUnpaired || !strings.Contains(pe.Message, p.ConfirmationCode) {
		t.Fatalf("at pair_by = %+v, %v", res, err)
	}
	if w, ok := square.Descriptor.Wording(pe); !ok || w.Line != "Code expired (codes last 5 minutes)" || !w.Retry {
		t.Fatalf("wording = %+v", w)
	}
	e.clock.Advance(2 * time.Minute) // now Square says EXPIRED too
	requireKind(t, second(e.check(p)), providers.KindCodeUsed, square.CodeExpired)

	if st := e.control(e.term.ID, sandbox.ActionSignIn, `{"code":"`+p.ConfirmationCode+`"}`); st != http.StatusUnprocessableEntity {
		t.Fatalf("sign-in with an expired code = %d", st)
	}
	if got, _ := e.sb.Terminal(e.term.ID); got.Message != simsquare.IncorrectCodeMessage {
		t.Fatalf("terminal after the expired code: %+v", got)
	}
	fresh := e.mustPair("Counter 1")
	if fresh.ID == p.ID || fresh.ConfirmationCode == p.ConfirmationCode {
		t.Fatalf("a new attempt reused the expired code: %+v", fresh)
	}
	// The expire-code action ends a code early (Square says EXPIRED once
	// the lag is gone).
	if err := simsquare.Configure(e.sb, simsquare.Settings{PageSize: 2}); err != nil {
		t.Fatal(err)
	}
	if st := e.control(e.term.ID, sandbox.ActionExpireCode, `{"code":"`+fresh.ConfirmationCode+`"}`); st != http.StatusOK {
		t.Fatalf("expire-code = %d", st)
	}
	requireKind(t, second(e.check(fresh)), providers.KindCodeUsed, square.CodeExpired)
}

func second[T any](_ T, err error) error { return err }

// A retried create never mints a second code: the same attempt replays
// the same code, a connection reset is retried with the same key, and an
// answer lost after Square made the code gets that code back.
func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	a, err := e.pair(e.client, "Counter 1", "attempt-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.pair(e.client, "Counter 1", "attempt-1")
	if err != nil || again.ID != a.ID || again.ConfirmationCode != a.ConfirmationCode || !again.ExpiresAt.Equal(a.ExpiresAt) {
		t.Fatalf("repeated attempt = %+v, %v; first %+v", again, err, a)
	}
	// Two minutes later Square replays the first answer: its countdown is
	// the first one's, not mistaken for a clock two minutes off.
	e.clock.Advance(2 * time.Minute)
	later, err := e.pair(e.client, "Counter 1", "attempt-1")
	if err != nil || later.ID != a.ID || !later.ExpiresAt.Equal(a.ExpiresAt) {
		t.Fatalf("attempt repeated 2 minutes later = %+v, %v; first %+v", later, err, a)
	}
	// Another nickname under the same attempt is another request, not
	// IDEMPOTENCY_KEY_REUSED.
	if other, err := e.pair(e.client, "Counter 2", "attempt-1"); err != nil || other.ID == a.ID {
		t.Fatalf("same attempt, other name = %+v, %v", other, err)
	}
	if n := e.codes(); n != 2 {
		t.Fatalf("%d codes after three creates of two requests", n)
	}
	// The same attempt after the sign-in: Square replays its first answer
	// (UNPAIRED), and the next check finds the code paired.
	e.signIn(e.term.ID, a.ConfirmationCode)
	p, err := e.pair(e.client, "Counter 1", "attempt-1")
	if err != nil || p.ID != a.ID {
		t.Fatalf("attempt replayed after sign-in = %+v, %v", p, err)
	}
	if res, err := e.check(p); err != nil || res.Status != providers.StatusActive || res.Learned.TID != e.term.TID {
		t.Fatalf("check of the replayed code = %+v, %v", res, err)
	}

	// Reset before Square saw it: the one retry creates the code.
	before := e.sb.RequestCount(square.ID, simsquare.RouteCreateCode)
	e.fault(sandbox.Fault{Route: simsquare.RouteCreateCode, Reset: true, Count: 1})
	if _, err := e.pair(e.client, "Counter 3", ""); err != nil {
		t.Fatalf("create after a reset: %v", err)
	}
	if n := e.sb.RequestCount(square.ID, simsquare.RouteCreateCode) - before; n != 2 {
		t.Fatalf("%d creates sent for one reset", n)
	}
	if n := e.codes(); n != 3 {
		t.Fatalf("%d codes after the reset", n)
	}

	// The answer lost after Square made the code: the retry, same key and
	// body, gets the very code Square made.
	var lost atomic.Bool
	var made string
	hc := e.httpClient(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			res, err := rt.RoundTrip(r)
			if err == nil && r.Method == http.MethodPost && lost.CompareAndSwap(false, true) {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				made = string(b)
				return nil, io.ErrUnexpectedEOF
			}
			return res, err
		})
	})
	c := e.newClient(func(cfg *square.Config) { cfg.HTTPClient = hc })
	p, err = e.pair(c, "Counter 4", "")
	if err != nil || !lost.Load() || !strings.Contains(made, `"id":"`+p.ID+`"`) || !strings.Contains(made, `"code":"`+p.ConfirmationCode+`"`) {
		t.Fatalf("Pair with a lost answer = %+v, %v; Square made %s", p, err, made)
	}
	if n := e.codes(); n != 4 {
		t.Fatalf("%d codes: the lost answer minted a second code", n)
	}

	// Two failures in a row: the error stands, retryable with the same
	// attempt.
	e.fault(sandbox.Fault{Route: simsquare.RouteCreateCode, Status: 503, Count: 2})
	_, err = e.pair(e.client, "Counter 5", "attempt-5")
	if pe := requireKind(t, err, providers.KindServer, "SERVICE_UNAVAILABLE"); !pe.Retryable {
		t.Fatalf("503 = %+v", pe)
	}
	if _, err := e.pair(e.client, "Counter 5", "attempt-5"); err != nil {
		t.Fatalf("retry of the attempt: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestErrors(t *testing.T) {
	e := newEnv(t)
	withToken := func(tok string) *square.Client {
		return e.newClient(func(c *square.Config) { c.AccessToken = providers.NewSecret(tok) })
	}

	// Wrong token: 401, never echoed.
	wrong := "EAAAwrongWRONGwrong0123456789wrongWRONGwrong0123456789wrongWRONG"
	_, err := e.pair(withToken(wrong), "x", "")
	pe := requireKind(t, err, providers.KindCredentials, square.CodeUnauthorized)
	if pe.HTTPStatus != 401 || strings.Contains(fmt.Sprintf("%v %+v %#v", pe, pe, pe), wrong) || !strings.Contains(pe.Message, "other environment") {
		t.Fatalf("401 = %+v", pe)
	}
	if w, ok := square.Descriptor.Wording(pe); !ok || !w.Setup || w.Detail != "Square: UNAUTHORIZED" {
		t.Fatalf("401 wording = %+v", w)
	}
	for tok, code := range map[string]string{e.fix.ExpiredToken: "ACCESS_TOKEN_EXPIRED", e.fix.RevokedToken: "ACCESS_TOKEN_REVOKED"} {
		requireKind(t, second(e.pair(withToken(tok), "x", "")), providers.KindCredentials, code)
	}
	pe = requireKind(t, second(e.pair(withToken(e.fix.NoDeviceCredentialManagementToken), "x", "")), providers.KindCredentials, square.CodeScopes)
	if w, _ := square.Descriptor.Wording(pe); !strings.Contains(w.Line, "Device Credential Management") {
		t.Fatalf("403 wording = %+v", w)
	}

	// Refused locally: nothing sent.
	before := e.sb.RequestCount(square.ID, simsquare.RouteCreateCode)
	for name, edit := range map[string]func(*square.Config){
		"no token":       func(c *square.Config) { c.AccessToken = providers.Secret{} },
		"token w/ space": func(c *square.Config) { c.AccessToken = providers.NewSecret("EAAA abc") },
		"bad location":   func(c *square.Config) { c.LocationID = "L1/../x" },
	} {
		if _, err := e.pair(e.newClient(edit), "x", ""); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	requireKind(t, second(e.pair(e.client, strings.Repeat("é", 129), "")), providers.KindInvalidInput, "")
	if n := e.sb.RequestCount(square.ID, simsquare.RouteCreateCode); n != before {
		t.Fatalf("%d creates sent for requests refused locally", n-before)
	}

	// A location of another account: Square's INVALID_VALUE on the field.
	other := e.newClient(func(c *square.Config) { c.LocationID = e.fix.OtherMerchantLocationID })
	pe = requireKind(t, second(e.pair(other, "x", "")), providers.KindConfig, "INVALID_VALUE")
	if w, ok := square.Descriptor.Wording(pe); ok {
		t.Fatalf("a Square code kept the generic config wording? %+v", w)
	}
	// A base URL that is not Square's API root: the route is 404.
	wrongURL := e.newClient(func(c *square.Config) { c.BaseURL = e.info.URL(square.EndpointURL) + "/v1" })
	pe = requireKind(t, second(e.pair(wrongURL, "x", "")), providers.KindConfig, square.CodeNotFound)
	if !strings.Contains(pe.Message, "TILLPAIR_SQUARE_URL") {
		t.Fatalf("wrong URL = %+v", pe)
	}
	// No location: Square's main one, learned at sign-in.
	noLoc := e.newClient(func(c *square.Config) { c.LocationID = "" })
	p, err := e.pair(noLoc, "x", "")
	if err != nil || p.Location != "" {
		t.Fatalf("pair without a location = %+v, %v", p, err)
	}
	e.signIn(e.term.ID, p.ConfirmationCode)
	if res, err := e.check(p); err != nil || res.Learned == nil || res.Learned.Location != e.fix.LocationIDs[0] {
		t.Fatalf("learned location = %+v, %v", res.Learned, err)
	}
	p = learn(p, must(e.check(p)))

	// Another account's token: the code is 404 while awaiting.
	q := e.mustPair("y")
	res, err := withToken(e.fix.OtherMerchantToken).Check(context.Background(), q, providers.Secret{})
	requireKind(t, err, providers.KindNotFound, square.CodeNotFound)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("other account, awaiting = %+v", res)
	}
	// … and unknown (kept) once active.
	res, err = withToken(e.fix.OtherMerchantToken).Check(context.Background(), p, providers.Secret{})
	requireKind(t, err, providers.KindNotFound, square.CodeNotFound)
	if res.Status != providers.StatusUnknown {
		t.Fatalf("other account, active = %+v", res)
	}
	// A token without DEVICES_READ: unknown, credentials.
	res, err = withToken(e.fix.NoDevicesReadToken).Check(context.Background(), p, providers.Secret{})
	requireKind(t, err, providers.KindCredentials, square.CodeScopes)
	if res.Status != providers.StatusUnknown {
		t.Fatalf("no DEVICES_READ = %+v", res)
	}

	// Faults.
	e.fault(sandbox.Fault{Route: simsquare.RouteGetCode, Status: 429, Count: 1})
	res, err = e.check(q)
	if pe := requireKind(t, err, providers.KindRateLimited, square.CodeRateLimited); !pe.Retryable || !strings.Contains(pe.Message, "try again in a second") || res.Status != providers.StatusUnknown {
		t.Fatalf("429 = %+v, %+v", pe, res)
	}
	e.fault(sandbox.Fault{Route: simsquare.RouteGetCode, Status: 500, Count: 1})
	if pe := requireKind(t, second(e.check(q)), providers.KindServer, square.CodeServer); !pe.Retryable {
		t.Fatalf("500 = %+v", pe)
	}
	e.fault(sandbox.Fault{Route: simsquare.RouteGetCode, Malformed: true, Count: 1})
	requireKind(t, second(e.check(q)), providers.KindProtocol, square.CodeUnexpected)
	e.fault(sandbox.Fault{Route: simsquare.RouteCreateCode, Malformed: true, Count: 1})
	requireKind(t, second(e.pair(e.client, "z", "")), providers.KindProtocol, square.CodeUnexpected)
	e.fault(sandbox.Fault{Route: simsquare.RouteGetDevice, Status: 503, Count: 1})
	if res, err := e.check(p); providers.KindOf(err) != providers.KindServer || res.Status != providers.StatusUnknown {
		t.Fatalf("503 on the device = %+v, %v", res, err)
	}

	// A record edited by hand never becomes a path.
	for _, edit := range []func(*providers.Pairing){
		func(p *providers.Pairing) { p.ID = "../codes" },
		func(p *providers.Pairing) { p.ID = "" },
		func(p *providers.Pairing) { p.TID = "907/../x" },
	} {
		bad := p
		edit(&bad)
		if _, err := e.check(bad); providers.KindOf(err) != providers.KindConfig {
			t.Errorf("check of %+v = %v", bad, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A Terminal that signs in with another code has left this pairing.
func TestSignedInElsewhere(t *testing.T) {
	e := newEnv(t)
	a := e.mustPair("Counter 1")
	e.signIn(e.term.ID, a.ConfirmationCode)
	a = learn(a, must(e.check(a)))
	if a.Status != providers.StatusActive {
		t.Fatalf("a = %+v", a)
	}
	b := e.mustPair("Counter 2")
	if st := e.control(e.term.ID, sandbox.ActionSignIn, `{"code":"`+b.ConfirmationCode+`"}`); st != http.StatusConflict {
		t.Fatalf("sign-in while signed in = %d; the Terminal must log out first", st)
	}
	if st := e.control(e.term.ID, sandbox.ActionUnpair, ""); st != http.StatusOK {
		t.Fatal(st)
	}
	e.signIn(e.term.ID, b.ConfirmationCode)
	res, err := e.check(a)
	pe := requireKind(t, err, providers.KindNotPaired, square.CodeSignedInOther)
	if w, ok := square.Descriptor.Wording(pe); res.Status != providers.StatusUnpaired || !ok || !w.Forget {
		t.Fatalf("a after b = %+v, wording %+v", res, w)
	}
	if res, err := e.check(learn(b, must(e.check(b)))); err != nil || res.Status != providers.StatusActive {
		t.Fatalf("b = %+v, %v", res, err)
	}
}

// The access token (and a wrong one) never reaches a debug log line, an
// error or its wording, whatever happens.
func TestTokenNeverLoggedOrInErrors(t *testing.T) {
	e := newEnv(t)
	wrong := "EAAAcanaryCANARYcanary0123456789canaryCANARYcanary0123456789cana"
	bad := e.newClient(func(c *square.Config) { c.AccessToken = providers.NewSecret(wrong) })
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	p := e.mustPair("Counter 1")
	e.signIn(e.term.ID, p.ConfirmationCode)
	p = learn(p, must(e.check(p)))
	for _, c := range []*square.Client{e.client, bad} {
		_, err := e.pair(c, "x", "")
		keep(err)
		_, err = c.Check(context.Background(), p, providers.Secret{})
		keep(err)
		keep(c.Unpair(context.Background(), p, providers.Secret{}))
	}
	e.fault(sandbox.Fault{Route: simsquare.RouteCreateCode, Reset: true, Count: 2})
	_, err := e.pair(e.client, "x", "")
	keep(err)
	e.fault(sandbox.Fault{Route: simsquare.RouteGetDevice, Status: 401, Count: 1})
	_, err = e.check(p)
	keep(err)

	if len(errs) < 5 || !strings.Contains(e.log.String(), "level=DEBUG") || strings.Count(e.log.String(), "\n") < 8 {
		t.Fatalf("too little was exercised: %d errors, log:\n%s", len(errs), e.log)
	}
	// Every text, searched for any 12-character piece of either token (a
	// truncated or wrapped leak is still a leak).
	texts := map[string]string{"debug log": e.log.String(), "client": fmt.Sprintf("%v %+v", e.client, e.client)}
	for i, err := range errs {
		texts[fmt.Sprintf("error %d", i)] = fmt.Sprintf("%v|%+v|%#v", err, err, err)
		if pe, ok := providers.AsError(err); ok {
			if w, ok := square.Descriptor.Wording(pe); ok {
				texts[fmt.Sprintf("wording %d", i)] = fmt.Sprintf("%+v", w)
			}
		}
	}
	for _, secret := range []string{e.token(), wrong} {
		for where, text := range texts {
			for i := 0; i+12 <= len(secret); i += 4 {
				if strings.Contains(text, secret[i:i+12]) {
					t.Errorf("a token leaked into the %s: %s", where, text)
					break
				}
			}
		}
	}
}

// A register whose clock is minutes off Square's still shows a five-minute
// countdown, and the code expires by it rather than at once (or late).
func TestClockSkew(t *testing.T) {
	for _, off := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		e := newEnv(t)
		local := clockwork.NewFakeClockAt(e.clock.Now().Add(off))
		c := e.newClient(func(cfg *square.Config) { cfg.Clock = local })
		p, err := e.pair(c, "Counter 1", "")
		if err != nil || p.Status != providers.StatusAwaitingConfirmation || !p.ExpiresAt.Equal(local.Now().Add(5*time.Minute)) {
			t.Fatalf("clock %v off: Pair = %+v, %v", off, p, err)
		}
		for _, clk := range []*clockwork.FakeClock{e.clock, local} {
			clk.Advance(5*time.Minute - time.Second)
		}
		if res, err := c.Check(context.Background(), p, providers.Secret{}); err != nil || res.Status != providers.StatusAwaitingConfirmation {
			t.Fatalf("clock %v off, a second before expiry: %+v, %v", off, res, err)
		}
		for _, clk := range []*clockwork.FakeClock{e.clock, local} {
			clk.Advance(time.Second)
		}
		requireKind(t, second(c.Check(context.Background(), p, providers.Secret{})), providers.KindCodeUsed, square.CodeExpired)
	}
}

// The fault matrix: every injectable answer on every route the client
// uses, and what it becomes. A create absorbs one lost or failed answer
// (idempotent retry); two are reported.
func TestFaultMatrix(t *testing.T) {
	e := newEnv(t)
	active := e.mustPair("Counter 1")
	e.signIn(e.term.ID, active.ConfirmationCode)
	active = learn(active, must(e.check(active)))
	awaiting := e.mustPair("Counter 2")

	type outcome struct {
		kind      providers.Kind
		code      string
		retryable bool
		status    providers.Status // for checks
	}
	ok := outcome{kind: providers.KindUnknown}
	cases := []struct {
		route string
		fault sandbox.Fault
		want  outcome
	}{
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 429}, outcome{providers.KindRateLimited, "RATE_LIMITED", true, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 500}, ok},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 500, Count: 2}, outcome{providers.KindServer, "INTERNAL_SERVER_ERROR", true, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 504, Count: 2}, outcome{providers.KindServer, "GATEWAY_TIMEOUT", true, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 401}, outcome{providers.KindCredentials, "UNAUTHORIZED", false, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 403}, outcome{providers.KindCredentials, "FORBIDDEN", false, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 404}, outcome{providers.KindConfig, "NOT_FOUND", false, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Status: 400}, outcome{providers.KindProtocol, "BAD_REQUEST", false, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Reset: true}, ok},
		{simsquare.RouteCreateCode, sandbox.Fault{Reset: true, Count: 2}, outcome{providers.KindNetwork, "", true, ""}},
		{simsquare.RouteCreateCode, sandbox.Fault{Malformed: true}, outcome{providers.KindProtocol, square.CodeUnexpected, false, ""}},

		{simsquare.RouteGetCode, sandbox.Fault{Status: 429}, outcome{providers.KindRateLimited, "RATE_LIMITED", true, providers.StatusUnknown}},
		{simsquare.RouteGetCode, sandbox.Fault{Status: 503}, outcome{providers.KindServer, "SERVICE_UNAVAILABLE", true, providers.StatusUnknown}},
		{simsquare.RouteGetCode, sandbox.Fault{Status: 401}, outcome{providers.KindCredentials, "UNAUTHORIZED", false, providers.StatusUnknown}},
		{simsquare.RouteGetCode, sandbox.Fault{Status: 404}, outcome{providers.KindNotFound, "NOT_FOUND", false, providers.StatusUnpaired}},
		{simsquare.RouteGetCode, sandbox.Fault{Status: 400}, outcome{providers.KindProtocol, "BAD_REQUEST", false, providers.StatusUnknown}},
		{simsquare.RouteGetCode, sandbox.Fault{Malformed: true}, outcome{providers.KindProtocol, square.CodeUnexpected, false, providers.StatusUnknown}},

		{simsquare.RouteGetDevice, sandbox.Fault{Status: 429}, outcome{providers.KindRateLimited, "RATE_LIMITED", true, providers.StatusUnknown}},
		{simsquare.RouteGetDevice, sandbox.Fault{Status: 500}, outcome{providers.KindServer, "INTERNAL_SERVER_ERROR", true, providers.StatusUnknown}},
		{simsquare.RouteGetDevice, sandbox.Fault{Status: 403}, outcome{providers.KindCredentials, "FORBIDDEN", false, providers.StatusUnknown}},
		// Not listed (yet): the code says the pairing stands.
		{simsquare.RouteGetDevice, sandbox.Fault{Status: 404}, outcome{providers.KindUnknown, "", false, providers.StatusActive}},
		{simsquare.RouteGetDevice, sandbox.Fault{Malformed: true}, outcome{providers.KindProtocol, square.CodeUnexpected, false, providers.StatusUnknown}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s %+v", c.route, c.fault)
		e.sb.ClearFaults()
		f := c.fault
		f.Route = c.route
		if f.Count == 0 {
			f.Count = 1
		}
		e.fault(f)
		var err error
		var res providers.CheckResult
		switch c.route {
		case simsquare.RouteCreateCode:
			_, err = e.pair(e.client, "Matrix", "")
		case simsquare.RouteGetCode:
			res, err = e.check(awaiting)
		default:
			res, err = e.check(active)
		}
		if c.want.kind == providers.KindUnknown {
			if err != nil || c.want.status != "" && res.Status != c.want.status {
				t.Errorf("%s: %+v, %v; want success", name, res, err)
			}
			continue
		}
		pe, isPE := providers.AsError(err)
		if !isPE || pe.Kind != c.want.kind || pe.Code != c.want.code || pe.Retryable != c.want.retryable ||
			c.want.status != "" && res.Status != c.want.status {
			t.Errorf("%s: %+v, %v; want %+v", name, res, err, c.want)
		}
	}
}
