package helcim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
	"github.com/tillpair/tillpair/providers"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is the shared harness with the Helcim cloud alone (cloud is its
// instance), plus this package's raw-HTTP helpers for it.
type harness struct {
	*sandboxtest.Harness
	cloud *Cloud
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	c := New()
	return &harness{sandboxtest.New(t, opts, c), c}
}

// helcimGet sends GET {HelcimURL}{path} with token ("" sends none).
func (h *harness) helcimGet(token, path string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+path, nil)
	if token != "" {
		req.Header.Set("api-token", token)
	}
	return h.Send(req)
}

// helcimErrors decodes {"errors": …} and returns the raw member.
func helcimErrors(t *testing.T, r sandboxtest.Response) any {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
	v, ok := e["errors"]
	if !ok || len(e) != 1 {
		t.Fatalf("body %q is not {\"errors\": …}", r.Body)
	}
	return v
}

// helcimTerminal returns the sandbox's start-up Helcim terminal.
func (h *harness) helcimTerminal() sandbox.Terminal {
	h.T.Helper()
	for _, term := range h.SB.Terminals() {
		if term.Provider == "helcim" {
			return term
		}
	}
	h.T.Fatal("no Helcim terminal at start-up")
	return sandbox.Terminal{}
}

func TestHelcimStartUpTerminalAndModes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.helcimTerminal()
	code := term.TID
	if len(code) != 4 || strings.Trim(code, helcimCodeChars) != "" || term.Screen != sandbox.ScreenIdle || term.PairingCode != "" {
		t.Fatalf("start-up Helcim terminal = %+v; want standalone with a 4-char code as TID", term)
	}
	tok := h.Info.Credential(KeyAPIToken)

	// Registered but standalone: the lookup works, the ping does not.
	if res := h.helcimGet(tok, "/devices/"+code); res.Status != 200 {
		t.Fatalf("lookup = %d %s", res.Status, res.Body)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.Status != http.StatusConflict || helcimErrors(t, res) != "Device Not Listening" {
		t.Fatalf("ping standalone = %d %s", res.Status, res.Body)
	}

	ch, stop := h.SB.Changes()
	defer stop()
	started, err := h.SB.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if started.Screen != sandbox.ScreenPairingCode || started.PairingCode != code || started.PairingCodeExpiresAt != nil {
		t.Fatalf("pairing mode = %+v; want the device code, no expiry", started)
	}
	<-ch

	res := h.helcimGet(tok, "/devices/"+code+"/ping")
	if res.Status != http.StatusAccepted || len(res.Body) != 0 {
		t.Fatalf("ping = %d %q; want 202 with no body", res.Status, res.Body)
	}
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification for the ping")
	}
	got, _ := h.SB.Terminal(term.ID)
	if got.Screen != ScreenPing || got.Message != PingMessage || got.PairingCode != code {
		t.Fatalf("after ping = %+v", got)
	}
	// The message goes away on the device's own timer.
	h.Clock.Advance(pingShown)
	deadline := time.Now().Add(5 * time.Second)
	for got.Screen != sandbox.ScreenPairingCode && time.Now().Before(deadline) {
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
		}
		got, _ = h.SB.Terminal(term.ID)
	}
	if got.Screen != sandbox.ScreenPairingCode {
		t.Fatalf("ping screen did not clear: %+v", got)
	}

	// Asleep: 409 until woken; switching back to standalone: 409 for good.
	if got, err := h.SB.Sleep(term.ID); err != nil || got.Screen != ScreenAsleep || got.PairingCode != "" {
		t.Fatalf("Sleep = %+v, %v", got, err)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.Status != http.StatusConflict {
		t.Fatalf("ping asleep = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/wake", 200); got.Screen != sandbox.ScreenPairingCode {
		t.Fatalf("wake = %+v", got)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.Status != http.StatusAccepted {
		t.Fatalf("ping awake = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", 200); got.Screen != sandbox.ScreenIdle || got.TID != code {
		t.Fatalf("standalone = %+v", got)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.Status != http.StatusConflict {
		t.Fatalf("ping after switching to standalone = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/sleep", 200); got.Screen != ScreenAsleep {
		t.Fatalf("control sleep = %+v", got)
	}
	if _, err := h.SB.Confirm(term.ID); err == nil {
		t.Fatal("Confirm on a Helcim terminal succeeded; Helcim has no confirmation step")
	}
}

func TestHelcimAuth(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	code := h.helcimTerminal().TID
	tok := h.Info.Credential(KeyAPIToken)
	restricted := RestrictedAPIToken(h.SB)
	var ctl struct {
		Restricted string `json:"restricted_api_token"`
	}
	if res := h.Control(http.MethodGet, "/helcim", ""); res.Status != 200 || json.Unmarshal(res.Body, &ctl) != nil || ctl.Restricted != restricted || restricted == "" || restricted == tok {
		t.Fatalf("GET /control/helcim = %d %s", res.Status, res.Body)
	}
	cases := []struct {
		name, token, path string
		status            int
		errors            any // nil: success
	}{
		{"no token", "", "/devices/" + code, 401, "Unauthorized"},
		{"no token, connection test", "", "/connection-test", 401, "Unauthorized"},
		{"unknown token", "nope", "/devices/" + code, 403, "Unauthorized"},
		{"unknown token, connection test", "nope", "/connection-test", 403, "Unauthorized"},
		{"restricted token, device", restricted, "/devices/" + code, 403, "No access permission"},
		{"restricted token, ping", restricted, "/devices/" + code + "/ping", 403, "No access permission"},
		{"restricted token, list", restricted, "/devices", 403, "No access permission"},
		{"restricted token, connection test", restricted, "/connection-test", 200, nil},
		{"connection test", tok, "/connection-test", 200, nil},
		{"unknown route", tok, "/payments", 404, "Route not found"},
	}
	for _, c := range cases {
		res := h.helcimGet(c.token, c.path)
		if res.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.status)
			continue
		}
		if c.errors != nil {
			if got := helcimErrors(t, res); got != c.errors {
				t.Errorf("%s: errors = %v, want %v", c.name, got, c.errors)
			}
		} else if !strings.Contains(string(res.Body), "Connection Successful") {
			t.Errorf("%s: body %s", c.name, res.Body)
		}
		// Only requests that belong to an account carry the limits.
		hasLimits := res.Header.Get(helcimMinuteHeader) != ""
		if wantLimits := c.token != "" && c.token != "nope" && c.path != "/payments"; hasLimits != wantLimits {
			t.Errorf("%s: rate-limit headers present = %v, want %v", c.name, hasLimits, wantLimits)
		}
	}
}

func TestHelcimDeviceRoutes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tok := h.Info.Credential(KeyAPIToken)
	mine := h.helcimTerminal().TID
	res := h.Control(http.MethodPost, "/terminals", `{"provider":"helcim","foreign_tenant":true}`)
	var other sandbox.Terminal
	if res.Status != 201 || json.Unmarshal(res.Body, &other) != nil || !other.ForeignTenant || len(other.TID) != 4 {
		t.Fatalf("POST /terminals foreign helcim = %d %s", res.Status, res.Body)
	}
	second, err := h.SB.AddTerminal("helcim")
	if err != nil {
		t.Fatal(err)
	}

	var dev helcimDeviceJSON
	res = h.helcimGet(tok, "/devices/"+mine)
	if res.Status != 200 || json.Unmarshal(res.Body, &dev) != nil || dev.Code != mine || dev.DateCreated != sandboxtest.Epoch.UTC().Format("2006-01-02 15:04:05") {
		t.Fatalf("GET /devices/%s = %d %s", mine, res.Status, res.Body)
	}
	for _, c := range []struct {
		name, path string
		status     int
		errors     any
	}{
		{"another account's device", "/devices/" + other.TID, 404, "Device Not Found"},
		{"another account's device, ping", "/devices/" + other.TID + "/ping", 404, "Device Not Found"},
		{"lower case", "/devices/" + strings.ToLower(mine), 404, "Device Not Found"},
		{"bad code", "/devices/AB-12", 400, []any{"code must be 4 letters or digits", `got "AB-12"`}},
		{"limit 0", "/devices?limit=0", 400, map[string]any{"limit": "limit must be a whole number from 1 to 100"}},
		{"several bad", "/devices?limit=101&offset=-1&code=ABCDE", 400, map[string]any{
			"limit": "limit must be a whole number from 1 to 100", "offset": "offset must be a whole number, 0 or more",
			"code": "code must be at most 4 letters or digits"}},
		{"offset and page", "/devices?offset=0&page=1", 400, map[string]any{"page": "use offset or page, not both"}},
		{"page past the end", "/devices?page=3&limit=1", 404, "Devices Not Found"},
	} {
		res := h.helcimGet(tok, c.path)
		if res.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.status)
			continue
		}
		got, _ := json.Marshal(helcimErrors(t, res))
		want, _ := json.Marshal(c.errors)
		if string(got) != string(want) {
			t.Errorf("%s: errors = %s, want %s", c.name, got, want)
		}
	}

	list := func(query string) []string {
		t.Helper()
		res := h.helcimGet(tok, "/devices"+query)
		var devs []helcimDeviceJSON
		if res.Status != 200 || json.Unmarshal(res.Body, &devs) != nil {
			t.Fatalf("GET /devices%s = %d %s", query, res.Status, res.Body)
		}
		var codes []string
		for _, d := range devs {
			codes = append(codes, d.Code)
		}
		return codes
	}
	if got := list(""); strings.Join(got, ",") != mine+","+second.TID {
		t.Errorf("list = %v, want own devices %s,%s only", got, mine, second.TID)
	}
	if got := list("?limit=1&page=2"); strings.Join(got, ",") != second.TID {
		t.Errorf("page 2 = %v", got)
	}
	if got := list("?offset=1"); strings.Join(got, ",") != second.TID {
		t.Errorf("offset 1 = %v", got)
	}
	if got := list("?code=" + strings.ToLower(mine[1:3])); len(got) == 0 || got[0] != mine {
		t.Errorf("partial code %s = %v", mine[1:3], got)
	}
}

func TestHelcimRateLimit(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tok := h.Info.Credential(KeyAPIToken)
	code := h.helcimTerminal().TID
	for i := 1; i <= helcimPerMinute; i++ {
		// The restricted token shares the account's allowance.
		token := tok
		if i%10 == 0 {
			token = RestrictedAPIToken(h.SB)
		}
		res := h.helcimGet(token, "/connection-test")
		if res.Status != 200 {
			t.Fatalf("request %d = %d %s", i, res.Status, res.Body)
		}
		if got := res.Header.Get(helcimMinuteHeader); got != strconv.Itoa(helcimPerMinute-i) {
			t.Fatalf("request %d: minute-limit-remaining %q", i, got)
		}
		if got := res.Header.Get(helcimHourHeader); got != strconv.Itoa(helcimPerHour-i) {
			t.Fatalf("request %d: hour-limit-remaining %q", i, got)
		}
	}
	h.Clock.Advance(30 * time.Second)
	res := h.helcimGet(tok, "/devices/"+code)
	if res.Status != http.StatusTooManyRequests || res.Header.Get(helcimMinuteHeader) != "0" ||
		res.Header.Get(helcimHourHeader) != strconv.Itoa(helcimPerHour-helcimPerMinute) || res.Header.Get("Retry-After") != "30" {
		t.Fatalf("101st request = %d %v %s", res.Status, res.Header, res.Body)
	}
	if s, ok := helcimErrors(t, res).(string); !ok || !strings.Contains(s, "100 requests per minute") {
		t.Fatalf("429 body %s", res.Body)
	}
	// Another account is not affected.
	if _, err := h.SB.AddTerminalWith(sandbox.TerminalOptions{Provider: "helcim", ForeignTenant: true}); err != nil {
		t.Fatal(err)
	}
	h.cloud.h.Lock()
	otherTok := h.cloud.other.token
	h.cloud.h.Unlock()
	if res := h.helcimGet(otherTok, "/connection-test"); res.Status != 200 || res.Header.Get(helcimMinuteHeader) != "99" {
		t.Fatalf("other account = %d %v", res.Status, res.Header)
	}
	h.Clock.Advance(30 * time.Second)
	if res := h.helcimGet(tok, "/devices/"+code); res.Status != 200 || res.Header.Get(helcimMinuteHeader) != "99" {
		t.Fatalf("after the minute = %d %v %s", res.Status, res.Header, res.Body)
	}
}

func TestHelcimFaultsAndCounts(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tok := h.Info.Credential(KeyAPIToken)
	code := h.helcimTerminal().TID
	if err := h.SB.SetFault(sandbox.Fault{Provider: "helcim", Route: RoutePing, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res := h.helcimGet(tok, "/devices/"+code+"/ping")
	if s, ok := helcimErrors(t, res).(string); res.Status != 503 || !ok || !strings.Contains(s, "injected fault") {
		t.Fatalf("faulted ping = %d %s", res.Status, res.Body)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.Status != http.StatusConflict {
		t.Fatalf("ping after the fault = %d %s", res.Status, res.Body)
	}
	h.helcimGet(tok, "/devices/"+code)
	h.helcimGet("", "/devices")
	for route, want := range map[string]int{RoutePing: 2, RouteDevice: 1, RouteDevices: 1, RouteConnectionTest: 0} {
		if got := h.SB.RequestCount("helcim", route); got != want {
			t.Errorf("RequestCount(helcim, %s) = %d, want %d", route, got, want)
		}
	}
	if err := h.SB.SetFault(sandbox.Fault{Provider: "helcim", Route: "purchase", Status: 500}); err == nil || !strings.Contains(err.Error(), "device, ping, devices, connection-test") {
		t.Fatalf("unknown route fault: %v", err)
	}
}

func TestHelcimSeededCodesAreDeterministic(t *testing.T) {
	a, b := sandbox.New(sandbox.Options{Seed: 9}, []sandbox.Cloud{New()}), sandbox.New(sandbox.Options{Seed: 9}, []sandbox.Cloud{New()})
	defer a.Close()
	defer b.Close()
	ta, _ := a.AddTerminal("helcim")
	tb, _ := b.AddTerminal("helcim")
	if ta.TID != tb.TID || RestrictedAPIToken(a) != RestrictedAPIToken(b) {
		t.Fatalf("same seed, different Helcim values: %s/%s", ta.TID, tb.TID)
	}
	c := sandbox.New(sandbox.Options{Seed: 10}, []sandbox.Cloud{New()})
	defer c.Close()
	if RestrictedAPIToken(c) == RestrictedAPIToken(a) {
		t.Fatal("different seeds gave the same restricted token")
	}
}

func TestHelcimConfirmSaysThereIsNoConfirmationStep(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 9}, []sandbox.Cloud{New()})
	var id string
	for _, term := range sb.Terminals() {
		if term.Provider == providers.Helcim {
			id = term.ID
		}
	}
	_, err := sb.Confirm(id)
	if !errors.Is(err, sandbox.ErrNothingToConfirm) || !strings.Contains(err.Error(), "Helcim has no confirmation step") {
		t.Fatalf("Confirm on a Helcim device = %v; want sandbox.ErrNothingToConfirm naming Helcim", err)
	}
}

func TestHelcimConcurrencyLimit(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tok := h.Info.Credential(KeyAPIToken)
	code := h.helcimTerminal().TID
	// A slow cloud: the next five requests take a second each.
	if err := h.SB.SetFault(sandbox.Fault{Provider: "helcim", Route: RouteConnectionTest, DelayMS: 1000, Count: helcimConcurrent}); err != nil {
		t.Fatal(err)
	}
	done := make(chan sandboxtest.Response, helcimConcurrent)
	for i := 0; i < helcimConcurrent; i++ {
		// Every second one on the restricted token: the limit is the account's.
		token := tok
		if i%2 == 1 {
			token = RestrictedAPIToken(h.SB)
		}
		go func() { done <- h.helcimGet(token, "/connection-test") }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.Clock.BlockUntilContext(ctx, helcimConcurrent); err != nil {
		t.Fatalf("the delayed requests never waited: %v", err)
	}

	res := h.helcimGet(tok, "/devices/"+code)
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("sixth request at once = %d %v %s", res.Status, res.Header, res.Body)
	}
	if s, ok := helcimErrors(t, res).(string); !ok || !strings.Contains(s, "5 concurrent") {
		t.Fatalf("429 body %s", res.Body)
	}
	// A token of no account is refused by auth, not by the account's limit.
	if res := h.helcimGet("nope", "/connection-test"); res.Status != http.StatusForbidden {
		t.Fatalf("unknown token while the account is full = %d %s", res.Status, res.Body)
	}

	h.Clock.Advance(time.Second)
	for i := 0; i < helcimConcurrent; i++ {
		if res := <-done; res.Status != 200 {
			t.Fatalf("delayed request = %d %s", res.Status, res.Body)
		}
	}
	// Room again; the refused request did not count against the minute.
	res = h.helcimGet(tok, "/devices/"+code)
	if want := strconv.Itoa(helcimPerMinute - helcimConcurrent - 1); res.Status != 200 || res.Header.Get(helcimMinuteHeader) != want {
		t.Fatalf("after the slow requests = %d minute-limit-remaining %q (want %s) %s", res.Status, res.Header.Get(helcimMinuteHeader), want, res.Body)
	}
}

// A device switched off does not listen: ping is 409 as for a sleeping
// one, while the cloud still knows it (lookup 200).
func TestHelcimPower(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.helcimTerminal()
	tok := h.Info.Credential(KeyAPIToken)
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/pairing-code", http.StatusOK)
	off := h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":false}`, http.StatusOK)
	if off.Online || off.Screen != sandbox.ScreenPairingCode {
		t.Fatalf("switched off: %+v", off)
	}
	if res := h.helcimGet(tok, "/devices/"+term.TID+"/ping"); res.Status != http.StatusConflict || helcimErrors(t, res) != "Device Not Listening" {
		t.Fatalf("ping while off = %d %s", res.Status, res.Body)
	}
	if res := h.helcimGet(tok, "/devices/"+term.TID); res.Status != http.StatusOK {
		t.Fatalf("lookup while off = %d %s", res.Status, res.Body)
	}
	h.ControlTerminalWith(http.MethodPost, "/terminals/"+term.ID+"/power", `{"online":true}`, http.StatusOK)
	if res := h.helcimGet(tok, "/devices/"+term.TID+"/ping"); res.Status != http.StatusAccepted {
		t.Fatalf("ping once on = %d %s", res.Status, res.Body)
	}
}

// A device code never expires, so expire-code is not a Helcim action: the
// refusal names the provider and the action.
func TestHelcimExpireCodeUnsupported(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term := h.helcimTerminal()
	h.ControlTerminal(http.MethodPost, "/terminals/"+term.ID+"/pairing-code", http.StatusOK)
	for _, c := range []struct{ path, body string }{{"/expire-code", ""}, {"/sign-in", `{"code":"ABCDEF"}`}} {
		res := h.Control(http.MethodPost, "/terminals/"+term.ID+c.path, c.body)
		msg := res.ErrorText(t)
		if res.Status != http.StatusBadRequest || !strings.Contains(msg, "not supported by this provider") ||
			!strings.Contains(msg, "Helcim") || !strings.Contains(msg, strings.TrimPrefix(c.path, "/")) {
			t.Errorf("%s on a Helcim device = %d %s", c.path, res.Status, res.Body)
		}
	}
	if got, _ := h.SB.Terminal(term.ID); got.PairingCode != term.TID {
		t.Fatalf("a refused action changed the device: %+v", got)
	}
}
