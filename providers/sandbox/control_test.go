package sandbox

import (
	"encoding/json"
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
		{"GET", "/faults", "", 404, []string{"GET /faults", "POST /faults", "DELETE /faults", "GET /terminals"}},
		{"PUT", "/terminals/sci-1", "", 404, []string{"valid routes"}},
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
