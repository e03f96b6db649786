package sumup

import (
	"encoding/json"
	"errors"
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

// harness is the shared harness with the SumUp cloud alone, plus raw-HTTP
// helpers for its API.
type harness struct {
	*sandboxtest.Harness
	key, merchant string
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	h := sandboxtest.New(t, opts, New())
	return &harness{h, h.Info.Credential(KeyAPIKey), h.Info.Credential(KeyMerchantCode)}
}

// readers is the base of the reader routes for the sandbox's merchant.
func (h *harness) readers() string {
	return h.Info.URL(KeyURL) + "/v0.1/merchants/" + h.merchant + "/readers"
}

// call sends method to url with "Bearer key" ("" sends no Authorization)
// and body ("" sends none).
func (h *harness) call(method, url, key, body string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(method, url, []byte(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "tillpair-test")
	return h.Send(req)
}

func (h *harness) create(body string) sandboxtest.Response {
	h.T.Helper()
	return h.call(http.MethodPost, h.readers(), h.key, body)
}

// showCode makes terminal id show a code and returns it.
func (h *harness) showCode(id string) string {
	h.T.Helper()
	term := h.ControlTerminal(http.MethodPost, "/terminals/"+id+"/pairing-code", http.StatusOK)
	if term.Screen != sandbox.ScreenPairingCode || term.PairingCode == "" {
		h.T.Fatalf("pairing-code = %+v", term)
	}
	return term.PairingCode
}

// pair creates a reader from a fresh code of terminal id, named name, and
// returns it (processing).
func (h *harness) pair(id, name string) readerJSON {
	h.T.Helper()
	code := h.showCode(id)
	res := h.create(`{"pairing_code":"` + code + `","name":"` + name + `"}`)
	if res.Status != http.StatusCreated {
		h.T.Fatalf("create = %d %s", res.Status, res.Body)
	}
	return decodeReader(h.T, res)
}

func (h *harness) getReader(id string) sandboxtest.Response {
	h.T.Helper()
	return h.call(http.MethodGet, h.readers()+"/"+id, h.key, "")
}

func decodeReader(t *testing.T, res sandboxtest.Response) readerJSON {
	t.Helper()
	var r readerJSON
	if err := json.Unmarshal(res.Body, &r); err != nil {
		t.Fatalf("reader %s: %v", res.Body, err)
	}
	return r
}

func (h *harness) readerStatus(id string) string {
	h.T.Helper()
	res := h.getReader(id)
	if res.Status != http.StatusOK {
		h.T.Fatalf("GET reader %s = %d %s", id, res.Status, res.Body)
	}
	return decodeReader(h.T, res).Status
}

func (h *harness) deviceStatus(id string) statusJSON {
	h.T.Helper()
	res := h.call(http.MethodGet, h.readers()+"/"+id+"/status", h.key, "")
	var v struct{ Data statusJSON }
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &v) != nil || res.Header.Get("Content-Type") != "application/json" {
		h.T.Fatalf("status = %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	return v.Data
}

func (h *harness) terminal(id string) sandbox.Terminal {
	h.T.Helper()
	term, err := h.SB.Terminal(id)
	if err != nil {
		h.T.Fatal(err)
	}
	return term
}

var (
	traceID  = regexp.MustCompile(`"trace_id":"[0-9a-f]{32}"`)
	readerID = regexp.MustCompile(`^rdr_[0-9A-Z]{26}$`)
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// wantProblem checks res is exactly the problem body want (trace_id
// replaced by "T"), as application/problem+json.
func wantProblem(t *testing.T, what string, res sandboxtest.Response, status int, want string) {
	t.Helper()
	got := traceID.ReplaceAllString(string(res.Body), `"trace_id":"T"`)
	if res.Status != status || got != want || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s = %d %s %s\nwant %d %s", what, res.Status, res.Header.Get("Content-Type"), res.Body, status, want)
	}
	if !traceID.Match(res.Body) {
		t.Errorf("%s: no 32-hex trace_id in %s", what, res.Body)
	}
}

// The exact bodies of the spec's problems.
const (
	problem401 = `{"detail":"Authentication credentials are missing or invalid.","status":401,"title":"Unauthorized","trace_id":"T","type":"https://developer.sumup.com/problem/unauthorized"}`
	problem403 = `{"detail":"You do not have permission to perform this action.","status":403,"title":"Forbidden","trace_id":"T","type":"https://developer.sumup.com/problem/forbidden"}`
	problem404 = `{"detail":"The requested resource doesn't exist or does not belong to you.","status":404,"title":"Requested resource couldn't be found.","trace_id":"T","type":"https://developer.sumup.com/problem/not-found"}`
	problem409 = `{"detail":"The request conflicts with the current state of the resource.","status":409,"title":"Conflict","trace_id":"T","type":"https://developer.sumup.com/problem/conflict"}`
	problem400 = `{"detail":"Request validation failed.","status":400,"title":"Bad Request","trace_id":"T","type":"https://developer.sumup.com/problem/bad-request"}`
)

func fields400(fields string) string {
	return `{"detail":"request validation failed","fields":` + fields + `,"status":400,"title":"Bad Request","trace_id":"T","type":"https://developer.sumup.com/problem/bad-request"}`
}

func TestPairingLifeCycle(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.FirstTerminal(ID)
	if term.Screen != sandbox.ScreenIdle || !regexp.MustCompile(`^U1[A-Z0-9]{7}-CN$`).MatchString(term.TID) || len(term.Pairings) != 0 {
		t.Fatalf("start-up Solo = %+v", term)
	}
	shown := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/pairing-code", http.StatusOK)
	if !regexp.MustCompile(`^[A-Z0-9]{8}$`).MatchString(shown.PairingCode) || shown.PairingCodeExpiresAt == nil ||
		!shown.PairingCodeExpiresAt.Equal(sandboxtest.Epoch.Add(5*time.Minute)) {
		t.Fatalf("code on screen = %+v; want 8 characters valid 5 minutes", shown)
	}

	h.Clock.Advance(90 * time.Second)
	res := h.create(`{"pairing_code":"` + shown.PairingCode + `","name":"Frontdesk","metadata":{"tillpair_register":"till-3"}}`)
	if res.Status != http.StatusCreated || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("create = %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	r := decodeReader(t, res)
	created := "2024-05-08T07:07:31.000Z" // Epoch + 90 s
	want := fmt.Sprintf(`{"id":"%s","name":"Frontdesk","status":"processing","device":{"identifier":"%s","model":"solo"},"metadata":{"tillpair_register":"till-3"},"created_at":"%s","updated_at":"%s"}`,
		r.ID, term.TID, created, created)
	if string(res.Body) != want || !readerID.MatchString(r.ID) {
		t.Fatalf("201 body = %s\nwant %s", res.Body, want)
	}
	if got := h.terminal(term.ID); got.Screen != sandbox.ScreenConfirm || got.PairingCode != "" ||
		len(got.Pairings) != 1 || got.Pairings[0].PairingID != r.ID || got.Pairings[0].Status != "awaiting_confirmation" {
		t.Fatalf("Solo after the POST = %+v", got)
	}
	if st := h.readerStatus(r.ID); st != statusProcessing {
		t.Fatalf("GET = %s, want processing", st)
	}
	// The code is claimed: a second POST is 409 while its reader lives.
	wantProblem(t, "second POST", h.create(`{"pairing_code":"`+shown.PairingCode+`","name":"Again"}`), 409, problem409)

	h.Clock.Advance(10 * time.Second)
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/confirm", http.StatusOK); got.Screen != sandbox.ScreenPaired || got.Pairings[0].Status != "active" {
		t.Fatalf("confirm = %+v", got)
	}
	paired := decodeReader(t, h.getReader(r.ID))
	if paired.Status != statusPaired || !uuidRE.MatchString(paired.ServiceAccountID) || paired.UpdatedAt != "2024-05-08T07:07:41.000Z" || paired.CreatedAt != created {
		t.Fatalf("paired reader = %+v", paired)
	}
	wantProblem(t, "POST with a paired reader's code", h.create(`{"pairing_code":"`+shown.PairingCode+`","name":"Again"}`), 409, problem409)
	if ds := h.deviceStatus(r.ID); ds.Status != "ONLINE" || ds.State != "IDLE" || ds.LastActivity != "2024-05-08T07:07:41Z" || ds.BatteryLevel != defaultBattery {
		t.Fatalf("status = %+v", ds)
	}
	list := h.call(http.MethodGet, h.readers(), h.key, "")
	if list.Status != http.StatusOK || string(list.Body) != `{"items":[`+string(h.getReader(r.ID).Body)+`]}` {
		t.Fatalf("list = %d %s", list.Status, list.Body)
	}
	// A paired Solo offers Disconnect, not Connect.
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/pairing-code", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "unpair first") {
		t.Fatalf("pairing-code while connected = %d %s", res.Status, res.Body)
	}
	if _, err := h.SB.Confirm(term.ID); !errors.Is(err, sandbox.ErrNothingToConfirm) {
		t.Fatalf("second confirm = %v", err)
	}
}

func TestPairingWindowExpires(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	id := h.FirstTerminal(ID).ID
	changes, stop := h.SB.Changes()
	defer stop()
	code := h.showCode(id)
	<-changes
	h.Clock.Advance(5*time.Minute - time.Second)
	if got := h.terminal(id); got.Screen != sandbox.ScreenPairingCode {
		t.Fatalf("a second before the end: %+v", got)
	}
	h.Clock.Advance(time.Second)
	select { // the Solo's timer tells subscribers
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification when the code expired")
	}
	if got := h.terminal(id); got.Screen != sandbox.ScreenCodeExpired || got.PairingCode != "" || got.Message != msgCodeExpired {
		t.Fatalf("after 5 minutes: %+v", got)
	}
	wantProblem(t, "POST with an expired code", h.create(`{"pairing_code":"`+code+`","name":"Late"}`), 404, problem404)

	// A reader made in the window but never acknowledged expires when the
	// window ends, 5 minutes after the code appeared.
	code = h.showCode(id)
	h.Clock.Advance(4 * time.Minute)
	res := h.create(`{"pairing_code":"` + code + `","name":"Slow"}`)
	r := decodeReader(t, res)
	h.Clock.Advance(time.Minute - time.Millisecond)
	if st := h.readerStatus(r.ID); st != statusProcessing {
		t.Fatalf("just inside the window = %s", st)
	}
	h.Clock.Advance(time.Millisecond)
	got := decodeReader(t, h.getReader(r.ID))
	if got.Status != statusExpired || got.UpdatedAt != "2024-05-08T07:16:01.000Z" || got.ServiceAccountID != "" {
		t.Fatalf("after the window = %+v", got)
	}
	if term := h.terminal(id); term.Screen != sandbox.ScreenCodeExpired || term.Message != msgPairExpired || term.Pairings[0].Status != "unpaired" {
		t.Fatalf("Solo after the window = %+v", term)
	}
	// Its code is consumed: 404, not 409.
	wantProblem(t, "POST with an expired reader's code", h.create(`{"pairing_code":"`+code+`","name":"Again"}`), 404, problem404)
	if _, err := h.SB.Confirm(id); !errors.Is(err, sandbox.ErrNothingToConfirm) {
		t.Fatalf("confirm after the window = %v", err)
	}
	// The list still has it.
	if list := h.call(http.MethodGet, h.readers(), h.key, ""); !strings.Contains(string(list.Body), `"status":"expired"`) {
		t.Fatalf("list = %s", list.Body)
	}
}

func TestPairingCodeTTLOption(t *testing.T) {
	h := newHarness(t, sandbox.Options{PairingCodeTTL: time.Hour})
	if got := h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/pairing-code", http.StatusOK); !got.PairingCodeExpiresAt.Equal(sandboxtest.Epoch.Add(time.Hour)) {
		t.Fatalf("code with PairingCodeTTL 1h = %+v", got)
	}
}

func TestExpireCode(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	id := h.FirstTerminal(ID).ID
	if res := h.Control(http.MethodPost, "/terminals/"+id+"/expire-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("expire-code with no code = %d %s", res.Status, res.Body)
	}
	code := h.showCode(id)
	if res := h.Control(http.MethodPost, "/terminals/"+id+"/expire-code", `{"code":"NOTTHEONE"}`); res.Status != http.StatusConflict {
		t.Fatalf("expire-code naming another code = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/"+id+"/expire-code", `{"code":"`+code+`"}`, http.StatusOK); got.Screen != sandbox.ScreenCodeExpired {
		t.Fatalf("expire-code = %+v", got)
	}
	wantProblem(t, "POST after expire-code", h.create(`{"pairing_code":"`+code+`","name":"X"}`), 404, problem404)

	// While the reader is processing it ends the window: expired now.
	r := h.pair(id, "Frontdesk")
	h.Clock.Advance(30 * time.Second)
	if res := h.Control(http.MethodPost, "/terminals/"+id+"/expire-code", `{"code":"WRONGONE"}`); res.Status != http.StatusConflict {
		t.Fatalf("expire-code naming another code while processing = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+id+"/expire-code", http.StatusOK); got.Screen != sandbox.ScreenCodeExpired || got.Message != msgPairExpired {
		t.Fatalf("expire-code while processing = %+v", got)
	}
	if got := decodeReader(t, h.getReader(r.ID)); got.Status != statusExpired || got.UpdatedAt != "2024-05-08T07:06:31.000Z" {
		t.Fatalf("reader after expire-code = %+v", got)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+id+"/expire-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("expire-code twice = %d %s", res.Status, res.Body)
	}
}

func TestConfirmDelayAndPower(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup","confirm_delay":"2s"}`, http.StatusCreated)
	r := h.pair(term.ID, "Auto")
	h.Clock.Advance(2*time.Second - time.Millisecond)
	if st := h.readerStatus(r.ID); st != statusProcessing {
		t.Fatalf("before confirm_delay = %s", st)
	}
	h.Clock.Advance(time.Millisecond)
	if got := decodeReader(t, h.getReader(r.ID)); got.Status != statusPaired || got.UpdatedAt != "2024-05-08T07:06:03.000Z" {
		t.Fatalf("after confirm_delay = %+v", got)
	}
	if got := h.terminal(term.ID); got.Screen != sandbox.ScreenPaired {
		t.Fatalf("Solo after confirm_delay = %+v", got)
	}

	// Switched off, it cannot acknowledge: the delay starts over when it
	// is back on.
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", http.StatusOK)
	r = h.pair(term.ID, "Later")
	h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":false}`, http.StatusOK)
	h.Clock.Advance(time.Minute)
	if st := h.readerStatus(r.ID); st != statusProcessing {
		t.Fatalf("switched off = %s", st)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/confirm", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "switched off") {
		t.Fatalf("confirm while off = %d %s", res.Status, res.Body)
	}
	if ds := h.deviceStatus(r.ID); ds.Status != "OFFLINE" || ds.LastActivity != "2024-05-08T07:06:03Z" {
		t.Fatalf("status while off = %+v", ds)
	}
	h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":true}`, http.StatusOK)
	h.Clock.Advance(time.Second)
	if st := h.readerStatus(r.ID); st != statusProcessing {
		t.Fatalf("1 s after power on = %s", st)
	}
	h.Clock.Advance(time.Second)
	if st := h.readerStatus(r.ID); st != statusPaired {
		t.Fatalf("2 s after power on = %s", st)
	}
}

func TestNeverConfirm(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup","never_confirm":true}`, http.StatusCreated)
	r := h.pair(term.ID, "Never")
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/confirm", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "never_confirm") {
		t.Fatalf("confirm = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(5 * time.Minute)
	if st := h.readerStatus(r.ID); st != statusExpired {
		t.Fatalf("after the window = %s", st)
	}
}

func TestCreateValidation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	code := h.showCode(h.FirstTerminal(ID).ID)
	long := strings.Repeat("é", 501)
	many := map[string]int{}
	for i := range 65 {
		many[fmt.Sprint("k", i)] = i
	}
	manyJSON, _ := json.Marshal(many)
	cases := []struct {
		name, body, want string
	}{
		// The live body [OBS T40], byte for byte but for the trace id.
		{"no name", `{"pairing_code":"` + code + `"}`, fields400(`[{"name":"","message":"missing property 'name'"}]`)},
		{"nothing", `{}`, fields400(`[{"name":"","message":"missing properties 'pairing_code', 'name'"}]`)},
		{"code too short", `{"pairing_code":"ABC","name":"X"}`, fields400(`[{"name":"/pairing_code","message":"minLength: got 3, want 8"}]`)},
		{"code too long", `{"pairing_code":"ABCDEFGHIJ","name":"X"}`, fields400(`[{"name":"/pairing_code","message":"maxLength: got 10, want 9"}]`)},
		{"code a number", `{"pairing_code":12345678,"name":"X"}`, fields400(`[{"name":"/pairing_code","message":"got number, want string"}]`)},
		{"name too long", `{"pairing_code":"` + code + `","name":"` + long + `"}`, fields400(`[{"name":"/name","message":"maxLength: got 501, want 500"}]`)},
		{"name null", `{"pairing_code":"` + code + `","name":null}`, fields400(`[{"name":"/name","message":"got null, want string"}]`)},
		{"metadata 65 keys", `{"pairing_code":"` + code + `","name":"X","metadata":` + string(manyJSON) + `}`, fields400(`[{"name":"/metadata","message":"maxProperties: got 65, want 64"}]`)},
		{"metadata a list", `{"pairing_code":"` + code + `","name":"X","metadata":[]}`, fields400(`[{"name":"/metadata","message":"got array, want object"}]`)},
		{"two failures", `{"pairing_code":true}`, fields400(`[{"name":"","message":"missing property 'name'"},{"name":"/pairing_code","message":"got boolean, want string"}]`)},
		{"an array", `[]`, fields400(`[{"name":"","message":"got array, want object"}]`)},
		// Not JSON at all: the spec's example, no fields.
		{"not JSON", `{"pairing_code":`, problem400},
		{"empty", ``, problem400},
	}
	for _, c := range cases {
		res := h.call(http.MethodPost, h.readers(), h.key, c.body)
		wantProblem(t, c.name, res, 400, c.want)
	}
	// Members the schema does not name are allowed; the code still works.
	if res := h.create(`{"pairing_code":"` + code + `","name":"","extra":1}`); res.Status != http.StatusCreated {
		t.Fatalf("create with an extra member and an empty name = %d %s", res.Status, res.Body)
	}
	// An unknown code, and one in the wrong case (codes are upper case).
	wantProblem(t, "unknown code", h.create(`{"pairing_code":"ZZZZZZZZ","name":"X"}`), 404, problem404)
	lower := h.showCode("sumup-1")
	wantProblem(t, "lower-case code", h.create(`{"pairing_code":"`+strings.ToLower(lower)+`","name":"X"}`), 404, problem404)
}

func TestAuthAndMerchant(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	r := h.pair("sumup-1", "Frontdesk")
	h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/confirm", http.StatusOK)
	ro := ReadOnlyAPIKey(h.SB)
	var ctl controlSettings
	if res := h.Control(http.MethodGet, "/sumup", ""); res.Status != 200 || json.Unmarshal(res.Body, &ctl) != nil || ctl.ReadOnlyAPIKey != ro || ro == "" || ro == h.key {
		t.Fatalf("GET /control/sumup = %d %s", res.Status, res.Body)
	}
	item := h.readers() + "/" + r.ID
	status401 := `{"detail":"Unauthorized","status":401,"title":"Unauthorized","trace_id":"T","type":"https://developer.sumup.com/problem/unauthorized"}`
	for _, c := range []struct {
		name, method, url, key, body string
		status                       int
		want                         string // "" on success
	}{
		{"no key", http.MethodGet, item, "", "", 401, problem401},
		{"unknown key", http.MethodGet, item, "sup_sk_nope", "", 401, problem401},
		{"unknown key, list", http.MethodGet, h.readers(), "sup_sk_nope", "", 401, problem401},
		{"unknown key, create", http.MethodPost, h.readers(), "sup_sk_nope", `{}`, 401, problem401},
		{"unknown key, status (its own text)", http.MethodGet, item + "/status", "sup_sk_nope", "", 401, status401},
		{"another merchant", http.MethodGet, h.Info.URL(KeyURL) + "/v0.1/merchants/MOTHER01/readers/" + r.ID, h.key, "", 404, problem404},
		{"another merchant, list", http.MethodGet, h.Info.URL(KeyURL) + "/v0.1/merchants/MOTHER01/readers", h.key, "", 404, problem404},
		{"merchant in lower case", http.MethodGet, h.Info.URL(KeyURL) + "/v0.1/merchants/" + strings.ToLower(h.merchant) + "/readers", h.key, "", 404, problem404},
		{"unknown reader", http.MethodGet, h.readers() + "/rdr_00000000000000000000000000", h.key, "", 404, problem404},
		{"read-only key reads", http.MethodGet, item, ro, "", 200, ""},
		{"read-only key lists", http.MethodGet, h.readers(), ro, "", 200, ""},
		{"read-only key, status", http.MethodGet, item + "/status", ro, "", 200, ""},
		{"read-only key renames", http.MethodPatch, item, ro, `{"name":"X"}`, 403, problem403},
		{"read-only key deletes", http.MethodDelete, item, ro, "", 403, problem403},
		{"read-only key creates", http.MethodPost, h.readers(), ro, `{}`, 403, problem403},
	} {
		res := h.call(c.method, c.url, c.key, c.body)
		if c.want == "" {
			if res.Status != c.status {
				t.Errorf("%s = %d %s", c.name, res.Status, res.Body)
			}
			continue
		}
		wantProblem(t, c.name, res, c.status, c.want)
	}
	// The scheme is case-insensitive; other schemes and an empty key are 401.
	for auth, want := range map[string]int{"bearer " + h.key: 200, "Basic " + h.key: 401, "Bearer ": 401, h.key: 401} {
		req := h.NewRequest(http.MethodGet, item, nil)
		req.Header.Set("Authorization", auth)
		if res := h.Send(req); res.Status != want {
			t.Errorf("Authorization %.12q… = %d, want %d", auth, res.Status, want)
		}
	}
	// Headers a request must have.
	req := h.NewRequest(http.MethodGet, item, nil)
	req.Header.Set("Authorization", "Bearer "+h.key)
	req.Header.Set("User-Agent", "")
	wantProblem(t, "no User-Agent", h.Send(req), 400, fields400(`[{"name":"User-Agent","message":"missing header 'User-Agent'"}]`))
	req = h.NewRequest(http.MethodGet, item, nil)
	req.Header["Authorization"] = []string{"Bearer " + h.key, "Bearer " + h.key}
	wantProblem(t, "two Authorization headers", h.Send(req), 400, fields400(`[{"name":"Authorization","message":"duplicate header 'Authorization'"}]`))
}

// The status route answers its 400, 401 and 404 in the legacy shape while
// the switch is on; the other routes never do.
func TestLegacyStatusErrors(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	r := h.pair("sumup-1", "Frontdesk")
	status := h.readers() + "/" + r.ID + "/status"
	if got := h.Control(http.MethodPost, "/sumup", `{"legacy_status_errors":true}`); got.Status != 200 || got.JSON(t)["legacy_status_errors"] != true {
		t.Fatalf("switch on = %d %s", got.Status, got.Body)
	}
	legacy := func(what string, res sandboxtest.Response, status int, want string) {
		t.Helper()
		if res.Status != status || string(res.Body) != want || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s = %d %s %s, want %d %s", what, res.Status, res.Header.Get("Content-Type"), res.Body, status, want)
		}
	}
	legacy("no key", h.call(http.MethodGet, status, "", ""), 401, `{"errors":{"detail":"Unauthorized"}}`)
	legacy("unknown key", h.call(http.MethodGet, status, "nope", ""), 401, `{"errors":{"detail":"Unauthorized","type":"INVALID_ACCESS_TOKEN"}}`)
	req := h.NewRequest(http.MethodGet, status, nil)
	req.Header.Set("Authorization", "Token "+h.key)
	legacy("not a bearer token", h.Send(req), 400, `{"errors":{"detail":"Bad request","type":"INVALID_BEARER_TOKEN"}}`)
	req = h.NewRequest(http.MethodGet, status, nil)
	req.Header.Set("Authorization", "Bearer "+h.key)
	req.Header.Set("User-Agent", "")
	legacy("no User-Agent", h.Send(req), 400, `{"errors":{"detail":"Bad request","type":"INVALID_USER_AGENT"}}`)
	legacy("unknown reader", h.call(http.MethodGet, h.readers()+"/rdr_X/status", h.key, ""), 404, `{"errors":{"detail":"Not Found"}}`)
	legacy("another merchant", h.call(http.MethodGet, h.Info.URL(KeyURL)+"/v0.1/merchants/MOTHER01/readers/"+r.ID+"/status", h.key, ""), 404, `{"errors":{"detail":"Not Found"}}`)
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteStatus, Status: 404, Count: 1}); err != nil {
		t.Fatal(err)
	}
	legacy("injected 404", h.call(http.MethodGet, status, h.key, ""), 404, `{"errors":{"detail":"Not Found"}}`)
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteStatus, Status: 500, Count: 1}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, "injected 500 (no legacy shape)", h.call(http.MethodGet, status, h.key, ""), 500,
		`{"detail":"injected fault: status 500 on sumup status","status":500,"title":"Internal Server Error","trace_id":"T","type":"https://developer.sumup.com/problem/internal-server-error"}`)
	// Other routes keep problem+json.
	wantProblem(t, "GET reader, unknown key", h.call(http.MethodGet, h.readers()+"/"+r.ID, "nope", ""), 401, problem401)
	if h.deviceStatus(r.ID).Status != "ONLINE" {
		t.Fatal("status with a good key while legacy is on")
	}
	if !SetLegacyStatusErrors(h.SB, false) {
		t.Fatal("SetLegacyStatusErrors found no SumUp")
	}
	wantProblem(t, "unknown reader, legacy off", h.call(http.MethodGet, h.readers()+"/rdr_X/status", h.key, ""), 404, problem404)
	for _, body := range []string{``, `{}`, `{"legacy_status_errors":"yes"}`, `{"legacy":true}`} {
		if res := h.Control(http.MethodPost, "/sumup", body); res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), "legacy_status_errors") {
			t.Errorf("POST /control/sumup %s = %d %s", body, res.Status, res.Body)
		}
	}
}

func TestUpdateDeleteAndList(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	r := h.pair("sumup-1", "Frontdesk")
	h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/confirm", http.StatusOK)
	item := h.readers() + "/" + r.ID
	h.Clock.Advance(time.Minute)
	res := h.call(http.MethodPatch, item, h.key, `{"metadata":{"b":2,"a":{"x":[1]}}}`)
	got := decodeReader(t, res)
	if res.Status != 200 || got.Name != "Frontdesk" || string(got.Metadata) != `{"a":{"x":[1]},"b":2}` || got.UpdatedAt != "2024-05-08T07:07:01.000Z" {
		t.Fatalf("PATCH metadata = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(time.Minute)
	// Metadata is replaced whole; the name alone leaves it.
	res = h.call(http.MethodPatch, item, h.key, `{"name":"Till 3"}`)
	if got := decodeReader(t, res); got.Name != "Till 3" || string(got.Metadata) != `{"a":{"x":[1]},"b":2}` || got.UpdatedAt != "2024-05-08T07:08:01.000Z" {
		t.Fatalf("PATCH name = %s", res.Body)
	}
	if got := decodeReader(t, h.call(http.MethodPatch, item, h.key, `{"metadata":{"c":3}}`)); string(got.Metadata) != `{"c":3}` {
		t.Fatalf("PATCH whole metadata = %s", got.Metadata)
	}
	wantProblem(t, "PATCH name a number", h.call(http.MethodPatch, item, h.key, `{"name":5}`), 400, fields400(`[{"name":"/name","message":"got number, want string"}]`))
	wantProblem(t, "PATCH not JSON", h.call(http.MethodPatch, item, h.key, `name=x`), 400, problem400)
	wantProblem(t, "PATCH unknown reader", h.call(http.MethodPatch, h.readers()+"/rdr_X", h.key, `{"name":"x"}`), 404, problem404)
	if got := h.terminal("sumup-1"); got.Pairings[0].PairingNickname != "Till 3" {
		t.Fatalf("Solo's pairing list after the rename = %+v", got.Pairings)
	}
	// The API answers a name as sent; the Solo's screen shows it cleaned
	// and cut, since any POS may set it.
	raw := "Till\u001b[2J\u200b 4" + strings.Repeat("x", 80)
	res = h.call(http.MethodPatch, item, h.key, string(marshal(map[string]string{"name": raw})))
	if got := decodeReader(t, res); !strings.HasPrefix(got.Name, "Till\x1b[2J\u200b 4") {
		t.Fatalf("PATCH kept %q", got.Name)
	}
	if got := h.terminal("sumup-1").Pairings[0].PairingNickname; got != "Till[2J 4"+strings.Repeat("x", 55)+"..." {
		t.Fatalf("Solo shows %q", got)
	}
	h.call(http.MethodPatch, item, h.key, `{"name":"Till 3"}`)

	res = h.call(http.MethodDelete, item, h.key, "")
	if res.Status != 200 || len(res.Body) != 0 || res.Header.Get("Content-Type") != "" {
		t.Fatalf("DELETE = %d %q %q", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	wantProblem(t, "GET after DELETE", h.getReader(r.ID), 404, problem404)
	wantProblem(t, "DELETE twice", h.call(http.MethodDelete, item, h.key, ""), 404, problem404)
	wantProblem(t, "status after DELETE", h.call(http.MethodGet, item+"/status", h.key, ""), 404,
		`{"detail":"The requested resource doesn't exist or does not belong to you.","status":404,"title":"Requested resource couldn't be found.","trace_id":"T","type":"https://developer.sumup.com/problem/not-found"}`)
	if list := h.call(http.MethodGet, h.readers(), h.key, ""); string(list.Body) != `{"items":[]}` {
		t.Fatalf("list after DELETE = %s", list.Body)
	}
	// The Solo still shows it is connected until Disconnect on it.
	term := h.terminal("sumup-1")
	if term.Screen != sandbox.ScreenPaired || term.Message != msgDeleted || term.Pairings[0].Status != "unpaired" {
		t.Fatalf("Solo after DELETE = %+v", term)
	}
	if res := h.Control(http.MethodPost, "/terminals/sumup-1/pairing-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("pairing-code before Disconnect = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/unpair", http.StatusOK); got.Screen != sandbox.ScreenIdle || got.Message != msgDisconnected {
		t.Fatalf("Disconnect = %+v", got)
	}
	// A new pairing makes a new reader id [DOC S46].
	if again := h.pair("sumup-1", "Frontdesk"); again.ID == r.ID {
		t.Fatal("re-pairing reused the reader id")
	}

	// DELETE while processing ends the pairing on the Solo too.
	h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup"}`, http.StatusCreated)
	p := h.pair("sumup-2", "Pending")
	if res := h.call(http.MethodDelete, h.readers()+"/"+p.ID, h.key, ""); res.Status != 200 {
		t.Fatalf("DELETE processing = %d %s", res.Status, res.Body)
	}
	if got := h.terminal("sumup-2"); got.Screen != sandbox.ScreenIdle || got.Message != msgCancelled {
		t.Fatalf("Solo after DELETE of its processing reader = %+v", got)
	}
}

// What the cloud shows after Disconnect on the Solo is the disconnect
// option's choice; the status route says OFFLINE from then on, with the
// moment of the Disconnect as the last activity.
func TestDisconnectOption(t *testing.T) {
	for _, c := range []struct {
		option     string // "" is the default
		wantStatus string // "" is 404
	}{
		{"", statusExpired}, {"expired", statusExpired}, {"unknown", statusUnknown}, {"paired", statusPaired}, {"deleted", ""},
	} {
		t.Run("disconnect="+c.option, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{})
			body := `{"provider":"sumup"}`
			if c.option != "" {
				body = `{"provider":"sumup","disconnect":"` + c.option + `"}`
			}
			term := h.ControlTerminalWith(http.MethodPost, "/terminals", body, http.StatusCreated)
			r := h.pair(term.ID, "Frontdesk")
			h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/confirm", http.StatusOK)
			h.Clock.Advance(time.Minute)
			got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", http.StatusOK)
			if got.Screen != sandbox.ScreenIdle || got.Message != msgDisconnected || got.Pairings[0].Status != "unpaired" {
				t.Fatalf("Solo after Disconnect = %+v", got)
			}
			h.Clock.Advance(time.Hour)
			if c.wantStatus == "" {
				wantProblem(t, "GET", h.getReader(r.ID), 404, problem404)
				return
			}
			if st := h.readerStatus(r.ID); st != c.wantStatus {
				t.Fatalf("reader after Disconnect = %s, want %s", st, c.wantStatus)
			}
			if ds := h.deviceStatus(r.ID); ds.Status != "OFFLINE" || ds.LastActivity != "2024-05-08T07:07:01Z" {
				t.Fatalf("status after Disconnect = %+v", ds)
			}
		})
	}
}

func TestStatusRoute(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup","battery_level":55.25,"connection_type":"lte"}`, http.StatusCreated)
	r := h.pair(term.ID, "Frontdesk")
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/confirm", http.StatusOK)
	h.Clock.Advance(10 * time.Minute)
	res := h.call(http.MethodGet, h.readers()+"/"+r.ID+"/status", h.key, "")
	want := `{"data":{"battery_level":55.25,"battery_temperature":31,"connection_type":"lte","firmware_version":"3.3.39.0","last_activity":"2024-05-08T07:16:01Z","state":"IDLE","status":"ONLINE"}}`
	if res.Status != 200 || string(res.Body) != want {
		t.Fatalf("status = %d %s\nwant %s", res.Status, res.Body, want)
	}
	// Off: OFFLINE, and last_activity stays at the moment it went off.
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":false}`, http.StatusOK); got.Online || got.Screen != sandbox.ScreenPaired {
		t.Fatalf("power off = %+v", got)
	}
	h.Clock.Advance(3 * time.Hour)
	h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":false}`, http.StatusOK) // off again changes nothing
	if ds := h.deviceStatus(r.ID); ds.Status != "OFFLINE" || ds.LastActivity != "2024-05-08T07:16:01Z" || ds.BatteryLevel != 55.25 {
		t.Fatalf("status while off = %+v", ds)
	}
	if st := h.readerStatus(r.ID); st != statusPaired {
		t.Fatalf("reader while off = %s; switching off does not unpair", st)
	}
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/online", http.StatusOK)
	if ds := h.deviceStatus(r.ID); ds.Status != "ONLINE" || ds.LastActivity != "2024-05-08T10:16:01Z" {
		t.Fatalf("status back on = %+v", ds)
	}
	// A processing reader's Solo is on the confirming screen, online.
	h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/pairing-code", http.StatusOK)
	p := h.pair("sumup-1", "Pending")
	if ds := h.deviceStatus(p.ID); ds.Status != "ONLINE" {
		t.Fatalf("status of a processing reader = %+v", ds)
	}
}

func TestSoloActions(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup","logged_in":true,"code_length":9,"model":"virtual-solo"}`, http.StatusCreated)
	if term.Screen != ScreenLoggedIn || term.Message != msgLoggedIn || term.Nickname != "Virtual Solo" {
		t.Fatalf("logged-in Solo = %+v", term)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/pairing-code", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "log-out") {
		t.Fatalf("pairing-code while logged in = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/log-out", http.StatusOK); got.Screen != sandbox.ScreenIdle {
		t.Fatalf("log-out = %+v", got)
	}
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/log-out", http.StatusOK) // logged out stays so
	first := h.showCode(term.ID)
	if len(first) != 9 {
		t.Fatalf("code_length 9 gave %q", first)
	}
	// Connect again: a new code, the old one void.
	second := h.showCode(term.ID)
	if second == first {
		t.Fatal("pairing-code twice showed the same code")
	}
	wantProblem(t, "POST with a replaced code", h.create(`{"pairing_code":"`+first+`","name":"X"}`), 404, problem404)
	res := h.create(`{"pairing_code":"` + second + `","name":"X"}`)
	if r := decodeReader(t, res); r.Device.Model != modelVirtualSolo {
		t.Fatalf("reader of a virtual Solo = %s", res.Body)
	}
	// Connect while processing starts over: the reader expires.
	pending := decodeReader(t, res)
	h.showCode(term.ID)
	if st := h.readerStatus(pending.ID); st != statusExpired {
		t.Fatalf("reader abandoned by a new code = %s", st)
	}
	// Leaving the API screen voids the code.
	code := h.showCode(term.ID)
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", http.StatusOK); got.Screen != sandbox.ScreenIdle || got.Message != msgLeft {
		t.Fatalf("unpair while showing a code = %+v", got)
	}
	wantProblem(t, "POST after leaving the screen", h.create(`{"pairing_code":"`+code+`","name":"X"}`), 404, problem404)
	// With nothing to unpair, unpair changes nothing.
	before := h.terminal(term.ID)
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", http.StatusOK); got.Screen != before.Screen || got.Message != before.Message {
		t.Fatalf("unpair with nothing = %+v, was %+v", got, before)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/sign-in", `{"code":"ABC"}`); res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), "not supported") {
		t.Fatalf("sign-in = %d %s", res.Status, res.Body)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+term.ID+"/confirm", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "pairing-code") {
		t.Fatalf("confirm with nothing = %d %s", res.Status, res.Body)
	}
}

func TestTerminalOptions(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	for _, c := range []struct{ body, mention string }{
		{`{"provider":"sumup","confirm_delay":"soon"}`, "confirm_delay"},
		{`{"provider":"sumup","confirm_delay":"-1s"}`, "confirm_delay"},
		{`{"provider":"sumup","confirm_delay":"2h"}`, "confirm_delay"},
		{`{"provider":"sumup","confirm_delay":2}`, "confirm_delay"},
		{`{"provider":"sumup","confirm_delay":"2s","never_confirm":true}`, "contradicts"},
		{`{"provider":"sumup","disconnect":"vanish"}`, "disconnect"},
		{`{"provider":"sumup","code_length":10}`, "8 or 9"},
		{`{"provider":"sumup","model":"air"}`, "virtual-solo"},
		{`{"provider":"sumup","battery_level":101}`, "battery_level"},
		{`{"provider":"sumup","connection_type":"wifi"}`, "Wi-Fi"},
		{`{"provider":"sumup","logged_in":"yes"}`, "logged_in"},
		{`{"provider":"sumup","live":true}`, "live"},
	} {
		res := h.Control(http.MethodPost, "/terminals", c.body)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), c.mention) {
			t.Errorf("POST /terminals %s = %d %s, want 400 naming %s", c.body, res.Status, res.Body, c.mention)
		}
	}
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals", `{"provider":"sumup","confirm_delay":"0s","disconnect":"paired"}`, http.StatusCreated); got.ID != "sumup-2" {
		t.Fatalf("a refused terminal used an id: %+v", got)
	}
}

func TestUnknownRoutesAndQueries(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	r := h.pair("sumup-1", "Frontdesk")
	wantProblem(t, "unknown path", h.call(http.MethodGet, h.Info.URL(KeyURL)+"/v0.1/me", h.key, ""), 404, problem404)
	res := h.call(http.MethodPut, h.readers()+"/"+r.ID, h.key, `{}`)
	if res.Status != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "DELETE, GET, HEAD, PATCH" || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("PUT reader = %d %v %s", res.Status, res.Header, res.Body)
	}
	for _, path := range []string{h.readers() + "/", h.readers() + "//status", h.readers() + "/" + r.ID + "/status/x"} {
		wantProblem(t, "GET "+path, h.call(http.MethodGet, path, h.key, ""), 404, problem404)
	}
	// If-Modified-Since is ignored, as a header or (sumup-go) a query
	// parameter; so is any other query parameter.
	req := h.NewRequest(http.MethodGet, h.readers()+"/"+r.ID+"?If-Modified-Since=2099-01-01T00:00:00Z&x=1", nil)
	req.Header.Set("Authorization", "Bearer "+h.key)
	req.Header.Set("If-Modified-Since", "Tue, 03 May 2099 14:46:44 GMT")
	if res := h.Send(req); res.Status != http.StatusOK {
		t.Fatalf("GET with If-Modified-Since = %d %s", res.Status, res.Body)
	}
}

func TestFaults(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteCreate, Status: 429, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res := h.create(`{}`)
	wantProblem(t, "injected 429", res, 429, `{"detail":"Too many requests were sent. Please try again later.","status":429,"title":"Too Many Requests","trace_id":"T","type":"https://developer.sumup.com/problem/too-many-requests"}`)
	if res.Header.Get("Retry-After") != "2" {
		t.Errorf("429 Retry-After = %q, want 2", res.Header.Get("Retry-After"))
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteList, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, "injected 503", h.call(http.MethodGet, h.readers(), h.key, ""), 503,
		`{"detail":"injected fault: status 503 on sumup list","status":503,"title":"Service Unavailable","trace_id":"T","type":"https://developer.sumup.com/problem/service-unavailable"}`)
	// (A POST: net/http retries an idempotent request on a dropped
	// keep-alive connection, which would hide the reset.)
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteCreate, Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	req := h.NewRequest(http.MethodPost, h.readers(), []byte(`{}`))
	if _, err := h.Client.Do(req); err == nil {
		t.Fatal("a reset fault answered")
	}
	if res := h.call(http.MethodGet, h.readers()+"/rdr_X", h.key, ""); res.Status != 404 {
		t.Fatalf("GET after the faults = %d %s", res.Status, res.Body)
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteStatus, Malformed: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if res := h.call(http.MethodGet, h.readers()+"/rdr_X/status", h.key, ""); res.Status != 200 || json.Valid(res.Body) {
		t.Fatalf("malformed fault = %d %s", res.Status, res.Body)
	}
	for _, route := range []string{RouteCreate, RouteGet, RouteList, RouteUpdate, RouteDelete, RouteStatus} {
		if n := h.SB.RequestCount(ID, route); route != RouteUpdate && route != RouteDelete && n == 0 {
			t.Errorf("RequestCount(%s) = 0", route)
		}
	}

	// A slow cloud: the answer waits for the clock. No code is on screen,
	// so the delay is the clock's only waiter.
	if err := h.SB.SetFault(sandbox.Fault{Provider: ID, Route: RouteList, DelayMS: 3000, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res = h.Delayed(3*time.Second, func() sandboxtest.Response { return h.call(http.MethodGet, h.readers(), h.key, "") })
	if res.Status != 200 || string(res.Body) != `{"items":[]}` {
		t.Fatalf("delayed list = %d %s", res.Status, res.Body)
	}
}

// Same seed, same values: credentials, serials, codes, reader ids and
// trace ids; another seed, others.
func TestDeterministicUnderSeed(t *testing.T) {
	run := func(seed int64) []string {
		h := newHarness(t, sandbox.Options{Seed: seed})
		code := h.showCode("sumup-1")
		r := decodeReader(t, h.create(`{"pairing_code":"`+code+`","name":"X"}`))
		h.ControlTerminal(http.MethodPost, "/terminals/sumup-1/confirm", http.StatusOK)
		r = decodeReader(t, h.getReader(r.ID))
		trace := traceID.FindString(string(h.create(`{}`).Body))
		return []string{h.key, h.merchant, ReadOnlyAPIKey(h.SB), h.FirstTerminal(ID).TID, code, r.ID, r.ServiceAccountID, trace}
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

// The request log never holds an API key (the account's or the read-only
// one); the merchant code, which is not secret, stays in the paths.
func TestRequestLogRedaction(t *testing.T) {
	var mu sync.Mutex
	var entries []sandbox.Entry
	h := newHarness(t, sandbox.Options{RequestLog: func(e sandbox.Entry) {
		mu.Lock()
		defer mu.Unlock()
		entries = append(entries, e)
	}})
	r := h.pair("sumup-1", "Frontdesk")
	ro := ReadOnlyAPIKey(h.SB)
	h.Control(http.MethodGet, "/sumup", "")
	h.call(http.MethodGet, h.readers()+"/"+r.ID, ro, "")
	h.call(http.MethodGet, h.readers(), "wrong-"+h.key, "")
	// Entries are reported before the answer reaches the client.
	mu.Lock()
	defer mu.Unlock()
	sawPath, sawBearer := false, false
	for _, e := range entries {
		text := e.Method + " " + e.Target + "\n" + strings.Join(e.HeaderLines(), "\n") + "\n" + e.RequestBody + "\n" + e.ResponseBody
		for name, secret := range map[string]string{"API key": h.key, "read-only key": ro} {
			if strings.Contains(text, secret) {
				t.Errorf("%s leaked into the log entry for %s %s:\n%s", name, e.Method, e.Target, text)
			}
		}
		sawPath = sawPath || strings.Contains(e.Target, "/merchants/"+h.merchant+"/readers")
		sawBearer = sawBearer || e.Header.Get("Authorization") == "Bearer "+sandbox.Redacted
	}
	if !sawPath || !sawBearer || len(entries) < 5 {
		t.Fatalf("log kept the merchant code in paths = %v, redacted bearer = %v, %d entries", sawPath, sawBearer, len(entries))
	}
}
