package sci

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

func TestDecodeErrorShapes(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		code, msg string
	}{
		{"nested", 404, `{"error":{"code":"pairing_not_found","message":"Pairing not found"}}`, "pairing_not_found", "Pairing not found"},
		{"nested code only", 401, `{"error":{"code":"no_active_pairings_found"}}`, "no_active_pairings_found", "Unauthorized"},
		{"top level", 422, `{"code":"pairing_not_initial","message":"Pairing is not initial"}`, "pairing_not_initial", "Pairing is not initial"},
		{"nested wins over top level", 400, `{"error":{"code":"invalid_request","message":"bad"},"code":"other","message":"other"}`, "invalid_request", "bad"},
		{"error string", 400, `{"error":"Something broke"}`, "", "Something broke"},
		{"error null falls back to top level", 403, `{"error":null,"code":"pairing_route_forbidden"}`, "pairing_route_forbidden", "Forbidden"},
		{"numeric code", 400, `{"code":40001,"message":"x"}`, "40001", "x"},
		{"not json", 502, `<html>Bad gateway</html>`, "", "Bad Gateway"},
		{"empty", 503, ``, "", "Service Unavailable"},
		{"json array", 500, `[1,2]`, "", "Internal Server Error"},
		{"format characters dropped", 400, `{"error":{"code":"invalid\u200b_request","message":"Pairing \u202enot found\u202c\ufeff"}}`, "invalid_request", "Pairing not found"},
		{"control characters stripped", 400, "{\"error\":{\"code\":\"invalid_request\",\"message\":\"bad\\u001b[31mred\"}}", "invalid_request", "bad [31mred"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := decodeError(c.status, []byte(c.body))
			if code != c.code || msg != c.msg {
				t.Fatalf("decodeError = %q, %q; want %q, %q", code, msg, c.code, c.msg)
			}
		})
	}
}

func TestDecodeErrorBoundsMessage(t *testing.T) {
	_, msg := decodeError(400, []byte(`{"message":"`+strings.Repeat("é", 1000)+`"}`))
	if n := len([]rune(msg)); n != maxText+1 {
		t.Fatalf("message has %d runes, want %d", n, maxText+1)
	}
}

func TestHTTPErrorMapping(t *testing.T) {
	body := func(code string) string { return `{"error":{"code":"` + code + `","message":"m"}}` }
	cases := []struct {
		op        string
		status    int
		body      string
		kind      providers.Kind
		retryable bool
	}{
		{providers.OpPair, 400, body("invalid_request"), providers.KindInvalidCode, false},
		{providers.OpPair, 401, body("api_key_invalid"), providers.KindCredentials, false},
		{providers.OpPair, 401, body("api_key_missing"), providers.KindCredentials, false},
		{providers.OpPair, 403, body("pairing_route_forbidden"), providers.KindWrongEnvironment, false},
		{providers.OpPair, 403, body("test_api_key_forbidden_for_live_pairing"), providers.KindWrongEnvironment, false},
		{providers.OpPair, 404, body("pairing_not_found"), providers.KindNotFound, false},
		{providers.OpPair, 422, body("pairing_not_initial"), providers.KindCodeUsed, false},
		{providers.OpCheck, 401, body("no_active_pairings_found"), providers.KindNotPaired, false},
		{providers.OpCheck, 401, body("NO_ACTIVE_PAIRINGS_FOUND"), providers.KindNotPaired, false},
		{providers.OpCheck, 401, body("no_valid_signatures_found"), providers.KindSignature, false},
		{providers.OpPair, 429, body("rate_limited"), providers.KindRateLimited, true},
		{providers.OpCheck, 429, "", providers.KindRateLimited, true},
		{providers.OpPair, 500, body("x"), providers.KindServer, false},
		{providers.OpPair, 503, "", providers.KindServer, false},
		{providers.OpCheck, 502, "", providers.KindServer, true},
		{providers.OpUnpair, 500, "", providers.KindServer, true},
		// Fallbacks for codes tillpair does not know.
		{providers.OpPair, 400, "", providers.KindInvalidCode, false},
		{providers.OpCheck, 400, "", providers.KindProtocol, false},
		{providers.OpPair, 401, "", providers.KindCredentials, false},
		{providers.OpUnpair, 401, "", providers.KindSignature, false},
		{providers.OpPair, 403, "", providers.KindCredentials, false},
		{providers.OpCheck, 404, body("route_not_found"), providers.KindNotFound, false},
		{providers.OpPair, 408, "", providers.KindTimeout, true},
		{providers.OpPair, 422, "", providers.KindCodeUsed, false},
		{providers.OpCheck, 409, "", providers.KindProtocol, false},
		{providers.OpCheck, 302, "", providers.KindProtocol, false},
	}
	for _, c := range cases {
		e := httpError(c.op, c.status, []byte(c.body))
		if e.Kind != c.kind || e.Retryable != c.retryable {
			t.Errorf("%s %d %s: kind %v retryable %v, want %v %v", c.op, c.status, c.body, e.Kind, e.Retryable, c.kind, c.retryable)
		}
		if e.Provider != providers.SCI || e.Op != c.op || e.HTTPStatus != c.status || e.Message == "" {
			t.Errorf("%s %d: error fields not filled: %+v", c.op, c.status, *e)
		}
	}
}

func TestDecodePairRequiredFields(t *testing.T) {
	full := `{"pairing_id":"pid_1","key_id":"kid_1","signing_secret_part_b":"bb","sci_api_base_url":"https://a.example","confirmation_code":"1234","tid":12345678}`
	d, err := decodePair([]byte(`{"data":` + full + `}`))
	if err != nil || d.TID != "12345678" || d.BaseURL != "https://a.example" || d.ConfirmationCode != "1234" {
		t.Fatalf("full answer: %+v, %v", d, err)
	}
	legacy := strings.Replace(full, "sci_api_base_url", "spi_cloud_api_base_url", 1)
	if d, err := decodePair([]byte(`{"data":` + legacy + `}`)); err != nil || d.BaseURL != "https://a.example" {
		t.Fatalf("legacy base URL key: %+v, %v", d, err)
	}
	both := `{"data":{"pairing_id":"pid_1","key_id":"kid_1","signing_secret_part_b":"bb","sci_api_base_url":"https://new.example","spi_cloud_api_base_url":"https://old.example"}}`
	if d, err := decodePair([]byte(both)); err != nil || d.BaseURL != "https://new.example" {
		t.Fatalf("sci_api_base_url not preferred: %+v, %v", d, err)
	}
	for _, field := range []string{"pairing_id", "key_id", "signing_secret_part_b", "sci_api_base_url"} {
		body := strings.Replace(full, `"`+field+`"`, `"ignored"`, 1)
		_, err := decodePair([]byte(`{"data":` + body + `}`))
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("without %s: err %v", field, err)
		}
	}
	for _, bad := range []string{``, `null`, `{}`, `{"data":null}`, `{"data":[]}`, `{"data":{"pairing_id":{}}}`,
		`{"data":{"pairing_id":"pid/1","key_id":"kid_1","signing_secret_part_b":"b","sci_api_base_url":"https://a"}}`,
		`{"data":{"pairing_id":"pid_1","key_id":"kid \"1","signing_secret_part_b":"b","sci_api_base_url":"https://a"}}`} {
		if _, err := decodePair([]byte(bad)); err == nil {
			t.Errorf("decodePair(%s) succeeded", bad)
		}
	}
}

// The status text fallback must come from the status, not be invented.
func TestDecodeErrorUsesStatusText(t *testing.T) {
	for _, status := range []int{400, 401, 418, 500} {
		if _, msg := decodeError(status, nil); msg != http.StatusText(status) {
			t.Errorf("status %d: message %q", status, msg)
		}
	}
}

// The text fields of a pairing answer reach the screen, --json and the
// records file: format characters (bidi overrides, zero-width) are dropped.
func TestDecodePairDropsFormatCharacters(t *testing.T) {
	body := `{"data":{"pairing_id":"pid_1","key_id":"kid_1","signing_secret_part_b":"bb","sci_api_base_url":"https://a.example",` +
		`"confirmation_code":"12\u200b34","tid":"\u202e12345678\u202c","pairing_nickname":"Till\u2066 1\u2069","terminal_nickname":"Front\ufeff Bar\u200d"}}`
	d, err := decodePair([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if d.ConfirmationCode != "1234" || d.TID != "12345678" || d.PairingNickname != "Till 1" || d.TerminalNickname != "Front Bar" {
		t.Fatalf("decoded %+v", d)
	}
}
