package sandbox_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// logSink collects entries from the serving goroutines.
type logSink struct {
	mu      sync.Mutex
	entries []sandbox.Entry
	got     chan struct{} // one value per entry
}

func newLogSink() *logSink { return &logSink{got: make(chan struct{}, 100)} }

func (l *logSink) add(e sandbox.Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	l.got <- struct{}{}
}

// wait blocks until n entries arrived in all.
func (l *logSink) wait(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		have := len(l.entries)
		l.mu.Unlock()
		if have >= n {
			return
		}
		select {
		case <-l.got:
		case <-deadline:
			t.Fatalf("only %d of %d log entries arrived", have, n)
		}
	}
}

func (l *logSink) all() []sandbox.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sandbox.Entry(nil), l.entries...)
}

func entryText(e sandbox.Entry) string {
	return e.Method + " " + e.Target + "\n" + strings.Join(e.HeaderLines(), "\n") + "\n" + e.RequestBody + "\n" + e.ResponseBody
}

func TestRequestLogRedactsSecrets(t *testing.T) {
	sink := newLogSink()
	h := sandboxtest.New(t, sandbox.Options{RequestLog: sink.add}, clouds.All()...)
	shown := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	res := progress(h, `{"pairing_code":"`+shown.PairingCode+`","pairing_nickname":"Front Counter"}`)
	var p struct {
		Data struct {
			PairingID          string `json:"pairing_id"`
			KeyID              string `json:"key_id"`
			SigningSecretPartB string `json:"signing_secret_part_b"`
			SCIAPIBaseURL      string `json:"sci_api_base_url"`
		}
	}
	if err := json.Unmarshal(res.Body, &p); res.Status != http.StatusOK || err != nil {
		t.Fatalf("progress-pairing = %d %s", res.Status, res.Body)
	}
	// A signed request (the signature's validity does not matter here:
	// the header must be redacted whatever it holds).
	req := h.NewRequest(http.MethodGet, p.Data.SCIAPIBaseURL+"/v1/pairing-info", nil)
	req.Header.Set("Signature-Input", `sig1=("@method" "@authority" "@request-target");created=1715151961;keyid="`+p.Data.KeyID+`"`)
	req.Header.Set("Signature", "sig1=:c2lnbmF0dXJlIGJ5dGVz:")
	if res := h.Send(req); res.Status != http.StatusUnauthorized {
		t.Fatalf("pairing-info = %d", res.Status)
	}
	req = h.NewRequest(http.MethodGet, h.Info.URL("helcim_url")+"/devices", nil)
	req.Header.Set("api-token", h.Info.Credential("helcim_api_token"))
	if res := h.Send(req); res.Status != http.StatusOK {
		t.Fatalf("helcim devices = %d %s", res.Status, res.Body)
	}
	// A SmartConnect polling URL carries its token in the query.
	if res := h.Send(h.NewRequest(http.MethodGet, h.Info.URL("smartconnect_url")+"/Transaction/x?merchantAccessToken=tok123secret", nil)); res.Status == 0 {
		t.Fatal("no answer to the SmartConnect poll")
	}

	entries := sink.all()
	var sciEntries []sandbox.Entry
	for _, e := range entries {
		if !strings.HasPrefix(e.Target, "/control") {
			sciEntries = append(sciEntries, e)
		}
	}
	if len(sciEntries) != 4 {
		t.Fatalf("logged %d cloud requests, want 4: %+v", len(sciEntries), sciEntries)
	}
	secrets := map[string]string{
		"API key": h.Info.Credential("sci_api_key"), "Part A": h.Info.Credential("sci_signing_secret_part_a"),
		"Part B": p.Data.SigningSecretPartB, "Helcim token": h.Info.Credential("helcim_api_token"), "polling token": "tok123secret",
	}
	for _, e := range entries {
		text := entryText(e)
		for name, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s leaked into the log entry for %s %s:\n%s", name, e.Method, e.Target, text)
			}
		}
	}

	pp, info, hc, sc := sciEntries[0], sciEntries[1], sciEntries[2], sciEntries[3]
	if pp.Status != http.StatusOK || pp.Header.Get("Authorization") != "ApiKey "+sandbox.Redacted {
		t.Errorf("progress-pairing entry: status %d, Authorization %q", pp.Status, pp.Header.Get("Authorization"))
	}
	if !strings.Contains(pp.ResponseBody, `"signing_secret_part_b":"`+sandbox.Redacted+`"`) || !strings.Contains(pp.ResponseBody, p.Data.PairingID) {
		t.Errorf("progress-pairing response not redacted as expected: %s", pp.ResponseBody)
	}
	if !strings.Contains(pp.RequestBody, "Front Counter") {
		t.Errorf("request body lost its non-secret fields: %s", pp.RequestBody)
	}
	if info.Status != http.StatusUnauthorized || info.Header.Get("Signature") != "sig1=:"+sandbox.Redacted+":" ||
		!strings.Contains(info.Header.Get("Signature-Input"), p.Data.KeyID) {
		t.Errorf("pairing-info entry: status %d, Signature %q, Signature-Input %q", info.Status, info.Header.Get("Signature"), info.Header.Get("Signature-Input"))
	}
	if hc.Header.Get("Api-Token") != sandbox.Redacted {
		t.Errorf("helcim api-token header = %q", hc.Header.Get("Api-Token"))
	}
	if sc.Target != "/smartconnect/POS/Transaction/x?merchantAccessToken="+sandbox.Redacted {
		t.Errorf("polling target = %q", sc.Target)
	}
}

func TestRequestLogKeepsBodiesForHandlersAndSeesResets(t *testing.T) {
	sink := newLogSink()
	h := sandboxtest.New(t, sandbox.Options{RequestLog: sink.add}, clouds.All()...)
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: "progress-pairing", Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	req := h.NewRequest(http.MethodPost, h.Info.URL("sci_pairing_url")+"/v1/progress-pairing", []byte(`{"pairing_code":"123456"}`))
	req.Header.Set("Authorization", "ApiKey "+h.Info.Credential("sci_api_key"))
	req.Header.Set("Content-Type", "application/json")
	if _, err := h.Client.Do(req); err == nil {
		t.Fatal("a reset fault answered")
	}
	// The reset is logged before the connection drops: a client acting on
	// the drop at once must find it in the log already, or two runs of the
	// same script log in different orders (an evidence pack did, once).
	if got := sink.all(); len(got) != 1 || got[0].Status != 0 {
		t.Fatalf("when the client saw the reset the log held %+v, want the reset", got)
	}
	// The handler still decodes the body the log read first.
	if res := progress(h, `{"pairing_code":"123456"}`); res.Status != http.StatusNotFound || !strings.Contains(string(res.Body), "pairing_not_found") {
		t.Fatalf("progress-pairing after the log read the body = %d %s", res.Status, res.Body)
	}
	sink.wait(t, 2)
	if entries := sink.all(); len(entries) != 2 || entries[0].Status != 0 || entries[1].Status != http.StatusNotFound {
		t.Fatalf("entries = %+v, want the reset then the 404, in order", entries)
	}
}

// A Public credential (Square's location id) is shown in the log; secret
// ones are redacted wherever they appear, and a token glued to its scheme
// ("Bearerxyz") is redacted whole rather than taken for a scheme.
func TestRequestLogPublicCredentialsAndGluedSchemes(t *testing.T) {
	sink := newLogSink()
	fake := edited{newFakePOS(), func(sp *sandbox.Spec) {
		sp.Credentials = append(sp.Credentials, sandbox.CredentialSpec{Key: "fake_location_id", Public: true,
			Generate: func(r *sandbox.RNG) string { return "LOC" + r.String("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10) }})
	}}
	h := sandboxtest.New(t, sandbox.Options{RequestLog: sink.add}, fake)
	token, loc := h.Info.Credential("fake_token"), h.Info.Credential("fake_location_id")
	for _, auth := range []string{"Bearer " + token, "Bearer" + token, token} {
		req := h.NewRequest(http.MethodPost, h.Info.URL("fake_url")+"/codes?location_id="+loc, []byte(`{"location_id":"`+loc+`","note":"`+token+`"}`))
		req.Header.Set("Authorization", auth)
		h.Send(req)
	}
	sink.wait(t, 3)
	for i, e := range sink.all() {
		text := entryText(e)
		if strings.Contains(text, token) {
			t.Errorf("entry %d leaks the token:\n%s", i, text)
		}
		if !strings.Contains(e.Target, loc) || !strings.Contains(e.RequestBody, loc) {
			t.Errorf("entry %d lost the public location id: %s %s", i, e.Target, e.RequestBody)
		}
	}
	if got := sink.all()[0].Header.Get("Authorization"); got != "Bearer "+sandbox.Redacted {
		t.Errorf("Authorization = %q, want the scheme kept", got)
	}
	for _, e := range sink.all()[1:] {
		if got := e.Header.Get("Authorization"); got != sandbox.Redacted {
			t.Errorf("Authorization without a scheme = %q, want all of it redacted", got)
		}
	}
}

// A member or parameter named as a password is redacted wherever it is,
// even a value that is no credential of the sandbox (a wrong one typed).
func TestRequestLogRedactsPasswords(t *testing.T) {
	sink := newLogSink()
	h := sandboxtest.New(t, sandbox.Options{RequestLog: sink.add}, clouds.All()...)
	req := h.NewRequest(http.MethodPost, strings.TrimSuffix(h.Info.ControlURL(), "/control")+"/nowhere?user=ann&Password=typed-in-query", []byte(`{"username":"ann","password":"typed-in-body","newPassword":"another-one"}`))
	h.Send(req)
	sink.wait(t, 1)
	e := sink.all()[0]
	text := entryText(e)
	for _, v := range []string{"typed-in-query", "typed-in-body", "another-one"} {
		if strings.Contains(text, v) {
			t.Errorf("%q leaked into the log entry:\n%s", v, text)
		}
	}
	if !strings.Contains(e.RequestBody, `"username":"ann"`) || !strings.Contains(e.Target, "user=ann") {
		t.Errorf("the log lost what is not a secret:\n%s", text)
	}
}
