package linkly

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	posID     = "3e7f5001-58a3-43fa-9129-6e84a7b4f2a0"
	posID2    = "0b7a3c1e-1111-4abc-8def-0123456789ab"
	vendorID  = "a256b7ec-709d-4c7d-8ffe-57cc7ca1fd22"
	sessionN  = "5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b"
	sessionD  = "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	session2D = "6a0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
)

// harness is the shared harness with the Linkly cloud alone, plus raw-HTTP
// helpers for its two hosts.
type harness struct {
	*sandboxtest.Harness
	user, pass string
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	h := sandboxtest.New(t, opts, New())
	return &harness{h, h.Info.Credential(KeyUsername), h.Info.Credential(KeyPassword)}
}

// call sends method to url with body ("" sends none) and, when bearer is
// not "", "Authorization: Bearer <bearer>".
func (h *harness) call(method, url, bearer, body string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(method, url, []byte(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return h.Send(req)
}

func (h *harness) auth(path, body string) sandboxtest.Response {
	h.T.Helper()
	return h.call(http.MethodPost, h.Info.URL(KeyAuthURL)+path, "", body)
}

func (h *harness) pairWith(user, pass, code string) sandboxtest.Response {
	h.T.Helper()
	return h.auth("/v1/pairing/cloudpos", fmt.Sprintf(`{"username":%q,"password":%q,"pairCode":%q}`, user, pass, code))
}

func (h *harness) tokenWith(secret, pos string) sandboxtest.Response {
	h.T.Helper()
	return h.auth("/v1/tokens/cloudpos", fmt.Sprintf(`{"secret":%q,"posName":"tillpair","posVersion":"1.4.0","posId":%q,"posVendorId":%q}`, secret, pos, vendorID))
}

// showCode makes terminal id show a code and returns it.
func (h *harness) showCode(id string) string {
	h.T.Helper()
	term := h.ControlTerminal(http.MethodPost, "/terminals/"+id+"/pairing-code", http.StatusOK)
	if term.Screen != sandbox.ScreenPairingCode || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(term.PairingCode) {
		h.T.Fatalf("pairing-code = %+v", term)
	}
	return term.PairingCode
}

// pair pairs terminal id with a fresh code and returns the secret.
func (h *harness) pair(id string) string {
	h.T.Helper()
	res := h.pairWith(h.user, h.pass, h.showCode(id))
	var v struct{ Secret string }
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &v) != nil || !regexp.MustCompile(`^[a-z0-9]{128}$`).MatchString(v.Secret) {
		h.T.Fatalf("pair = %d %s", res.Status, res.Body)
	}
	return v.Secret
}

// token buys a token with secret and returns it.
func (h *harness) token(secret string) string {
	h.T.Helper()
	res := h.tokenWith(secret, posID)
	var v struct {
		Token         string
		ExpirySeconds int
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &v) != nil || v.Token == "" || v.ExpirySeconds <= 0 {
		h.T.Fatalf("token = %d %s", res.Status, res.Body)
	}
	return v.Token
}

func (h *harness) statusReq(tok, session, body string) sandboxtest.Response {
	h.T.Helper()
	return h.call(http.MethodPost, h.Info.URL(KeyPOSURL)+"/v2/sessions/"+session+"/status", tok, body)
}

const statusBody = `{"request":{"merchant":"00","application":"00","receiptAutoPrint":"0","cutReceipt":"0","purchaseAnalysisData":{},` +
	`"posName":"tillpair","posVersion":"1.4.0","posId":"` + posID + `","statusType":"0"}}`

func (h *harness) result(tok, session, all string) sandboxtest.Response {
	h.T.Helper()
	return h.call(http.MethodGet, h.Info.URL(KeyPOSURL)+"/v2/sessions/"+session+"/result?all="+all, tok, "")
}

func (h *harness) terminal(id string) sandbox.Terminal {
	h.T.Helper()
	term, err := h.SB.Terminal(id)
	if err != nil {
		h.T.Fatal(err)
	}
	return term
}

func (h *harness) configure(change func(*Settings)) {
	h.T.Helper()
	if err := Configure(h.SB, change); err != nil {
		h.T.Fatal(err)
	}
}

// wantEmpty checks res is status with an empty body.
func wantEmpty(t *testing.T, what string, res sandboxtest.Response, status int) {
	t.Helper()
	if res.Status != status || len(res.Body) != 0 {
		t.Errorf("%s = %d %q, want %d with no body", what, res.Status, res.Body, status)
	}
}

func TestPairTokenAndPinPad(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if got := h.terminal("linkly-1"); got.Screen != sandbox.ScreenIdle || got.Nickname != "Linkly Virtual PIN pad" || !regexp.MustCompile(`^[1-9][0-9]{7}$`).MatchString(got.TID) {
		t.Fatalf("start-up PIN pad = %+v", got)
	}
	code := h.showCode("linkly-1")
	term := h.terminal("linkly-1")
	if term.PairingCodeExpiresAt == nil || !term.PairingCodeExpiresAt.Equal(sandboxtest.Epoch.Add(180*time.Second)) {
		t.Fatalf("code expiry = %v", term.PairingCodeExpiresAt)
	}
	res := h.pairWith(h.user, h.pass, code)
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" || !regexp.MustCompile(`^\{"secret":"[a-z0-9]{128}"\}$`).Match(res.Body) {
		t.Fatalf("pair = %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	var v struct{ Secret string }
	_ = json.Unmarshal(res.Body, &v)
	term = h.terminal("linkly-1")
	if term.Screen != sandbox.ScreenPaired || term.Message != "PAIRED" || len(term.Pairings) != 1 || term.Pairings[0].Status != "active" || term.PairingCode != "" {
		t.Fatalf("pad after pairing = %+v", term)
	}
	// The code is used up.
	wantEmpty(t, "pair with a used code", h.pairWith(h.user, h.pass, code), 401)

	res = h.tokenWith(v.Secret, posID)
	if res.Status != 200 || !regexp.MustCompile(`^\{"token":"[A-Za-z0-9]{64}","expirySeconds":1800\}$`).Match(res.Body) {
		t.Fatalf("token = %d %s", res.Status, res.Body)
	}
	if term = h.terminal("linkly-1"); term.Pairings[0].PairingNickname != "tillpair" {
		t.Fatalf("pairing list after a token = %+v", term.Pairings)
	}
	// PascalCase, as the doc pages show it, reads the same.
	res = h.auth("/v1/tokens/cloudpos", `{"Secret":"`+v.Secret+`","PosName":"x","PosVersion":"1","PosId":"`+strings.ToUpper(posID)+`","PosVendorId":"`+vendorID+`","Extra":1}`)
	if res.Status != 200 {
		t.Fatalf("PascalCase token = %d %s", res.Status, res.Body)
	}
}

func TestPairRefusals(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	foreign := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"linkly","foreign_tenant":true}`, http.StatusCreated)
	foreignCode := h.showCode(foreign.ID)
	code := h.showCode("linkly-1")
	for _, tc := range []struct {
		what, body string
		status     int
	}{
		{"no body", ``, 400},
		{"not JSON", `{"username":`, 400},
		{"an array", `[]`, 400},
		{"no pairCode", fmt.Sprintf(`{"username":%q,"password":%q}`, h.user, h.pass), 400},
		{"blank pairCode", fmt.Sprintf(`{"username":%q,"password":%q,"pairCode":"  "}`, h.user, h.pass), 400},
		{"a number", fmt.Sprintf(`{"username":%q,"password":%q,"pairCode":%s}`, h.user, h.pass, code), 400},
		{"null password", fmt.Sprintf(`{"username":%q,"password":null,"pairCode":%q}`, h.user, code), 400},
		{"wrong username", fmt.Sprintf(`{"username":"nobody","password":%q,"pairCode":%q}`, h.pass, code), 401},
		{"wrong password", fmt.Sprintf(`{"username":%q,"password":"wrong","pairCode":%q}`, h.user, code), 401},
		{"unknown code", fmt.Sprintf(`{"username":%q,"password":%q,"pairCode":"000000x"}`, h.user, h.pass), 401},
		{"another account's pad", fmt.Sprintf(`{"username":%q,"password":%q,"pairCode":%q}`, h.user, h.pass, foreignCode), 401},
	} {
		wantEmpty(t, tc.what, h.auth("/v1/pairing/cloudpos", tc.body), tc.status)
	}
	// Refused attempts leave the code live: PascalCase keys and a padded
	// code pair with it.
	res := h.auth("/v1/pairing/cloudpos", fmt.Sprintf(`{"Username":%q,"Password":%q,"PairCode":" %s "}`, h.user, h.pass, code))
	if res.Status != 200 {
		t.Fatalf("PascalCase pair = %d %s", res.Status, res.Body)
	}

	// The vendor mock's 400 and the vendor tests' text bodies.
	h.configure(func(s *Settings) { s.PairFailureStatus, s.ErrorBodies = 400, BodiesText })
	res = h.pairWith(h.user, "wrong", h.showCode("linkly-1"))
	if res.Status != 400 || string(res.Body) != "Error" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("pair refused with pair_failure_status 400 = %d %q", res.Status, res.Body)
	}
	h.configure(func(s *Settings) { s.PairFailureStatus = 401 })
	if res = h.pairWith(h.user, "wrong", h.showCode("linkly-1")); res.Status != 401 || string(res.Body) != "Unauthorised" {
		t.Fatalf("pair refused with text bodies = %d %q", res.Status, res.Body)
	}
}

// The code lives 180 s on the sandbox clock; Options.PairingCodeTTL
// overrides it; expire-code ends it now; a new code voids the old one.
func TestPairCodeTTL(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	code := h.showCode("linkly-1")
	h.Clock.Advance(179 * time.Second)
	if term := h.terminal("linkly-1"); term.Screen != sandbox.ScreenPairingCode || term.PairingCode != code {
		t.Fatalf("at 179 s = %+v", term)
	}
	h.Clock.Advance(time.Second)
	if term := h.terminal("linkly-1"); term.Screen != sandbox.ScreenCodeExpired || term.PairingCode != "" || term.Message != msgExpired {
		t.Fatalf("at 180 s = %+v", term)
	}
	wantEmpty(t, "pair with an expired code", h.pairWith(h.user, h.pass, code), 401)

	old := h.showCode("linkly-1")
	if fresh := h.showCode("linkly-1"); fresh == old {
		t.Fatal("a new code repeated the old one")
	}
	wantEmpty(t, "pair with a replaced code", h.pairWith(h.user, h.pass, old), 401)

	h.ControlTerminal(http.MethodPost, "/terminals/linkly-1/expire-code", http.StatusOK)
	if res := h.Control(http.MethodPost, "/terminals/linkly-1/expire-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("expire-code with none = %d %s", res.Status, res.Body)
	}

	short := newHarness(t, sandbox.Options{PairingCodeTTL: 10 * time.Second})
	code = short.showCode("linkly-1")
	short.Clock.Advance(10 * time.Second)
	wantEmpty(t, "pair after PairingCodeTTL", short.pairWith(short.user, short.pass, code), 401)

	// Switched off, the pad cannot start pairing.
	h.ControlTerminalWith(http.MethodPost, "/terminals/linkly-1/power", `{"online":false}`, http.StatusOK)
	if res := h.Control(http.MethodPost, "/terminals/linkly-1/pairing-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("pairing-code while off = %d %s", res.Status, res.Body)
	}
}

func TestTokenValidation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	secret := h.pair("linkly-1")
	good := map[string]string{"secret": secret, "posName": "tillpair", "posVersion": "1.4.0", "posId": posID, "posVendorId": vendorID}
	body := func(change map[string]any) string {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		for k, v := range change {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, tc := range []struct {
		what   string
		change map[string]any
	}{
		{"posId not a UUID", map[string]any{"posId": "register-1"}},
		{"posId without hyphens", map[string]any{"posId": strings.ReplaceAll(posID, "-", "")}},
		{"posId version 1", map[string]any{"posId": "3e7f5001-58a3-13fa-9129-6e84a7b4f2a0"}},
		{"posVendorId not a UUID", map[string]any{"posVendorId": "tillpair"}},
		{"empty posName", map[string]any{"posName": ""}},
		{"no posVersion", map[string]any{"posVersion": nil}},
		{"no secret", map[string]any{"secret": nil}},
		{"posId a number", map[string]any{"posId": 7}},
		{"bad posId with a wrong secret", map[string]any{"posId": "x", "secret": "nope"}},
	} {
		wantEmpty(t, tc.what, h.auth("/v1/tokens/cloudpos", body(tc.change)), 400)
	}
	wantEmpty(t, "unknown secret", h.auth("/v1/tokens/cloudpos", body(map[string]any{"secret": "nope"})), 401)
	wantEmpty(t, "not JSON", h.auth("/v1/tokens/cloudpos", "secret="+secret), 400)
	if res := h.auth("/v1/tokens/cloudpos", body(nil)); res.Status != 200 {
		t.Fatalf("good token request = %d %s", res.Status, res.Body)
	}
}

// Tokens expire after expirySeconds on the sandbox clock.
func TestTokenExpiry(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.configure(func(s *Settings) { s.TokenExpirySeconds, s.ResultHoldMS = 2, 0 })
	tok := h.token(h.pair("linkly-1"))
	if res := h.statusReq(tok, sessionN, statusBody); res.Status != 200 {
		t.Fatalf("status with a fresh token = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(2 * time.Second)
	wantEmpty(t, "status with an expired token", h.statusReq(tok, session2D, statusBody), 401)
	wantEmpty(t, "result with an expired token", h.result(tok, sessionD, "false"), 401)
}

// unpair on the pad revokes its secrets and the tokens they bought; a
// new pairing revokes the older secrets unless the pad is in a pool.
func TestRevocation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.configure(func(s *Settings) { s.ResultHoldMS = 0 })
	first := h.pair("linkly-1")
	tok := h.token(first)
	second := h.pair("linkly-1")
	wantEmpty(t, "token with the secret a re-pair replaced", h.tokenWith(first, posID), 401)
	wantEmpty(t, "POS API with a token of the replaced secret", h.statusReq(tok, sessionN, statusBody), 401)
	tok = h.token(second)
	term := h.ControlTerminal(http.MethodPost, "/terminals/linkly-1/unpair", http.StatusOK)
	if term.Screen != sandbox.ScreenIdle || term.Message != msgUnpaired || len(term.Pairings) != 2 || term.Pairings[1].Status != "unpaired" {
		t.Fatalf("pad after unpair = %+v", term)
	}
	wantEmpty(t, "token after unpair", h.tokenWith(second, posID), 401)
	wantEmpty(t, "POS API after unpair", h.statusReq(tok, sessionN, statusBody), 401)
	// Nothing left to unpair: nothing changes.
	if again := h.ControlTerminal(http.MethodPost, "/terminals/linkly-1/unpair", http.StatusOK); again.Message != msgUnpaired {
		t.Fatalf("second unpair = %+v", again)
	}

	pool := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"linkly","pool":true}`, http.StatusCreated)
	a, b := h.pair(pool.ID), h.pair(pool.ID)
	h.token(a)
	h.token(b)
	if term := h.terminal(pool.ID); len(term.Pairings) != 2 || term.Pairings[0].Status != "active" || term.Pairings[1].Status != "active" {
		t.Fatalf("pool pad = %+v", term.Pairings)
	}
}

func TestStatusAndResult(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.configure(func(s *Settings) { s.ResultHoldMS = 0 })
	slow := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"linkly","status_delay":"3s","logged_on":false}`, http.StatusCreated)
	tok := h.token(h.pair(slow.ID))

	res := h.statusReq(tok, sessionN, statusBody)
	if res.Status != 200 || string(res.Body) != `{"requestId":"`+sessionD+`","uri":"/v2/sessions/`+sessionD+`/result"}` {
		t.Fatalf("status = %d %s", res.Status, res.Body)
	}
	wantEmpty(t, "result before the pad answered", h.result(tok, sessionD, "false"), 425)
	h.Clock.Advance(3 * time.Second)
	res = h.result(tok, sessionD, "False")
	var events []map[string]any
	if res.Status != 200 || json.Unmarshal(res.Body, &events) != nil || len(events) != 1 {
		t.Fatalf("result = %d %s", res.Status, res.Body)
	}
	ev := events[0]
	if ev["responseType"] != "status" || ev["success"] != true || ev["responseCode"] != "00" || ev["responseText"] != "APPROVED            " ||
		ev["loggedOn"] != false || ev["catId"] != slow.TID || !regexp.MustCompile(`^[0-9]{15}[A-Z]$`).MatchString(fmt.Sprint(ev["pinPadSerialNumber"])) ||
		ev["merchant"] != "00" || fmt.Sprint(ev["purchaseAnalysisData"]) != "map[]" {
		t.Fatalf("status event = %s", res.Body)
	}
	wantEmpty(t, "result again (all=false)", h.result(tok, sessionN, "false"), 425)
	if res = h.result(tok, sessionN, "TRUE"); res.Status != 200 {
		t.Fatalf("result all=true = %d %s", res.Status, res.Body)
	}
	wantEmpty(t, "a reused session id", h.statusReq(tok, sessionD, statusBody), 400)
	wantEmpty(t, "an unknown session", h.result(tok, session2D, "false"), 404)
	wantEmpty(t, "a malformed session", h.result(tok, "abc", "false"), 404)
	wantEmpty(t, "all=maybe", h.result(tok, sessionD, "maybe"), 400)
	wantEmpty(t, "no bearer", h.statusReq("", session2D, statusBody), 401)
	wantEmpty(t, "an unknown bearer", h.statusReq("nope", session2D, statusBody), 401)
	for what, body := range map[string]string{
		"no request":          `{"statusType":"0"}`,
		"request a string":    `{"request":"x"}`,
		"statusType 9":        `{"request":{"statusType":"9"}}`,
		"another POS's posId": `{"request":{"posId":"` + posID2 + `"}}`,
		"not JSON":            `{`,
	} {
		wantEmpty(t, what, h.statusReq(tok, session2D, body), 400)
	}
	wantEmpty(t, "a session id that is not a UUID", h.statusReq(tok, "not-a-session", statusBody), 400)

	// Another pairing's token does not see the session.
	other := h.token(h.pair("linkly-1"))
	wantEmpty(t, "another pairing's session", h.result(other, sessionD, "true"), 404)

	// A busy pad answers BY; a pad switched off never answers.
	busy := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"linkly","busy":true}`, http.StatusCreated)
	btok := h.token(h.pair(busy.ID))
	h.statusReq(btok, session2D, `{"Request":{"StatusType":"0"}}`)
	if res = h.result(btok, session2D, ""); res.Status != 200 || !strings.Contains(string(res.Body), `"success":false,"responseCode":"BY","responseText":"PINPAD BUSY         "`) {
		t.Fatalf("busy result = %d %s", res.Status, res.Body)
	}
	h.ControlTerminalWith(http.MethodPost, "/terminals/linkly-1/power", `{"online":false}`, http.StatusOK)
	const off = "7a0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b"
	if res = h.statusReq(other, off, statusBody); res.Status != 200 {
		t.Fatalf("status to a pad that is off = %d %s", res.Status, res.Body)
	}
	h.ControlTerminalWith(http.MethodPost, "/terminals/linkly-1/power", `{"online":true}`, http.StatusOK)
	h.Clock.Advance(10 * time.Minute)
	wantEmpty(t, "result from a pad that was off", h.result(other, off, "true"), 425)
}

// With nothing new, a result GET waits result_hold_ms on the clock, then
// 425; an answer due sooner ends the wait.
func TestResultHold(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	slow := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"linkly","status_delay":"400ms"}`, http.StatusCreated)
	tok := h.token(h.pair(slow.ID))
	h.statusReq(tok, sessionN, statusBody)
	res := h.Delayed(400*time.Millisecond, func() sandboxtest.Response { return h.result(tok, sessionD, "false") })
	if res.Status != 200 {
		t.Fatalf("result held until the answer = %d %s", res.Status, res.Body)
	}
	res = h.Delayed(time.Second, func() sandboxtest.Response { return h.result(tok, sessionD, "false") })
	wantEmpty(t, "result held with nothing new", res, 425)
}

func TestUnknownRoutes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	auth, pos := h.Info.URL(KeyAuthURL), h.Info.URL(KeyPOSURL)
	for _, tc := range [][2]string{
		{http.MethodGet, auth + "/v1/pairing/cloudpos"},
		{http.MethodPost, auth + "/v1/pairing"},
		{http.MethodPost, auth + "/v2/sessions/" + sessionN + "/status"},
		{http.MethodGet, pos + "/v2/sessions/" + sessionN + "/status"},
		{http.MethodPost, pos + "/v1/tokens/cloudpos"},
		{http.MethodDelete, pos + "/v2/sessions/" + sessionN + "/result"},
	} {
		wantEmpty(t, tc[0]+" "+tc[1], h.call(tc[0], tc[1], "", ""), 404)
	}
}

func TestSettingsControl(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	res := h.Control(http.MethodGet, "/linkly", "")
	if res.Status != 200 || string(res.Body) != `{"pair_failure_status":401,"token_expiry_seconds":1800,"result_hold_ms":1000,"error_bodies":"empty"}`+"\n" {
		t.Fatalf("GET /control/linkly = %d %s", res.Status, res.Body)
	}
	res = h.Control(http.MethodPost, "/linkly", `{"token_expiry_seconds":2}`)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"token_expiry_seconds":2,`) {
		t.Fatalf("POST /control/linkly = %d %s", res.Status, res.Body)
	}
	for _, bad := range []string{`{"pair_failure_status":403}`, `{"token_expiry_seconds":0}`, `{"result_hold_ms":-1}`, `{"error_bodies":"json"}`, `{"x":1}`, `[]`} {
		if res := h.Control(http.MethodPost, "/linkly", bad); res.Status != 400 || !strings.Contains(res.ErrorText(t), "for example") {
			t.Errorf("POST /control/linkly %s = %d %s", bad, res.Status, res.Body)
		}
	}
	for _, bad := range []string{`{"provider":"linkly","status_delay":"soon"}`, `{"provider":"linkly","busy":"yes"}`, `{"provider":"linkly","live":true}`} {
		if res := h.Control(http.MethodPost, "/terminals", bad); res.Status != 400 {
			t.Errorf("POST /terminals %s = %d %s", bad, res.Status, res.Body)
		}
	}
	if res := h.Control(http.MethodPost, "/terminals/linkly-1/confirm", ""); res.Status != 400 {
		t.Errorf("confirm on a PIN pad = %d %s", res.Status, res.Body)
	}
}

func TestFaults(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteToken, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res := h.tokenWith("x", posID)
	if res.Status != 503 || string(res.Body) != "injected fault: status 503 on linkly token" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("injected 503 = %d %q", res.Status, res.Body)
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RoutePair, Status: 401, Count: 1}); err != nil {
		t.Fatal(err)
	}
	wantEmpty(t, "injected 401", h.pairWith(h.user, h.pass, h.showCode("linkly-1")), 401)
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RoutePair, Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Client.Do(h.NewRequest(http.MethodPost, h.Info.URL(KeyAuthURL)+"/v1/pairing/cloudpos", []byte(`{}`))); err == nil {
		t.Fatal("a reset fault answered")
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteResult, Malformed: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if res := h.result("x", sessionD, "false"); res.Status != 200 || json.Valid(res.Body) {
		t.Fatalf("malformed = %d %s", res.Status, res.Body)
	}
	h.statusReq("", sessionN, "")
	for _, route := range []string{RoutePair, RouteToken, RouteStatus, RouteResult} {
		if h.SB.RequestCount(ID, route) == 0 {
			t.Errorf("RequestCount(%s) = 0", route)
		}
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteToken, DelayMS: 2000, Count: 1}); err != nil {
		t.Fatal(err)
	}
	h.ControlTerminal(http.MethodPost, "/terminals/linkly-1/expire-code", http.StatusOK) // no code timer left waiting
	res = h.Delayed(2*time.Second, func() sandboxtest.Response { return h.tokenWith("x", posID) })
	wantEmpty(t, "delayed token", res, 401)
}

// Same seed, same values: credentials, TIDs, codes, secrets and tokens;
// another seed, others.
func TestDeterministicUnderSeed(t *testing.T) {
	run := func(seed int64) []string {
		h := newHarness(t, sandbox.Options{Seed: seed})
		code := h.showCode("linkly-1")
		res := h.pairWith(h.user, h.pass, code)
		var v struct{ Secret string }
		_ = json.Unmarshal(res.Body, &v)
		return []string{h.user, h.pass, h.FirstTerminal(ID).TID, code, v.Secret, h.token(v.Secret)}
	}
	a, b, c := run(7), run(7), run(8)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("value %d differs under one seed: %q vs %q", i, a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("value %d is the same under another seed: %q", i, a[i])
		}
	}
}

// The request log never holds the password (the account's or a wrong
// one), a pairing secret or a token; the username, which is typed with
// echo, stays.
func TestRequestLogRedaction(t *testing.T) {
	var mu sync.Mutex
	var entries []sandbox.Entry
	h := newHarness(t, sandbox.Options{RequestLog: func(e sandbox.Entry) {
		mu.Lock()
		defer mu.Unlock()
		entries = append(entries, e)
	}})
	h.configure(func(s *Settings) { s.ResultHoldMS = 0 })
	const wrong = "Wr0ngPassw0rdCanary"
	h.pairWith(h.user, wrong, "123456")
	secret := h.pair("linkly-1")
	tok := h.token(secret)
	h.statusReq(tok, sessionN, statusBody)
	h.result(tok, sessionD, "false")
	h.call(http.MethodGet, h.Info.URL(KeyPOSURL)+"/v2/sessions/"+sessionD+"/result?token="+tok+"&password="+wrong, "", "")
	mu.Lock()
	defer mu.Unlock()
	sawUser := false
	for _, e := range entries {
		text := e.Method + " " + e.Target + "\n" + strings.Join(e.HeaderLines(), "\n") + "\n" + e.RequestBody + "\n" + e.ResponseBody
		for name, v := range map[string]string{"password": h.pass, "wrong password": wrong, "secret": secret, "token": tok} {
			if strings.Contains(text, v) {
				t.Errorf("%s leaked into the log entry for %s %s:\n%s", name, e.Method, e.Target, text)
			}
		}
		sawUser = sawUser || strings.Contains(e.RequestBody, `"username":"`+h.user+`"`)
	}
	if !sawUser || len(entries) < 7 {
		t.Fatalf("log kept the username = %v, %d entries", sawUser, len(entries))
	}
}
