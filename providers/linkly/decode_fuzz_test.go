package linkly

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var answerSeeds = []string{
	`{"secret":"test12345secret"}`, `{"Secret":"abc"}`, `{"secret":""}`, `{"secret":null}`, `{}`,
	`{"token":"t0k","expirySeconds":1800}`, `{"Token":"t","ExpirySeconds":"60"}`, `{"token":"t","expirySeconds":-1}`,
	`[{"responseType":"status","success":true,"responseCode":"00","responseText":"APPROVED            ","loggedOn":true,"pinPadSerialNumber":"123456789012345A","catId":"12345678","retailerName":"SHOP"}]`,
	`[{"ResponseType":"display","Success":"yes"}]`, `[1]`, `[]`, `null`, `{`, ``, "\x1b[31m",
	`[{"responseType":"status","responseText":"\u202eevil\u0007","catId":"12-34","pinPadSerialNumber":"\u0000"}]`,
}

func seedAnswers(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
}

// visible: what reaches a header or a JSON body is visible ASCII only.
func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return s != ""
}

func FuzzDecodeSecret(f *testing.F) {
	seedAnswers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSecret(body)
		if err != nil {
			if !s.IsZero() {
				t.Fatalf("body %q: a secret with an error", body)
			}
			return
		}
		if !visible(s.Reveal()) || s.Len() > maxCredential {
			t.Fatalf("body %q: accepted a secret of %d bytes that is not visible ASCII", body, s.Len())
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	seedAnswers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, d, err := decodeToken(body)
		if err != nil {
			return
		}
		if !visible(tok.Reveal()) || tok.Len() > maxCredential || d < time.Second || d > maxExpiry || d%time.Second != 0 {
			t.Fatalf("body %q: accepted a token of %d bytes valid %s", body, tok.Len(), d)
		}
		if r := refreshAt(time.Time{}, d); !r.After(time.Time{}) || !r.Before(time.Time{}.Add(d)) {
			t.Fatalf("body %q: a token valid %s is renewed at %s", body, d, r.Sub(time.Time{}))
		}
	})
}

// Every text an event carries is printable, bounded and free of control
// and format characters; identifiers are letters and digits.
func FuzzDecodeEvents(f *testing.F) {
	seedAnswers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := decodeEvents(body)
		if err != nil {
			return
		}
		if len(events) > maxEvents {
			t.Fatalf("body %q: %d events", body, len(events))
		}
		for _, ev := range events {
			for _, s := range []string{ev.ResponseType, ev.ResponseCode, ev.ResponseText, ev.RetailerName, ev.Serial, ev.CatID} {
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 201 || strings.IndexFunc(s, func(r rune) bool {
					return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
				}) >= 0 {
					t.Fatalf("body %q: unsafe text %q", body, s)
				}
			}
			for _, id := range []string{ev.Serial, ev.CatID} {
				if strings.IndexFunc(id, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) >= 0 {
					t.Fatalf("body %q: identifier %q", body, id)
				}
			}
			if len(ev.Serial) > maxSerial || len(ev.CatID) > maxTID || utf8.RuneCountInString(ev.ResponseCode) > maxCode {
				t.Fatalf("body %q: long field in %+v", body, ev)
			}
		}
	})
}
