package smartconnect

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is the shared harness with the SmartConnect cloud alone, plus
// this package's raw-HTTP helpers for it.
type harness struct{ *sandboxtest.Harness }

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	return &harness{sandboxtest.New(t, opts, New())}
}

const scTerm = "smartconnect-1"

// scRegister is the register triple (plus name) as a test POS sends it.
func scRegisterForm(id string) url.Values {
	return url.Values{
		"POSRegisterID":   {id},
		"POSRegisterName": {"Main Register"},
		"POSBusinessName": {"Toys Shop"},
		"POSVendorName":   {"Till2Go"},
	}
}

func (h *harness) scSend(method, u string, form url.Values, contentType string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(method, u, []byte(form.Encode()))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return h.Send(req)
}

func (h *harness) scPair(code string, form url.Values) sandboxtest.Response {
	h.T.Helper()
	return h.scSend(http.MethodPut, h.Info.URL(KeyURL)+"/Pairing/"+url.PathEscape(code), form, FormType)
}

func (h *harness) scTransaction(form url.Values) sandboxtest.Response {
	h.T.Helper()
	return h.scSend(http.MethodPost, h.Info.URL(KeyURL)+"/Transaction", form, FormType)
}

func getStatusForm(id string) url.Values {
	f := scRegisterForm(id)
	f.Set("TransactionMode", "ASYNC")
	f.Set("TransactionType", "Terminal.GetStatus")
	return f
}

type scTxnResponse struct {
	TransactionID     string            `json:"transactionId"`
	TransactionStatus string            `json:"transactionStatus"`
	Data              map[string]string `json:"data"`
}

func txnOf(t *testing.T, r sandboxtest.Response) scTxnResponse {
	t.Helper()
	var out scTxnResponse
	if r.Status != http.StatusOK {
		t.Fatalf("status %d %s, want 200", r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.TransactionID == "" {
		t.Fatalf("body %q is not a transaction (%v)", r.Body, err)
	}
	return out
}

// scPaired shows a code on term and pairs register id with it.
func (h *harness) scPaired(term, id string) {
	h.T.Helper()
	shown := h.ControlTerminal(http.MethodPost, "/terminals/"+term+"/pairing-code", http.StatusOK)
	if res := h.scPair(shown.PairingCode, scRegisterForm(id)); res.Status != http.StatusOK {
		h.T.Fatalf("pairing %s to %s = %d %s", id, term, res.Status, res.Body)
	}
}

func TestSmartConnectPairing(t *testing.T) {
	h := newHarness(t, sandbox.Options{})

	shown := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK)
	if shown.Screen != sandbox.ScreenPairingCode || len(shown.PairingCode) != 8 || strings.Trim(shown.PairingCode, "0123456789") != "" {
		t.Fatalf("pairing-code = %+v, want 8 digits on screen", shown)
	}
	if shown.PairingCodeExpiresAt == nil || !shown.PairingCodeExpiresAt.Equal(h.Clock.Now().Add(2*time.Minute)) {
		t.Fatalf("expiry %v, want now+2m", shown.PairingCodeExpiresAt)
	}

	res := h.scPair(shown.PairingCode, scRegisterForm("reg-1"))
	if res.Status != http.StatusOK || res.JSON(t)["result"] != "success" || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("PUT /Pairing = %d %v %s", res.Status, res.Header, res.Body)
	}
	got := h.ControlTerminal(http.MethodGet, "/terminals/"+scTerm, http.StatusOK)
	if got.Screen != sandbox.ScreenPaired || got.PairingCode != "" || len(got.Pairings) != 1 ||
		got.Pairings[0] != (sandbox.TerminalPairing{PairingID: "reg-1", PairingNickname: "Main Register", Status: "active"}) {
		t.Fatalf("terminal after pairing = %+v", got)
	}
	// The code is used up: pairing is finalised, so it stops being shown.
	if res := h.scPair(shown.PairingCode, scRegisterForm("reg-2")); res.Status != 400 || res.ErrorText(t) != "Invalid pairing code" {
		t.Fatalf("reused code = %d %s", res.Status, res.Body)
	}
	if n := h.SB.RequestCount("smartconnect", RoutePairing); n != 2 {
		t.Fatalf("RequestCount(pairing) = %d, want 2", n)
	}
}

func TestSmartConnectPairingValidation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	code := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK).PairingCode
	url := h.Info.URL(KeyURL) + "/Pairing/" + code

	for _, field := range []string{"POSRegisterID", "POSRegisterName", "POSBusinessName", "POSVendorName"} {
		for _, value := range []string{"", "  "} {
			form := scRegisterForm("reg-1")
			if value == "" {
				form.Del(field)
			} else {
				form.Set(field, value)
			}
			res := h.scPair(code, form)
			if msg := res.ErrorText(t); res.Status != 400 || msg != field+" is required" {
				t.Errorf("without %s (%q): %d %q", field, value, res.Status, msg)
			}
		}
	}
	for _, ct := range []string{"", "application/json", "text/plain; charset=utf-8"} {
		res := h.scSend(http.MethodPut, url, scRegisterForm("reg-1"), ct)
		if msg := res.ErrorText(t); res.Status != 400 || !strings.Contains(msg, "Content-Type must be application/x-www-form-urlencoded") {
			t.Errorf("Content-Type %q: %d %q", ct, res.Status, msg)
		}
	}
	for _, bad := range []string{"00000000", "1234", "not-a-code"} {
		if bad == code {
			continue
		}
		if res := h.scPair(bad, scRegisterForm("reg-1")); res.Status != 400 || res.ErrorText(t) != "Invalid pairing code" {
			t.Errorf("code %q: %d %s", bad, res.Status, res.Body)
		}
	}
	if res := h.scSend(http.MethodGet, url, nil, ""); res.Status != 404 && res.Status != 405 {
		t.Errorf("GET /Pairing = %d %s", res.Status, res.Body)
	}
	// None of the refusals used the code up.
	if res := h.scPair(code, scRegisterForm("reg-1")); res.Status != 200 {
		t.Fatalf("valid pairing after refusals = %d %s", res.Status, res.Body)
	}
	// The charset parameter is fine.
	h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK)
	term, _ := h.SB.Terminal(scTerm)
	res := h.scSend(http.MethodPut, h.Info.URL(KeyURL)+"/Pairing/"+term.PairingCode, scRegisterForm("reg-2"), FormType+"; charset=utf-8")
	if res.Status != 200 {
		t.Fatalf("form with charset = %d %s", res.Status, res.Body)
	}
}

func TestSmartConnectCodeRefreshes(t *testing.T) {
	h := newHarness(t, sandbox.Options{PairingCodeTTL: time.Minute})
	changes, stop := h.SB.Changes()
	defer stop()
	first, err := h.SB.StartPairing(scTerm)
	if err != nil {
		t.Fatal(err)
	}
	<-changes // the StartPairing notification

	h.Clock.Advance(time.Minute)
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification when the code refreshed")
	}
	second, _ := h.SB.Terminal(scTerm)
	if second.Screen != sandbox.ScreenPairingCode || second.PairingCode == "" || second.PairingCode == first.PairingCode ||
		!second.PairingCodeExpiresAt.Equal(first.PairingCodeExpiresAt.Add(time.Minute)) {
		t.Fatalf("after TTL: %+v, first %+v", second, first)
	}
	if res := h.scPair(first.PairingCode, scRegisterForm("reg-1")); res.Status != 400 || res.ErrorText(t) != "Invalid pairing code" {
		t.Fatalf("refreshed-away code = %d %s", res.Status, res.Body)
	}

	// Several TTLs at once (no one looked in between): one fresh code.
	h.Clock.Advance(3*time.Minute + time.Second)
	third, _ := h.SB.Terminal(scTerm)
	if third.PairingCode == second.PairingCode || !third.PairingCodeExpiresAt.After(h.Clock.Now()) {
		t.Fatalf("after several TTLs: %+v", third)
	}
	if res := h.scPair(third.PairingCode, scRegisterForm("reg-1")); res.Status != 200 {
		t.Fatalf("current code = %d %s", res.Status, res.Body)
	}
}

func TestSmartConnectRepairMovesRegister(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	second := h.Control(http.MethodPost, "/terminals", `{"provider":"smartconnect"}`)
	if second.Status != http.StatusCreated || second.JSON(t)["id"] != "smartconnect-2" {
		t.Fatalf("POST /terminals = %d %s", second.Status, second.Body)
	}
	h.scPaired(scTerm, "reg-1")
	h.scPaired("smartconnect-2", "reg-1")
	h.scPaired("smartconnect-2", "reg-2")

	one, _ := h.SB.Terminal(scTerm)
	two, _ := h.SB.Terminal("smartconnect-2")
	if one.Screen != sandbox.ScreenIdle || len(one.Pairings) != 0 {
		t.Fatalf("old terminal still lists the register: %+v", one)
	}
	if two.Screen != sandbox.ScreenPaired || len(two.Pairings) != 2 || two.Pairings[0].PairingID != "reg-1" || two.Pairings[1].PairingID != "reg-2" {
		t.Fatalf("new terminal = %+v", two)
	}
	// Transactions follow the register: the old terminal being offline
	// does not matter any more.
	if _, err := h.SB.SetOffline(scTerm, true); err != nil {
		t.Fatal(err)
	}
	if got := h.getStatus(getStatusForm("reg-1")); got.Data["Result"] != "OK" {
		t.Fatalf("GetStatus after move = %+v", got)
	}
	// Re-pairing to the same terminal renames, without a duplicate entry.
	shown, _ := h.SB.StartPairing("smartconnect-2")
	form := scRegisterForm("reg-2")
	form.Set("POSRegisterName", "Back Office")
	if res := h.scPair(shown.PairingCode, form); res.Status != 200 {
		t.Fatal(res.Status)
	}
	two, _ = h.SB.Terminal("smartconnect-2")
	if len(two.Pairings) != 2 || two.Pairings[1].PairingNickname != "Back Office" {
		t.Fatalf("after re-pair on same terminal: %+v", two.Pairings)
	}
}

// getStatus runs a whole Terminal.GetStatus over raw HTTP, advancing the
// fake clock between polls as a well-behaved POS waits.
func (h *harness) getStatus(form url.Values) scTxnResponse {
	h.T.Helper()
	started := txnOf(h.T, h.scTransaction(form))
	if started.TransactionStatus != "PENDING" {
		h.T.Fatalf("POST /Transaction = %+v", started)
	}
	for range 5 {
		h.Clock.Advance(2 * time.Second)
		got := txnOf(h.T, h.scSend(http.MethodGet, started.Data["PollingUrl"], nil, ""))
		if got.TransactionID != started.TransactionID {
			h.T.Fatalf("poll answered for %q, want %q", got.TransactionID, started.TransactionID)
		}
		if got.TransactionStatus == "COMPLETED" {
			return got
		}
	}
	h.T.Fatal("transaction never completed")
	return scTxnResponse{}
}

func TestSmartConnectGetStatus(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.scPaired(scTerm, "reg-1")

	started := txnOf(t, h.scTransaction(getStatusForm("reg-1")))
	poll := started.Data["PollingUrl"]
	u := sandboxtest.MustParseURL(t, poll)
	if started.TransactionStatus != "PENDING" || !strings.HasPrefix(poll, h.Info.URL(KeyURL)+"/Transaction/"+started.TransactionID+"?") || len(u.Query().Get("merchantAccessToken")) < 16 {
		t.Fatalf("POST /Transaction = %+v", started)
	}
	if got := txnOf(t, h.scSend(http.MethodGet, poll, nil, "")); got.TransactionStatus != "PENDING" {
		t.Fatalf("first poll = %+v", got)
	}
	res := h.scSend(http.MethodGet, poll, nil, "")
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.ErrorText(t), "2 seconds") {
		t.Fatalf("poll without waiting = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(2 * time.Second)
	got := txnOf(t, h.scSend(http.MethodGet, poll, nil, ""))
	if got.TransactionStatus != "COMPLETED" || got.Data["Result"] != "OK" || got.Data["Status"] != "READY" {
		t.Fatalf("second poll = %+v", got)
	}
	if n := h.SB.RequestCount("smartconnect", RoutePoll); n != 3 {
		t.Fatalf("RequestCount(poll) = %d, want 3", n)
	}

	q := u.Query()
	q.Set("merchantAccessToken", "wrong")
	wrong := *u
	wrong.RawQuery = q.Encode()
	h.Clock.Advance(2 * time.Second)
	if res := h.scSend(http.MethodGet, wrong.String(), nil, ""); res.Status != 401 || !strings.Contains(res.ErrorText(t), "merchantAccessToken") {
		t.Fatalf("wrong token = %d %s", res.Status, res.Body)
	}
	if res := h.scSend(http.MethodGet, h.Info.URL(KeyURL)+"/Transaction/nope?"+u.RawQuery, nil, ""); res.Status != 404 || res.ErrorText(t) != "Transaction not found" {
		t.Fatalf("unknown transaction = %d %s", res.Status, res.Body)
	}
	h.Clock.Advance(15 * time.Minute)
	if res := h.scSend(http.MethodGet, poll, nil, ""); res.Status != 401 || res.ErrorText(t) != "Token expired" {
		t.Fatalf("after 15 min = %d %s", res.Status, res.Body)
	}
}

func TestSmartConnectTransactionRefusals(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.scPaired(scTerm, "reg-1")

	edit := func(f func(url.Values)) url.Values {
		form := getStatusForm("reg-1")
		f(form)
		return form
	}
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"unknown register", getStatusForm("reg-9"), "This register is not paired to a device"},
		{"business renamed", edit(func(f url.Values) { f.Set("POSBusinessName", "Toy Shop") }), "This register is not paired to a device"},
		{"vendor differs", edit(func(f url.Values) { f.Set("POSVendorName", "Other") }), "This register is not paired to a device"},
		{"purchase", edit(func(f url.Values) { f.Set("TransactionType", "Card.Purchase") }), "Unsupported transaction type"},
		{"sync mode", edit(func(f url.Values) { f.Del("TransactionMode") }), "TransactionMode must be ASYNC"},
		{"no vendor", edit(func(f url.Values) { f.Del("POSVendorName") }), "POSVendorName is required"},
	}
	for _, c := range cases {
		res := h.scTransaction(c.form)
		if msg := res.ErrorText(t); res.Status != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %q, want 400 %q", c.name, res.Status, msg, c.want)
		}
	}
	// The register name may change without re-pairing [DOC S10].
	renamed := edit(func(f url.Values) { f.Set("POSRegisterName", "Front") })
	if got := h.getStatus(renamed); got.Data["Result"] != "OK" {
		t.Fatalf("renamed register = %+v", got)
	}
	if res := h.scSend(http.MethodPost, h.Info.URL(KeyURL)+"/Transaction", getStatusForm("reg-1"), "application/json"); res.Status != 400 {
		t.Fatalf("JSON content type = %d", res.Status)
	}
}

func TestSmartConnectOfflineTerminal(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.scPaired(scTerm, "reg-1")

	if got := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/offline", http.StatusOK); got.Online {
		t.Fatalf("offline: %+v", got)
	}
	got := h.getStatus(getStatusForm("reg-1"))
	if got.Data["Result"] != "FAILED-INTERFACE" || got.Data["TransactionResult"] != "CANCELLED" || got.Data["Status"] != "" {
		t.Fatalf("offline GetStatus = %+v", got)
	}
	h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/online", http.StatusOK)
	if got := h.getStatus(getStatusForm("reg-1")); got.Data["Result"] != "OK" {
		t.Fatalf("online GetStatus = %+v", got)
	}
	// power is the same switch.
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/"+scTerm+"/power", `{"online":false}`, http.StatusOK); got.Online || got.Screen != sandbox.ScreenPaired {
		t.Fatalf("power off: %+v", got)
	}
	if got := h.getStatus(getStatusForm("reg-1")); got.Data["Result"] != "FAILED-INTERFACE" {
		t.Fatalf("GetStatus after power off = %+v", got)
	}
}

// expire-code makes the device show a new code at once, as at the end of
// its TTL; the old one is dead.
func TestSmartConnectExpireCode(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	first := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK)
	h.Clock.Advance(30 * time.Second)
	got := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/expire-code", http.StatusOK)
	if got.Screen != sandbox.ScreenPairingCode || got.PairingCode == "" || got.PairingCode == first.PairingCode ||
		!got.PairingCodeExpiresAt.Equal(h.Clock.Now().Add(2*time.Minute)) {
		t.Fatalf("after expire-code: %+v (first %+v)", got, first)
	}
	if res := h.scPair(first.PairingCode, scRegisterForm("reg-1")); res.Status != 400 || res.ErrorText(t) != "Invalid pairing code" {
		t.Fatalf("expired code = %d %s", res.Status, res.Body)
	}
	res := h.Control(http.MethodPost, "/terminals/"+scTerm+"/expire-code", `{"code":"`+first.PairingCode+`"}`)
	if res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "shows code "+got.PairingCode) {
		t.Fatalf("expire-code of the old code = %d %s", res.Status, res.Body)
	}
	if res := h.scPair(got.PairingCode, scRegisterForm("reg-1")); res.Status != 200 {
		t.Fatalf("the new code = %d %s", res.Status, res.Body)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+scTerm+"/expire-code", ""); res.Status != http.StatusConflict || !strings.Contains(res.ErrorText(t), "no live pairing code") {
		t.Fatalf("expire-code once paired = %d %s", res.Status, res.Body)
	}
}

func TestSmartConnectTerminalSide(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.scPaired(scTerm, "reg-1")
	h.scPaired(scTerm, "reg-2")

	_, err := h.SB.Confirm(scTerm)
	if !errors.Is(err, sandbox.ErrNothingToConfirm) || !strings.Contains(err.Error(), "no confirmation step") {
		t.Fatalf("Confirm = %v", err)
	}
	if res := h.Control(http.MethodPost, "/terminals/"+scTerm+"/confirm", ""); res.Status != http.StatusConflict {
		t.Fatalf("control confirm = %d %s", res.Status, res.Body)
	}

	// Unpairing on the device while it shows a code ends both.
	shown, _ := h.SB.StartPairing(scTerm)
	got := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/unpair", http.StatusOK)
	if got.Screen != sandbox.ScreenIdle || len(got.Pairings) != 0 || got.PairingCode != "" {
		t.Fatalf("after terminal unpair = %+v", got)
	}
	for _, reg := range []string{"reg-1", "reg-2"} {
		if res := h.scTransaction(getStatusForm(reg)); res.Status != 400 || res.ErrorText(t) != "This register is not paired to a device" {
			t.Fatalf("%s after terminal unpair = %d %s", reg, res.Status, res.Body)
		}
	}
	if res := h.scPair(shown.PairingCode, scRegisterForm("reg-1")); res.Status != 400 {
		t.Fatalf("code shown before unpair = %d %s", res.Status, res.Body)
	}
}

func TestSmartConnectFaults(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	code := h.ControlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK).PairingCode

	if res := h.Control(http.MethodPost, "/faults", `{"provider":"smartconnect","route":"pairing","status":503,"count":1}`); res.Status != http.StatusCreated {
		t.Fatalf("POST /faults = %d %s", res.Status, res.Body)
	}
	if res := h.scPair(code, scRegisterForm("reg-1")); res.Status != 503 {
		t.Fatalf("faulted pairing = %d %s", res.Status, res.Body)
	}
	// A 5xx before the cloud did anything leaves the code usable: retrying
	// the same pairing is harmless [OBS T10].
	if res := h.scPair(code, scRegisterForm("reg-1")); res.Status != 200 {
		t.Fatalf("retried pairing = %d %s", res.Status, res.Body)
	}
	if n := h.SB.RequestCount("smartconnect", RoutePairing); n != 2 {
		t.Fatalf("RequestCount = %d", n)
	}
	res := h.Control(http.MethodPost, "/faults", `{"provider":"smartconnect","route":"ping","status":503}`)
	if res.Status != 400 || !strings.Contains(res.ErrorText(t), "pairing, transaction, poll") {
		t.Fatalf("unknown route fault = %d %s", res.Status, res.Body)
	}
	for _, route := range []string{"transaction", "poll"} {
		if err := h.SB.SetFault(sandbox.Fault{Provider: "smartconnect", Route: route, Malformed: true, Count: 1}); err != nil {
			t.Fatalf("SetFault(%s) = %v", route, err)
		}
	}
	if res := h.scTransaction(getStatusForm("reg-1")); res.Status != 200 || json.Valid(res.Body) {
		t.Fatalf("malformed transaction = %d %s", res.Status, res.Body)
	}
	if res := h.Send(h.NewRequest(http.MethodGet, h.Info.URL(KeyURL)+"/Nope", nil)); res.Status != 404 || res.ErrorText(t) != "Not found" {
		t.Fatalf("unknown route = %d %s", res.Status, res.Body)
	}
}
