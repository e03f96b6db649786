package square

import (
	"net/http"
	"regexp"
	"testing"
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

var (
	fuzzCodeRE  = regexp.MustCompile(`^[A-Z0-9]{6,12}$`)
	fuzzIdentRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

func identOK(s string) bool { return s == "" || fuzzIdentRE.MatchString(s) }

var codeSeeds = []string{
	`{"device_code":{"id":"B3Z6NAMYQSMTM","name":"Counter 1","code":"EBCARJ","product_type":"TERMINAL_API","location_id":"B5E4484SHHNYH","created_at":"2020-02-06T18:44:33.000Z","pair_by":"2020-02-06T18:49:33.000Z","status":"UNPAIRED","status_changed_at":"2020-02-06T18:44:33.000Z"}}`,
	`{"device_code":{"code":"EBCARJ","device_id":"907CS13101300122","id":"B3Z6NAMYQSMTM","status":"PAIRED","paired_at":"2020-02-06T18:47:28.000Z"}}`,
	`{"device_code":{"id":"X","code":"123456789012","product_type":"RESTAURANT","status":"SOMETHING_NEW"}}`,
	`{"device_code":{"id":"X","code":"ebcarj","device_id":"a/b","status":null}}`,
	`{"device_code":{"id":"X","code":"EB-CARJ","name":"\u001b[2J\u202eevil","status":7}}`,
	`{"device_code":{"id":"a/b"}}`, `{"device_code":{"id":1e999}}`, `{"device_code":null}`, `[]`, `null`, `{`, ``,
}

func FuzzDecodeDeviceCode(f *testing.F) {
	for _, s := range codeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := decodeDeviceCode(body)
		if err != nil {
			return
		}
		if !idOK(d.ID) || d.Status == "" || d.Code != "" && !fuzzCodeRE.MatchString(d.Code) ||
			!identOK(d.DeviceID) || !identOK(d.LocationID) {
			t.Fatalf("body %q: accepted %+v", body, d)
		}
		printable(t, "name", d.Name, transport.MaxVendorText+1)
		printable(t, "status", d.Status, maxEnum)
		printable(t, "product type", d.ProductType, maxEnum)
	})
}

func FuzzDecodeDevice(f *testing.F) {
	for _, s := range []string{
		`{"device":{"id":"device:995CS397A6475287","attributes":{"type":"TERMINAL","manufacturer":"Square","model":"Square Terminal","name":"Square Terminal 5287","manufacturers_id":"995CS397A6475287","updated_at":"2026-02-06T18:47:28Z","version":"5.57.0067","merchant_token":"M"},"components":[{"type":"APPLICATION","application_details":{"application_type":"TERMINAL_API","version":"6.77","session_location":"L1","device_code_id":"B3Z6NAMYQSMTM"}},{"type":"BATTERY","battery_details":{"visible_percent":42,"external_power":"AVAILABLE_CHARGING"}}],"status":{"category":"AVAILABLE"}}}`,
		`{"device":{"id":"device:1","status":{"category":"SLEEPING"},"components":[{"type":"BATTERY","battery_details":{"visible_percent":1e400}}]}}`,
		`{"device":{"id":"995CS","status":{"category":"OFFLINE"}}}`, `{"device":{"id":"device:a/b","status":{"category":"OFFLINE"}}}`,
		`{"device":{"id":"device:1","status":{}}}`, `{"device":{"id":"device:1","status":{"category":"x"},"components":[null,1,{"type":{}}]}}`,
		`{"device":null}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := decodeDevice(body)
		if err != nil {
			return
		}
		if d.ID != devicePrefix+d.ID[len(devicePrefix):] || !identOK(d.Serial) || d.Serial == "" || d.Category == "" ||
			d.DeviceCodeID != "" && !idOK(d.DeviceCodeID) || !identOK(d.Location) ||
			d.Battery != nil && !(*d.Battery >= 0 && *d.Battery <= 100) {
			t.Fatalf("body %q: accepted %+v", body, d)
		}
		printable(t, "name", d.Name, transport.MaxVendorText+1)
		printable(t, "model", d.Model, maxModel)
		printable(t, "category", d.Category, maxEnum)
		h := health(d)
		printable(t, "health detail", h.Detail, 400)
	})
}

// FuzzHTTPError: every error answer, in any shape, for every operation,
// is a typed error with a Kind and a clean, bounded message.
func FuzzHTTPError(f *testing.F) {
	for _, s := range []string{
		`{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}`,
		`{"errors":[{"code":"NOT_FOUND","detail":"not found","category":"INVALID_REQUEST_ERROR"}]}`,
		`{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_LONG","field":"device_code.name"},{"code":"X"}]}`,
		`{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"INVALID_VALUE","field":"device_code.location_id"}]}`,
		`{"errors":[{"code":"IDEMPOTENCY_KEY_REUSED"}]}`, `{"errors":[{"code":{},"detail":"\u001b]0;x\u0007"}]}`,
		`{"errors":null}`, `{"errors":{}}`, `<html>`, ``,
	} {
		f.Add(400, []byte(s), "1")
	}
	f.Add(429, []byte(`{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}`), "30")
	f.Add(500, []byte(`{}`), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retry string) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		for _, op := range []string{providers.OpPair, providers.OpCheck, providers.OpUnpair} {
			e := httpError(op, &transport.Response{Status: status, Header: h, Body: body})
			if e.Kind == providers.KindUnknown || e.Provider != ID || e.HTTPStatus != status || e.Message == "" || e.Code == "" {
				t.Fatalf("httpError(%s, %d, %q) = %+v", op, status, body, e)
			}
			printable(t, "message", e.Message, 1200)
			printable(t, "code", e.Code, maxEnum)
			if errs := decodeErrors(body); len(errs) > maxErrors {
				t.Fatalf("%d errors kept", len(errs))
			}
			if w, ok := wording(e); ok {
				printable(t, "wording detail", w.Detail, 1200)
			}
		}
	})
}
