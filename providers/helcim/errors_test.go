package helcim_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers/helcim"
)

func TestDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", 500)
	cases := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"string", 401, `{"errors":"Unauthorized"}`, "Unauthorized"},
		{"list", 400, `{"errors":["code is required","limit is too big"]}`, "code is required; limit is too big"},
		{"list with blanks and numbers", 400, `{"errors":["a","",7,null]}`, "a; 7"},
		{"map sorted", 400, `{"errors":{"limit":"too big","code":"too long"}}`, "code: too long; limit: too big"},
		{"map of lists", 400, `{"errors":{"b":["one","two"],"a":"x"}}`, "a: x; b: one; two"},
		{"map with empty message", 400, `{"errors":{"code":""}}`, "code"},
		{"empty errors", 404, `{"errors":""}`, "Not Found"},
		{"null errors", 409, `{"errors":null}`, "Conflict"},
		{"message only", 403, `{"message":"No access permission"}`, "No access permission"},
		{"other JSON object", 500, `{"status":"bad"}`, "Internal Server Error"},
		{"bare JSON string", 502, `"gateway trouble"`, "gateway trouble"},
		{"bare JSON array", 400, `["a","b"]`, "a; b"},
		{"plain text", 503, "  upstream\tconnect error\n ", "upstream connect error"},
		{"html page", 502, "<html><body>Bad Gateway</body></html>", "Bad Gateway"},
		{"empty", 429, "", "Too Many Requests"},
		{"whitespace", 500, " \n ", "Internal Server Error"},
		{"unknown status", 599, "", "HTTP 599"},
		{"escape sequence", 400, `{"errors":"bad\u001b[31mred"}`, "bad [31mred"},
		{"format characters", 400, `{"errors":"bad \u202ecode\u2066 \u200b"}`, "bad code"},
		{"invalid utf-8", 400, "caf\xe9", "caf\uFFFD"},
		{"capped", 400, `{"errors":"` + long + `"}`, strings.Repeat("x", 200) + "…"},
	}
	for _, c := range cases {
		if got := helcim.DecodeErrors(c.status, []byte(c.body)); got != c.want {
			t.Errorf("%s: DecodeErrors(%d, %q) = %q, want %q", c.name, c.status, c.body, got, c.want)
		}
	}
}

func FuzzDecodeErrors(f *testing.F) {
	for _, seed := range []string{
		`{"errors":"Unauthorized"}`, `{"errors":["a","b"]}`, `{"errors":{"x":"y","a":["b",1]}}`,
		`{"errors":{"a":{"b":{"c":[[[]]]}}}}`, `{"message":1e999}`, `[`, "<html>", "", "\x00\xff",
		`{"errors":[{"field":"code"}]}`, `{"errors":true}`,
	} {
		f.Add(400, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		got := helcim.DecodeErrors(status, body)
		if got == "" || !utf8.ValidString(got) {
			t.Fatalf("DecodeErrors(%d, %q) = %q: empty or invalid UTF-8", status, body, got)
		}
		if utf8.RuneCountInString(got) > 201 && !strings.HasPrefix(got, "HTTP ") {
			t.Fatalf("DecodeErrors(%d, %q) is %d runes long", status, body, utf8.RuneCountInString(got))
		}
		for _, r := range got {
			if unicode.IsControl(r) {
				t.Fatalf("DecodeErrors(%d, %q) = %q contains a control character", status, body, got)
			}
		}
	})
}

func TestDecodeErrorsIgnoresDeepNesting(t *testing.T) {
	body := `{"errors":{"a":{"b":{"c":"deep"}},"d":"shallow"}}`
	if got := helcim.DecodeErrors(400, []byte(body)); got != "a: b; d: shallow" {
		t.Fatalf("got %q", got)
	}
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	if got := helcim.DecodeErrors(400, []byte(`{"errors":`+deep+`}`)); got != "Bad Request" {
		t.Fatalf("deeply nested: got %q", got)
	}
}
