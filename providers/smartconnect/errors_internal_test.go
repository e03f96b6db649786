package smartconnect

import (
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
)

func TestDecodeError(t *testing.T) {
	long := strings.Repeat("x", 500)
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{400, `{"error":"Invalid pairing code"}`, "Invalid pairing code"},
		{400, `{"Error":"Token expired"}`, "Token expired"},
		{503, `{"error":{"code":"sandbox_fault","message":"injected"}}`, "injected"},
		{400, `{"message":"Bad things"}`, "Bad things"},
		{400, "  Bad Request from proxy\r\n", "Bad Request from proxy"},
		{502, "<html><body>\x1b[31mGateway\x1b[0m</body></html>", "<html><body> [31mGateway [0m</body></html>"},
		{400, `{"error":"Invalid\u200b pairing\u202e code\ufeff"}`, "Invalid pairing code"},
		{400, "", "Bad Request"},
		{400, " \n\t", "Bad Request"},
		{599, "", "HTTP status 599"},
		{400, `{"error":42}`, `{"error":42}`},
		{400, `{"error":""}`, `{"error":""}`},
		{400, long, strings.Repeat("x", maxText) + "…"},
		{400, "\xff\xfe bad utf8", "\uFFFD bad utf8"},
	}
	for _, c := range cases {
		if got := decodeError(c.status, []byte(c.body)); got != c.want {
			t.Errorf("decodeError(%d, %q) = %q, want %q", c.status, c.body, got, c.want)
		}
	}
}

func TestHTTPErrorKinds(t *testing.T) {
	cases := []struct {
		op        string
		status    int
		body      string
		kind      providers.Kind
		retryable bool
	}{
		{providers.OpPair, 400, `{"error":"Invalid pairing code"}`, providers.KindInvalidCode, false},
		{providers.OpPair, 400, `{"error":"Pairing code not found"}`, providers.KindInvalidCode, false},
		{providers.OpPair, 400, `{"error":"Pairing code expired"}`, providers.KindCodeUsed, false},
		{providers.OpPair, 400, `{"error":"Code already used"}`, providers.KindCodeUsed, false},
		{providers.OpPair, 400, `{"error":"POSVendorName is required"}`, providers.KindConfig, false},
		{providers.OpPair, 400, `{"error":"Error while pairing"}`, providers.KindInvalidCode, false},
		{providers.OpPair, 400, `not json`, providers.KindInvalidCode, false},
		{providers.OpPair, 404, ``, providers.KindNotFound, false},
		{providers.OpPair, 500, `{"error":"Invalid pairing code"}`, providers.KindServer, true},
		{providers.OpPair, 503, `<html>`, providers.KindServer, true},
		{providers.OpPair, 429, ``, providers.KindRateLimited, true},
		{providers.OpCheck, 400, `{"error":"This register is not paired to a device"}`, providers.KindNotPaired, false},
		{providers.OpCheck, 401, `{"error":"Token expired"}`, providers.KindTimeout, true},
		{providers.OpCheck, 400, `{"error":"Unsupported transaction type"}`, providers.KindProtocol, false},
		{providers.OpCheck, 400, `{"error":"Device offline"}`, providers.KindNotListening, true},
		{providers.OpCheck, 401, `{"error":"Unauthorized"}`, providers.KindProtocol, false},
		{providers.OpCheck, 404, ``, providers.KindProtocol, false},
	}
	for _, c := range cases {
		e := httpError(c.op, c.status, []byte(c.body))
		if e.Kind != c.kind || e.Retryable != c.retryable || e.HTTPStatus != c.status || e.Provider != providers.SmartConnect || e.Op != c.op || e.Message == "" {
			t.Errorf("httpError(%s, %d, %q) = %+v, want %v retryable=%v", c.op, c.status, c.body, e, c.kind, c.retryable)
		}
	}
	// The vendor's text is kept, and a token expiry says what to do.
	if e := httpError(providers.OpPair, 400, []byte(`{"error":"Invalid pairing code"}`)); e.Error() != "smartconnect pair: Invalid pairing code (HTTP 400)" {
		t.Errorf("Error() = %q", e.Error())
	}
	if e := httpError(providers.OpCheck, 401, []byte(`{"error":"Token expired"}`)); !strings.HasPrefix(e.Message, "Token expired") || !strings.Contains(e.Message, "run the test again") {
		t.Errorf("token expired message %q", e.Message)
	}
}

func TestPollIntervalFloor(t *testing.T) {
	cases := []struct {
		base string
		in   time.Duration
		want time.Duration
	}{
		{"https://api-dev.smart-connect.cloud/POS", 10 * time.Millisecond, MinPollInterval},
		{"https://api-dev.smart-connect.cloud/POS", 0, MinPollInterval},
		{"https://api-dev.smart-connect.cloud/POS", 5 * time.Second, 5 * time.Second},
		{"http://127.0.0.1:9/smartconnect/POS", 10 * time.Millisecond, 10 * time.Millisecond},
		{"http://127.0.0.1:9/smartconnect/POS", 0, MinPollInterval},
	}
	for _, c := range cases {
		cl, err := New(Config{BaseURL: c.base, PollInterval: c.in})
		if err != nil {
			t.Fatal(err)
		}
		if cl.pollInterval != c.want {
			t.Errorf("%s with %v: interval %v, want %v", c.base, c.in, cl.pollInterval, c.want)
		}
	}
}
