package sandbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// newHarness is the shared harness with every simulated cloud.
func newHarness(t *testing.T) *sandboxtest.Harness {
	t.Helper()
	return sandboxtest.New(t, sandbox.Options{}, clouds.All()...)
}

// progress sends an SCI progress-pairing with the sandbox's API key.
func progress(h *sandboxtest.Harness, body string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(http.MethodPost, h.Info.URL("sci_pairing_url")+"/v1/progress-pairing", []byte(body))
	req.Header.Set("Authorization", "ApiKey "+h.Info.Credential("sci_api_key"))
	req.Header.Set("Content-Type", "application/json")
	return h.Send(req)
}

func TestControlAPI(t *testing.T) {
	h := newHarness(t)

	res := h.Control(http.MethodGet, "/terminals", "")
	var list struct{ Terminals []sandbox.Terminal }
	if err := json.Unmarshal(res.Body, &list); err != nil || res.Status != 200 {
		t.Fatalf("GET /terminals = %d %s (%v)", res.Status, res.Body, err)
	}
	// One terminal per simulated provider, SCI first, none paired: idle,
	// or a Square Terminal's login screen.
	seen := map[string]int{}
	for _, term := range list.Terminals {
		seen[term.Provider]++
		first := sandbox.ScreenIdle
		if term.Provider == "square" {
			first = "signed_out"
		}
		if term.Screen != first || term.Pairings == nil || seen[term.Provider] > 1 {
			t.Fatalf("initial terminals = %+v", list.Terminals)
		}
	}
	if len(list.Terminals) == 0 || list.Terminals[0].ID != "sci-1" || seen["smartconnect"] != 1 {
		t.Fatalf("initial terminals = %+v", list.Terminals)
	}

	res = h.Control(http.MethodPost, "/terminals", `{"provider":"sci"}`)
	if res.Status != http.StatusCreated || res.JSON(t)["id"] != "sci-2" {
		t.Fatalf("POST /terminals = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodGet, "/terminals/sci-2", http.StatusOK); got.ID != "sci-2" || got.Nickname != "Terminal "+got.TID {
		t.Fatalf("GET /terminals/sci-2 = %+v", got)
	}
	started := h.ControlTerminal(http.MethodPost, "/terminals/sci-2/pairing-code", http.StatusOK)
	if started.Screen != sandbox.ScreenPairingCode || len(started.PairingCode) != 6 {
		t.Fatalf("pairing-code = %+v", started)
	}
	// Unpair from the terminal while it shows a code: the code is revoked.
	if got := h.ControlTerminal(http.MethodPost, "/terminals/sci-2/unpair", http.StatusOK); got.Screen != sandbox.ScreenIdle {
		t.Fatalf("unpair = %+v", got)
	}
	if res := progress(h, `{"pairing_code":"`+started.PairingCode+`"}`); res.Status != 422 {
		t.Fatalf("code after terminal unpair = %d %s", res.Status, res.Body)
	}

	errs := []struct {
		method, path, body string
		status             int
		mentions           []string
	}{
		{"POST", "/terminals", `{"provider":"nosuch"}`, 400, []string{`"nosuch"`, "sci, smartconnect, helcim, square"}},
		{"POST", "/terminals/sci-1/sleep", "", 400, []string{"sleep is not supported by this provider", "SCI (sci)", "only Helcim terminals support sleep"}},
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
		res := h.Control(c.method, c.path, c.body)
		var e struct{ Error string }
		if err := json.Unmarshal(res.Body, &e); err != nil || res.Status != c.status || e.Error == "" {
			t.Errorf("%s %s %s = %d %s, want %d {\"error\"}", c.method, c.path, c.body, res.Status, res.Body, c.status)
			continue
		}
		for _, m := range c.mentions {
			if !strings.Contains(e.Error, m) {
				t.Errorf("%s %s: error %q does not mention %q", c.method, c.path, e.Error, m)
			}
		}
	}

	if res := h.Control(http.MethodPost, "/faults", `{"provider":"sci","route":"pairing-info","status":503,"count":1}`); res.Status != http.StatusCreated {
		t.Fatalf("POST /faults = %d %s", res.Status, res.Body)
	}
	if res := h.Control(http.MethodDelete, "/faults", ""); res.Status != http.StatusNoContent {
		t.Fatalf("DELETE /faults = %d %s", res.Status, res.Body)
	}
	n := h.SB.FaultCount()
	if n != 0 {
		t.Fatalf("%d faults left after DELETE /faults", n)
	}
	if res := h.Send(h.NewRequest(http.MethodGet, strings.TrimSuffix(h.Info.ControlURL(), "/control")+"/elsewhere", nil)); res.Status != 404 || !strings.Contains(string(res.Body), "/control") {
		t.Errorf("unknown top-level path = %d %s", res.Status, res.Body)
	}
	if res := h.Send(h.NewRequest(http.MethodGet, h.Info.URL("helcim_url")+"/devices", nil)); res.Status != 401 || string(res.Body) != "{\"errors\":\"Unauthorized\"}\n" {
		t.Errorf("helcim without a token = %d %s", res.Status, res.Body)
	}
}

// A known path with the wrong method is 405 naming the methods it has, in
// the Allow header and the JSON error, not a 404 that hides the route.
func TestControlWrongMethod(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodPut, "/terminals", "GET, HEAD, POST"},
		{http.MethodDelete, "/terminals", "GET, HEAD, POST"},
		{http.MethodGet, "/faults", "DELETE, POST"},
		{http.MethodPut, "/terminals/sci-1", "GET, HEAD"},
		{http.MethodGet, "/terminals/sci-1/pairing-code", "POST"},
		{http.MethodGet, "/terminals/sci-1/confirm", "POST"},
		{http.MethodPost, "/helcim", "GET, HEAD"},
	} {
		res := h.Control(c.method, c.path, "")
		var e struct{ Error string }
		if err := json.Unmarshal(res.Body, &e); err != nil || res.Status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d %s, want 405 {\"error\"}", c.method, c.path, res.Status, res.Body)
			continue
		}
		if got := res.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, ct)
		}
		for _, m := range []string{c.method, "/control" + c.path, c.allow} {
			if !strings.Contains(e.Error, m) {
				t.Errorf("%s %s: error %q does not mention %q", c.method, c.path, e.Error, m)
			}
		}
	}
	// HEAD goes where GET does, as it did with method patterns.
	if res := h.Control(http.MethodHead, "/terminals/sci-1", ""); res.Status != http.StatusOK {
		t.Errorf("HEAD /terminals/sci-1 = %d", res.Status)
	}
}

// A body on a route that takes none is refused, not ignored: a caller who
// sends {"provider","route"} to DELETE /faults means one fault, and must
// not find every fault cleared.
func TestControlRefusesUnexpectedBody(t *testing.T) {
	h := newHarness(t)
	faults := h.SB.FaultCount
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: "unpair", Status: 503}); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"garbage", `{"provider":"sci","route":"unpair"}`, `{} {}`, `[]`} {
		res := h.Control(http.MethodDelete, "/faults", body)
		var e struct{ Error string }
		if err := json.Unmarshal(res.Body, &e); err != nil || res.Status != http.StatusBadRequest ||
			!strings.Contains(e.Error, "DELETE /control/faults takes no body") {
			t.Errorf("DELETE /faults %s = %d %s, want 400 saying it takes no body", body, res.Status, res.Body)
		}
		if n := faults(); n != 1 {
			t.Fatalf("DELETE /faults %s that was refused left %d faults, want the 1 untouched", body, n)
		}
	}
	started := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	if res := h.Control(http.MethodPost, "/terminals/sci-1/unpair", "x"); res.Status != http.StatusBadRequest {
		t.Errorf("unpair with a body = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); got.PairingCode != started.PairingCode {
		t.Errorf("a refused unpair changed the terminal: %+v", got)
	}
	// No body, whitespace, or an empty object all mean "no body".
	for _, body := range []string{"", " \n", "{}"} {
		if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: "unpair", Status: 503}); err != nil {
			t.Fatal(err)
		}
		if res := h.Control(http.MethodDelete, "/faults", body); res.Status != http.StatusNoContent || faults() != 0 {
			t.Errorf("DELETE /faults %q = %d %s, %d faults left", body, res.Status, res.Body, faults())
		}
	}
}

func TestAddTerminalOptionsPerProvider(t *testing.T) {
	sb := clouds.New(sandbox.Options{Seed: 1})
	defer sb.Close()
	for _, o := range []sandbox.TerminalOptions{
		{Provider: "smartconnect", Live: true},
		{Provider: "helcim", Live: true},
		{Provider: "smartconnect", ForeignTenant: true},
	} {
		if _, err := sb.AddTerminalWith(o); !errors.Is(err, sandbox.ErrInvalidTerminalOptions) {
			t.Errorf("AddTerminalWith(%+v) = %v, want sandbox.ErrInvalidTerminalOptions", o, err)
		}
	}
	for _, o := range []sandbox.TerminalOptions{
		{Provider: "sci", Live: true},
		{Provider: "sci", ForeignTenant: true},
		{Provider: "helcim", ForeignTenant: true},
	} {
		if got, err := sb.AddTerminalWith(o); err != nil || got.Live != o.Live || got.ForeignTenant != o.ForeignTenant {
			t.Errorf("AddTerminalWith(%+v) = %+v, %v", o, got, err)
		}
	}
	if n, initial := len(sb.Terminals()), len(clouds.All()); n != initial+3 {
		t.Errorf("%d terminals, want the %d initial and 3 valid ones", n, initial)
	}
}

func TestChanges(t *testing.T) {
	sb := clouds.New(sandbox.Options{Seed: 1})
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
	a, b, c := clouds.New(sandbox.Options{Seed: 7}), clouds.New(sandbox.Options{Seed: 7}), clouds.New(sandbox.Options{Seed: 8})
	for _, sb := range []*sandbox.Sandbox{a, b, c} {
		defer sb.Close()
	}
	ta, _ := a.StartPairing("sci-1")
	tb, _ := b.StartPairing("sci-1")
	tc, _ := c.StartPairing("sci-1")
	if !slices.Equal(a.Info().Credentials, b.Info().Credentials) || ta.TID != tb.TID || ta.PairingCode != tb.PairingCode {
		t.Fatalf("same seed differs: %+v / %+v", ta, tb)
	}
	if slices.Equal(a.Info().Credentials, c.Info().Credentials) || ta.TID == tc.TID {
		t.Fatalf("different seeds agree: %+v / %+v", ta, tc)
	}
	cr := a.Info()
	if key := cr.Credential("sci_api_key"); !strings.HasPrefix(key, "test_pak_") || !strings.HasSuffix(key, "==") ||
		len(cr.Credential("sci_signing_secret_part_a")) < 16 || cr.Credential("helcim_api_token") == "" {
		t.Fatalf("credentials = %+v", cr.Credentials)
	}
	if a.Info().URL("sci_pairing_url") != "" {
		t.Fatal("URLs set before Start")
	}
	if _, err := a.AddTerminal("nosuch"); err == nil || !strings.Contains(err.Error(), "unknown provider") {
		t.Fatalf("AddTerminal(nosuch) = %v", err)
	}
}

// fakePOS is a narrow test cloud shaped like the POS-shown-code clouds to
// come (Square): the POS mints a device code over its API, the merchant
// types it on the terminal (sign-in). It has no pairing-code or confirm
// action, so the core's refusals can be seen on a cloud that lacks them.
type fakePOS struct {
	h     *sandbox.Host
	codes map[string]string // device code → UNPAIRED | PAIRED | EXPIRED
}

const fakeID = "posfake"

func newFakePOS() *fakePOS { return &fakePOS{codes: map[string]string{}} }

func (c *fakePOS) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: fakeID, Name: "FakePOS",
		Prefixes:    []string{"/fake"},
		URLs:        []sandbox.URLSpec{{Key: "fake_url", Prefix: "/fake"}},
		Credentials: []sandbox.CredentialSpec{{Key: "fake_token", Generate: func(r *sandbox.RNG) string { return "fk_" + r.Alnum(20) }}},
		Routes:      []string{"codes"},
		Options:     []sandbox.OptionSpec{{Name: "serial", Help: "the terminal's serial, as its TID"}},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionSignIn, Do: c.signIn},
			{Name: sandbox.ActionExpireCode, Do: c.expire},
			{Name: sandbox.ActionUnpair, Do: func(t *sandbox.Term, _ sandbox.ActionInput) error {
				t.Screen, t.Pairings = "signed_out", nil
				return nil
			}},
			sandbox.Power,
		},
	}
}

func (c *fakePOS) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fake/codes", h.Route("codes", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+h.Credential("fake_token") {
			c.WriteFault(w, http.StatusUnauthorized, "bad token")
			return
		}
		h.Lock()
		code := h.RNG().String("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6)
		c.codes[code] = "UNPAIRED"
		h.Unlock()
		sandbox.WriteJSON(w, http.StatusOK, map[string]string{"code": code})
	}))
	return mux
}

func (c *fakePOS) NewTerminal(t *sandbox.Term, o sandbox.TerminalOptions) error {
	var serial string
	if ok, err := o.Setting("serial", &serial); err != nil {
		return err
	} else if !ok {
		serial = c.h.UniqueTIDLocked()
	}
	t.TID, t.Nickname, t.Screen = serial, "Fake "+serial, "signed_out"
	return nil
}

func (c *fakePOS) Refresh(*sandbox.Term, time.Time) {}

func (c *fakePOS) WriteFault(w http.ResponseWriter, status int, msg string) {
	sandbox.WriteJSON(w, status, map[string]string{"fake_error": msg})
}

func (c *fakePOS) signIn(t *sandbox.Term, in sandbox.ActionInput) error {
	if c.codes[in.Code] != "UNPAIRED" {
		t.Message = "Login Failed — Incorrect device code."
		c.h.NotifyLocked()
		return fmt.Errorf("%w: %s is not a live device code", sandbox.ErrIncorrectDeviceCode, in.Code)
	}
	c.codes[in.Code] = "PAIRED"
	t.Screen, t.Message = "ready", ""
	t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: in.Code, Status: "active"})
	return nil
}

func (c *fakePOS) expire(t *sandbox.Term, in sandbox.ActionInput) error {
	if c.codes[in.Code] != "UNPAIRED" {
		return fmt.Errorf("%w: no live device code %q; send {\"code\"} with one the POS minted", sandbox.ErrNoCode, in.Code)
	}
	c.codes[in.Code] = "EXPIRED"
	return nil
}

func newFakeHarness(t *testing.T, opts sandbox.Options) *sandboxtest.Harness {
	t.Helper()
	return sandboxtest.New(t, opts, append(clouds.All(), newFakePOS())...)
}

// mint is the POS asking the fake cloud for a device code.
func mint(h *sandboxtest.Harness) string {
	h.T.Helper()
	req := h.NewRequest(http.MethodPost, h.Info.URL("fake_url")+"/codes", nil)
	req.Header.Set("Authorization", "Bearer "+h.Info.Credential("fake_token"))
	res := h.Send(req)
	code, _ := res.JSON(h.T)["code"].(string)
	if res.Status != http.StatusOK || code == "" {
		h.T.Fatalf("minting a code = %d %s", res.Status, res.Body)
	}
	return code
}

func TestControlSignIn(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	code := mint(h)

	res := h.Control(http.MethodPost, "/terminals/posfake-1/sign-in", `{"code":"ZZZZZZ"}`)
	if res.Status != http.StatusUnprocessableEntity || res.ErrorText(t) != "incorrect_device_code" ||
		!strings.Contains(res.JSON(t)["message"].(string), "ZZZZZZ is not a live device code") {
		t.Fatalf("sign-in with a wrong code = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodGet, "/terminals/posfake-1", http.StatusOK); got.Screen != "signed_out" || !strings.Contains(got.Message, "Incorrect device code") {
		t.Fatalf("terminal after a wrong code: %+v", got)
	}
	got := h.ControlTerminalWith(http.MethodPost, "/terminals/posfake-1/sign-in", `{"code":"`+code+`"}`, http.StatusOK)
	if got.Screen != "ready" || len(got.Pairings) != 1 || got.Pairings[0].PairingID != code || !got.Online {
		t.Fatalf("sign-in = %+v", got)
	}
	if res := h.Control(http.MethodPost, "/terminals/posfake-1/sign-in", `{"code":"`+code+`"}`); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a used code = %d %s", res.Status, res.Body)
	}
	for _, body := range []string{"", `{}`, `{"code":" "}`, `{"code":1}`} {
		res := h.Control(http.MethodPost, "/terminals/posfake-1/sign-in", body)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), `{"code":"ABCDEF"}`) {
			t.Errorf("sign-in %q = %d %s, want 400 with an example", body, res.Status, res.Body)
		}
	}
	if res := h.Control(http.MethodPost, "/terminals/nope/sign-in", `{"code":"ABCDEF"}`); res.Status != http.StatusNotFound {
		t.Errorf("sign-in on an unknown terminal = %d %s", res.Status, res.Body)
	}
}

// An action a terminal's cloud lacks is 400 naming the provider, the
// action, what the terminal does support and who has the action; nothing
// changes.
func TestControlUnsupportedActionNamesProviderAndAction(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	for _, c := range []struct{ path, body string }{
		{"/terminals/sci-1/sign-in", `{"code":"ABCDEF"}`},
		{"/terminals/posfake-1/confirm", ""},
		{"/terminals/posfake-1/pairing-code", ""},
		{"/terminals/smartconnect-1/wake", ""},
	} {
		action := c.path[strings.LastIndex(c.path, "/")+1:]
		id := strings.Split(c.path, "/")[2]
		term, _ := h.SB.Terminal(id)
		name := map[string]string{"sci": "SCI (sci)", "posfake": "FakePOS (posfake)", "smartconnect": "SmartConnect (smartconnect)"}[term.Provider]
		res := h.Control(http.MethodPost, c.path, c.body)
		msg := res.ErrorText(t)
		if res.Status != http.StatusBadRequest || !strings.HasPrefix(msg, action+" is not supported by this provider") ||
			!strings.Contains(msg, name) || !strings.Contains(msg, "terminal "+id) || !strings.Contains(msg, "whose terminals support ") {
			t.Errorf("%s = %d %s", c.path, res.Status, res.Body)
		}
		if after, _ := h.SB.Terminal(id); !slices.Equal(after.Pairings, term.Pairings) || after.Screen != term.Screen {
			t.Errorf("%s changed the terminal: %+v → %+v", c.path, term, after)
		}
	}
	_, err := h.SB.SignIn("sci-1", "ABCDEF")
	if !errors.Is(err, sandbox.ErrUnsupported) || !strings.Contains(err.Error(), "only Square and FakePOS terminals support sign-in") {
		t.Fatalf("SignIn on SCI = %v", err)
	}
}

// For a cloud whose codes come from the POS, expire-code names the code.
func TestControlExpireCodeByName(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	first, second := mint(h), mint(h)
	h.ControlTerminalWith(http.MethodPost, "/terminals/posfake-1/expire-code", `{"code":"`+first+`"}`, http.StatusOK)
	if res := h.Control(http.MethodPost, "/terminals/posfake-1/sign-in", `{"code":"`+first+`"}`); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign-in with the expired code = %d %s", res.Status, res.Body)
	}
	res := h.Control(http.MethodPost, "/terminals/posfake-1/expire-code", `{"code":"`+first+`"}`)
	if msg := res.ErrorText(t); res.Status != http.StatusConflict || !strings.Contains(msg, first) {
		t.Fatalf("expiring it again = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/posfake-1/sign-in", `{"code":"`+second+`"}`, http.StatusOK); got.Screen != "ready" {
		t.Fatalf("the other code no longer works: %+v", got)
	}
}

func TestControlPower(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	changes, stop := h.SB.Changes()
	defer stop()
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/posfake-1/power", `{"online":false}`, http.StatusOK); got.Online {
		t.Fatalf("power off: %+v", got)
	}
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification for power")
	}
	if got, _ := h.SB.SetPower("posfake-1", true); !got.Online {
		t.Fatalf("SetPower on: %+v", got)
	}
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{"/terminals/nope/power", `{"online":false}`, http.StatusNotFound},
		{"/terminals/posfake-1/power", `{"online":false,"when":"now"}`, http.StatusBadRequest},
		{"/terminals/posfake-1/online", `{"online":true}`, http.StatusBadRequest}, // the alias takes no body
	} {
		if res := h.Control(http.MethodPost, c.path, c.body); res.Status != c.status || res.ErrorText(t) == "" {
			t.Errorf("%s %s = %d %s, want %d", c.path, c.body, res.Status, res.Body, c.status)
		}
	}
}

// A cloud's own options arrive as Settings; one another cloud takes is
// refused naming who takes it, one nobody takes naming what is valid.
func TestTerminalSettings(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	res := h.Control(http.MethodPost, "/terminals", `{"provider":"posfake","serial":"907CS13101300122"}`)
	if res.Status != http.StatusCreated || res.JSON(t)["tid"] != "907CS13101300122" || res.JSON(t)["id"] != "posfake-2" {
		t.Fatalf("POST /terminals with a setting = %d %s", res.Status, res.Body)
	}
	for _, c := range []struct {
		body     string
		mentions []string
	}{
		{`{"provider":"posfake","serial":5}`, []string{"invalid terminal options", "serial"}},
		{`{"provider":"sci","serial":"X"}`, []string{"serial is FakePOS only", "leave it out for SCI (sci)"}},
		{`{"provider":"helcim","bogus":true}`, []string{"bogus is not a terminal option of any simulated cloud", "Helcim (helcim) takes foreign_tenant"}},
		{`{"provider":"smartconnect","live":"yes"}`, []string{"not valid JSON", "live"}},
	} {
		res := h.Control(http.MethodPost, "/terminals", c.body)
		msg := res.ErrorText(t)
		if res.Status != http.StatusBadRequest {
			t.Errorf("POST /terminals %s = %d %s, want 400", c.body, res.Status, res.Body)
		}
		for _, m := range c.mentions {
			if !strings.Contains(msg, m) {
				t.Errorf("POST /terminals %s: %q does not mention %q", c.body, msg, m)
			}
		}
	}
	// A refused terminal used no id.
	if got, _ := h.SB.AddTerminal(fakeID); got.ID != "posfake-3" {
		t.Fatalf("next fake terminal = %q, want posfake-3", got.ID)
	}
}

// A cloud plugs into Info, faults and the request count with its spec
// alone; an injected status uses its own error envelope.
func TestCloudExtensionPoints(t *testing.T) {
	h := newFakeHarness(t, sandbox.Options{})
	keys := func(vs []sandbox.NamedValue) string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Key)
		}
		return strings.Join(out, ",")
	}
	if got := keys(h.Info.URLs); got != "sci_pairing_url,smartconnect_url,helcim_url,square_url,sumup_url,linkly_auth_url,linkly_pos_url,fake_url,control_url" {
		t.Errorf("Info URLs = %s", got)
	}
	if got := keys(h.Info.Credentials); got != "sci_api_key,sci_signing_secret_part_a,helcim_api_token,square_access_token,square_location_id,sumup_api_key,sumup_merchant_code,linkly_username,linkly_password,fake_token" {
		t.Errorf("Info credentials = %s", got)
	}
	if res := h.Control(http.MethodPost, "/faults", `{"provider":"posfake","route":"codes","status":503,"count":1}`); res.Status != http.StatusCreated {
		t.Fatalf("POST /faults = %d %s", res.Status, res.Body)
	}
	req := h.NewRequest(http.MethodPost, h.Info.URL("fake_url")+"/codes", nil)
	res := h.Send(req)
	if res.Status != http.StatusServiceUnavailable || res.JSON(t)["fake_error"] != "injected fault: status 503 on posfake codes" {
		t.Fatalf("faulted request = %d %s", res.Status, res.Body)
	}
	mint(h)
	if n := h.SB.RequestCount(fakeID, "codes"); n != 2 {
		t.Errorf("RequestCount = %d, want 2", n)
	}
	if res := h.Control(http.MethodPost, "/faults", `{"provider":"posfake","route":"ping","status":503}`); res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), "valid routes: codes") {
		t.Errorf("fault on an unknown route = %d %s", res.Status, res.Body)
	}
}

// edited is a cloud whose spec a test changed.
type edited struct {
	sandbox.Cloud
	edit func(*sandbox.Spec)
}

func (e edited) Spec() sandbox.Spec {
	sp := e.Cloud.Spec()
	e.edit(&sp)
	return sp
}

// Two clouds claiming one id, prefix, key or control route is a
// programming error New refuses at once, naming it.
func TestCloudSpecCollisionPanics(t *testing.T) {
	for _, c := range []struct {
		name   string
		clouds func() []sandbox.Cloud
		want   string
	}{
		{"id", func() []sandbox.Cloud { return []sandbox.Cloud{newFakePOS(), newFakePOS()} }, "both claim id posfake"},
		{"prefix", func() []sandbox.Cloud {
			return append(clouds.All(), edited{newFakePOS(), func(sp *sandbox.Spec) { sp.Prefixes = append(sp.Prefixes, "/sci-api") }})
		}, `clouds "sci" and "posfake" both claim prefix /sci-api`},
		{"credential", func() []sandbox.Cloud {
			return append(clouds.All(), edited{newFakePOS(), func(sp *sandbox.Spec) { sp.Credentials[0].Key = "helcim_api_token" }})
		}, "both claim credential helcim_api_token"},
		{"control route", func() []sandbox.Cloud {
			return append(clouds.All(), edited{newFakePOS(), func(sp *sandbox.Spec) {
				sp.Control = []sandbox.ControlRoute{{Method: http.MethodDelete, Path: "/faults", Handle: func(http.ResponseWriter, *http.Request) {}}}
			}})
		}, "two control routes DELETE /control/faults"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, c.want) {
					t.Fatalf("recovered %v, want a panic saying %q", r, c.want)
				}
			}()
			sandbox.New(sandbox.Options{}, c.clouds())
		})
	}
}
