package transport_test

import (
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

func TestIsLoopback(t *testing.T) {
	cases := map[string]bool{
		"127.0.0.1":        true,
		"127.8.9.10":       true,
		"::1":              true,
		"[::1]":            true,
		"127.0.0.1:8080":   true,
		"[::1]:443":        true,
		"localhost":        true,
		"LocalHost":        true,
		"localhost:9000":   true,
		"128.0.0.1":        false,
		"10.0.0.1":         false,
		"::2":              false,
		"localhost.evil":   false,
		"example.com":      false,
		"":                 false,
		"0.0.0.0":          false,
		"127.0.0.1.nip.io": false,
	}
	for host, want := range cases {
		if got := transport.IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	ok := []string{
		"https://sci-pairing-api.integrations.mx51.io",
		"https://example.com:8443/base/",
		"http://127.0.0.1:5000/sci-pairing",
		"http://[::1]:5000",
		"http://localhost/x",
		"HTTPS://Example.com",
	}
	for _, raw := range ok {
		u, err := transport.CheckURL("sci", "TILLPAIR_SCI_PAIRING_URL", raw)
		if err != nil {
			t.Errorf("CheckURL(%q) = %v, want ok", raw, err)
			continue
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			t.Errorf("CheckURL(%q) scheme %q not normalised", raw, u.Scheme)
		}
	}

	bad := map[string]string{
		"http://example.com":               "must use https://",
		"http://10.1.2.3:80":               "plain http is only allowed for loopback",
		"https://user:hunter2@example.com": "must not contain a user name or password",
		"https://user@example.com":         "must not contain a user name or password",
		"ftp://example.com":                "must be an absolute https:// URL",
		"example.com/path":                 "must be an absolute https:// URL",
		"https://":                         "has no host name",
		"https:///path":                    "has no host name",
		"":                                 "is empty",
		"https://exa mple.com":             "is not a valid URL",
	}
	for raw, want := range bad {
		_, err := transport.CheckURL("sci", "TILLPAIR_SCI_PAIRING_URL", raw)
		pe, isPE := providers.AsError(err)
		if !isPE {
			t.Errorf("CheckURL(%q) = %v, want *providers.Error", raw, err)
			continue
		}
		if pe.Kind != providers.KindConfig || pe.Provider != "sci" {
			t.Errorf("CheckURL(%q): kind %v provider %q, want config/sci", raw, pe.Kind, pe.Provider)
		}
		if !strings.HasPrefix(pe.Message, "TILLPAIR_SCI_PAIRING_URL ") || !strings.Contains(pe.Message, want) {
			t.Errorf("CheckURL(%q) message %q, want it to name the setting and contain %q", raw, pe.Message, want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("CheckURL(%q) leaked the password: %q", raw, err)
		}
	}
}

// A rejected URL is repeated as typed: re-escaped ("not%20a%20url") the
// user would not recognise it.
func TestCheckURLEchoesWhatWasTyped(t *testing.T) {
	cases := map[string]string{
		"not a url":              `must be an absolute https:// URL, got "not a url"`,
		"http://example.com/a b": `must use https:// (plain http is only allowed for loopback hosts such as 127.0.0.1), got "http://example.com/a b"`,
		"https:///pä th":         `has no host name, got "https:///pä th"`,
		"ftp://h/x?q=1 2":        `got "ftp://h/x?q=1 2"`,
		// Opaque: parses with no user info, yet the part before @ may be
		// a password.
		"user:hunter2@example.com": `got "…@example.com"`,
		// %q escapes a C1 control character (CSI) instead of sending it
		// to the terminal.
		"ftp://h/\u009b2J": `got "ftp://h/\u009b2J"`,
	}
	for raw, want := range cases {
		_, err := transport.CheckURL("sci", "TILLPAIR_SCI_PAIRING_URL", raw)
		if err == nil {
			t.Errorf("CheckURL(%q) accepted", raw)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckURL(%q) = %q, want it to contain %q", raw, err, want)
		}
		if strings.Contains(err.Error(), "%20") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("CheckURL(%q) = %q: re-escaped or leaked", raw, err)
		}
	}
}

func TestParseURLWithoutLoopbackHTTP(t *testing.T) {
	if _, err := transport.ParseURL("http://127.0.0.1:9/x", false); err == nil {
		t.Fatal("loopback http accepted although not allowed")
	}
	if _, err := transport.ParseURL("https://127.0.0.1:9/x", false); err != nil {
		t.Fatalf("loopback https rejected: %v", err)
	}
}

func TestCleanText(t *testing.T) {
	long := strings.Repeat("é", transport.MaxVendorText+5)
	cases := []struct{ in, want string }{
		{"  Pairing  not\tfound \n", "Pairing not found"},
		{"evil\x1b[2Jclear", "evil [2Jclear"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"paid\u202e0001\u202c \u200bok\u2066", "paid0001 ok"},
		{long, strings.Repeat("é", transport.MaxVendorText) + "…"},
		{"", ""},
		// Format characters (Cf) would reorder or hide what is shown.
		{"TID \u202e87654321\u202c", "TID 87654321"},
		{"\u2066Bar\u2069 \u2067one\u2068", "Bar one"},
		{"Front\u200b\u200c\u200dBar\ufeff", "FrontBar"},
		{"\u00adsoft\u2060joiner\U000e0001tag", "softjoinertag"},
		{"\u202e", ""},
	}
	for _, c := range cases {
		if got := transport.CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckShape(t *testing.T) {
	code := transport.Shape{Field: "confirmation_code", Digits: true, Min: 4, Max: 8}
	tid := transport.Shape{Field: "tid", Min: 1, Max: 32}
	cases := []struct {
		v     string
		shape transport.Shape
		bad   string // a fragment of the error, "" if the value fits
	}{
		{"1234", code, ""},
		{"12345678", code, ""},
		{"123", code, "3 characters long"},
		{"123456789", code, "9 characters long"},
		{"12a4", code, `'a'`},
		{"12;4", code, `';'`},
		{"[2J1", code, `'['`},
		{"", code, "0 characters"},
		{"12345678", tid, ""},
		{"tid123", tid, ""},
		{"T-1_a", tid, ""},
		{"12 34", tid, `' '`},
		{"1234é", tid, "U+00E9"},
		{strings.Repeat("1", 33), tid, "33 characters long"},
	}
	for _, c := range cases {
		err := transport.CheckShape(c.v, c.shape)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s %q: %v", c.shape.Field, c.v, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad) || !strings.Contains(err.Error(), c.shape.Field)):
			t.Errorf("%s %q: err %v, want one naming the field and %s", c.shape.Field, c.v, err, c.bad)
		}
	}
}
