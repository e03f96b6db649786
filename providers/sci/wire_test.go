package sci_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// captured is one request as the server saw it.
type captured struct {
	method, path, auth, contentType, digest string
	body                                    string
}

// fakeCloud answers every request with status and body and records what it
// received. It exists for wire shapes the sandbox deliberately never
// produces (bad base URLs, odd statuses).
func fakeCloud(t *testing.T, tlsServer bool, status int, body string) (*httptest.Server, <-chan captured) {
	t.Helper()
	got := make(chan captured, 4)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- captured{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Content-Digest"), string(b)}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	var srv *httptest.Server
	if tlsServer {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, got
}

func clientFor(t *testing.T, srv *httptest.Server, pairingURL string) *sci.Client {
	t.Helper()
	c, err := sci.New(sci.Config{
		PairingURL:         pairingURL,
		APIKey:             providers.NewSecret("live_pak_abc=="),
		SigningSecretPartA: providers.NewSecret("partA"),
		HTTPClient:         srv.Client(),
		Clock:              clockwork.NewFakeClockAt(time.Unix(1715151961, 0)),
		Timeout:            5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pairResponse(base string) string {
	return `{"data":{"pairing_id":"pid_b6f1242d","key_id":"kid_1a049709","confirmation_code":"1234",` +
		`"signing_secret_part_b":"5b1e070927ddb9fe5931e7e2aaaad5c1","sci_api_base_url":"` + base + `",` +
		`"tid":"12345678","pairing_nickname":"","terminal_nickname":"Terminal 123"}}`
}

func TestPairRequestOnTheWire(t *testing.T) {
	srv, got := fakeCloud(t, true, 200, pairResponse("https://SCI-API.example.com/tenant"))
	c := clientFor(t, srv, srv.URL+"/base")

	p, partB, err := c.Pair(context.Background(), providers.PairRequest{Code: "041234", Nickname: "Front Bar"})
	if err != nil {
		t.Fatal(err)
	}
	req := <-got
	want := captured{"POST", "/base/v1/progress-pairing", "ApiKey live_pak_abc==", "application/json", "",
		`{"pairing_code":"041234","pairing_nickname":"Front Bar"}`}
	if req != want {
		t.Fatalf("request\n got %+v\nwant %+v", req, want)
	}
	if p.Environment != "live" || p.BaseURL != "https://sci-api.example.com/tenant" || p.TID != "12345678" ||
		p.PairingNickname != "Front Bar" || partB.Reveal() != "5b1e070927ddb9fe5931e7e2aaaad5c1" {
		t.Fatalf("pairing %+v", p)
	}

	if _, _, err := c.Pair(context.Background(), providers.PairRequest{Code: "123456"}); err != nil {
		t.Fatal(err)
	}
	if req := <-got; req.body != `{"pairing_code":"123456"}` {
		t.Fatalf("nickname not omitted: %s", req.body)
	}
}

func TestPairRejectsUnsafeBaseURL(t *testing.T) {
	cases := map[string]string{
		"http://sci-api.example.com":      "must use https://",
		"http://127.0.0.1:9":              "must use https://", // pairing host is https
		"https://u:p@sci-api.example.com": "user name or password",
		"sci-api.example.com/v1":          "absolute https:// URL",
		"https://":                        "no host",
	}
	for base, want := range cases {
		srv, _ := fakeCloud(t, true, 200, pairResponse(base))
		_, _, err := clientFor(t, srv, srv.URL).Pair(context.Background(), providers.PairRequest{Code: "123456"})
		pe := requireKind(t, err, providers.KindProtocol)
		if !strings.Contains(pe.Message, want) {
			t.Errorf("base %q: message %q, want %q", base, pe.Message, want)
		}
	}
}

func TestLoopbackHTTPBaseURLOnlyFromLoopbackHTTPPairing(t *testing.T) {
	srv, _ := fakeCloud(t, false, 200, pairResponse("http://127.0.0.1:9/tenant"))
	p, _, err := clientFor(t, srv, srv.URL).Pair(context.Background(), providers.PairRequest{Code: "123456"})
	if err != nil || p.BaseURL != "http://127.0.0.1:9/tenant" {
		t.Fatalf("%+v %v", p, err)
	}
	srv2, _ := fakeCloud(t, false, 200, pairResponse("http://example.com/tenant"))
	_, _, err = clientFor(t, srv2, srv2.URL).Pair(context.Background(), providers.PairRequest{Code: "123456"})
	requireKind(t, err, providers.KindProtocol)
}

func TestPairMissingFieldIsProtocol(t *testing.T) {
	body := strings.Replace(pairResponse("https://a.example"), `"key_id"`, `"kid"`, 1)
	srv, _ := fakeCloud(t, true, 200, body)
	_, partB, err := clientFor(t, srv, srv.URL).Pair(context.Background(), providers.PairRequest{Code: "123456"})
	pe := requireKind(t, err, providers.KindProtocol)
	if !strings.Contains(pe.Message, "key_id") || !partB.IsZero() {
		t.Fatalf("%+v", pe)
	}
}

func TestCheckAndUnpairOnTheWire(t *testing.T) {
	cases := []struct {
		status int
		body   string
		active bool
	}{
		{200, ``, true},
		{200, `{"data":{}}`, true},
		{204, ``, true},
	}
	for _, cs := range cases {
		srv, got := fakeCloud(t, true, cs.status, cs.body)
		c := clientFor(t, srv, srv.URL)
		p := providers.Pairing{ID: "pid_1", KeyID: "kid_1a049709-65d4-480d-bdf0-f3e49699c67b", BaseURL: srv.URL + "/tenant"}
		stCR, err := c.Check(context.Background(), p, vecPartB)
		st := stCR.Status
		if err != nil || st != providers.StatusActive {
			t.Fatalf("%d %q: %v %v", cs.status, cs.body, st, err)
		}
		if req := <-got; req.method != "GET" || req.path != "/tenant/v1/pairing-info" || req.digest != "" || req.auth != "" {
			t.Fatalf("check request %+v", req)
		}
		if err := c.Unpair(context.Background(), p, vecPartB); err != nil {
			t.Fatalf("unpair answered %d: %v", cs.status, err)
		}
		if req := <-got; req.method != "POST" || req.path != "/tenant/v1/unpair" || req.body != "" ||
			req.digest != "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:" {
			t.Fatalf("unpair request %+v", req)
		}
	}
}

func TestStoredBaseURLIsRechecked(t *testing.T) {
	srv, got := fakeCloud(t, true, 200, ``)
	c := clientFor(t, srv, srv.URL)
	p := providers.Pairing{ID: "pid_1", KeyID: "kid_1", BaseURL: "http://sci-api.example.com"}
	_, err := c.Check(context.Background(), p, vecPartB)
	requireKind(t, err, providers.KindConfig)
	requireKind(t, c.Unpair(context.Background(), p, vecPartB), providers.KindConfig)
	select {
	case r := <-got:
		t.Fatalf("request sent: %+v", r)
	default:
	}
}

func TestNewRejectsBadPairingURL(t *testing.T) {
	for _, raw := range []string{"http://sci-pairing.example.com", "https://k:s@sci.example.com", "not a url"} {
		_, err := sci.New(sci.Config{PairingURL: raw})
		pe := requireKindNoOp(t, err, providers.KindConfig)
		if !strings.Contains(pe.Message, "TILLPAIR_SCI_PAIRING_URL") {
			t.Errorf("%q: message %q does not name the setting", raw, pe.Message)
		}
	}
	if _, err := sci.New(sci.Config{}); err != nil {
		t.Fatalf("default pairing URL rejected: %v", err)
	}
}

func requireKindNoOp(t *testing.T, err error, kind providers.Kind) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != kind || pe.Provider != providers.SCI {
		t.Fatalf("err = %v, want *providers.Error of kind %v", err, kind)
	}
	return pe
}

func TestCapabilities(t *testing.T) {
	c, err := sci.New(sci.Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Capabilities()
	if c.ID() != providers.SCI || !got.NeedsConfirmation || !got.RemoteUnpair || !got.CanTest ||
		got.Code.Label != "Pairing Code" || !got.Code.Digits || got.Code.MinLen > 6 || got.Code.MaxLen < 6 ||
		len(got.Code.Example) < got.Code.MinLen || len(got.Code.Example) > got.Code.MaxLen {
		t.Fatalf("capabilities %+v", got)
	}
}

// A confirmation code or TID that does not have its documented shape is a
// protocol error: no pairing, no Part B, nothing for the caller to store.
func TestPairMisshapenValuesAreProtocol(t *testing.T) {
	for _, c := range []struct{ field, from, to string }{
		{"confirmation_code", `"confirmation_code":"1234"`, `"confirmation_code":"12;4\u001b[2J"`},
		{"confirmation_code", `"confirmation_code":"1234"`, `"confirmation_code":"12"`},
		{"confirmation_code", `"confirmation_code":"1234"`, `"confirmation_code":"12345678901234567890"`},
		{"tid", `"tid":"12345678"`, `"tid":"1234'5678!"`},
		{"tid", `"tid":"12345678"`, `"tid":"` + strings.Repeat("9", 64) + `"`},
	} {
		t.Run(c.to, func(t *testing.T) {
			body := strings.Replace(pairResponse("https://a.example"), c.from, c.to, 1)
			srv, _ := fakeCloud(t, true, 200, body)
			p, partB, err := clientFor(t, srv, srv.URL).Pair(context.Background(), providers.PairRequest{Code: "123456"})
			pe := requireKind(t, err, providers.KindProtocol)
			if !strings.Contains(pe.Message, c.field) || !partB.IsZero() || p.ID != "" {
				t.Fatalf("pairing %+v, err %+v", p, pe)
			}
		})
	}
}
