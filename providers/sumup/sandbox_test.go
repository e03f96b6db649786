package sumup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	simsumup "github.com/tillpair/tillpair/internal/sandbox/sumup"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/providers/transport"
)

// env is the full sandbox on real loopback HTTP, a fake clock, and a
// client configured from the sandbox's Info through the Descriptor names.
type env struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	info   sandbox.Info
	clock  *clockwork.FakeClock
	client *sumup.Client
	solo   string // the start-up Solo's terminal id
	log    *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	sb := testkit.StartSandbox(t, sandbox.Options{Clock: clk, Seed: 42})
	e := &env{t: t, sb: sb, info: sb.Info(), clock: clk, log: &bytes.Buffer{}}
	e.client = e.newClient(func(*sumup.Config) {})
	e.solo = testkit.Terminal(t, sb, sumup.ID).ID
	return e
}

// newClient builds a client for the sandbox, logging every request at
// debug level into e.log, after edit.
func (e *env) newClient(edit func(*sumup.Config)) *sumup.Client {
	e.t.Helper()
	logger := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hc := transport.WithLogger(transport.NewClient(), logger)
	e.t.Cleanup(hc.CloseIdleConnections)
	cfg := sumup.Config{
		BaseURL:      e.info.URL(sumup.EndpointURL),
		APIKey:       providers.NewSecret(e.key()),
		MerchantCode: e.info.Credential(sumup.CredMerchant),
		HTTPClient:   hc,
		Clock:        e.clock,
		Timeout:      10 * time.Second,
	}
	edit(&cfg)
	c, err := sumup.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) key() string { return e.info.Credential(sumup.CredAPIKey) }

// showCode is Connect on Solo id: the code it shows.
func (e *env) showCode(id string) string {
	e.t.Helper()
	term, err := e.sb.StartPairing(id)
	if err != nil {
		e.t.Fatal(err)
	}
	if term.PairingCode == "" {
		e.t.Fatalf("Connect shows %+v", term)
	}
	return term.PairingCode
}

// pair pairs Solo id with a fresh code (typed in lower case with a dash)
// and returns the pairing, still awaiting the Solo.
func (e *env) pair(id string) providers.Pairing {
	e.t.Helper()
	code := e.showCode(id)
	typed := strings.ToLower(code[:4] + "-" + code[4:])
	p, secret, err := e.client.Pair(context.Background(), providers.PairRequest{Code: typed, Nickname: "Front counter"})
	if err != nil {
		e.t.Fatalf("Pair: %v", err)
	}
	if !secret.IsZero() {
		e.t.Fatal("Pair returned a secret")
	}
	return p
}

// controlConfirm makes Solo id acknowledge through the control API over
// HTTP, as a demo or a script would.
func (e *env) controlConfirm(id string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.info.ControlURL()+"/terminals/"+id+"/confirm", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("confirm = %d", res.StatusCode)
	}
}

// paired pairs and confirms Solo id; the pairing is active.
func (e *env) paired(id string) providers.Pairing {
	e.t.Helper()
	p := e.pair(id)
	e.controlConfirm(id)
	p.Status = providers.StatusActive
	return p
}

func (e *env) check(p providers.Pairing) (providers.CheckResult, error) {
	return e.client.Check(context.Background(), p, providers.Secret{})
}

func (e *env) fault(f sandbox.Fault) {
	e.t.Helper()
	f.Provider = sumup.ID
	if err := e.sb.SetFault(f); err != nil {
		e.t.Fatal(err)
	}
}

func requireKind(t *testing.T, err error, kind providers.Kind, code string) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error of kind %v", err, err, kind)
	}
	if pe.Kind != kind || pe.Provider != sumup.ID || pe.Code != code {
		t.Fatalf("err = %v: kind %v code %q provider %q, want %v %q sumup", err, pe.Kind, pe.Code, pe.Provider, kind, code)
	}
	return pe
}

var (
	readerIDRE = regexp.MustCompile(`^rdr_[0-9A-Z]{26}$`)
	trace32RE  = regexp.MustCompile(`SumUp trace ID [0-9a-f]{32}$`)
)

// requireTrace checks the error quotes SumUp's trace id and wraps the
// *Problem carrying it.
func requireTrace(t *testing.T, pe *providers.Error) {
	t.Helper()
	var prob *sumup.Problem
	if !errors.As(pe, &prob) || len(prob.TraceID) != 32 || !trace32RE.MatchString(pe.Message) {
		t.Fatalf("error %q does not carry a 32-hex trace id (problem %+v)", pe.Message, prob)
	}
	w, ok := sumup.Descriptor.Wording(pe)
	if !ok || !strings.Contains(w.Detail, prob.TraceID) {
		t.Fatalf("wording %+v does not show trace id %s", w, prob.TraceID)
	}
}

func TestPairConfirmCheckUnpair(t *testing.T) {
	e := newEnv(t)
	term := testkit.Terminal(t, e.sb, sumup.ID)
	p := e.pair(e.solo)
	now := e.clock.Now().UTC()
	if p.Provider != sumup.ID || !readerIDRE.MatchString(p.ID) || p.Status != providers.StatusAwaitingConfirmation ||
		p.PairingNickname != "Front counter" || p.Serial != term.TID || p.TID != term.TID || p.Model != "solo" ||
		p.Environment != sumup.EnvironmentSandbox || !p.CreatedAt.Equal(now) {
		t.Fatalf("pairing = %+v (Solo %+v)", p, term)
	}
	if got, _ := e.sb.Terminal(e.solo); got.Screen != sandbox.ScreenConfirm || got.Pairings[0].PairingNickname != "Front counter" {
		t.Fatalf("Solo after Pair = %+v", got)
	}

	// Processing: still awaiting, no error, no health call.
	res, err := e.check(p)
	if err != nil || res.Status != providers.StatusAwaitingConfirmation || res.Health.Model != "solo" || res.Health.Online != nil {
		t.Fatalf("check while processing = %+v, %v", res, err)
	}
	if n := e.sb.RequestCount(sumup.ID, simsumup.RouteStatus); n != 0 {
		t.Fatalf("status route called %d times while processing", n)
	}

	e.clock.Advance(10 * time.Second)
	e.controlConfirm(e.solo)
	p.Status = providers.StatusActive
	res, err = e.check(p)
	if err != nil || res.Status != providers.StatusActive || res.Learned != nil {
		t.Fatalf("check after confirm = %+v, %v", res, err)
	}
	h := res.Health
	if h.Online == nil || !*h.Online || h.Battery == nil || *h.Battery != 82.5 || h.State != "IDLE" ||
		!h.LastActivity.Equal(e.clock.Now().UTC().Truncate(time.Second)) || h.Model != "solo" || h.Detail != "Wi-Fi, firmware 3.3.39.0" {
		t.Fatalf("health = %+v (online %v battery %v)", h, deref(h.Online), deref(h.Battery))
	}

	// Unpair deletes the reader; the Solo still shows it until Disconnect.
	if err := e.client.Unpair(context.Background(), p, providers.Secret{}); err != nil {
		t.Fatalf("Unpair: %v", err)
	}
	res, err = e.check(p)
	requireKind(t, err, providers.KindNotPaired, sumup.CodeReaderNotFound)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("check after unpair = %+v", res)
	}
	// Already gone counts as success.
	if err := e.client.Unpair(context.Background(), p, providers.Secret{}); err != nil {
		t.Fatalf("second Unpair: %v", err)
	}
	if !strings.Contains(sumup.Descriptor.Steps.Unpair, "Disconnect") {
		t.Fatalf("unpair steps %q do not mention Disconnect", sumup.Descriptor.Steps.Unpair)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// The 5-minute window on the fake clock: a reader the Solo never
// acknowledges expires, which ends the wait with KindCodeUsed (a new code
// is needed) rather than KindNotPaired (which the session reads as "keep
// waiting").
func TestPairingExpires(t *testing.T) {
	e := newEnv(t)
	p := e.pair(e.solo)
	e.clock.Advance(sumup.PairingWindow - time.Second)
	if res, err := e.check(p); err != nil || res.Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("a second before the end = %+v, %v", res, err)
	}
	e.clock.Advance(time.Second)
	res, err := e.check(p)
	pe := requireKind(t, err, providers.KindCodeUsed, sumup.CodeReaderExpired)
	if res.Status != providers.StatusUnpaired || !strings.Contains(pe.Message, "Connect again") {
		t.Fatalf("after the window = %+v, %v", res, err)
	}
	if w, ok := sumup.Descriptor.Wording(pe); !ok || w.Line != "Pairing expired before the Solo confirmed it" {
		t.Fatalf("wording = %+v", w)
	}

	// A code whose window ended before the POST: no pending reader.
	code := e.showCode(e.solo)
	if _, err := e.sb.ExpireCode(e.solo, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.client.Pair(context.Background(), providers.PairRequest{Code: code, Nickname: "Late"})
	requireTrace(t, requireKind(t, err, providers.KindNotFound, sumup.CodeNoPendingReader))
}

// The faithful Solo acknowledges by itself a moment after the POST.
func TestSoloConfirmsByItself(t *testing.T) {
	e := newEnv(t)
	term, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: sumup.ID, Settings: map[string]json.RawMessage{
		simsumup.OptConfirmDelay: json.RawMessage(`"2s"`)}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.pair(term.ID)
	e.clock.Advance(2*time.Second - time.Millisecond)
	if res, err := e.check(p); err != nil || res.Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("before the Solo acknowledged = %+v, %v", res, err)
	}
	e.clock.Advance(time.Millisecond)
	if res, err := e.check(p); err != nil || res.Status != providers.StatusActive || res.Health.Online == nil || !*res.Health.Online {
		t.Fatalf("after = %+v, %v", res, err)
	}
}

func TestCheckOfflineAndBattery(t *testing.T) {
	e := newEnv(t)
	term, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: sumup.ID, Settings: map[string]json.RawMessage{
		simsumup.OptBatteryLevel: json.RawMessage(`12.5`), simsumup.OptConnectionType: json.RawMessage(`"lte"`), simsumup.OptModel: json.RawMessage(`"virtual-solo"`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.paired(term.ID)
	if p.Model != "virtual-solo" {
		t.Fatalf("model = %q", p.Model)
	}
	e.clock.Advance(time.Minute)
	off := e.clock.Now().UTC()
	if _, err := e.sb.SetPower(term.ID, false); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Hour)
	res, err := e.check(p)
	if err != nil || res.Status != providers.StatusActive {
		t.Fatalf("check while off = %+v, %v; switching off does not unpair", res, err)
	}
	h := res.Health
	if h.Online == nil || *h.Online || h.Battery == nil || *h.Battery != 12.5 || !h.LastActivity.Equal(off) || h.Detail != "lte, firmware 3.3.39.0" {
		t.Fatalf("health while off = %+v (online %v battery %v)", h, deref(h.Online), deref(h.Battery))
	}
}

// Disconnect on the Solo makes the reader expired: an active pairing is
// then unpaired externally.
func TestDisconnectOnSolo(t *testing.T) {
	e := newEnv(t)
	p := e.paired(e.solo)
	if _, err := e.sb.UnpairFromTerminal(e.solo); err != nil {
		t.Fatal(err)
	}
	res, err := e.check(p)
	pe := requireKind(t, err, providers.KindNotPaired, sumup.CodeReaderExpired)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("check after Disconnect = %+v", res)
	}
	if w, ok := sumup.Descriptor.Wording(pe); !ok || !w.Forget {
		t.Fatalf("wording = %+v", w)
	}
	// Deleting an expired reader still works.
	if err := e.client.Unpair(context.Background(), p, providers.Secret{}); err != nil {
		t.Fatal(err)
	}
}

func TestPairErrors(t *testing.T) {
	e := newEnv(t)
	code := e.showCode(e.solo)
	if _, _, err := e.client.Pair(context.Background(), providers.PairRequest{Code: code, Nickname: "First"}); err != nil {
		t.Fatal(err)
	}
	pair := func(c *sumup.Client, code string) error {
		_, _, err := c.Pair(context.Background(), providers.PairRequest{Code: code, Nickname: "Front counter"})
		return err
	}

	// 409: the code's reader is processing.
	pe := requireKind(t, pair(e.client, code), providers.KindCodeUsed, sumup.CodeReaderNotPending)
	requireTrace(t, pe)
	if pe.HTTPStatus != 409 || pe.Retryable {
		t.Fatalf("409 = %+v", pe)
	}
	// 404: nobody waits with this code.
	requireKind(t, pair(e.client, "ZZZZZZZZ"), providers.KindNotFound, sumup.CodeNoPendingReader)
	// 400 with fields about the code: the server enforces 8–9.
	for _, bad := range []string{"ABC", "ABCDEFGHIJ"} {
		pe := requireKind(t, pair(e.client, bad), providers.KindInvalidCode, sumup.CodeInvalidRequest)
		var prob *sumup.Problem
		if !errors.As(pe, &prob) || len(prob.Fields) != 1 || !strings.Contains(pe.Message, "Length") {
			t.Fatalf("400 for %s = %+v (problem %+v)", bad, pe, prob)
		}
	}
	// Refused locally: nothing sent.
	before := e.sb.RequestCount(sumup.ID, simsumup.RouteCreate)
	for _, bad := range []string{"", "  ", "ABC!DEFG", "ÄBCDEFGH", strings.Repeat("A", 17)} {
		requireKind(t, pair(e.client, bad), providers.KindInvalidCode, "")
	}
	_, _, err := e.client.Pair(context.Background(), providers.PairRequest{Code: "ABCDEFGH", Nickname: strings.Repeat("é", 501)})
	requireKind(t, err, providers.KindInvalidInput, "")
	if n := e.sb.RequestCount(sumup.ID, simsumup.RouteCreate); n != before {
		t.Fatalf("%d creates sent for codes refused locally", n-before)
	}

	// Credentials.
	wrongKey := "sup_sk_WRONGwrongWRONGwrong0123456789"
	bad := e.newClient(func(c *sumup.Config) { c.APIKey = providers.NewSecret(wrongKey) })
	pe = requireKind(t, pair(bad, e.showCode(e.solo)), providers.KindCredentials, sumup.CodeUnauthorized)
	requireTrace(t, pe)
	if pe.HTTPStatus != 401 || strings.Contains(fmt.Sprintf("%v %+v %#v", pe, pe, pe), wrongKey) {
		t.Fatalf("401 = %+v", pe)
	}
	ro := e.newClient(func(c *sumup.Config) { c.APIKey = providers.NewSecret(simsumup.ReadOnlyAPIKey(e.sb)) })
	requireKind(t, pair(ro, e.showCode(e.solo)), providers.KindCredentials, sumup.CodeForbidden)
	other := e.newClient(func(c *sumup.Config) { c.MerchantCode = "MOTHER01" })
	pe = requireKind(t, pair(other, e.showCode(e.solo)), providers.KindCredentials, sumup.CodeMerchantNotFound)
	if w, ok := sumup.Descriptor.Wording(pe); !ok || !w.Setup || !strings.Contains(pe.Message, "MOTHER01") {
		t.Fatalf("wrong merchant = %+v, wording %+v", pe, w)
	}
	for name, cfg := range map[string]func(*sumup.Config){
		"no key":         func(c *sumup.Config) { c.APIKey = providers.Secret{} },
		"no merchant":    func(c *sumup.Config) { c.MerchantCode = " " },
		"merchant/path":  func(c *sumup.Config) { c.MerchantCode = "M1/../x" },
		"key with space": func(c *sumup.Config) { c.APIKey = providers.NewSecret("sup_sk abc") },
	} {
		before := e.sb.RequestCount(sumup.ID, simsumup.RouteCreate)
		err := pair(e.newClient(cfg), "ABCDEFGH")
		if providers.KindOf(err) != providers.KindCredentials || e.sb.RequestCount(sumup.ID, simsumup.RouteCreate) != before {
			t.Errorf("%s: err = %v, or a request was sent", name, err)
		}
	}
	// A merchant code typed in lower case still reaches the account.
	lower := e.newClient(func(c *sumup.Config) { c.MerchantCode = strings.ToLower(e.info.Credential(sumup.CredMerchant)) })
	if err := pair(lower, e.showCode(e.solo)); err != nil {
		t.Fatalf("lower-case merchant code: %v", err)
	}

	// Faults.
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Status: 429, Count: 1})
	pe = requireKind(t, pair(e.client, "ABCDEFGH"), providers.KindRateLimited, sumup.CodeRateLimited)
	if !pe.Retryable || !strings.Contains(pe.Message, "try again in 2 s") {
		t.Fatalf("429 = %+v", pe)
	}
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Status: 503, Count: 1})
	if pe := requireKind(t, pair(e.client, "ABCDEFGH"), providers.KindServer, ""); pe.Retryable {
		t.Fatal("a failed create is retryable; it has no idempotency key")
	}
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Status: 400, Count: 1})
	requireKind(t, pair(e.client, "ABCDEFGH"), providers.KindInvalidCode, sumup.CodeInvalidRequest)
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Malformed: true, Count: 1})
	requireKind(t, pair(e.client, "ABCDEFGH"), providers.KindProtocol, sumup.CodeUnexpected)
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Reset: true, Count: 1})
	_, _, err = e.client.Pair(context.Background(), providers.PairRequest{Code: "ABCDEFGH", Nickname: "Nobody"})
	if k := providers.KindOf(err); k != providers.KindNetwork {
		t.Fatalf("reset = %v", err)
	}
}

// rawCreate creates a reader the way a POST whose answer was lost would
// have: straight over HTTP, past the client.
func (e *env) rawCreate(code, name string) string {
	e.t.Helper()
	url := e.info.URL(sumup.EndpointURL) + "/v0.1/merchants/" + e.info.Credential(sumup.CredMerchant) + "/readers"
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"pairing_code":"`+code+`","name":"`+name+`"}`))
	req.Header.Set("Authorization", "Bearer "+e.key())
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != http.StatusCreated {
		e.t.Fatalf("create = %d, %v", res.StatusCode, err)
	}
	return r.ID
}

// A create whose answer is lost (the connection drops after SumUp made the
// reader) finds the reader in the list instead of failing, and so never
// leaves it to expire unclaimed; with no single match the failure stands.
func TestPairAnswerLost(t *testing.T) {
	e := newEnv(t)
	lost := func(nick string) (providers.Pairing, error) {
		e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Reset: true, Count: 1})
		p, _, err := e.client.Pair(context.Background(), providers.PairRequest{Code: "ABCDEFGH", Nickname: nick})
		return p, err
	}
	id := e.rawCreate(e.showCode(e.solo), "Till 3")
	p, err := lost("Till 3")
	if err != nil || p.ID != id || p.Status != providers.StatusAwaitingConfirmation || p.Serial == "" || p.PairingNickname != "Till 3" {
		t.Fatalf("Pair with a lost answer = %+v, %v", p, err)
	}
	if _, err := lost("Till 4"); providers.KindOf(err) != providers.KindNetwork {
		t.Fatalf("no reader of that name: %v", err)
	}
	second, err := e.sb.AddTerminal(sumup.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.rawCreate(e.showCode(second.ID), "Till 3")
	if _, err := lost("Till 3"); providers.KindOf(err) != providers.KindNetwork {
		t.Fatalf("two readers of that name: %v", err)
	}
}

func TestCheckAndUnpairErrors(t *testing.T) {
	e := newEnv(t)
	p := e.paired(e.solo)

	// A wrong merchant code must not read as "unpaired".
	other := e.newClient(func(c *sumup.Config) { c.MerchantCode = "MOTHER01" })
	res, err := other.Check(context.Background(), p, providers.Secret{})
	requireKind(t, err, providers.KindCredentials, sumup.CodeMerchantNotFound)
	if res.Status != providers.StatusUnknown {
		t.Fatalf("check with a wrong merchant = %+v", res)
	}
	requireKind(t, other.Unpair(context.Background(), p, providers.Secret{}), providers.KindCredentials, sumup.CodeMerchantNotFound)
	bad := e.newClient(func(c *sumup.Config) { c.APIKey = providers.NewSecret("sup_sk_nope") })
	res, err = bad.Check(context.Background(), p, providers.Secret{})
	requireTrace(t, requireKind(t, err, providers.KindCredentials, sumup.CodeUnauthorized))
	if res.Status != providers.StatusUnknown {
		t.Fatalf("check with a wrong key = %+v", res)
	}

	// Server trouble keeps the status unknown and is retryable.
	e.fault(sandbox.Fault{Route: simsumup.RouteGet, Status: 500, Count: 1})
	res, err = e.check(p)
	if pe := requireKind(t, err, providers.KindServer, ""); !pe.Retryable || res.Status != providers.StatusUnknown {
		t.Fatalf("500 = %+v, %+v", pe, res)
	}
	e.fault(sandbox.Fault{Route: simsumup.RouteDelete, Status: 503, Count: 1})
	if pe := requireKind(t, e.client.Unpair(context.Background(), p, providers.Secret{}), providers.KindServer, ""); !pe.Retryable {
		t.Fatalf("unpair 503 = %+v", pe)
	}

	// The status route in its legacy shape: the reader is still active,
	// the health says why it has no status.
	simsumup.SetLegacyStatusErrors(e.sb, true)
	for _, status := range []int{400, 401, 404} {
		e.fault(sandbox.Fault{Route: simsumup.RouteStatus, Status: status, Count: 1})
		res, err := e.check(p)
		want := fmt.Sprintf("Reader status unavailable (HTTP %d)", status)
		if err != nil || res.Status != providers.StatusActive || res.Health.Online != nil || !strings.HasPrefix(res.Health.Detail, want) {
			t.Errorf("legacy %d on status = %+v, %v", status, res, err)
		}
	}
	e.fault(sandbox.Fault{Route: simsumup.RouteStatus, Malformed: true, Count: 1})
	if res, err := e.check(p); err != nil || res.Status != providers.StatusActive || !strings.HasPrefix(res.Health.Detail, "Reader status unreadable") {
		t.Errorf("malformed status = %+v, %v", res, err)
	}

	// A record edited by hand never becomes a path.
	for _, id := range []string{"", "../readers", "rdr_1/status", "rdr 1"} {
		q := p
		q.ID = id
		if _, err := e.check(q); providers.KindOf(err) != providers.KindConfig {
			t.Errorf("check of id %q = %v", id, err)
		}
		if err := e.client.Unpair(context.Background(), q, providers.Secret{}); providers.KindOf(err) != providers.KindConfig {
			t.Errorf("unpair of id %q = %v", id, err)
		}
	}
}

func TestList(t *testing.T) {
	e := newEnv(t)
	active := e.paired(e.solo)
	second, err := e.sb.AddTerminal(sumup.ID)
	if err != nil {
		t.Fatal(err)
	}
	pending := e.pair(second.ID)
	got, err := e.client.List(context.Background())
	if err != nil || len(got) != 2 {
		t.Fatalf("List = %+v, %v", got, err)
	}
	want := map[string]providers.Status{active.ID: providers.StatusActive, pending.ID: providers.StatusAwaitingConfirmation}
	for _, p := range got {
		if want[p.ID] != p.Status || p.Serial == "" || p.PairingNickname != "Front counter" || p.CreatedAt.IsZero() {
			t.Errorf("listed %+v", p)
		}
	}
}

// The API key (and a wrong one) never reaches a debug log line or an
// error, whatever happens.
func TestKeyNeverLoggedOrInErrors(t *testing.T) {
	e := newEnv(t)
	wrongKey := "sup_sk_TOTALLYwrongKEY0123456789abcd"
	bad := e.newClient(func(c *sumup.Config) { c.APIKey = providers.NewSecret(wrongKey) })
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	p := e.paired(e.solo)
	_, err := e.check(p)
	keep(err)
	for _, c := range []*sumup.Client{e.client, bad} {
		_, _, err := c.Pair(context.Background(), providers.PairRequest{Code: "ZZZZZZZZ", Nickname: "x"})
		keep(err)
		_, err = c.Check(context.Background(), p, providers.Secret{})
		keep(err)
		keep(c.Unpair(context.Background(), providers.Pairing{ID: "rdr_00000000000000000000000000"}, providers.Secret{}))
		_, err = c.List(context.Background())
		keep(err)
	}
	simsumup.SetLegacyStatusErrors(e.sb, true)
	e.fault(sandbox.Fault{Route: simsumup.RouteStatus, Status: 401, Count: 1})
	_, err = e.check(p)
	keep(err)
	// (A POST: net/http repeats an idempotent request on a dropped
	// keep-alive connection, which would hide the reset.)
	e.fault(sandbox.Fault{Route: simsumup.RouteCreate, Reset: true, Count: 1})
	_, _, err = e.client.Pair(context.Background(), providers.PairRequest{Code: "ZZZZZZZZ", Nickname: "x"})
	keep(err)
	keep(e.client.Unpair(context.Background(), p, providers.Secret{}))

	if len(errs) < 6 || !strings.Contains(e.log.String(), "level=DEBUG") || strings.Count(e.log.String(), "\n") < 12 {
		t.Fatalf("too little was exercised: %d errors, log:\n%s", len(errs), e.log)
	}
	for _, secret := range []string{e.key(), wrongKey} {
		if strings.Contains(e.log.String(), secret) {
			t.Errorf("a key leaked into the debug log:\n%s", e.log)
		}
		for _, err := range errs {
			if s := fmt.Sprintf("%v|%+v|%#v", err, err, err); strings.Contains(s, secret) {
				t.Errorf("a key leaked into an error: %s", s)
			}
			if pe, ok := providers.AsError(err); ok {
				if w, ok := sumup.Descriptor.Wording(pe); ok && strings.Contains(fmt.Sprint(w), secret) {
					t.Errorf("a key leaked into wording %+v", w)
				}
			}
		}
	}
	if s := fmt.Sprint(e.client); strings.Contains(s, e.key()) {
		t.Errorf("the client prints its key: %s", s)
	}
}
