package sandbox

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// logSink collects entries from the serving goroutines.
type logSink struct {
	mu      sync.Mutex
	entries []Entry
	got     chan struct{} // one value per entry
}

func newLogSink() *logSink { return &logSink{got: make(chan struct{}, 100)} }

func (l *logSink) add(e Entry) {
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

func (l *logSink) all() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

func entryText(e Entry) string {
	return e.Method + " " + e.Target + "\n" + strings.Join(e.HeaderLines(), "\n") + "\n" + e.RequestBody + "\n" + e.ResponseBody
}

func TestRequestLogRedactsSecrets(t *testing.T) {
	sink := newLogSink()
	h := newHarness(t, Options{RequestLog: sink.add})
	_, p := h.startAndProgress("Front Counter")
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.status != http.StatusUnauthorized {
		t.Fatalf("pairing-info before confirm = %d", res.status)
	}
	if res := h.helcimGet(h.info.Credentials.HelcimAPIToken, "/devices"); res.status != http.StatusOK {
		t.Fatalf("helcim devices = %d %s", res.status, res.body)
	}
	// A SmartConnect polling URL carries its token in the query.
	if res := h.scSend(http.MethodGet, h.info.SmartConnectURL+"/Transaction/x?merchantAccessToken=tok123secret", nil, ""); res.status == 0 {
		t.Fatal("no answer to the SmartConnect poll")
	}

	entries := sink.all()
	var sciEntries []Entry
	for _, e := range entries {
		if !strings.HasPrefix(e.Target, "/control") {
			sciEntries = append(sciEntries, e)
		}
	}
	if len(sciEntries) != 4 {
		t.Fatalf("logged %d cloud requests, want 4: %+v", len(sciEntries), sciEntries)
	}
	secrets := map[string]string{
		"API key": h.info.Credentials.SCIAPIKey, "Part A": h.info.Credentials.SCISigningSecretPartA,
		"Part B": p.SigningSecretPartB, "Helcim token": h.info.Credentials.HelcimAPIToken, "polling token": "tok123secret",
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
	if pp.Status != http.StatusOK || pp.Header.Get("Authorization") != "ApiKey "+Redacted {
		t.Errorf("progress-pairing entry: status %d, Authorization %q", pp.Status, pp.Header.Get("Authorization"))
	}
	if !strings.Contains(pp.ResponseBody, `"signing_secret_part_b":"`+Redacted+`"`) || !strings.Contains(pp.ResponseBody, p.PairingID) {
		t.Errorf("progress-pairing response not redacted as expected: %s", pp.ResponseBody)
	}
	if !strings.Contains(pp.RequestBody, "Front Counter") {
		t.Errorf("request body lost its non-secret fields: %s", pp.RequestBody)
	}
	if info.Status != http.StatusUnauthorized || info.Header.Get("Signature") != "sig1=:"+Redacted+":" ||
		!strings.Contains(info.Header.Get("Signature-Input"), p.KeyID) {
		t.Errorf("pairing-info entry: status %d, Signature %q, Signature-Input %q", info.Status, info.Header.Get("Signature"), info.Header.Get("Signature-Input"))
	}
	if hc.Header.Get("Api-Token") != Redacted {
		t.Errorf("helcim api-token header = %q", hc.Header.Get("Api-Token"))
	}
	if sc.Target != "/smartconnect/POS/Transaction/x?merchantAccessToken="+Redacted {
		t.Errorf("polling target = %q", sc.Target)
	}
}

func TestRequestLogKeepsBodiesForHandlersAndSeesResets(t *testing.T) {
	sink := newLogSink()
	h := newHarness(t, Options{RequestLog: sink.add})
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteProgressPairing, Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	req := h.newRequest(http.MethodPost, h.info.SCIPairingURL+"/v1/progress-pairing", []byte(`{"pairing_code":"123456"}`))
	req.Header.Set("Authorization", "ApiKey "+h.info.Credentials.SCIAPIKey)
	req.Header.Set("Content-Type", "application/json")
	if _, err := h.client.Do(req); err == nil {
		t.Fatal("a reset fault answered")
	}
	// The reset is logged before the connection drops: a client acting on
	// the drop at once must find it in the log already, or two runs of the
	// same script log in different orders (an evidence pack did, once).
	if got := sink.all(); len(got) != 1 || got[0].Status != 0 {
		t.Fatalf("when the client saw the reset the log held %+v, want the reset", got)
	}
	// The handler still decodes the body the log read first.
	if res := h.progress(h.info.Credentials.SCIAPIKey, `{"pairing_code":"123456"}`); res.apiCode(t) != "pairing_not_found" {
		t.Fatalf("progress-pairing after the log read the body = %d %s", res.status, res.body)
	}
	sink.wait(t, 2)
	if entries := sink.all(); len(entries) != 2 || entries[0].Status != 0 || entries[1].Status != http.StatusNotFound {
		t.Fatalf("entries = %+v, want the reset then the 404, in order", entries)
	}
}
