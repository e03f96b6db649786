package transport_test

import (
	"bytes"
	"context"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/transport"
)

// logBuf collects a JSON debug log.
type logBuf struct{ syncbuf.Buffer }

// requests are the "http request" lines, decoded.
func (b *logBuf) requests(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range b.JSONLines(t) {
		if m["msg"] == transport.LogMessage {
			out = append(out, m)
		}
	}
	return out
}

func newLog() (*logBuf, *slog.Logger) {
	b := &logBuf{}
	return b, slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// wantFields checks a line's fields; a nil want means the field must be
// absent.
func wantFields(t *testing.T, line map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := line[k]
		switch {
		case v == nil && ok:
			t.Errorf("%s = %v, want it absent in %v", k, got, line)
		case v != nil && got != v:
			t.Errorf("%s = %v (%T), want %v in %v", k, got, got, v, line)
		}
	}
	if d, ok := line["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %v, want a number of milliseconds in %v", line["duration_ms"], line)
	}
}

// One line per request against the sandbox over real loopback HTTP: an SCI
// pairing (API key in Authorization) and its check (signed with part A),
// then a Helcim pairing (api-token header, code in the path).
func TestDoLogsEachRequestWithoutSecrets(t *testing.T) {
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	sb := testkit.StartSandbox(t, sandbox.Options{Clock: clk, Seed: 7})
	info := sb.Info()
	logs, log := newLog()
	hc := transport.WithLogger(nil, log)
	ctx := context.Background()

	sc, err := sci.New(sci.Config{PairingURL: info.URL("sci_pairing_url"), HTTPClient: hc, Clock: clk,
		APIKey:             providers.NewSecret(info.Credential("sci_api_key")),
		SigningSecretPartA: providers.NewSecret(info.Credential("sci_signing_secret_part_a"))})
	if err != nil {
		t.Fatal(err)
	}
	term, err := sb.StartPairing(testkit.Terminal(t, sb, providers.SCI).ID)
	if err != nil {
		t.Fatal(err)
	}
	p, partB, err := sc.Pair(ctx, providers.PairRequest{Code: term.PairingCode, Nickname: "Bar"})
	if err != nil {
		t.Fatalf("SCI Pair: %v", err)
	}
	if _, err := sb.Confirm(term.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Check(ctx, p, partB); err != nil {
		t.Fatalf("SCI Check: %v", err)
	}

	hcl, err := helcim.New(helcim.Config{BaseURL: info.URL("helcim_url"), HTTPClient: hc, Clock: clk,
		APIToken: providers.NewSecret(info.Credential("helcim_api_token"))})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := sb.StartPairing(testkit.Terminal(t, sb, providers.Helcim).ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hcl.Pair(transport.RedactInLog(ctx, dev.PairingCode), providers.PairRequest{Code: dev.PairingCode}); err != nil {
		t.Fatalf("Helcim Pair: %v", err)
	}

	lines := logs.requests(t)
	if len(lines) < 4 {
		t.Fatalf("%d request lines, want one per request (at least 4):\n%s", len(lines), logs)
	}
	host := strings.TrimPrefix(info.URL("sci_pairing_url"), "http://")
	host, _, _ = strings.Cut(host, "/")
	wantFields(t, lines[0], map[string]any{
		"level": "DEBUG", "provider": "sci", "op": providers.OpPair, "method": "POST", "host": host,
		"path": "/sci-pairing/v1/progress-pairing", "status": float64(200), "error_kind": nil,
	})
	if n, ok := lines[0]["req_bytes"].(float64); !ok || n <= 0 {
		t.Errorf("req_bytes = %v, want the body's size", lines[0]["req_bytes"])
	}
	if n, ok := lines[0]["resp_bytes"].(float64); !ok || n <= 0 {
		t.Errorf("resp_bytes = %v, want the body's size", lines[0]["resp_bytes"])
	}
	wantFields(t, lines[1], map[string]any{"provider": "sci", "op": providers.OpCheck, "method": "GET", "status": float64(200)})
	var helcimPaths []string
	for _, l := range lines[2:] {
		if l["provider"] == providers.Helcim {
			helcimPaths = append(helcimPaths, l["path"].(string))
		}
	}
	if len(helcimPaths) == 0 || helcimPaths[0] != "/helcim/v2/devices/[redacted]" {
		t.Errorf("Helcim paths %q, want the device code redacted", helcimPaths)
	}

	out := logs.String()
	for name, secret := range map[string]string{
		"SCI API key": info.Credential("sci_api_key"), "SCI part A": info.Credential("sci_signing_secret_part_a"),
		"SCI part B": partB.Reveal(), "Helcim token": info.Credential("helcim_api_token"),
		"SCI pairing code": term.PairingCode, "Helcim code": dev.PairingCode,
	} {
		if secret == "" {
			t.Fatalf("%s is empty: the test proves nothing", name)
		}
		if strings.Contains(out, secret) {
			t.Errorf("the %s (%q) reached the log:\n%s", name, secret, out)
		}
	}
	for _, header := range []string{"Authorization", "Signature", "api-token", "ApiKey"} {
		if strings.Contains(strings.ToLower(out), strings.ToLower(header)) {
			t.Errorf("header %s reached the log:\n%s", header, out)
		}
	}
}

// A failed request says what kind of failure it was and why, without the
// query string a *url.Error quotes.
func TestDoLogsFailures(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	logs, log := newLog()
	hc := transport.WithLogger(nil, log)
	_, err = transport.Do(transport.WithAttempt(context.Background(), 3), hc,
		get(t, "http://"+addr+"/POS/Transaction/x?merchantAccessToken=tok-secret-1"), opts())
	wantKind(t, err, providers.KindNetwork, true)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("x"), 64))
	}))
	defer srv.Close()
	o := opts()
	o.MaxBody = 16
	_, err = transport.Do(context.Background(), hc, get(t, srv.URL+"/big"), o)
	wantKind(t, err, providers.KindProtocol, false)

	lines := logs.requests(t)
	if len(lines) != 2 {
		t.Fatalf("%d request lines, want 2:\n%s", len(lines), logs)
	}
	wantFields(t, lines[0], map[string]any{
		"provider": "sci", "op": providers.OpCheck, "method": "GET", "path": "/POS/Transaction/x",
		"attempt": float64(3), "status": nil, "error_kind": providers.KindNetwork.String(), "retryable": true,
	})
	// The OS's own wording: "connection refused" on Unix, "...actively
	// refused it" on Windows.
	if c, _ := lines[0]["cause"].(string); !strings.Contains(strings.ToLower(c), "refused") {
		t.Errorf("cause = %q, want the connection refusal", c)
	}
	wantFields(t, lines[1], map[string]any{
		"path": "/big", "status": float64(200), "error_kind": providers.KindProtocol.String(), "attempt": nil,
	})
	if out := logs.String(); strings.Contains(out, "tok-secret-1") || strings.Contains(out, "merchantAccessToken") {
		t.Errorf("the query string reached the log:\n%s", out)
	}
}

// A client given a logger keeps the transport's rules (only the logger is
// added), and a second WithLogger replaces the first rather than logging
// every request twice.
func TestWithLoggerKeepsTheClient(t *testing.T) {
	base := transport.NewClient()
	first, log1 := newLog()
	c := transport.WithLogger(base, log1)
	if c == base || c.CheckRedirect == nil || base.Transport == c.Transport {
		t.Fatalf("WithLogger must return a copy with the redirect rules: %+v", c)
	}
	if transport.WithLogger(base, nil) != base {
		t.Error("a nil logger must leave the client as it is")
	}
	second, log2 := newLog()
	c = transport.WithLogger(c, log2)
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	if _, err := transport.Do(context.Background(), c, get(t, srv.URL), opts()); err != nil {
		t.Fatal(err)
	}
	if n1, n2 := len(first.requests(t)), len(second.requests(t)); n1 != 0 || n2 != 1 {
		t.Errorf("first logger has %d lines, second %d; want 0 and 1", n1, n2)
	}
	if _, err := transport.Do(context.Background(), base, get(t, srv.URL), opts()); err != nil {
		t.Fatal(err)
	}
	if n := len(second.requests(t)); n != 1 {
		t.Errorf("a client without a logger logged: %d lines", n)
	}
}

// A refused redirect names both URLs without their query strings, which
// can carry an access token, in the error and in the log line; a followed
// redirect is counted.
func TestRedirectsLoggedWithoutQueries(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path+"x?merchantAccessToken=tok-secret-2", http.StatusFound)
	}))
	defer srv.Close()
	logs, log := newLog()
	hc := transport.WithLogger(nil, log)

	_, err := transport.Do(context.Background(), hc, get(t, srv.URL+"/loop"), opts())
	pe := wantKind(t, err, providers.KindProtocol, false)
	if strings.Contains(pe.Error(), "tok-secret-2") || !strings.Contains(pe.Message, "/loopxx") {
		t.Errorf("message %q: want the paths and no token", pe.Message)
	}
	short := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusFound)
		}
	}))
	defer short.Close()
	if _, err := transport.Do(context.Background(), hc, get(t, short.URL+"/old"), opts()); err != nil {
		t.Fatal(err)
	}
	lines := logs.requests(t)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), logs)
	}
	wantFields(t, lines[1], map[string]any{"path": "/old", "redirects": float64(1), "status": float64(200)})
	if out := logs.String(); strings.Contains(out, "tok-secret-2") {
		t.Errorf("the token reached the log:\n%s", out)
	}
}
