package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// helcimGet sends GET {HelcimURL}{path} with token ("" sends none).
func (h *harness) helcimGet(token, path string) response {
	h.t.Helper()
	req := h.newRequest(http.MethodGet, h.info.HelcimURL+path, nil)
	if token != "" {
		req.Header.Set("api-token", token)
	}
	return h.send(req)
}

// helcimErrors decodes {"errors": …} and returns the raw member.
func helcimErrors(t *testing.T, r response) any {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	v, ok := e["errors"]
	if !ok || len(e) != 1 {
		t.Fatalf("body %q is not {\"errors\": …}", r.body)
	}
	return v
}

// helcimTerminal returns the sandbox's start-up Helcim terminal.
func (h *harness) helcimTerminal() Terminal {
	h.t.Helper()
	for _, term := range h.sb.Terminals() {
		if term.Provider == "helcim" {
			return term
		}
	}
	h.t.Fatal("no Helcim terminal at start-up")
	return Terminal{}
}

func TestHelcimStartUpTerminalAndModes(t *testing.T) {
	h := newHarness(t, Options{})
	term := h.helcimTerminal()
	code := term.TID
	if len(code) != 4 || strings.Trim(code, helcimCodeChars) != "" || term.Screen != ScreenIdle || term.PairingCode != "" {
		t.Fatalf("start-up Helcim terminal = %+v; want standalone with a 4-char code as TID", term)
	}
	tok := h.info.Credentials.HelcimAPIToken

	// Registered but standalone: the lookup works, the ping does not.
	if res := h.helcimGet(tok, "/devices/"+code); res.status != 200 {
		t.Fatalf("lookup = %d %s", res.status, res.body)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.status != http.StatusConflict || helcimErrors(t, res) != "Device Not Listening" {
		t.Fatalf("ping standalone = %d %s", res.status, res.body)
	}

	ch, stop := h.sb.Changes()
	defer stop()
	started, err := h.sb.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if started.Screen != ScreenPairingCode || started.PairingCode != code || started.PairingCodeExpiresAt != nil {
		t.Fatalf("pairing mode = %+v; want the device code, no expiry", started)
	}
	<-ch

	res := h.helcimGet(tok, "/devices/"+code+"/ping")
	if res.status != http.StatusAccepted || len(res.body) != 0 {
		t.Fatalf("ping = %d %q; want 202 with no body", res.status, res.body)
	}
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification for the ping")
	}
	got, _ := h.sb.Terminal(term.ID)
	if got.Screen != ScreenPing || got.Message != HelcimPingMessage || got.PairingCode != code {
		t.Fatalf("after ping = %+v", got)
	}
	// The message goes away on the device's own timer.
	h.clock.Advance(helcimPingShown)
	deadline := time.Now().Add(5 * time.Second)
	for got.Screen != ScreenPairingCode && time.Now().Before(deadline) {
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
		}
		got, _ = h.sb.Terminal(term.ID)
	}
	if got.Screen != ScreenPairingCode {
		t.Fatalf("ping screen did not clear: %+v", got)
	}

	// Asleep: 409 until woken; switching back to standalone: 409 for good.
	if got, err := h.sb.Sleep(term.ID); err != nil || got.Screen != ScreenAsleep || got.PairingCode != "" {
		t.Fatalf("Sleep = %+v, %v", got, err)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.status != http.StatusConflict {
		t.Fatalf("ping asleep = %d %s", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodPost, "/terminals/"+term.ID+"/wake", 200); got.Screen != ScreenPairingCode {
		t.Fatalf("wake = %+v", got)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.status != http.StatusAccepted {
		t.Fatalf("ping awake = %d %s", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodPost, "/terminals/"+term.ID+"/unpair", 200); got.Screen != ScreenIdle || got.TID != code {
		t.Fatalf("standalone = %+v", got)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.status != http.StatusConflict {
		t.Fatalf("ping after switching to standalone = %d %s", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodPost, "/terminals/"+term.ID+"/sleep", 200); got.Screen != ScreenAsleep {
		t.Fatalf("control sleep = %+v", got)
	}
	if _, err := h.sb.Confirm(term.ID); err == nil {
		t.Fatal("Confirm on a Helcim terminal succeeded; Helcim has no confirmation step")
	}
}

func TestHelcimAuth(t *testing.T) {
	h := newHarness(t, Options{})
	code := h.helcimTerminal().TID
	tok := h.info.Credentials.HelcimAPIToken
	restricted := h.sb.HelcimRestrictedAPIToken()
	var ctl struct {
		Restricted string `json:"restricted_api_token"`
	}
	if res := h.control(http.MethodGet, "/helcim", ""); res.status != 200 || json.Unmarshal(res.body, &ctl) != nil || ctl.Restricted != restricted || restricted == "" || restricted == tok {
		t.Fatalf("GET /control/helcim = %d %s", res.status, res.body)
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
		if res.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.status, res.body, c.status)
			continue
		}
		if c.errors != nil {
			if got := helcimErrors(t, res); got != c.errors {
				t.Errorf("%s: errors = %v, want %v", c.name, got, c.errors)
			}
		} else if !strings.Contains(string(res.body), "Connection Successful") {
			t.Errorf("%s: body %s", c.name, res.body)
		}
		// Only requests that belong to an account carry the limits.
		hasLimits := res.header.Get(helcimMinuteHeader) != ""
		if wantLimits := c.token != "" && c.token != "nope" && c.path != "/payments"; hasLimits != wantLimits {
			t.Errorf("%s: rate-limit headers present = %v, want %v", c.name, hasLimits, wantLimits)
		}
	}
}

func TestHelcimDeviceRoutes(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.info.Credentials.HelcimAPIToken
	mine := h.helcimTerminal().TID
	res := h.control(http.MethodPost, "/terminals", `{"provider":"helcim","foreign_tenant":true}`)
	var other Terminal
	if res.status != 201 || json.Unmarshal(res.body, &other) != nil || !other.ForeignTenant || len(other.TID) != 4 {
		t.Fatalf("POST /terminals foreign helcim = %d %s", res.status, res.body)
	}
	second, err := h.sb.AddTerminal("helcim")
	if err != nil {
		t.Fatal(err)
	}

	var dev helcimDeviceJSON
	res = h.helcimGet(tok, "/devices/"+mine)
	if res.status != 200 || json.Unmarshal(res.body, &dev) != nil || dev.Code != mine || dev.DateCreated != vectorCreated.UTC().Format("2006-01-02 15:04:05") {
		t.Fatalf("GET /devices/%s = %d %s", mine, res.status, res.body)
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
		if res.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.status, res.body, c.status)
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
		if res.status != 200 || json.Unmarshal(res.body, &devs) != nil {
			t.Fatalf("GET /devices%s = %d %s", query, res.status, res.body)
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
	h := newHarness(t, Options{})
	tok := h.info.Credentials.HelcimAPIToken
	code := h.helcimTerminal().TID
	for i := 1; i <= helcimPerMinute; i++ {
		// The restricted token shares the account's allowance.
		token := tok
		if i%10 == 0 {
			token = h.sb.HelcimRestrictedAPIToken()
		}
		res := h.helcimGet(token, "/connection-test")
		if res.status != 200 {
			t.Fatalf("request %d = %d %s", i, res.status, res.body)
		}
		if got := res.header.Get(helcimMinuteHeader); got != strconv.Itoa(helcimPerMinute-i) {
			t.Fatalf("request %d: minute-limit-remaining %q", i, got)
		}
		if got := res.header.Get(helcimHourHeader); got != strconv.Itoa(helcimPerHour-i) {
			t.Fatalf("request %d: hour-limit-remaining %q", i, got)
		}
	}
	h.clock.Advance(30 * time.Second)
	res := h.helcimGet(tok, "/devices/"+code)
	if res.status != http.StatusTooManyRequests || res.header.Get(helcimMinuteHeader) != "0" ||
		res.header.Get(helcimHourHeader) != strconv.Itoa(helcimPerHour-helcimPerMinute) || res.header.Get("Retry-After") != "30" {
		t.Fatalf("101st request = %d %v %s", res.status, res.header, res.body)
	}
	if s, ok := helcimErrors(t, res).(string); !ok || !strings.Contains(s, "100 requests per minute") {
		t.Fatalf("429 body %s", res.body)
	}
	// Another account is not affected.
	if _, err := h.sb.AddTerminalWith(TerminalOptions{Provider: "helcim", ForeignTenant: true}); err != nil {
		t.Fatal(err)
	}
	h.sb.mu.Lock()
	otherTok := h.sb.helcim.other.token
	h.sb.mu.Unlock()
	if res := h.helcimGet(otherTok, "/connection-test"); res.status != 200 || res.header.Get(helcimMinuteHeader) != "99" {
		t.Fatalf("other account = %d %v", res.status, res.header)
	}
	h.clock.Advance(30 * time.Second)
	if res := h.helcimGet(tok, "/devices/"+code); res.status != 200 || res.header.Get(helcimMinuteHeader) != "99" {
		t.Fatalf("after the minute = %d %v %s", res.status, res.header, res.body)
	}
}

func TestHelcimFaultsAndCounts(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.info.Credentials.HelcimAPIToken
	code := h.helcimTerminal().TID
	if err := h.sb.SetFault(Fault{Provider: "helcim", Route: RouteHelcimPing, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	res := h.helcimGet(tok, "/devices/"+code+"/ping")
	if s, ok := helcimErrors(t, res).(string); res.status != 503 || !ok || !strings.Contains(s, "injected fault") {
		t.Fatalf("faulted ping = %d %s", res.status, res.body)
	}
	if res := h.helcimGet(tok, "/devices/"+code+"/ping"); res.status != http.StatusConflict {
		t.Fatalf("ping after the fault = %d %s", res.status, res.body)
	}
	h.helcimGet(tok, "/devices/"+code)
	h.helcimGet("", "/devices")
	for route, want := range map[string]int{RouteHelcimPing: 2, RouteHelcimDevice: 1, RouteHelcimDevices: 1, RouteHelcimConnectionTest: 0} {
		if got := h.sb.RequestCount("helcim", route); got != want {
			t.Errorf("RequestCount(helcim, %s) = %d, want %d", route, got, want)
		}
	}
	if err := h.sb.SetFault(Fault{Provider: "helcim", Route: "purchase", Status: 500}); err == nil || !strings.Contains(err.Error(), "device, ping, devices, connection-test") {
		t.Fatalf("unknown route fault: %v", err)
	}
}

func TestHelcimSeededCodesAreDeterministic(t *testing.T) {
	a, b := New(Options{Seed: 9}), New(Options{Seed: 9})
	defer a.Close()
	defer b.Close()
	ta, _ := a.AddTerminal("helcim")
	tb, _ := b.AddTerminal("helcim")
	if ta.TID != tb.TID || a.HelcimRestrictedAPIToken() != b.HelcimRestrictedAPIToken() {
		t.Fatalf("same seed, different Helcim values: %s/%s", ta.TID, tb.TID)
	}
	c := New(Options{Seed: 10})
	defer c.Close()
	if c.HelcimRestrictedAPIToken() == a.HelcimRestrictedAPIToken() {
		t.Fatal("different seeds gave the same restricted token")
	}
}

func TestHelcimConfirmSaysThereIsNoConfirmationStep(t *testing.T) {
	sb := New(Options{Seed: 9})
	var id string
	for _, term := range sb.Terminals() {
		if term.Provider == providers.Helcim {
			id = term.ID
		}
	}
	_, err := sb.Confirm(id)
	if !errors.Is(err, ErrNothingToConfirm) || !strings.Contains(err.Error(), "Helcim has no confirmation step") {
		t.Fatalf("Confirm on a Helcim device = %v; want ErrNothingToConfirm naming Helcim", err)
	}
}

func TestHelcimConcurrencyLimit(t *testing.T) {
	h := newHarness(t, Options{})
	tok := h.info.Credentials.HelcimAPIToken
	code := h.helcimTerminal().TID
	// A slow cloud: the next five requests take a second each.
	if err := h.sb.SetFault(Fault{Provider: "helcim", Route: RouteHelcimConnectionTest, DelayMS: 1000, Count: helcimConcurrent}); err != nil {
		t.Fatal(err)
	}
	done := make(chan response, helcimConcurrent)
	for i := 0; i < helcimConcurrent; i++ {
		// Every second one on the restricted token: the limit is the account's.
		token := tok
		if i%2 == 1 {
			token = h.sb.HelcimRestrictedAPIToken()
		}
		go func() { done <- h.helcimGet(token, "/connection-test") }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.clock.BlockUntilContext(ctx, helcimConcurrent); err != nil {
		t.Fatalf("the delayed requests never waited: %v", err)
	}

	res := h.helcimGet(tok, "/devices/"+code)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "1" {
		t.Fatalf("sixth request at once = %d %v %s", res.status, res.header, res.body)
	}
	if s, ok := helcimErrors(t, res).(string); !ok || !strings.Contains(s, "5 concurrent") {
		t.Fatalf("429 body %s", res.body)
	}
	// A token of no account is refused by auth, not by the account's limit.
	if res := h.helcimGet("nope", "/connection-test"); res.status != http.StatusForbidden {
		t.Fatalf("unknown token while the account is full = %d %s", res.status, res.body)
	}

	h.clock.Advance(time.Second)
	for i := 0; i < helcimConcurrent; i++ {
		if res := <-done; res.status != 200 {
			t.Fatalf("delayed request = %d %s", res.status, res.body)
		}
	}
	// Room again; the refused request did not count against the minute.
	res = h.helcimGet(tok, "/devices/"+code)
	if want := strconv.Itoa(helcimPerMinute - helcimConcurrent - 1); res.status != 200 || res.header.Get(helcimMinuteHeader) != want {
		t.Fatalf("after the slow requests = %d minute-limit-remaining %q (want %s) %s", res.status, res.header.Get(helcimMinuteHeader), want, res.body)
	}
}
