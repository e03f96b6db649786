package square_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
)

// The descriptor agrees with the client it builds and says what the
// code_from_pos front-ends need.
func TestDescriptorMatchesClient(t *testing.T) {
	d := square.Descriptor
	caps := square.Capabilities()
	if d.ID != square.ID || d.Code != caps.Code || d.Confirms != caps.NeedsConfirmation || d.RemoteUnpair != caps.RemoteUnpair ||
		d.CanTest != caps.CanTest || d.Model != providers.CodeFromPOS || d.ConfirmWindow <= square.CodeTTL {
		t.Fatalf("descriptor %+v disagrees with capabilities %+v", d, caps)
	}
	if d.RemoteUnpair || d.CanCancel || !d.Confirms || !d.SilentCheck || d.Steps.Unpair == "" || len(d.Steps.Confirm) == 0 {
		t.Fatalf("no API unpair or cancel, a sign-in to wait for: %+v", d)
	}
	if d.Code.MinLen != 6 || d.Code.MaxLen != 12 || d.Code.Digits || d.Code.Example != "EBCARJ" || d.Labels.Confirmation != "Device code" {
		t.Fatalf("code spec %+v, labels %+v", d.Code, d.Labels)
	}
	tok, loc := d.Credentials[0], d.Credentials[1]
	if !tok.Secret || tok.Item != "square/access-token" || tok.Env() != "TILLPAIR_SQUARE_ACCESS_TOKEN" ||
		loc.Secret || loc.Item != "" || !loc.Optional || loc.Env() != "TILLPAIR_SQUARE_LOCATION_ID" ||
		d.Endpoints[0].Env() != "TILLPAIR_SQUARE_URL" {
		t.Fatalf("credentials %+v, endpoints %+v", d.Credentials, d.Endpoints)
	}
	if len(d.Environments) != 2 || d.Environments[0].URLs[square.EndpointURL] != square.DefaultBaseURL ||
		d.Environments[1].URLs[square.EndpointURL] != square.SandboxBaseURL {
		t.Fatalf("environments %+v", d.Environments)
	}
	for _, s := range append(d.Steps.Pair, d.Steps.PairCompact) {
		if strings.Contains(s, "\n") {
			t.Errorf("step %q spans lines", s)
		}
	}
	if !strings.Contains(strings.Join(d.Steps.Pair, " "), "Sign in with device code") || !strings.Contains(d.Steps.Unpair, "Log out") {
		t.Fatalf("steps %+v", d.Steps)
	}
	for _, u := range []string{"http://connect.squareup.com", "ftp://x", "https://user:pw@connect.squareup.com"} {
		_, err := d.New(providers.Config{URLs: map[string]string{square.EndpointURL: u}})
		if providers.KindOf(err) != providers.KindConfig || strings.Contains(err.Error(), "pw") {
			t.Errorf("New with %s = %v", u, err)
		}
	}
	for env, host := range map[string]string{"": square.DefaultBaseURL, square.EnvironmentProduction: square.DefaultBaseURL, square.EnvironmentSquareSandbox: square.SandboxBaseURL} {
		prov, err := d.New(providers.Config{Environment: env})
		if err != nil || !strings.Contains(prov.(interface{ String() string }).String(), host) {
			t.Fatalf("New in %q = %v, %v", env, prov, err)
		}
	}
}

// A registry holding Square finds it like any other provider (it is not
// in providers/registry until the front-ends show code_from_pos).
func TestInARegistry(t *testing.T) {
	reg := providers.Registry{square.Descriptor}
	if d, ok := reg.Lookup("SQUARE"); !ok || d != square.Descriptor || reg.IDs()[0] != "square" {
		t.Fatalf("lookup = %v, %v", d, ok)
	}
	p, err := square.Descriptor.New(providers.Config{})
	if err != nil || p.ID() != square.ID || p.Capabilities().Code != square.Descriptor.Code {
		t.Fatalf("New = %v, %v", p, err)
	}
	// No credentials: every operation says so before sending anything.
	_, _, err = p.Pair(context.Background(), providers.PairRequest{Nickname: "x"})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.KindCredentials || !strings.Contains(pe.Message, "TILLPAIR_SQUARE_ACCESS_TOKEN") {
		t.Fatalf("Pair unconfigured = %v", err)
	}
}

func TestDescriptorWording(t *testing.T) {
	w := square.Descriptor.Wording
	if _, ok := w(&providers.Error{Provider: "sci", Kind: providers.KindCredentials}); ok {
		t.Fatal("worded another provider's error")
	}
	if _, ok := w(nil); ok {
		t.Fatal("worded nil")
	}
	cases := []struct {
		err  providers.Error
		line string
		flag string
	}{
		{providers.Error{Kind: providers.KindCredentials, Code: "ACCESS_TOKEN_EXPIRED"}, "Square access token invalid, expired or for the other environment (sandbox vs production)", "setup"},
		{providers.Error{Kind: providers.KindCredentials, Code: "INSUFFICIENT_SCOPES"}, "The Square access token lacks Device Credential Management (or Devices Read) permission", "setup"},
		{providers.Error{Kind: providers.KindConfig, Code: square.CodeBadLocation}, "Square did not accept the location ID", "setup"},
		{providers.Error{Kind: providers.KindCodeUsed, Code: square.CodeExpired}, "Code expired (codes last 5 minutes)", "retry"},
		{providers.Error{Kind: providers.KindCodeUsed, Code: square.CodeStateUnknown}, "Square could not report the device code's state", "retry"},
		{providers.Error{Kind: providers.KindNotFound, Code: "NOT_FOUND"}, "Square does not know this device code (other account or environment?)", ""},
		{providers.Error{Kind: providers.KindNotPaired, Code: square.CodeSignedInOther}, "The Square Terminal has since signed in with another device code", "forget"},
		{providers.Error{Kind: providers.KindUnpairOnTerminal}, "Square has no way to unpair a Terminal from here", "forget"},
		{providers.Error{Kind: providers.KindInvalidInput, HTTPStatus: 400}, "Square rejected the terminal nickname", ""},
		{providers.Error{Kind: providers.KindRateLimited}, "Square is rate-limiting; slowing down", "retry"},
		{providers.Error{Kind: providers.KindNetwork, Op: providers.OpCheck}, "Could not reach Square", "retry"},
		{providers.Error{Kind: providers.KindServer, Op: providers.OpPair}, "Square had a server problem", "retry"},
	}
	for _, c := range cases {
		e := c.err
		e.Provider = square.ID
		got, ok := w(&e)
		flags := map[string]bool{"setup": got.Setup, "forget": got.Forget, "retry": got.Retry}
		if !ok || got.Line != c.line || got.Title == "" || got.Next == "" {
			t.Errorf("%v %s: %+v", e.Kind, e.Code, got)
		}
		for name, on := range flags {
			if on != (name == c.flag) {
				t.Errorf("%v %s: %s = %v", e.Kind, e.Code, name, on)
			}
		}
	}
	// Whole wherever it answers, as providers/registry requires.
	for _, k := range providers.Kinds() {
		if got, ok := w(&providers.Error{Provider: square.ID, Kind: k}); ok && (got.Title == "" || got.Line == "" || got.Next == "") {
			t.Errorf("%v: incomplete override %+v", k, got)
		}
	}
	for _, e := range []providers.Error{{Kind: providers.KindInvalidInput}, {Kind: providers.KindConfig}, {Kind: providers.KindCanceled}} {
		e.Provider = square.ID
		if got, ok := w(&e); ok {
			t.Errorf("worded %v: %+v", e.Kind, got)
		}
	}
}

// The Descriptor's names are the sandbox's Info keys, and New builds a
// working client from them.
func TestDescriptorAgainstSandbox(t *testing.T) {
	e := newEnv(t)
	d := square.Descriptor
	urls := map[string]string{}
	for _, ep := range d.Endpoints {
		if urls[ep.Name] = e.info.URL(ep.Name); urls[ep.Name] == "" {
			t.Fatalf("the sandbox has no URL %s", ep.Name)
		}
	}
	creds := map[string]providers.Secret{}
	for _, c := range d.Credentials {
		v := e.info.Credential(c.Name)
		if v == "" {
			t.Fatalf("the sandbox has no credential %s", c.Name)
		}
		creds[c.Name] = providers.NewSecret(v)
	}
	prov, err := d.New(providers.Config{Environment: "sandbox", URLs: urls, Credentials: creds, Clock: e.clock,
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := prov.Pair(context.Background(), providers.PairRequest{Nickname: "Till 3"})
	if err != nil || p.Environment != "sandbox" || p.ConfirmationCode == "" || p.Location != e.info.Credential(square.CredLocationID) {
		t.Fatalf("Pair through the descriptor = %+v, %v", p, err)
	}
	if !strings.Contains(e.log.String(), "provider=square op=pair method=POST") {
		t.Fatalf("the descriptor's logger saw no request:\n%s", e.log)
	}
}

// stub serves one canned answer per path, for what the simulator never
// sends: undocumented enums, odd codes, hostile text.
func stub(t *testing.T, answers map[string]string) *square.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := answers[r.Method+" "+r.URL.EscapedPath()]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		status := http.StatusOK
		if s, rest, ok := strings.Cut(body, "|"); ok && len(s) == 3 {
			status = map[string]int{"401": 401, "400": 400, "500": 500}[s]
			body = rest
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := square.New(square.Config{BaseURL: srv.URL, AccessToken: providers.NewSecret("tok"),
		Clock: clockwork.NewFakeClockAt(time.Date(2026, 2, 6, 18, 45, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// codeBody is a device code answer with an odd name and product type.
func codeBody(code, status string) string {
	return `{"device_code":{"id":"B3Z6NAMYQSMTM","name":"Counter\u001b[2J 1","code":"` + code +
		`","product_type":"RESTAURANT","created_at":"2026-02-06T18:44:33.000Z","pair_by":"2026-02-06T18:49:33.000Z","status":"` + status + `"}}`
}

func TestLenientAndShapes(t *testing.T) {
	const post, get = "POST /v2/devices/codes", "GET /v2/devices/codes/B3Z6NAMYQSMTM"
	// Another product type, a 12-digit code, control characters in the
	// name: all fine.
	c := stub(t, map[string]string{post: codeBody("123456789012", "UNPAIRED"), get: codeBody("123456789012", "BRAND_NEW")})
	p, _, err := c.Pair(context.Background(), providers.PairRequest{Nickname: "Counter 1"})
	if err != nil || p.ConfirmationCode != "123456789012" || p.PairingNickname != "Counter [2J 1" || p.Environment != square.EnvironmentSandbox {
		t.Fatalf("Pair = %+v, %v", p, err)
	}
	// An undocumented status is reported, not failed.
	res, err := c.Check(context.Background(), p, providers.Secret{})
	if err != nil || res.Status != providers.StatusUnknown || res.Health.Detail != "Square reports device code status BRAND_NEW" {
		t.Fatalf("check of BRAND_NEW = %+v, %v", res, err)
	}
	// UNKNOWN: a new code is needed.
	c = stub(t, map[string]string{get: codeBody("EBCARJ", "UNKNOWN")})
	res, err = c.Check(context.Background(), p, providers.Secret{})
	requireKind(t, err, providers.KindCodeUsed, square.CodeStateUnknown)
	if res.Status != providers.StatusUnpaired {
		t.Fatalf("UNKNOWN = %+v", res)
	}

	// Codes that are not shaped like one are never shown.
	for _, bad := range []string{"ebcarj", "EB-CARJ", "EBC", "ABCDEFGHIJKLM", `EB\u001bCARJ`, ""} {
		c := stub(t, map[string]string{post: codeBody(bad, "UNPAIRED")})
		_, _, err := c.Pair(context.Background(), providers.PairRequest{})
		if pe := requireKind(t, err, providers.KindProtocol, square.CodeUnexpected); strings.Contains(pe.Message, bad) && bad != "" {
			t.Errorf("code %q repeated in %q", bad, pe.Message)
		}
	}

	// A device in an undocumented category: reported, online unknown.
	c = stub(t, map[string]string{"GET /v2/devices/device%3A907CS13101300122": `{"device":{"id":"device:907CS13101300122","attributes":{"model":"Square Terminal"},"components":[{"type":"APPLICATION","application_details":{"device_code_id":"B3Z6NAMYQSMTM"}}],"status":{"category":"SLEEPING"}}}`})
	active := providers.Pairing{ID: "B3Z6NAMYQSMTM", Status: providers.StatusActive, TID: "907CS13101300122"}
	res, err = c.Check(context.Background(), active, providers.Secret{})
	if err != nil || res.Status != providers.StatusActive || res.Health.Online != nil || res.Health.State != "SLEEPING" || res.Health.Model != "Square Terminal" {
		t.Fatalf("SLEEPING = %+v, %v", res, err)
	}

	// Errors: several members, the first decides; a 401 without a body.
	c = stub(t, map[string]string{post: `400|{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_LONG","field":"device_code.name","detail":"too long"},{"category":"INVALID_REQUEST_ERROR","code":"INVALID_VALUE","field":"device_code.location_id"}]}`})
	_, _, err = c.Pair(context.Background(), providers.PairRequest{})
	pe := requireKind(t, err, providers.KindInvalidInput, "VALUE_TOO_LONG")
	var errs square.Errors
	if !asErrors(pe, &errs) || len(errs) != 2 || !strings.Contains(pe.Message, "(Square: VALUE_TOO_LONG (device_code.name): too long)") {
		t.Fatalf("400 = %+v (%+v)", pe, errs)
	}
	c = stub(t, map[string]string{post: `401|`})
	_, _, err = c.Pair(context.Background(), providers.PairRequest{})
	requireKind(t, err, providers.KindCredentials, square.CodeUnauthorized)
	c = stub(t, map[string]string{post: `400|{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"INVALID_SQUARE_VERSION_FORMAT"}]}`})
	_, _, err = c.Pair(context.Background(), providers.PairRequest{})
	requireKind(t, err, providers.KindProtocol, square.CodeVersion)
}

func asErrors(err error, target *square.Errors) bool {
	pe, ok := providers.AsError(err)
	if !ok {
		return false
	}
	es, ok := pe.Err.(square.Errors)
	*target = es
	return ok
}
