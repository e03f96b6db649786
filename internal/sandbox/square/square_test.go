package square

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/sandbox/smartconnect"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const version = "2025-08-20"

// harness is the shared harness with the Square cloud alone, plus raw
// HTTP helpers for it.
type harness struct {
	*sandboxtest.Harness
	cloud *Cloud
	token string // the Info access token
	loc   string // the Info location id
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	c := New()
	h := &harness{Harness: sandboxtest.New(t, opts, c), cloud: c}
	h.token, h.loc = h.Info.Credential(KeyAccessToken), h.Info.Credential(KeyLocationID)
	return h
}

// call sends a Square request with token (none when "") and the pinned
// Square-Version; a POST body goes as application/json.
func (h *harness) call(method, path, token, body string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(method, h.Info.URL(KeyURL)+path, []byte(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Square-Version", version)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return h.Send(req)
}

// errs decodes {"errors":[…]}, failing the test if the body is not one.
func errs(t *testing.T, r sandboxtest.Response) []squareError {
	t.Helper()
	var e struct {
		Errors []squareError `json:"errors"`
	}
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("body %s is not {\"errors\":[…]}: %v", r.Body, err)
	}
	for _, x := range e.Errors {
		if x.Category == "" || x.Code == "" {
			t.Fatalf("error without category or code: %s", r.Body)
		}
	}
	return e.Errors
}

// wantError checks the status and the first error's code and field.
func wantError(t *testing.T, what string, r sandboxtest.Response, status int, code, field string) squareError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s = %d %s, want %d %s", what, r.Status, r.Body, status, code)
	}
	e := errs(t, r)[0]
	if e.Code != code || e.Field != field {
		t.Fatalf("%s: error %+v, want code %s field %q", what, e, code, field)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", what, ct)
	}
	return e
}

// create mints a device code with a fresh key and returns it.
func (h *harness) create(token, name, location string) deviceCodeJSON {
	h.T.Helper()
	h.cloud.h.Lock()
	key := "key-" + h.cloud.rng.Hex(8)
	h.cloud.h.Unlock()
	dc := map[string]string{"product_type": "TERMINAL_API"}
	if name != "" {
		dc["name"] = name
	}
	if location != "" {
		dc["location_id"] = location
	}
	body, _ := json.Marshal(map[string]any{"idempotency_key": key, "device_code": dc})
	res := h.call(http.MethodPost, "/v2/devices/codes", token, string(body))
	return codeOf(h.T, res)
}

func codeOf(t *testing.T, r sandboxtest.Response) deviceCodeJSON {
	t.Helper()
	var body struct {
		DeviceCode deviceCodeJSON `json:"device_code"`
	}
	if err := json.Unmarshal(r.Body, &body); r.Status != http.StatusOK || err != nil || body.DeviceCode.ID == "" {
		t.Fatalf("want a device code, got %d %s (%v)", r.Status, r.Body, err)
	}
	return body.DeviceCode
}

func (h *harness) getCode(id string) deviceCodeJSON {
	h.T.Helper()
	return codeOf(h.T, h.call(http.MethodGet, "/v2/devices/codes/"+id, h.token, ""))
}

func (h *harness) getDevice(token, serial string) (deviceJSON, sandboxtest.Response) {
	h.T.Helper()
	res := h.call(http.MethodGet, "/v2/devices/device%3A"+serial, token, "")
	var body struct {
		Device deviceJSON `json:"device"`
	}
	if res.Status == http.StatusOK {
		if err := json.Unmarshal(res.Body, &body); err != nil {
			h.T.Fatalf("device body %s: %v", res.Body, err)
		}
	}
	return body.Device, res
}

func (h *harness) category(serial string) string {
	h.T.Helper()
	d, res := h.getDevice(h.token, serial)
	if res.Status != http.StatusOK {
		h.T.Fatalf("GET device %s = %d %s", serial, res.Status, res.Body)
	}
	return d.Status.Category
}

func (h *harness) act(id, action, body string, want int) sandbox.Terminal {
	h.T.Helper()
	return h.ControlTerminalWith(http.MethodPost, "/terminals/"+id+"/"+action, body, want)
}

func (h *harness) signIn(id, code string) sandbox.Terminal {
	h.T.Helper()
	return h.act(id, sandbox.ActionSignIn, `{"code":"`+code+`"}`, http.StatusOK)
}

func (h *harness) fixtures() Fixtures {
	h.T.Helper()
	f, err := FixturesOf(h.SB)
	if err != nil {
		h.T.Fatal(err)
	}
	return f
}

var (
	serialShape = regexp.MustCompile(`^9[0-9]{2}CS[0-9A-Z]{11}$`)
	idShape     = regexp.MustCompile(`^[0-9A-Z]{13}$`)
	codeShape   = regexp.MustCompile(`^[A-Z]{6}$`)
)

func TestSquareStartUpTerminal(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	if !serialShape.MatchString(term.TID) || term.Nickname != "Square Terminal "+term.TID[12:] || term.Screen != ScreenSignedOut ||
		term.Message != signedOutMessage || !term.Online || term.PairingCode != "" || len(term.Pairings) != 0 {
		t.Fatalf("start-up Square Terminal = %+v", term)
	}
	if !idShape.MatchString(h.loc) || len(h.token) != 64 {
		t.Fatalf("credentials: location %q, token of %d characters", h.loc, len(h.token))
	}
	if got := h.Info.URL(KeyURL); !strings.HasSuffix(got, Prefix) {
		t.Fatalf("square_url = %q", got)
	}
}

// The whole pairing: the POS creates a code, the operator opens the form
// and types it, the code is PAIRED with the Terminal's serial, the device
// is AVAILABLE; signing out leaves the code PAIRED and the device OFFLINE.
func TestSquarePairingLifecycle(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	res := h.call(http.MethodPost, "/v2/devices/codes", h.token,
		`{"idempotency_key":"01bb00a6-0c86-4770-94ed-f5fca973cd56","device_code":{"name":"Counter 1","location_id":"`+h.loc+`","product_type":"TERMINAL_API"}}`)
	dc := codeOf(t, res)
	created, pairBy := "2024-05-08T07:06:01.000Z", "2024-05-08T07:11:01.000Z"
	if !idShape.MatchString(dc.ID) || !codeShape.MatchString(dc.Code) || dc.Name != "Counter 1" || dc.LocationID != h.loc ||
		dc.ProductType != "TERMINAL_API" || dc.Status != StatusUnpaired || dc.CreatedAt != created || dc.PairBy != pairBy ||
		dc.StatusChangedAt != created || dc.DeviceID != "" || dc.PairedAt != "" {
		t.Fatalf("created = %+v", dc)
	}
	// Members in the vendor example's order, no device_id or paired_at yet.
	want := `{"device_code":{"id":"` + dc.ID + `","name":"Counter 1","code":"` + dc.Code + `","product_type":"TERMINAL_API","location_id":"` + h.loc +
		`","created_at":"` + created + `","pair_by":"` + pairBy + `","status":"UNPAIRED","status_changed_at":"` + created + `"}}` + "\n"
	if string(res.Body) != want || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("create body\n got %s\nwant %s", res.Body, want)
	}
	if got := h.getCode(dc.ID); got != dc {
		t.Fatalf("GET = %+v, want %+v", got, dc)
	}
	if _, res := h.getDevice(h.token, term.TID); res.Status != http.StatusNotFound {
		t.Fatalf("a Terminal that never signed in with a code is a device: %d %s", res.Status, res.Body)
	}

	h.Clock.Advance(2 * time.Minute)
	if got := h.act(term.ID, sandbox.ActionPairingCode, "", http.StatusOK); got.Screen != ScreenSignInForm || got.Message != formMessage {
		t.Fatalf("pairing-code = %+v", got)
	}
	paired := h.signIn(term.ID, dc.Code)
	if paired.Screen != sandbox.ScreenPaired || !strings.Contains(paired.Message, term.TID) ||
		len(paired.Pairings) != 1 || paired.Pairings[0] != (sandbox.TerminalPairing{PairingID: dc.ID, PairingNickname: "Counter 1", Status: "active"}) {
		t.Fatalf("signed in = %+v", paired)
	}
	at := "2024-05-08T07:08:01.000Z"
	got := h.getCode(dc.ID)
	if got.Status != StatusPaired || got.DeviceID != term.TID || got.PairedAt != at || got.StatusChangedAt != at || got.PairBy != pairBy {
		t.Fatalf("after sign-in = %+v", got)
	}
	dev, res := h.getDevice(h.token, term.TID)
	app := dev.Components[0].ApplicationDetails
	if res.Status != http.StatusOK || dev.ID != "device:"+term.TID || dev.Status.Category != CategoryAvailable || dev.Attributes.ManufacturersID != term.TID ||
		dev.Attributes.Name != term.Nickname || dev.Attributes.MerchantToken != h.fixtures().MerchantID || dev.Attributes.Type != "TERMINAL" ||
		app == nil || app.DeviceCodeID != dc.ID || app.SessionLocation != h.loc || app.ApplicationType != "TERMINAL_API" {
		t.Fatalf("device = %d %+v", res.Status, dev)
	}

	// Past pair_by a PAIRED code stays PAIRED.
	h.Clock.Advance(10 * time.Minute)
	if got := h.getCode(dc.ID); got.Status != StatusPaired {
		t.Fatalf("paired code after pair_by = %+v", got)
	}
	out := h.act(term.ID, sandbox.ActionUnpair, "", http.StatusOK)
	if out.Screen != ScreenSignedOut || len(out.Pairings) != 1 || out.Pairings[0].Status != "unpaired" {
		t.Fatalf("signed out = %+v", out)
	}
	if got := h.getCode(dc.ID); got.Status != StatusPaired || got.DeviceID != term.TID {
		t.Fatalf("code after sign-out = %+v; a code pairs once", got)
	}
	if got := h.category(term.TID); got != CategoryOffline {
		t.Fatalf("device after sign-out = %s", got)
	}
	// Signed out, unpair changes nothing.
	if again := h.act(term.ID, sandbox.ActionUnpair, "", http.StatusOK); again.Screen != ScreenSignedOut {
		t.Fatalf("second unpair = %+v", again)
	}
	// A new code pairs it again: same device, new device_code_id.
	dc2 := h.create(h.token, "", "")
	h.signIn(term.ID, dc2.Code)
	dev, _ = h.getDevice(h.token, term.TID)
	if dev.Status.Category != CategoryAvailable || dev.Components[0].ApplicationDetails.DeviceCodeID != dc2.ID ||
		dev.Components[0].ApplicationDetails.SessionLocation != h.loc {
		t.Fatalf("device after the second sign-in = %+v", dev)
	}
	if dc2.Name != "Terminal API Device created on May 8, 2024" || dc2.LocationID != "" {
		t.Fatalf("code without name or location = %+v", dc2)
	}
}

// pair_by is created_at + 5 minutes on the core clock; the code reads
// EXPIRED from exactly then, and the Terminal refuses it from then.
func TestSquareExpiry(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	dc := h.create(h.token, "Counter", h.loc)
	h.Clock.Advance(5*time.Minute - time.Millisecond)
	if got := h.getCode(dc.ID); got.Status != StatusUnpaired {
		t.Fatalf("a millisecond before pair_by = %+v", got)
	}
	h.Clock.Advance(time.Millisecond)
	got := h.getCode(dc.ID)
	if got.Status != StatusExpired || got.StatusChangedAt != dc.PairBy || got.PairBy != dc.PairBy {
		t.Fatalf("at pair_by = %+v", got)
	}
	res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/sign-in", `{"code":"`+dc.Code+`"}`)
	if res.Status != http.StatusUnprocessableEntity || res.ErrorText(t) != "incorrect_device_code" {
		t.Fatalf("sign-in with an expired code = %d %s", res.Status, res.Body)
	}
	if msg, _ := res.JSON(t)["message"].(string); !strings.Contains(msg, IncorrectCodeMessage) || !strings.Contains(msg, "expired at its pair_by") {
		t.Fatalf("message %q", msg)
	}
	if after, _ := h.SB.Terminal(term.ID); after.Screen != ScreenSignInFailed || after.Message != IncorrectCodeMessage {
		t.Fatalf("terminal after an expired code = %+v", after)
	}

	// The TTL follows Options.PairingCodeTTL when a test sets it.
	h2 := newHarness(t, sandbox.Options{PairingCodeTTL: time.Hour})
	if dc := h2.create(h2.token, "", ""); dc.PairBy != "2024-05-08T08:06:01.000Z" {
		t.Fatalf("pair_by with a one-hour TTL = %s", dc.PairBy)
	}
}

// With an expiry lag the server is lazy: UNPAIRED past pair_by (listed
// as such), while the Terminal already refuses the code.
func TestSquareLazyExpiry(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	res := h.Control(http.MethodPost, "/square", `{"expiry_lag_seconds":60}`)
	var f Fixtures
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &f) != nil || f.Settings != (Settings{PageSize: 2, ExpiryLagSeconds: 60}) {
		t.Fatalf("POST /control/square = %d %s", res.Status, res.Body)
	}
	term := h.FirstTerminal(ID)
	dc := h.create(h.token, "", "")
	h.Clock.Advance(5*time.Minute + 30*time.Second)
	if got := h.getCode(dc.ID); got.Status != StatusUnpaired || got.StatusChangedAt != dc.CreatedAt {
		t.Fatalf("inside the lag = %+v", got)
	}
	if page := h.listCodes(""); len(page.Codes) != 1 || page.Codes[0].Status != StatusUnpaired {
		t.Fatalf("list inside the lag = %+v", page)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/sign-in", `{"code":"`+dc.Code+`"}`); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign-in past pair_by inside the lag = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(30 * time.Second)
	if got := h.getCode(dc.ID); got.Status != StatusExpired || got.StatusChangedAt != "2024-05-08T07:12:01.000Z" {
		t.Fatalf("after the lag = %+v", got)
	}
}

func TestSquareIdempotency(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	body := `{"idempotency_key":"k1","device_code":{"name":"Counter 1","product_type":"TERMINAL_API"}}`
	first := h.call(http.MethodPost, "/v2/devices/codes", h.token, body)
	dc := codeOf(t, first)
	// The same body, members in another order and spacing: the same answer.
	h.Clock.Advance(time.Minute)
	again := h.call(http.MethodPost, "/v2/devices/codes", h.token, ` {"device_code": {"product_type":"TERMINAL_API", "name":"Counter 1"}, "idempotency_key":"k1"}`)
	if again.Status != http.StatusOK || string(again.Body) != string(first.Body) {
		t.Fatalf("retry = %d %s, want the first answer %s", again.Status, again.Body, first.Body)
	}
	// Replayed byte for byte even once the code has paired.
	h.signIn(h.FirstTerminal(ID).ID, dc.Code)
	if again := h.call(http.MethodPost, "/v2/devices/codes", h.token, body); string(again.Body) != string(first.Body) {
		t.Fatalf("retry after pairing = %s", again.Body)
	}
	e := wantError(t, "same key, other body", h.call(http.MethodPost, "/v2/devices/codes", h.token,
		`{"idempotency_key":"k1","device_code":{"name":"Counter 2","product_type":"TERMINAL_API"}}`), 400, "IDEMPOTENCY_KEY_REUSED", "idempotency_key")
	if e.Category != catRequest || e.Detail != "The provided idempotency key has already been used." {
		t.Fatalf("reuse error %+v", e)
	}
	// A key is the token's: another account's token with it gets its own code.
	other := codeOf(t, h.call(http.MethodPost, "/v2/devices/codes", h.fixtures().OtherMerchantToken, body))
	if other.ID == dc.ID || other.Code == dc.Code {
		t.Fatalf("another token's key replayed this one's code: %+v", other)
	}
	// A failed request stores nothing: the key is still free afterwards.
	wantError(t, "bad product", h.call(http.MethodPost, "/v2/devices/codes", h.token, `{"idempotency_key":"k2","device_code":{"product_type":"X"}}`), 400, "INVALID_ENUM_VALUE", "device_code.product_type")
	codeOf(t, h.call(http.MethodPost, "/v2/devices/codes", h.token, `{"idempotency_key":"k2","device_code":{"product_type":"TERMINAL_API"}}`))
	if n := len(h.listAll("")); n != 2 {
		t.Fatalf("the account has %d codes, want 2 (k1 and k2)", n)
	}
}

// Concurrent retries of one create mint one code.
func TestSquareIdempotencyConcurrent(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	body := `{"idempotency_key":"same","device_code":{"product_type":"TERMINAL_API"}}`
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		req := h.NewRequest(http.MethodPost, h.Info.URL(KeyURL)+"/v2/devices/codes", []byte(body))
		req.Header.Set("Authorization", "Bearer "+h.token)
		req.Header.Set("Square-Version", version)
		req.Header.Set("Content-Type", "application/json")
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.Client.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			bodies[i] = string(b)
		}()
	}
	wg.Wait()
	// The transport may have dialled connections it never used; the
	// server would wait for their first request on Close.
	h.Client.CloseIdleConnections()
	for _, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, `"status":"UNPAIRED"`) {
			t.Fatalf("concurrent retries answered differently:\n%s\n%s", bodies[0], b)
		}
	}
	if n := len(h.listAll("")); n != 1 {
		t.Fatalf("%d codes minted, want 1", n)
	}
}

func TestSquareCreateValidation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	long := strings.Repeat("é", 129)
	type want struct{ code, field string }
	for _, c := range []struct {
		name, body string
		want       []want
	}{
		{"empty", ``, []want{{"EXPECTED_JSON_BODY", ""}}},
		{"not JSON", `{"idempotency_key":`, []want{{"EXPECTED_JSON_BODY", ""}}},
		{"array", `[]`, []want{{"EXPECTED_JSON_BODY", ""}}},
		{"null", `null`, []want{{"EXPECTED_JSON_BODY", ""}}},
		{"nothing", `{}`, []want{{"MISSING_REQUIRED_PARAMETER", "idempotency_key"}, {"MISSING_REQUIRED_PARAMETER", "device_code"}}},
		{"empty key", `{"idempotency_key":"","device_code":{"product_type":"TERMINAL_API"}}`, []want{{"VALUE_TOO_SHORT", "idempotency_key"}}},
		{"key too long", `{"idempotency_key":"` + long + `","device_code":{"product_type":"TERMINAL_API"}}`, []want{{"VALUE_TOO_LONG", "idempotency_key"}}},
		{"key a number", `{"idempotency_key":5,"device_code":{"product_type":"TERMINAL_API"}}`, []want{{"EXPECTED_STRING", "idempotency_key"}}},
		{"device_code a string", `{"idempotency_key":"k","device_code":"TERMINAL_API"}`, []want{{"EXPECTED_OBJECT", "device_code"}}},
		{"device_code null", `{"idempotency_key":"k","device_code":null}`, []want{{"MISSING_REQUIRED_PARAMETER", "device_code"}}},
		{"no product type", `{"idempotency_key":"k","device_code":{"name":"A"}}`, []want{{"MISSING_REQUIRED_PARAMETER", "device_code.product_type"}}},
		{"other product type", `{"idempotency_key":"k","device_code":{"product_type":"RESTAURANT"}}`, []want{{"INVALID_ENUM_VALUE", "device_code.product_type"}}},
		{"name too long", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","name":"` + long + `"}}`, []want{{"VALUE_TOO_LONG", "device_code.name"}}},
		{"location too long", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","location_id":"` + strings.Repeat("L", 51) + `"}}`, []want{{"VALUE_TOO_LONG", "device_code.location_id"}}},
		{"unknown location", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","location_id":"NOPE"}}`, []want{{"INVALID_VALUE", "device_code.location_id"}}},
		{"another account's location", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","location_id":"` + h.fixtures().OtherMerchantLocationID + `"}}`, []want{{"INVALID_VALUE", "device_code.location_id"}}},
		{"read-only status", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","status":"PAIRED"}}`, []want{{"BAD_REQUEST", "device_code.status"}}},
		{"unknown member", `{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API"},"extra":1}`, []want{{"BAD_REQUEST", "extra"}}},
		{"several", `{"idempotency_key":"","device_code":{"name":7,"product_type":"X"}}`, []want{
			{"VALUE_TOO_SHORT", "idempotency_key"}, {"EXPECTED_STRING", "device_code.name"}, {"INVALID_ENUM_VALUE", "device_code.product_type"}}},
	} {
		res := h.call(http.MethodPost, "/v2/devices/codes", h.token, c.body)
		if res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", c.name, res.Status, res.Body)
			continue
		}
		var got []want
		for _, e := range errs(t, res) {
			if e.Category != catRequest {
				t.Errorf("%s: category %s", c.name, e.Category)
			}
			got = append(got, want{e.Code, e.Field})
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: errors %v, want %v", c.name, got, c.want)
		}
	}
	// Content-Type must say JSON; parameters are fine.
	for ct, status := range map[string]int{"text/plain": 400, "": 400, "application/json; charset=utf-8": 200} {
		req := h.NewRequest(http.MethodPost, h.Info.URL(KeyURL)+"/v2/devices/codes", []byte(`{"idempotency_key":"ct-`+ct+`","device_code":{"product_type":"TERMINAL_API"}}`))
		req.Header.Set("Authorization", "Bearer "+h.token)
		req.Header.Set("Square-Version", version)
		req.Header.Set("Content-Type", ct)
		res := h.Send(req)
		if res.Status != status {
			t.Errorf("Content-Type %q: %d %s", ct, res.Status, res.Body)
		} else if status == 400 {
			wantError(t, "Content-Type "+ct, res, 400, "INVALID_CONTENT_TYPE", "Content-Type")
		}
	}
	if n := len(h.listAll("")); n != 1 {
		t.Fatalf("refused creates minted codes: %d", n)
	}
}

func TestSquareAuthAndVersion(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	f := h.fixtures()
	const unauthorizedBody = `{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}` + "\n"
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Basic " + h.token, "Bearer" + h.token, h.token, "Bearer " + h.token + "x"} {
		req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/v2/devices/codes", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		req.Header.Set("Square-Version", version)
		if res := h.Send(req); res.Status != http.StatusUnauthorized || string(res.Body) != unauthorizedBody {
			t.Errorf("Authorization %q… = %d %s", clip(auth, 8), res.Status, res.Body)
		}
	}
	for _, c := range []struct {
		name, method, path, token string
		status                    int
		code                      string
	}{
		{"scheme in lower case", "GET", "/v2/devices/codes", "", 200, ""},
		{"expired", "GET", "/v2/devices/codes", f.ExpiredToken, 401, "ACCESS_TOKEN_EXPIRED"},
		{"revoked", "GET", "/v2/devices", f.RevokedToken, 401, "ACCESS_TOKEN_REVOKED"},
		{"no credential management, create", "POST", "/v2/devices/codes", f.NoDeviceCredentialManagementToken, 403, "INSUFFICIENT_SCOPES"},
		{"no credential management, get code", "GET", "/v2/devices/codes/X", f.NoDeviceCredentialManagementToken, 403, "INSUFFICIENT_SCOPES"},
		{"no credential management, devices", "GET", "/v2/devices", f.NoDeviceCredentialManagementToken, 200, ""},
		{"no devices read, devices", "GET", "/v2/devices", f.NoDevicesReadToken, 403, "INSUFFICIENT_SCOPES"},
		{"no devices read, device", "GET", "/v2/devices/device%3AX", f.NoDevicesReadToken, 403, "INSUFFICIENT_SCOPES"},
		{"no devices read, codes", "GET", "/v2/devices/codes", f.NoDevicesReadToken, 200, ""},
	} {
		req := h.NewRequest(c.method, h.Info.URL(KeyURL)+c.path, []byte(`{"idempotency_key":"a","device_code":{"product_type":"TERMINAL_API"}}`))
		tok := c.token
		if tok == "" {
			req.Header.Set("Authorization", "bearer "+h.token)
		} else {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		req.Header.Set("Square-Version", version)
		req.Header.Set("Content-Type", "application/json")
		res := h.Send(req)
		if c.code == "" {
			if res.Status != c.status {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
			continue
		}
		e := wantError(t, c.name, res, c.status, c.code, "")
		if e.Category != catAuth {
			t.Errorf("%s: category %s", c.name, e.Category)
		}
		if c.status == 403 && !strings.Contains(e.Detail, "DEVICE") {
			t.Errorf("%s: detail %q names no permission", c.name, e.Detail)
		}
	}
	for _, v := range [][]string{nil, {""}, {"2025-8-20"}, {"20250820"}, {"2025-08-20T00:00"}, {"latest"}, {"2025-08-20", "2025-08-20"}, {"２０２５-08-20"}} {
		req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/v2/devices", nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		for _, x := range v {
			req.Header.Add("Square-Version", x)
		}
		wantError(t, "Square-Version "+strings.Join(v, ","), h.Send(req), 400, "INVALID_SQUARE_VERSION_FORMAT", "Square-Version")
	}
	// Any date in the right form is accepted; a bad token is judged first.
	for _, v := range []string{"2022-05-12", "2026-05-20", "1999-99-99"} {
		req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/v2/devices", nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		req.Header.Set("Square-Version", v)
		if res := h.Send(req); res.Status != http.StatusOK {
			t.Errorf("Square-Version %s = %d %s", v, res.Status, res.Body)
		}
	}
	req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/v2/devices", nil)
	req.Header.Set("Authorization", "Bearer nope")
	if res := h.Send(req); res.Status != http.StatusUnauthorized {
		t.Errorf("bad token and no version = %d, want 401 first", res.Status)
	}
}

func TestSquareUnknownRoutes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	dc := h.create(h.token, "", "")
	for _, c := range []struct{ method, path string }{
		{http.MethodDelete, "/v2/devices/codes/" + dc.ID},
		{http.MethodPost, "/v2/devices/codes/" + dc.ID + "/revoke"},
		{http.MethodPut, "/v2/devices/codes/" + dc.ID},
		{http.MethodPost, "/v2/devices"},
		{http.MethodDelete, "/v2/devices/device%3A123"},
		{http.MethodGet, "/v2/terminals/checkouts"},
		{http.MethodGet, "/v2/devices/codes/"},
		{http.MethodGet, "/"},
	} {
		res := h.call(c.method, c.path, h.token, "")
		e := wantError(t, c.method+" "+c.path, res, http.StatusNotFound, "NOT_FOUND", "")
		if !strings.Contains(e.Detail, "and HTTP method `"+c.method+"` is not found") {
			t.Errorf("%s %s: detail %q", c.method, c.path, e.Detail)
		}
	}
	if got := h.getCode(dc.ID); got.Status != StatusUnpaired {
		t.Fatalf("the code changed: %+v", got)
	}
	wantError(t, "unknown code", h.call(http.MethodGet, "/v2/devices/codes/NOPE", h.token, ""), 404, "NOT_FOUND", "")
}

// A code or device of another account is 404 like an unknown one; a
// signed-out Terminal takes any account's code, and its device is that
// account's.
func TestSquareAccounts(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	f := h.fixtures()
	if len(f.LocationIDs) != 2 || f.LocationIDs[0] != h.loc || f.OtherMerchantToken == "" || f.OtherMerchantID == f.MerchantID {
		t.Fatalf("fixtures = %+v", f)
	}
	theirs := h.create(f.OtherMerchantToken, "Theirs", f.OtherMerchantLocationID)
	wantError(t, "another account's code", h.call(http.MethodGet, "/v2/devices/codes/"+theirs.ID, h.token, ""), 404, "NOT_FOUND", "")
	term := h.FirstTerminal(ID)
	h.signIn(term.ID, theirs.Code)
	if _, res := h.getDevice(h.token, term.TID); res.Status != http.StatusNotFound {
		t.Fatalf("another account's device = %d %s", res.Status, res.Body)
	}
	dev, res := h.getDevice(f.OtherMerchantToken, term.TID)
	if res.Status != http.StatusOK || dev.Attributes.MerchantToken != f.OtherMerchantID || dev.Components[0].ApplicationDetails.SessionLocation != f.OtherMerchantLocationID {
		t.Fatalf("their device = %d %+v", res.Status, dev)
	}
	if page := h.listDevices(""); len(page.Devices) != 0 {
		t.Fatalf("the sandbox account lists another's device: %+v", page)
	}
	// Signed out and in with a code of the sandbox's account: the device moves.
	h.act(term.ID, sandbox.ActionUnpair, "", http.StatusOK)
	h.signIn(term.ID, h.create(h.token, "", f.LocationIDs[1]).Code)
	if dev, res := h.getDevice(h.token, term.TID); res.Status != http.StatusOK || dev.Components[0].ApplicationDetails.SessionLocation != f.LocationIDs[1] {
		t.Fatalf("device after moving = %d %+v", res.Status, dev)
	}
	if _, res := h.getDevice(f.OtherMerchantToken, term.TID); res.Status != http.StatusNotFound {
		t.Fatalf("the old account still sees the device: %d", res.Status)
	}
}

// codesPage is one ListDeviceCodes answer.
type codesPage struct {
	Codes  []deviceCodeJSON `json:"device_codes"`
	Cursor string           `json:"cursor"`
}

func (h *harness) listCodes(query string) codesPage {
	return list[codesPage](h, "/v2/devices/codes"+query)
}

// list GETs one page of a list as the sandbox's token.
func list[P any](h *harness, path string) P {
	h.T.Helper()
	res := h.call(http.MethodGet, path, h.token, "")
	var p P
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &p) != nil {
		h.T.Fatalf("GET %s = %d %s", path, res.Status, res.Body)
	}
	return p
}

// listAll follows the cursor; query starts with & or is "".
func (h *harness) listAll(query string) []string {
	h.T.Helper()
	var ids []string
	p := h.listCodes("?x=1" + query)
	for {
		for _, c := range p.Codes {
			ids = append(ids, c.ID+":"+c.Status)
		}
		if p.Cursor == "" {
			return ids
		}
		if len(p.Codes) != h.fixtures().Settings.PageSize {
			h.T.Fatalf("a short page (%d) with a cursor", len(p.Codes))
		}
		p = h.listCodes("?cursor=" + p.Cursor + query)
	}
}

func TestSquareListCodes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if res := h.call(http.MethodGet, "/v2/devices/codes", h.token, ""); res.Status != 200 || string(res.Body) != "{}\n" {
		t.Fatalf("empty list = %d %q", res.Status, res.Body)
	}
	f := h.fixtures()
	var codes []deviceCodeJSON
	for i := range 5 {
		loc := h.loc
		if i == 3 {
			loc = f.LocationIDs[1]
		}
		codes = append(codes, h.create(h.token, "", loc))
	}
	h.create(f.OtherMerchantToken, "", "") // never listed here
	h.signIn(h.FirstTerminal(ID).ID, codes[1].Code)
	h.act(h.FirstTerminal(ID).ID, sandbox.ActionExpireCode, `{"code":"`+codes[2].Code+`"}`, http.StatusOK)
	id := func(i int, status string) string { return codes[i].ID + ":" + status }

	if got, want := h.listAll(""), []string{id(0, "UNPAIRED"), id(1, "PAIRED"), id(3, "UNPAIRED"), id(4, "UNPAIRED")}; !slices.Equal(got, want) {
		t.Fatalf("default list = %v, want %v", got, want)
	}
	if got, want := h.listAll("&status=EXPIRED"), []string{id(2, "EXPIRED")}; !slices.Equal(got, want) {
		t.Fatalf("EXPIRED = %v", got)
	}
	if got, want := h.listAll("&status=UNPAIRED&location_id="+h.loc), []string{id(0, "UNPAIRED"), id(4, "UNPAIRED")}; !slices.Equal(got, want) {
		t.Fatalf("UNPAIRED at the main location = %v", got)
	}
	if got := h.listAll("&product_type=TERMINAL_API&status=UNKNOWN"); len(got) != 0 {
		t.Fatalf("UNKNOWN = %v", got)
	}
	// Codes added while paging appear on later pages; none repeats.
	first := h.listCodes("")
	added := h.create(h.token, "", "")
	var rest []string
	for p := h.listCodes("?cursor=" + first.Cursor); ; p = h.listCodes("?cursor=" + p.Cursor) {
		for _, c := range p.Codes {
			rest = append(rest, c.ID)
		}
		if p.Cursor == "" {
			break
		}
	}
	if want := []string{codes[3].ID, codes[4].ID, added.ID}; !slices.Equal(rest, want) {
		t.Fatalf("pages after the first = %v, want %v", rest, want)
	}

	if err := Configure(h.SB, Settings{PageSize: 10}); err != nil {
		t.Fatal(err)
	}
	if p := h.listCodes(""); len(p.Codes) != 5 || p.Cursor != "" {
		t.Fatalf("page of 10 = %d codes, cursor %q", len(p.Codes), p.Cursor)
	}
	for _, c := range []struct{ query, code, field string }{
		{"?status=LIVE", "INVALID_ENUM_VALUE", "status"},
		{"?status=PAIRED&status=UNPAIRED", "BAD_REQUEST", "status"},
		{"?product_type=RESTAURANT", "INVALID_ENUM_VALUE", "product_type"},
		{"?cursor=nope", "INVALID_CURSOR", "cursor"},
		{"?cursor=" + first.Cursor + "&status=PAIRED", "INVALID_CURSOR", "cursor"},
		{"?cursor=" + cursorAt("r=list-codes", 1), "INVALID_CURSOR", "cursor"},
	} {
		wantError(t, "list "+c.query, h.call(http.MethodGet, "/v2/devices/codes"+c.query, h.token, ""), 400, c.code, c.field)
	}
	// Another account's cursor is not this one's.
	other := h.call(http.MethodGet, "/v2/devices/codes?cursor="+first.Cursor, f.OtherMerchantToken, "")
	wantError(t, "another account's cursor", other, 400, "INVALID_CURSOR", "cursor")
}

type devicesPage struct {
	Devices []deviceJSON `json:"devices"`
	Cursor  string       `json:"cursor"`
}

func (h *harness) listDevices(query string) devicesPage {
	return list[devicesPage](h, "/v2/devices"+query)
}

func TestSquareDevices(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	f := h.fixtures()
	var serials []string
	for i := range 3 {
		term := h.FirstTerminal(ID)
		if i > 0 {
			var err error
			if term, err = h.SB.AddTerminal(ID); err != nil {
				t.Fatal(err)
			}
		}
		loc := h.loc
		if i == 2 {
			loc = f.LocationIDs[1]
		}
		h.signIn(term.ID, h.create(h.token, "", loc).Code)
		serials = append(serials, term.TID)
	}
	if _, err := h.SB.AddTerminal(ID); err != nil { // never signed in: no device
		t.Fatal(err)
	}
	ids := func(query string) []string {
		t.Helper()
		var out []string
		p := h.listDevices(query)
		for {
			for _, d := range p.Devices {
				out = append(out, strings.TrimPrefix(d.ID, "device:"))
			}
			if p.Cursor == "" {
				return out
			}
			p = h.listDevices("?cursor=" + p.Cursor + strings.Replace(query, "?", "&", 1))
		}
	}
	if got, want := ids(""), []string{serials[2], serials[1], serials[0]}; !slices.Equal(got, want) {
		t.Fatalf("default (newest first) = %v, want %v", got, want)
	}
	if got := ids("?sort_order=ASC"); !slices.Equal(got, serials) {
		t.Fatalf("ASC = %v", got)
	}
	if p := h.listDevices("?limit=3"); len(p.Devices) != 3 || p.Cursor != "" {
		t.Fatalf("limit 3 = %d, cursor %q", len(p.Devices), p.Cursor)
	}
	if p := h.listDevices("?limit=1&sort_order=ASC"); len(p.Devices) != 1 || p.Cursor == "" {
		t.Fatalf("limit 1 = %+v", p)
	}
	if got := ids("?location_id=" + f.LocationIDs[1]); !slices.Equal(got, serials[2:]) {
		t.Fatalf("second location = %v", got)
	}
	first := h.listDevices("")
	for _, c := range []struct{ query, code, field string }{
		{"?sort_order=UP", "INVALID_ENUM_VALUE", "sort_order"},
		{"?limit=0", "INVALID_VALUE", "limit"},
		{"?limit=101", "INVALID_VALUE", "limit"},
		{"?limit=two", "EXPECTED_INTEGER", "limit"},
		{"?cursor=" + first.Cursor + "&sort_order=ASC", "INVALID_CURSOR", "cursor"},
		{"?cursor=" + cursorAt("r=list-codes", 1), "INVALID_CURSOR", "cursor"},
	} {
		wantError(t, "devices "+c.query, h.call(http.MethodGet, "/v2/devices"+c.query, h.token, ""), 400, c.code, c.field)
	}
	// The id's colon must be %3A (or %3a); a raw colon or a bare serial is 404.
	for _, path := range []string{"/v2/devices/device%3A" + serials[0], "/v2/devices/device%3a" + serials[0]} {
		if res := h.call(http.MethodGet, path, h.token, ""); res.Status != http.StatusOK {
			t.Errorf("%s = %d %s", path, res.Status, res.Body)
		}
	}
	for _, path := range []string{"/v2/devices/device:" + serials[0], "/v2/devices/" + serials[0], "/v2/devices/device%3A" + strings.ToLower(serials[0])} {
		wantError(t, path, h.call(http.MethodGet, path, h.token, ""), 404, "NOT_FOUND", "")
	}
}

// The category follows power, sign-out and the needs-attention knob, as
// the Terminal was status_lag_seconds ago.
func TestSquareDeviceStatus(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	h.signIn(term.ID, h.create(h.token, "", "").Code)
	steps := []struct {
		action, body, want string
	}{
		{sandbox.ActionPower, `{"online":false}`, CategoryOffline},
		{sandbox.ActionPower, `{"online":true}`, CategoryAvailable},
		{ActionNeedsAttention, "", CategoryNeedsAttention},
		{sandbox.ActionPower, `{"online":false}`, CategoryOffline},
		{sandbox.ActionPower, `{"online":true}`, CategoryNeedsAttention},
		{ActionAttentionResolved, "", CategoryAvailable},
		{"offline", "", CategoryOffline},
		{"online", "", CategoryAvailable},
	}
	for _, s := range steps {
		got := h.act(term.ID, s.action, s.body, http.StatusOK)
		if got.Screen != sandbox.ScreenPaired {
			t.Fatalf("%s changed the screen: %+v", s.action, got)
		}
		if c := h.category(term.TID); c != s.want {
			t.Fatalf("after %s %s: %s, want %s", s.action, s.body, c, s.want)
		}
	}

	// A Terminal whose status lags two minutes.
	lagged := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"square","status_lag_seconds":120,"needs_attention":true}`, http.StatusCreated)
	h.signIn(lagged.ID, h.create(h.token, "", "").Code)
	dev, _ := h.getDevice(h.token, lagged.TID)
	if dev.Status.Category != CategoryNeedsAttention || dev.Attributes.UpdatedAt != "2024-05-08T07:06:01Z" {
		t.Fatalf("newly paired, lagging = %+v", dev)
	}
	h.Clock.Advance(time.Minute)
	h.act(lagged.ID, sandbox.ActionUnpair, "", http.StatusOK)
	h.Clock.Advance(2*time.Minute - time.Second)
	if dev, _ := h.getDevice(h.token, lagged.TID); dev.Status.Category != CategoryNeedsAttention || !dev.Components[3].WifiDetails.Active {
		t.Fatalf("inside the lag = %+v", dev)
	}
	h.Clock.Advance(time.Second)
	if dev, _ := h.getDevice(h.token, lagged.TID); dev.Status.Category != CategoryOffline || dev.Attributes.UpdatedAt != "2024-05-08T07:07:01Z" || dev.Components[3].WifiDetails.Active {
		t.Fatalf("after the lag = %+v", dev)
	}
}

func TestSquareTerminalRefusals(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	path := "/terminals/" + term.ID + "/"

	refuse := func(action, body string, status int, want string) {
		t.Helper()
		res := h.Control(http.MethodPost, path+action, body)
		msg := res.ErrorText(t)
		if status == http.StatusUnprocessableEntity {
			msg, _ = res.JSON(t)["message"].(string)
		}
		if res.Status != status || !strings.Contains(msg, want) {
			t.Fatalf("%s %s = %d %s, want %d saying %q", action, body, res.Status, res.Body, status, want)
		}
	}
	// Wrong codes: each says why; the failure screen shows the real wording.
	refuse(sandbox.ActionSignIn, `{"code":"ZZZZZZ"}`, 422, "no device code ZZZZZZ was ever created")
	refuse(sandbox.ActionSignIn, `{"code":""}`, 400, "sign-in needs the code")
	refuse(sandbox.ActionSignIn, `{}`, 400, "sign-in needs the code")
	if got := h.ControlTerminal(http.MethodGet, "/terminals/"+term.ID, 200); got.Screen != ScreenSignInFailed {
		t.Fatalf("after a wrong code = %+v", got)
	}
	refuse(sandbox.ActionConfirm, "", 400, "not supported by this provider")
	refuse(sandbox.ActionExpireCode, "", 400, "name the device code")
	refuse(sandbox.ActionExpireCode, `{"code":"QQQQQQ"}`, 409, "no live device code QQQQQQ")
}

func TestSquareTerminalStates(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	path := "/terminals/" + term.ID + "/"
	code := func(res sandboxtest.Response) (int, string) {
		t.Helper()
		if res.Status == http.StatusOK {
			return 200, ""
		}
		return res.Status, res.ErrorText(t)
	}

	// A wrong code notifies subscribers although the action fails.
	ch, stop := h.SB.Changes()
	defer stop()
	if st, e := code(h.Control(http.MethodPost, path+"sign-in", `{"code":"ZZZZZZ"}`)); st != 422 || e != "incorrect_device_code" {
		t.Fatalf("wrong code = %d %s", st, e)
	}
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification for the failed sign-in")
	}
	if got := h.act(term.ID, sandbox.ActionPairingCode, "", 200); got.Screen != ScreenSignInForm {
		t.Fatalf("form from the failure screen = %+v", got)
	}

	// Lower case and spaces are forgiven; the code pairs once.
	dc := h.create(h.token, "", "")
	if got := h.signIn(term.ID, " "+strings.ToLower(dc.Code)+" "); got.Screen != sandbox.ScreenPaired {
		t.Fatalf("lower-case sign-in = %+v", got)
	}
	for _, a := range []struct{ action, body string }{{"sign-in", `{"code":"` + dc.Code + `"}`}, {"pairing-code", ""}} {
		if st, e := code(h.Control(http.MethodPost, path+a.action, a.body)); st != 409 || !strings.Contains(e, "signed in with device code "+dc.Code) || !strings.Contains(e, "unpair") {
			t.Fatalf("%s while paired = %d %s", a.action, st, e)
		}
	}
	h.act(term.ID, sandbox.ActionUnpair, "", 200)
	res := h.Control(http.MethodPost, path+"sign-in", `{"code":"`+dc.Code+`"}`)
	if msg, _ := res.JSON(t)["message"].(string); res.Status != 422 || !strings.Contains(msg, "already used") {
		t.Fatalf("a used code = %d %s", res.Status, res.Body)
	}
	if got := h.act(term.ID, sandbox.ActionUnpair, "", 200); got.Screen != ScreenSignedOut {
		t.Fatalf("back to the login screen from the failure = %+v", got)
	}

	// Switched off: no sign-in, form or sign-out; expire-code is the cloud's.
	h.act(term.ID, "power", `{"online":false}`, 200)
	dc2 := h.create(h.token, "", "")
	for _, a := range []struct{ action, body string }{{"sign-in", `{"code":"` + dc2.Code + `"}`}, {"pairing-code", ""}} {
		if st, e := code(h.Control(http.MethodPost, path+a.action, a.body)); st != 409 || !strings.Contains(e, "switched off") {
			t.Fatalf("%s while off = %d %s", a.action, st, e)
		}
	}
	if got := h.act(term.ID, sandbox.ActionUnpair, "", 200); got.Screen != ScreenSignedOut || got.Online {
		t.Fatalf("unpair while off and signed out = %+v", got)
	}
	h.act(term.ID, "power", `{"online":true}`, 200)
	h.signIn(term.ID, dc2.Code)
	h.act(term.ID, "power", `{"online":false}`, 200)
	if st, e := code(h.Control(http.MethodPost, path+"unpair", "")); st != 409 || !strings.Contains(e, "switched off") {
		t.Fatalf("sign-out while off = %d %s", st, e)
	}
	h.act(term.ID, "power", `{"online":true}`, 200)

	// expire-code: the named live code, from any Square Terminal's route.
	dc3 := h.create(h.token, "", "")
	h.Clock.Advance(time.Minute)
	h.act(term.ID, sandbox.ActionExpireCode, `{"code":"`+strings.ToLower(dc3.Code)+`"}`, 200)
	if got := h.getCode(dc3.ID); got.Status != StatusExpired || got.PairBy != "2024-05-08T07:07:01.000Z" || got.StatusChangedAt != got.PairBy {
		t.Fatalf("expired code = %+v", got)
	}
	if st, _ := code(h.Control(http.MethodPost, path+"expire-code", `{"code":"`+dc3.Code+`"}`)); st != 409 {
		t.Fatalf("expiring it again = %d", st)
	}

	// Signed in with email and password: log out before a device code.
	other := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"square","signed_in_other":true}`, 201)
	if other.Screen != ScreenSignedInOther || other.Message != otherMessage {
		t.Fatalf("signed_in_other = %+v", other)
	}
	dc4 := h.create(h.token, "", "")
	if st, e := code(h.Control(http.MethodPost, "/terminals/"+other.ID+"/sign-in", `{"code":"`+dc4.Code+`"}`)); st != 409 || !strings.Contains(e, "email and password") {
		t.Fatalf("sign-in while signed in elsewhere = %d %s", st, e)
	}
	if got := h.act(other.ID, sandbox.ActionUnpair, "", 200); got.Screen != ScreenSignedOut {
		t.Fatalf("logging out = %+v", got)
	}
	if got := h.signIn(other.ID, dc4.Code); got.Screen != sandbox.ScreenPaired {
		t.Fatalf("sign-in after logging out = %+v", got)
	}
	if got := h.getCode(dc4.ID); got.DeviceID != other.TID {
		t.Fatalf("code's device_id = %s, want %s", got.DeviceID, other.TID)
	}

	// Options: bad values and other clouds' options are refused.
	for _, body := range []string{
		`{"provider":"square","status_lag_seconds":-1}`, `{"provider":"square","status_lag_seconds":3601}`,
		`{"provider":"square","status_lag_seconds":"1"}`, `{"provider":"square","signed_in_other":1}`,
		`{"provider":"square","foreign_tenant":true}`, `{"provider":"square","live":true}`,
	} {
		if res := h.Control(http.MethodPost, "/terminals", body); res.Status != 400 {
			t.Errorf("POST /terminals %s = %d %s", body, res.Status, res.Body)
		}
	}
}

func TestSquareControlSettings(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	var f Fixtures
	if res := h.Control(http.MethodGet, "/square", ""); res.Status != 200 || json.Unmarshal(res.Body, &f) != nil ||
		f.Settings != (Settings{PageSize: 2}) || f.NoDevicesReadToken == "" || f.ExpiredToken == "" || f.RevokedToken == "" || f.NoDeviceCredentialManagementToken == "" {
		t.Fatalf("GET /control/square = %d %s", res.Status, res.Body)
	}
	for _, body := range []string{`{"page_size":0}`, `{"page_size":101}`, `{"expiry_lag_seconds":-1}`, `{"expiry_lag_seconds":86401}`, `{"pagesize":3}`, ``, `[]`} {
		if res := h.Control(http.MethodPost, "/square", body); res.Status != 400 || res.ErrorText(t) == "" {
			t.Errorf("POST /control/square %s = %d %s", body, res.Status, res.Body)
		}
	}
	if got := h.fixtures().Settings; got != (Settings{PageSize: 2}) {
		t.Fatalf("refused settings changed them: %+v", got)
	}
	if err := Configure(h.SB, Settings{PageSize: 0}); err == nil {
		t.Fatal("Configure took page size 0")
	}
	none := sandbox.New(sandbox.Options{}, []sandbox.Cloud{helcim.New()})
	defer none.Close()
	if _, err := FixturesOf(none); err == nil {
		t.Fatal("FixturesOf a sandbox without Square succeeded")
	}
}

func TestSquareFaults(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteCreateCode, Status: 429, Count: 1}); err != nil {
		t.Fatal(err)
	}
	body := `{"idempotency_key":"f1","device_code":{"product_type":"TERMINAL_API"}}`
	res := h.call(http.MethodPost, "/v2/devices/codes", h.token, body)
	e := wantError(t, "429", res, 429, "RATE_LIMITED", "")
	if e.Category != catRateLimit || res.Header.Get("Retry-After") != "1" || !strings.Contains(e.Detail, "injected fault") {
		t.Fatalf("429 = %v %+v", res.Header, e)
	}
	dc := codeOf(t, h.call(http.MethodPost, "/v2/devices/codes", h.token, body)) // the retry mints the code
	for status, code := range map[int]string{500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "BAD_REQUEST", 302: "INTERNAL_SERVER_ERROR"} {
		if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteGetCode, Status: status, Count: 1}); err != nil {
			t.Fatal(err)
		}
		wantError(t, "fault "+code, h.call(http.MethodGet, "/v2/devices/codes/"+dc.ID, h.token, ""), status, code, "")
	}
	h.getCode(dc.ID)
	h.listCodes("")
	h.listDevices("")
	h.call(http.MethodGet, "/v2/devices/device%3AX", "", "")
	for route, want := range map[string]int{RouteCreateCode: 2, RouteGetCode: 9, RouteListCodes: 1, RouteListDevices: 1, RouteGetDevice: 1} {
		if got := h.SB.RequestCount(ID, route); got != want {
			t.Errorf("RequestCount(%s) = %d, want %d", route, got, want)
		}
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: "revoke", Status: 500}); err == nil || !strings.Contains(err.Error(), "create-code, get-code, list-codes, list-devices, get-device") {
		t.Fatalf("fault on an unknown route: %v", err)
	}
}

// Same seed, same values: credentials, fixtures, serials, code ids and
// codes; Square's values come from its own stream, so adding it moved no
// seeded value of the clouds before it.
func TestSquareDeterminism(t *testing.T) {
	run := func(seed int64) string {
		h := newHarness(t, sandbox.Options{Seed: seed})
		f := h.fixtures()
		dc := h.create(h.token, "", "")
		term, _ := h.SB.AddTerminal(ID)
		return strings.Join([]string{h.token, h.loc, f.MerchantID, f.LocationIDs[1], f.ExpiredToken, f.OtherMerchantToken,
			h.FirstTerminal(ID).TID, term.TID, dc.ID, dc.Code}, " ")
	}
	a, b, c := run(9), run(9), run(10)
	if a != b {
		t.Fatalf("same seed, different values:\n%s\n%s", a, b)
	}
	if a == c {
		t.Fatal("different seeds gave the same values")
	}
	earlier := func() []sandbox.Cloud { return []sandbox.Cloud{sci.New(), smartconnect.New(), helcim.New()} }
	without := sandbox.New(sandbox.Options{Seed: 9}, earlier())
	defer without.Close()
	with := sandbox.New(sandbox.Options{Seed: 9}, append(earlier(), New()))
	defer with.Close()
	for i, term := range without.Terminals() {
		if got := with.Terminals()[i]; got.TID != term.TID {
			t.Errorf("adding Square moved %s's TID: %s → %s", term.ID, term.TID, got.TID)
		}
	}
	for _, cr := range without.Info().Credentials {
		if got := with.Info().Credential(cr.Key); got != cr.Value {
			t.Errorf("adding Square moved %s", cr.Key)
		}
	}
}

// The access token never reaches the request log or a terminal; the
// location id does (it is no secret), and so does the device code.
func TestSquareRedaction(t *testing.T) {
	var mu sync.Mutex
	var log []sandbox.Entry
	h := newHarness(t, sandbox.Options{RequestLog: func(e sandbox.Entry) {
		mu.Lock()
		defer mu.Unlock()
		log = append(log, e)
	}})
	f := h.fixtures()
	dc := h.create(h.token, "Counter", h.loc)
	h.signIn(h.FirstTerminal(ID).ID, dc.Code)
	h.Control(http.MethodGet, "/square", "")
	h.call(http.MethodGet, "/v2/devices/codes", f.ExpiredToken, "")
	req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/v2/devices", nil)
	req.Header.Set("Authorization", "Bearer"+h.token) // glued: no scheme to keep
	h.Send(req)

	secrets := []string{h.token, f.ExpiredToken, f.RevokedToken, f.NoDevicesReadToken, f.NoDeviceCredentialManagementToken, f.OtherMerchantToken}
	// The log has each entry before its client sees the answer, so all
	// are here now.
	mu.Lock()
	defer mu.Unlock()
	if len(log) != 5 {
		t.Fatalf("logged %d requests, want 5", len(log))
	}
	sawLocation := false
	for _, e := range log {
		text := e.Target + "\n" + strings.Join(e.HeaderLines(), "\n") + "\n" + e.RequestBody + "\n" + e.ResponseBody
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a token leaked into the log entry %s %s:\n%s", e.Method, e.Target, text)
			}
		}
		sawLocation = sawLocation || strings.Contains(e.RequestBody, h.loc) && strings.Contains(e.ResponseBody, dc.Code)
	}
	if !sawLocation {
		t.Errorf("no entry shows the create's location id and code; the log redacts too much: %+v", log)
	}
	terms, _ := json.Marshal(h.SB.Terminals())
	for _, s := range secrets {
		if strings.Contains(string(terms), s) {
			t.Errorf("a token is in the terminals' JSON")
		}
	}
}

func TestSquareErrorsAreSentinels(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 3}, []sandbox.Cloud{New()})
	defer sb.Close()
	id := sb.Terminals()[0].ID
	if _, err := sb.SignIn(id, "ABCDEF"); !errors.Is(err, sandbox.ErrIncorrectDeviceCode) {
		t.Fatalf("SignIn with an unknown code = %v", err)
	}
	if _, err := sb.ExpireCode(id, "ABCDEF"); !errors.Is(err, sandbox.ErrNoCode) {
		t.Fatalf("ExpireCode of an unknown code = %v", err)
	}
	if _, err := sb.SetPower(id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.StartPairing(id); !errors.Is(err, sandbox.ErrWrongState) {
		t.Fatalf("StartPairing while off = %v", err)
	}
}
