package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

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

func (h *harness) scSend(method, u string, form url.Values, contentType string) response {
	h.t.Helper()
	req := h.newRequest(method, u, []byte(form.Encode()))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return h.send(req)
}

func (h *harness) scPair(code string, form url.Values) response {
	h.t.Helper()
	return h.scSend(http.MethodPut, h.info.SmartConnectURL+"/Pairing/"+url.PathEscape(code), form, scFormType)
}

func (h *harness) scTransaction(form url.Values) response {
	h.t.Helper()
	return h.scSend(http.MethodPost, h.info.SmartConnectURL+"/Transaction", form, scFormType)
}

func getStatusForm(id string) url.Values {
	f := scRegisterForm(id)
	f.Set("TransactionMode", "ASYNC")
	f.Set("TransactionType", "Terminal.GetStatus")
	return f
}

// scErrorMessage checks the {"error":"…"} envelope and returns the text.
func (r response) scErrorMessage(t *testing.T) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" {
		t.Fatalf("body %q is not {\"error\":\"…\"} (%v)", r.body, err)
	}
	return e.Error
}

type scTxnResponse struct {
	TransactionID     string            `json:"transactionId"`
	TransactionStatus string            `json:"transactionStatus"`
	Data              map[string]string `json:"data"`
}

func (r response) txn(t *testing.T) scTxnResponse {
	t.Helper()
	var out scTxnResponse
	if r.status != http.StatusOK {
		t.Fatalf("status %d %s, want 200", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.TransactionID == "" {
		t.Fatalf("body %q is not a transaction (%v)", r.body, err)
	}
	return out
}

// scPaired shows a code on term and pairs register id with it.
func (h *harness) scPaired(term, id string) {
	h.t.Helper()
	shown := h.controlTerminal(http.MethodPost, "/terminals/"+term+"/pairing-code", http.StatusOK)
	if res := h.scPair(shown.PairingCode, scRegisterForm(id)); res.status != http.StatusOK {
		h.t.Fatalf("pairing %s to %s = %d %s", id, term, res.status, res.body)
	}
}

func TestSmartConnectPairing(t *testing.T) {
	h := newHarness(t, Options{})

	shown := h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK)
	if shown.Screen != ScreenPairingCode || len(shown.PairingCode) != 8 || strings.Trim(shown.PairingCode, "0123456789") != "" {
		t.Fatalf("pairing-code = %+v, want 8 digits on screen", shown)
	}
	if shown.PairingCodeExpiresAt == nil || !shown.PairingCodeExpiresAt.Equal(h.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("expiry %v, want now+2m", shown.PairingCodeExpiresAt)
	}

	res := h.scPair(shown.PairingCode, scRegisterForm("reg-1"))
	if res.status != http.StatusOK || res.json(t)["result"] != "success" || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("PUT /Pairing = %d %v %s", res.status, res.header, res.body)
	}
	got := h.controlTerminal(http.MethodGet, "/terminals/"+scTerm, http.StatusOK)
	if got.Screen != ScreenPaired || got.PairingCode != "" || len(got.Pairings) != 1 ||
		got.Pairings[0] != (TerminalPairing{PairingID: "reg-1", PairingNickname: "Main Register", Status: "active"}) {
		t.Fatalf("terminal after pairing = %+v", got)
	}
	// The code is used up: pairing is finalised, so it stops being shown.
	if res := h.scPair(shown.PairingCode, scRegisterForm("reg-2")); res.status != 400 || res.scErrorMessage(t) != "Invalid pairing code" {
		t.Fatalf("reused code = %d %s", res.status, res.body)
	}
	if n := h.sb.RequestCount("smartconnect", RouteSmartConnectPairing); n != 2 {
		t.Fatalf("RequestCount(pairing) = %d, want 2", n)
	}
}

func TestSmartConnectPairingValidation(t *testing.T) {
	h := newHarness(t, Options{})
	code := h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK).PairingCode
	url := h.info.SmartConnectURL + "/Pairing/" + code

	for _, field := range []string{"POSRegisterID", "POSRegisterName", "POSBusinessName", "POSVendorName"} {
		for _, value := range []string{"", "  "} {
			form := scRegisterForm("reg-1")
			if value == "" {
				form.Del(field)
			} else {
				form.Set(field, value)
			}
			res := h.scPair(code, form)
			if msg := res.scErrorMessage(t); res.status != 400 || msg != field+" is required" {
				t.Errorf("without %s (%q): %d %q", field, value, res.status, msg)
			}
		}
	}
	for _, ct := range []string{"", "application/json", "text/plain; charset=utf-8"} {
		res := h.scSend(http.MethodPut, url, scRegisterForm("reg-1"), ct)
		if msg := res.scErrorMessage(t); res.status != 400 || !strings.Contains(msg, "Content-Type must be application/x-www-form-urlencoded") {
			t.Errorf("Content-Type %q: %d %q", ct, res.status, msg)
		}
	}
	for _, bad := range []string{"00000000", "1234", "not-a-code"} {
		if bad == code {
			continue
		}
		if res := h.scPair(bad, scRegisterForm("reg-1")); res.status != 400 || res.scErrorMessage(t) != "Invalid pairing code" {
			t.Errorf("code %q: %d %s", bad, res.status, res.body)
		}
	}
	if res := h.scSend(http.MethodGet, url, nil, ""); res.status != 404 && res.status != 405 {
		t.Errorf("GET /Pairing = %d %s", res.status, res.body)
	}
	// None of the refusals used the code up.
	if res := h.scPair(code, scRegisterForm("reg-1")); res.status != 200 {
		t.Fatalf("valid pairing after refusals = %d %s", res.status, res.body)
	}
	// The charset parameter is fine.
	h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK)
	term, _ := h.sb.Terminal(scTerm)
	res := h.scSend(http.MethodPut, h.info.SmartConnectURL+"/Pairing/"+term.PairingCode, scRegisterForm("reg-2"), scFormType+"; charset=utf-8")
	if res.status != 200 {
		t.Fatalf("form with charset = %d %s", res.status, res.body)
	}
}

func TestSmartConnectCodeRefreshes(t *testing.T) {
	h := newHarness(t, Options{PairingCodeTTL: time.Minute})
	changes, stop := h.sb.Changes()
	defer stop()
	first, err := h.sb.StartPairing(scTerm)
	if err != nil {
		t.Fatal(err)
	}
	<-changes // the StartPairing notification

	h.clock.Advance(time.Minute)
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification when the code refreshed")
	}
	second, _ := h.sb.Terminal(scTerm)
	if second.Screen != ScreenPairingCode || second.PairingCode == "" || second.PairingCode == first.PairingCode ||
		!second.PairingCodeExpiresAt.Equal(first.PairingCodeExpiresAt.Add(time.Minute)) {
		t.Fatalf("after TTL: %+v, first %+v", second, first)
	}
	if res := h.scPair(first.PairingCode, scRegisterForm("reg-1")); res.status != 400 || res.scErrorMessage(t) != "Invalid pairing code" {
		t.Fatalf("refreshed-away code = %d %s", res.status, res.body)
	}

	// Several TTLs at once (no one looked in between): one fresh code.
	h.clock.Advance(3*time.Minute + time.Second)
	third, _ := h.sb.Terminal(scTerm)
	if third.PairingCode == second.PairingCode || !third.PairingCodeExpiresAt.After(h.clock.Now()) {
		t.Fatalf("after several TTLs: %+v", third)
	}
	if res := h.scPair(third.PairingCode, scRegisterForm("reg-1")); res.status != 200 {
		t.Fatalf("current code = %d %s", res.status, res.body)
	}
}

func TestSmartConnectRepairMovesRegister(t *testing.T) {
	h := newHarness(t, Options{})
	second := h.control(http.MethodPost, "/terminals", `{"provider":"smartconnect"}`)
	if second.status != http.StatusCreated || second.json(t)["id"] != "smartconnect-2" {
		t.Fatalf("POST /terminals = %d %s", second.status, second.body)
	}
	h.scPaired(scTerm, "reg-1")
	h.scPaired("smartconnect-2", "reg-1")
	h.scPaired("smartconnect-2", "reg-2")

	one, _ := h.sb.Terminal(scTerm)
	two, _ := h.sb.Terminal("smartconnect-2")
	if one.Screen != ScreenIdle || len(one.Pairings) != 0 {
		t.Fatalf("old terminal still lists the register: %+v", one)
	}
	if two.Screen != ScreenPaired || len(two.Pairings) != 2 || two.Pairings[0].PairingID != "reg-1" || two.Pairings[1].PairingID != "reg-2" {
		t.Fatalf("new terminal = %+v", two)
	}
	// Transactions follow the register: the old terminal being offline
	// does not matter any more.
	if _, err := h.sb.SetOffline(scTerm, true); err != nil {
		t.Fatal(err)
	}
	if got := h.getStatus(getStatusForm("reg-1")); got.Data["Result"] != "OK" {
		t.Fatalf("GetStatus after move = %+v", got)
	}
	// Re-pairing to the same terminal renames, without a duplicate entry.
	shown, _ := h.sb.StartPairing("smartconnect-2")
	form := scRegisterForm("reg-2")
	form.Set("POSRegisterName", "Back Office")
	if res := h.scPair(shown.PairingCode, form); res.status != 200 {
		t.Fatal(res.status)
	}
	two, _ = h.sb.Terminal("smartconnect-2")
	if len(two.Pairings) != 2 || two.Pairings[1].PairingNickname != "Back Office" {
		t.Fatalf("after re-pair on same terminal: %+v", two.Pairings)
	}
}

// getStatus runs a whole Terminal.GetStatus over raw HTTP, advancing the
// fake clock between polls as a well-behaved POS waits.
func (h *harness) getStatus(form url.Values) scTxnResponse {
	h.t.Helper()
	started := h.scTransaction(form).txn(h.t)
	if started.TransactionStatus != "PENDING" {
		h.t.Fatalf("POST /Transaction = %+v", started)
	}
	for range 5 {
		h.clock.Advance(2 * time.Second)
		got := h.scSend(http.MethodGet, started.Data["PollingUrl"], nil, "").txn(h.t)
		if got.TransactionID != started.TransactionID {
			h.t.Fatalf("poll answered for %q, want %q", got.TransactionID, started.TransactionID)
		}
		if got.TransactionStatus == "COMPLETED" {
			return got
		}
	}
	h.t.Fatal("transaction never completed")
	return scTxnResponse{}
}

func TestSmartConnectGetStatus(t *testing.T) {
	h := newHarness(t, Options{})
	h.scPaired(scTerm, "reg-1")

	started := h.scTransaction(getStatusForm("reg-1")).txn(t)
	poll := started.Data["PollingUrl"]
	u := mustParseURL(t, poll)
	if started.TransactionStatus != "PENDING" || !strings.HasPrefix(poll, h.info.SmartConnectURL+"/Transaction/"+started.TransactionID+"?") || len(u.Query().Get("merchantAccessToken")) < 16 {
		t.Fatalf("POST /Transaction = %+v", started)
	}
	if got := h.scSend(http.MethodGet, poll, nil, "").txn(t); got.TransactionStatus != "PENDING" {
		t.Fatalf("first poll = %+v", got)
	}
	res := h.scSend(http.MethodGet, poll, nil, "")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.scErrorMessage(t), "2 seconds") {
		t.Fatalf("poll without waiting = %d %s", res.status, res.body)
	}
	h.clock.Advance(2 * time.Second)
	got := h.scSend(http.MethodGet, poll, nil, "").txn(t)
	if got.TransactionStatus != "COMPLETED" || got.Data["Result"] != "OK" || got.Data["Status"] != "READY" {
		t.Fatalf("second poll = %+v", got)
	}
	if n := h.sb.RequestCount("smartconnect", RouteSmartConnectPoll); n != 3 {
		t.Fatalf("RequestCount(poll) = %d, want 3", n)
	}

	q := u.Query()
	q.Set("merchantAccessToken", "wrong")
	wrong := *u
	wrong.RawQuery = q.Encode()
	h.clock.Advance(2 * time.Second)
	if res := h.scSend(http.MethodGet, wrong.String(), nil, ""); res.status != 401 || !strings.Contains(res.scErrorMessage(t), "merchantAccessToken") {
		t.Fatalf("wrong token = %d %s", res.status, res.body)
	}
	if res := h.scSend(http.MethodGet, h.info.SmartConnectURL+"/Transaction/nope?"+u.RawQuery, nil, ""); res.status != 404 || res.scErrorMessage(t) != "Transaction not found" {
		t.Fatalf("unknown transaction = %d %s", res.status, res.body)
	}
	h.clock.Advance(15 * time.Minute)
	if res := h.scSend(http.MethodGet, poll, nil, ""); res.status != 401 || res.scErrorMessage(t) != "Token expired" {
		t.Fatalf("after 15 min = %d %s", res.status, res.body)
	}
}

func TestSmartConnectTransactionRefusals(t *testing.T) {
	h := newHarness(t, Options{})
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
		if msg := res.scErrorMessage(t); res.status != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %q, want 400 %q", c.name, res.status, msg, c.want)
		}
	}
	// The register name may change without re-pairing [DOC S10].
	renamed := edit(func(f url.Values) { f.Set("POSRegisterName", "Front") })
	if got := h.getStatus(renamed); got.Data["Result"] != "OK" {
		t.Fatalf("renamed register = %+v", got)
	}
	if res := h.scSend(http.MethodPost, h.info.SmartConnectURL+"/Transaction", getStatusForm("reg-1"), "application/json"); res.status != 400 {
		t.Fatalf("JSON content type = %d", res.status)
	}
}

func TestSmartConnectOfflineTerminal(t *testing.T) {
	h := newHarness(t, Options{})
	h.scPaired(scTerm, "reg-1")

	h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/offline", http.StatusOK)
	got := h.getStatus(getStatusForm("reg-1"))
	if got.Data["Result"] != "FAILED-INTERFACE" || got.Data["TransactionResult"] != "CANCELLED" || got.Data["Status"] != "" {
		t.Fatalf("offline GetStatus = %+v", got)
	}
	h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/online", http.StatusOK)
	if got := h.getStatus(getStatusForm("reg-1")); got.Data["Result"] != "OK" {
		t.Fatalf("online GetStatus = %+v", got)
	}
	res := h.control(http.MethodPost, "/terminals/sci-1/offline", "")
	if res.status != 400 || !strings.Contains(res.scErrorMessage(t), "only simulated for smartconnect") {
		t.Fatalf("offline on an SCI terminal = %d %s", res.status, res.body)
	}
}

func TestSmartConnectTerminalSide(t *testing.T) {
	h := newHarness(t, Options{})
	h.scPaired(scTerm, "reg-1")
	h.scPaired(scTerm, "reg-2")

	_, err := h.sb.Confirm(scTerm)
	if !errors.Is(err, ErrNothingToConfirm) || !strings.Contains(err.Error(), "no confirmation step") {
		t.Fatalf("Confirm = %v", err)
	}
	if res := h.control(http.MethodPost, "/terminals/"+scTerm+"/confirm", ""); res.status != http.StatusConflict {
		t.Fatalf("control confirm = %d %s", res.status, res.body)
	}

	// Unpairing on the device while it shows a code ends both.
	shown, _ := h.sb.StartPairing(scTerm)
	got := h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/unpair", http.StatusOK)
	if got.Screen != ScreenIdle || len(got.Pairings) != 0 || got.PairingCode != "" {
		t.Fatalf("after terminal unpair = %+v", got)
	}
	for _, reg := range []string{"reg-1", "reg-2"} {
		if res := h.scTransaction(getStatusForm(reg)); res.status != 400 || res.scErrorMessage(t) != "This register is not paired to a device" {
			t.Fatalf("%s after terminal unpair = %d %s", reg, res.status, res.body)
		}
	}
	if res := h.scPair(shown.PairingCode, scRegisterForm("reg-1")); res.status != 400 {
		t.Fatalf("code shown before unpair = %d %s", res.status, res.body)
	}
}

func TestSmartConnectFaults(t *testing.T) {
	h := newHarness(t, Options{})
	code := h.controlTerminal(http.MethodPost, "/terminals/"+scTerm+"/pairing-code", http.StatusOK).PairingCode

	if res := h.control(http.MethodPost, "/faults", `{"provider":"smartconnect","route":"pairing","status":503,"count":1}`); res.status != http.StatusCreated {
		t.Fatalf("POST /faults = %d %s", res.status, res.body)
	}
	if res := h.scPair(code, scRegisterForm("reg-1")); res.status != 503 {
		t.Fatalf("faulted pairing = %d %s", res.status, res.body)
	}
	// A 5xx before the cloud did anything leaves the code usable: retrying
	// the same pairing is harmless [OBS T10].
	if res := h.scPair(code, scRegisterForm("reg-1")); res.status != 200 {
		t.Fatalf("retried pairing = %d %s", res.status, res.body)
	}
	if n := h.sb.RequestCount("smartconnect", RouteSmartConnectPairing); n != 2 {
		t.Fatalf("RequestCount = %d", n)
	}
	res := h.control(http.MethodPost, "/faults", `{"provider":"smartconnect","route":"ping","status":503}`)
	if res.status != 400 || !strings.Contains(res.scErrorMessage(t), "pairing, transaction, poll") {
		t.Fatalf("unknown route fault = %d %s", res.status, res.body)
	}
	for _, route := range []string{"transaction", "poll"} {
		if err := h.sb.SetFault(Fault{Provider: "smartconnect", Route: route, Malformed: true, Count: 1}); err != nil {
			t.Fatalf("SetFault(%s) = %v", route, err)
		}
	}
	if res := h.scTransaction(getStatusForm("reg-1")); res.status != 200 || json.Valid(res.body) {
		t.Fatalf("malformed transaction = %d %s", res.status, res.body)
	}
	if res := h.send(h.newRequest(http.MethodGet, h.info.SmartConnectURL+"/Nope", nil)); res.status != 404 || res.scErrorMessage(t) != "Not found" {
		t.Fatalf("unknown route = %d %s", res.status, res.body)
	}
}
