package sumup

import (
	"net/http"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// printable fails the test if s (cloud text on its way to a screen, a log
// or the records file) holds a control or format character or is longer
// than max runes.
func printable(t *testing.T, what, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		t.Fatalf("%s %q: invalid UTF-8 or longer than %d runes", what, s, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("%s %q holds control or format character %U", what, s, r)
		}
	}
}

// checkReader: an accepted reader has a path-safe id, a status, and only
// clean, bounded text.
func checkReader(t *testing.T, body []byte, r Reader) {
	t.Helper()
	if !readerIDOK(r.ID) || r.ID == "" || r.Status == "" {
		t.Fatalf("body %q: accepted reader %+v", body, r)
	}
	if r.Serial != "" && serial(r.Serial) != r.Serial {
		t.Fatalf("body %q: serial %q is not shaped like one", body, r.Serial)
	}
	printable(t, "name", r.Name, transport.MaxVendorText+1)
	printable(t, "status", r.Status, maxState)
	printable(t, "model", r.Model, maxModel)
}

var readerSeeds = []string{
	`{"id":"rdr_3MSAFM23CK82VSTT4BN6RWSQ65","name":"Frontdesk","status":"processing","device":{"identifier":"U1DT3NA00-CN","model":"solo"},"created_at":"2023-05-09T14:50:20.214Z","updated_at":"2023-05-09T14:52:58.714Z"}`,
	`{"id":"rdr_1","status":"paired","device":{"identifier":200100010001,"model":"virtual-solo"},"service_account_id":"x"}`,
	`{"id":"rdr_1","status":null,"device":null}`, `{"id":"a/b"}`, `{"id":"` + "\u00e9" + `"}`, `{"id":1e999}`,
	`[]`, `null`, `{`, ``, `{"id":"rdr_1","name":"\u001b[2J\u202e"}`,
}

func FuzzDecodeReader(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if r, err := decodeReader(body); err == nil {
			checkReader(t, body, r)
		}
	})
}

func FuzzDecodeReaders(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(`{"items":[` + s + `]}`))
	}
	f.Add([]byte(`{"items":[]}`))
	f.Add([]byte(`{"items":null}`))
	f.Add([]byte(`{"items":[1,"x",null,{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		list, skipped, err := decodeReaders(body)
		if err != nil {
			return
		}
		if skipped < 0 {
			t.Fatalf("skipped %d", skipped)
		}
		for _, r := range list {
			checkReader(t, body, r)
		}
	})
}

func FuzzDecodeStatus(f *testing.F) {
	for _, s := range []string{
		`{"data":{"battery_level":10,"battery_temperature":35,"connection_type":"Wi-Fi","firmware_version":"3.3.3.21","last_activity":"2025-09-25T15:20:00Z","state":"IDLE","status":"ONLINE"}}`,
		`{"data":{"status":"OFFLINE","battery_level":null}}`, `{"data":{"status":"x","battery_level":1e400}}`,
		`{"data":{"status":"ONLINE","battery_level":-0.0}}`, `{"data":{}}`, `{"data":null}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeStatus(body)
		if err != nil {
			return
		}
		if s.Status == "" || s.Battery != nil && !(*s.Battery >= 0 && *s.Battery <= 100) {
			t.Fatalf("body %q: accepted %+v", body, s)
		}
		for what, v := range map[string]string{"status": s.Status, "state": s.State, "connection": s.ConnectionType, "firmware": s.Firmware} {
			printable(t, what, v, maxState)
		}
	})
}

// FuzzHTTPError: every error answer, in any shape, for every operation,
// is a typed error with a Kind, a clean bounded message, and a trace id
// only when it is shaped like one.
func FuzzHTTPError(f *testing.F) {
	for _, s := range []string{live400, code400, spec400, spec401, spec404, spec409, spec429, legacy400, legacyUA, legacy401T, legacy404,
		`<html>`, ``, `{"type":{},"fields":[{"message":{}}],"trace_id":1}`, `{"errors":{"detail":"\u001b]0;x\u0007"}}`} {
		f.Add(400, []byte(s), "2")
	}
	f.Add(429, []byte(spec429), "Thu, 08 May 2025 07:06:31 GMT")
	f.Add(500, []byte(`{}`), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retry string) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		for _, op := range []string{providers.OpPair, providers.OpCheck, providers.OpUnpair} {
			e := httpError(op, &transport.Response{Status: status, Header: h, Body: body}, time.Time{})
			if e.Kind == providers.KindUnknown || e.Provider != ID || e.HTTPStatus != status || e.Message == "" {
				t.Fatalf("httpError(%s, %d, %q) = %+v", op, status, body, e)
			}
			// Our words, two bounded cloud texts (detail and fields
			// cleaned one by one), the trace id.
			printable(t, "message", e.Message, 2000)
			if prob := problemOf(e); prob != nil && prob.TraceID != "" && traceID(prob.TraceID) != prob.TraceID {
				t.Fatalf("trace id %q kept", prob.TraceID)
			}
			if w, ok := wording(e); ok {
				printable(t, "wording detail", w.Detail, 3000)
			}
		}
	})
}
