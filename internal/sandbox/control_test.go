package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestControlAPI(t *testing.T) {
	h := newHarness(t, Options{})

	res := h.control(http.MethodGet, "/terminals", "")
	var list struct{ Terminals []Terminal }
	if err := json.Unmarshal(res.body, &list); err != nil || res.status != 200 {
		t.Fatalf("GET /terminals = %d %s (%v)", res.status, res.body, err)
	}
	// One terminal per simulated provider, SCI first.
	seen := map[string]int{}
	for _, term := range list.Terminals {
		seen[term.Provider]++
		if term.Screen != ScreenIdle || term.Pairings == nil || seen[term.Provider] > 1 {
			t.Fatalf("initial terminals = %+v", list.Terminals)
		}
	}
	if len(list.Terminals) == 0 || list.Terminals[0].ID != "sci-1" || seen["smartconnect"] != 1 {
		t.Fatalf("initial terminals = %+v", list.Terminals)
	}

	res = h.control(http.MethodPost, "/terminals", `{"provider":"sci"}`)
	if res.status != http.StatusCreated || res.json(t)["id"] != "sci-2" {
		t.Fatalf("POST /terminals = %d %s", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodGet, "/terminals/sci-2", http.StatusOK); got.ID != "sci-2" || got.Nickname != "Terminal "+got.TID {
		t.Fatalf("GET /terminals/sci-2 = %+v", got)
	}
	started := h.controlTerminal(http.MethodPost, "/terminals/sci-2/pairing-code", http.StatusOK)
	if started.Screen != ScreenPairingCode || len(started.PairingCode) != 6 {
		t.Fatalf("pairing-code = %+v", started)
	}
	// Unpair from the terminal while it shows a code: the code is revoked.
	if got := h.controlTerminal(http.MethodPost, "/terminals/sci-2/unpair", http.StatusOK); got.Screen != ScreenIdle {
		t.Fatalf("unpair = %+v", got)
	}
	if res := h.progress(h.info.Credentials.SCIAPIKey, `{"pairing_code":"`+started.PairingCode+`"}`); res.status != 422 {
		t.Fatalf("code after terminal unpair = %d %s", res.status, res.body)
	}

	errs := []struct {
		method, path, body string
		status             int
		mentions           []string
	}{
		{"POST", "/terminals", `{"provider":"square"}`, 400, []string{`"square"`, "sci, smartconnect, helcim"}},
		{"POST", "/terminals/sci-1/sleep", "", 400, []string{"only Helcim terminals sleep"}},
		{"POST", "/terminals", `{"provider":`, 400, []string{"not valid JSON", `{"provider":"sci"}`}},
		{"POST", "/terminals", ``, 400, []string{"empty"}},
		{"GET", "/terminals/nope", "", 404, []string{`"nope"`, "GET /control/terminals"}},
		{"POST", "/terminals/nope/pairing-code", "", 404, []string{`"nope"`}},
		{"POST", "/terminals/sci-1/confirm", "", 409, []string{"nothing to confirm", "start pairing"}},
		{"GET", "/nope", "", 404, []string{"GET /nope", "POST /faults", "DELETE /faults", "GET /terminals", "POST /terminals/{id}/wake"}},
		{"POST", "/terminals/sci-1/bogus", "", 404, []string{"valid routes"}},
		{"GET", "/faults", "", 405, []string{"GET", "/control/faults", "DELETE, POST"}},
		{"POST", "/terminals", `{"provider":"smartconnect","live":true}`, 400, []string{"live is SCI only", "smartconnect"}},
		{"POST", "/terminals", `{"provider":"helcim","live":true}`, 400, []string{"live is SCI only"}},
		{"POST", "/terminals", `{"provider":"smartconnect","foreign_tenant":true}`, 400, []string{"foreign_tenant", "SmartConnect"}},
		{"POST", "/terminals/sci-1/pairing-code", `{"code":"123456"}`, 400, []string{"takes no body", `"code"`, "without one"}},
		{"POST", "/faults", `{"provider":"sci","route":"pair","status":503}`, 400, []string{`"pair"`, "progress-pairing, pairing-info, unpair"}},
		{"POST", "/faults", `{"provider":"mx","route":"unpair","status":503}`, 400, []string{"unknown provider"}},
		{"POST", "/faults", `{"provider":"helcim","route":"pair","status":503}`, 400, []string{`"pair"`, "device, ping, devices"}},
		{"POST", "/faults", `{"provider":"sci","route":"unpair"}`, 400, []string{"no effect"}},
		{"POST", "/faults", `{"provider":"sci","route":"unpair","status":200}`, 400, []string{"300-599"}},
		{"POST", "/faults", `{"provider":"sci","route":"unpair","reset":true,"malformed":true}`, 400, []string{"mutually exclusive"}},
		{"POST", "/faults", `{"provider":"sci","route":"unpair","delay_ms":-1}`, 400, []string{"delay_ms"}},
		{"POST", "/faults", `{"provider":"sci","route":"unpair","status":503,"count":-1}`, 400, []string{"count"}},
	}
	for _, c := range errs {
		res := h.control(c.method, c.path, c.body)
		var e struct{ Error string }
		if err := json.Unmarshal(res.body, &e); err != nil || res.status != c.status || e.Error == "" {
			t.Errorf("%s %s %s = %d %s, want %d {\"error\"}", c.method, c.path, c.body, res.status, res.body, c.status)
			continue
		}
		for _, m := range c.mentions {
			if !strings.Contains(e.Error, m) {
				t.Errorf("%s %s: error %q does not mention %q", c.method, c.path, e.Error, m)
			}
		}
	}

	if res := h.control(http.MethodPost, "/faults", `{"provider":"sci","route":"pairing-info","status":503,"count":1}`); res.status != http.StatusCreated {
		t.Fatalf("POST /faults = %d %s", res.status, res.body)
	}
	if res := h.control(http.MethodDelete, "/faults", ""); res.status != http.StatusNoContent {
		t.Fatalf("DELETE /faults = %d %s", res.status, res.body)
	}
	h.sb.mu.Lock()
	n := len(h.sb.faults)
	h.sb.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d faults left after DELETE /faults", n)
	}
	if res := h.send(h.newRequest(http.MethodGet, strings.TrimSuffix(h.info.ControlURL, "/control")+"/elsewhere", nil)); res.status != 404 || !strings.Contains(string(res.body), "/control") {
		t.Errorf("unknown top-level path = %d %s", res.status, res.body)
	}
	if res := h.send(h.newRequest(http.MethodGet, h.info.HelcimURL+"/devices", nil)); res.status != 401 || string(res.body) != "{\"errors\":\"Unauthorized\"}\n" {
		t.Errorf("helcim without a token = %d %s", res.status, res.body)
	}
}

// A known path with the wrong method is 405 naming the methods it has, in
// the Allow header and the JSON error, not a 404 that hides the route.
func TestControlWrongMethod(t *testing.T) {
	h := newHarness(t, Options{})
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodPut, "/terminals", "GET, HEAD, POST"},
		{http.MethodDelete, "/terminals", "GET, HEAD, POST"},
		{http.MethodGet, "/faults", "DELETE, POST"},
		{http.MethodPut, "/terminals/sci-1", "GET, HEAD"},
		{http.MethodGet, "/terminals/sci-1/pairing-code", "POST"},
		{http.MethodGet, "/terminals/sci-1/confirm", "POST"},
		{http.MethodPost, "/helcim", "GET, HEAD"},
	} {
		res := h.control(c.method, c.path, "")
		var e struct{ Error string }
		if err := json.Unmarshal(res.body, &e); err != nil || res.status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d %s, want 405 {\"error\"}", c.method, c.path, res.status, res.body)
			continue
		}
		if got := res.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
		if ct := res.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, ct)
		}
		for _, m := range []string{c.method, "/control" + c.path, c.allow} {
			if !strings.Contains(e.Error, m) {
				t.Errorf("%s %s: error %q does not mention %q", c.method, c.path, e.Error, m)
			}
		}
	}
	// HEAD goes where GET does, as it did with method patterns.
	if res := h.control(http.MethodHead, "/terminals/sci-1", ""); res.status != http.StatusOK {
		t.Errorf("HEAD /terminals/sci-1 = %d", res.status)
	}
}

// A body on a route that takes none is refused, not ignored: a caller who
// sends {"provider","route"} to DELETE /faults means one fault, and must
// not find every fault cleared.
func TestControlRefusesUnexpectedBody(t *testing.T) {
	h := newHarness(t, Options{})
	faults := func() int {
		h.sb.mu.Lock()
		defer h.sb.mu.Unlock()
		return len(h.sb.faults)
	}
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteUnpair, Status: 503}); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"garbage", `{"provider":"sci","route":"unpair"}`, `{} {}`, `[]`} {
		res := h.control(http.MethodDelete, "/faults", body)
		var e struct{ Error string }
		if err := json.Unmarshal(res.body, &e); err != nil || res.status != http.StatusBadRequest ||
			!strings.Contains(e.Error, "DELETE /control/faults takes no body") {
			t.Errorf("DELETE /faults %s = %d %s, want 400 saying it takes no body", body, res.status, res.body)
		}
		if n := faults(); n != 1 {
			t.Fatalf("DELETE /faults %s that was refused left %d faults, want the 1 untouched", body, n)
		}
	}
	started := h.controlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	if res := h.control(http.MethodPost, "/terminals/sci-1/unpair", "x"); res.status != http.StatusBadRequest {
		t.Errorf("unpair with a body = %d %s", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); got.PairingCode != started.PairingCode {
		t.Errorf("a refused unpair changed the terminal: %+v", got)
	}
	// No body, whitespace, or an empty object all mean "no body".
	for _, body := range []string{"", " \n", "{}"} {
		if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteUnpair, Status: 503}); err != nil {
			t.Fatal(err)
		}
		if res := h.control(http.MethodDelete, "/faults", body); res.status != http.StatusNoContent || faults() != 0 {
			t.Errorf("DELETE /faults %q = %d %s, %d faults left", body, res.status, res.body, faults())
		}
	}
}

func TestAddTerminalOptionsPerProvider(t *testing.T) {
	sb := New(Options{Seed: 1})
	defer sb.Close()
	for _, o := range []TerminalOptions{
		{Provider: "smartconnect", Live: true},
		{Provider: "helcim", Live: true},
		{Provider: "smartconnect", ForeignTenant: true},
	} {
		if _, err := sb.AddTerminalWith(o); !errors.Is(err, ErrInvalidTerminalOptions) {
			t.Errorf("AddTerminalWith(%+v) = %v, want ErrInvalidTerminalOptions", o, err)
		}
	}
	for _, o := range []TerminalOptions{
		{Provider: "sci", Live: true},
		{Provider: "sci", ForeignTenant: true},
		{Provider: "helcim", ForeignTenant: true},
	} {
		if got, err := sb.AddTerminalWith(o); err != nil || got.Live != o.Live || got.ForeignTenant != o.ForeignTenant {
			t.Errorf("AddTerminalWith(%+v) = %+v, %v", o, got, err)
		}
	}
	if n := len(sb.Terminals()); n != 6 {
		t.Errorf("%d terminals, want the 3 initial and 3 valid ones", n)
	}
}

func TestChanges(t *testing.T) {
	sb := New(Options{Seed: 1})
	defer sb.Close()
	ch, stop := sb.Changes()
	other, stopOther := sb.Changes()
	defer stopOther()
	for range 3 { // coalesced: three changes, at most one pending wake-up
		if _, err := sb.StartPairing("sci-1"); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("no notification")
	}
	select {
	case <-ch:
		t.Fatal("changes were not coalesced")
	default:
	}
	if _, ok := <-other; !ok {
		t.Fatal("second subscriber's channel closed")
	}
	stop()
	stop() // idempotent
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after unsubscribe")
	}
	if _, err := sb.UnpairFromTerminal("sci-1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-other; !ok {
		t.Fatal("other subscriber lost its notification")
	}
}

func TestSeedMakesEverythingDeterministic(t *testing.T) {
	a, b, c := New(Options{Seed: 7}), New(Options{Seed: 7}), New(Options{Seed: 8})
	for _, sb := range []*Sandbox{a, b, c} {
		defer sb.Close()
	}
	ta, _ := a.StartPairing("sci-1")
	tb, _ := b.StartPairing("sci-1")
	tc, _ := c.StartPairing("sci-1")
	if a.Info().Credentials != b.Info().Credentials || ta.TID != tb.TID || ta.PairingCode != tb.PairingCode {
		t.Fatalf("same seed differs: %+v / %+v", ta, tb)
	}
	if a.Info().Credentials == c.Info().Credentials || ta.TID == tc.TID {
		t.Fatalf("different seeds agree: %+v / %+v", ta, tc)
	}
	cr := a.Info().Credentials
	if !strings.HasPrefix(cr.SCIAPIKey, "test_pak_") || !strings.HasSuffix(cr.SCIAPIKey, "==") || len(cr.SCISigningSecretPartA) < 16 || cr.HelcimAPIToken == "" {
		t.Fatalf("credentials = %+v", cr)
	}
	if a.Info().SCIPairingURL != "" {
		t.Fatal("URLs set before Start")
	}
	if _, err := a.AddTerminal("square"); err == nil || !strings.Contains(err.Error(), "unknown provider") {
		t.Fatalf("AddTerminal(square) = %v", err)
	}
}
