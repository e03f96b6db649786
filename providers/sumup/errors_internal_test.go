package sumup

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Bodies as SumUp documents them [DOC S40] and the one live body [OBS T40].
const (
	trace      = "0d923b6a82ede80a5e0bd44312b0f0c7"
	live400    = `{"detail":"request validation failed","fields":[{"name":"","message":"missing property 'name'"}],"status":400,"title":"Bad Request","trace_id":"` + trace + `","type":"https://developer.sumup.com/problem/bad-request"}`
	code400    = `{"detail":"request validation failed","fields":[{"name":"/pairing_code","message":"minLength: got 3, want 8"}],"status":400,"title":"Bad Request","trace_id":"` + trace + `","type":"https://developer.sumup.com/problem/bad-request"}`
	spec400    = `{"type":"https://developer.sumup.com/problem/bad-request","title":"Bad Request","status":400,"detail":"Request validation failed."}`
	spec401    = `{"type":"https://developer.sumup.com/problem/unauthorized","title":"Unauthorized","status":401,"detail":"Authentication credentials are missing or invalid."}`
	spec403    = `{"type":"https://developer.sumup.com/problem/forbidden","title":"Forbidden","status":403,"detail":"You do not have permission to perform this action."}`
	spec404    = `{"type":"https://developer.sumup.com/problem/not-found","title":"Requested resource couldn't be found.","status":404,"detail":"The requested resource doesn't exist or does not belong to you.","trace_id":"` + trace + `"}`
	spec409    = `{"type":"https://developer.sumup.com/problem/conflict","title":"Conflict","status":409,"detail":"The request conflicts with the current state of the resource."}`
	spec429    = `{"type":"https://developer.sumup.com/problem/too-many-requests","title":"Too Many Requests","status":429,"detail":"Too many requests were sent. Please try again later."}`
	legacy400  = `{"errors":{"detail":"Bad request","type":"INVALID_BEARER_TOKEN"}}`
	legacyUA   = `{"errors":{"detail":"Bad request","type":"INVALID_USER_AGENT"}}`
	legacy401  = `{"errors":{"detail":"Unauthorized"}}`
	legacy401T = `{"errors":{"detail":"Unauthorized","type":"INVALID_ACCESS_TOKEN"}}`
	legacy404  = `{"errors":{"detail":"Not Found"}}`
)

func TestDecodeProblem(t *testing.T) {
	cases := []struct {
		name, body string
		want       *Problem
	}{
		{"live 400", live400, &Problem{Type: "https://developer.sumup.com/problem/bad-request", Title: "Bad Request",
			Detail: "request validation failed", Fields: []string{"missing property 'name'"}, TraceID: trace}},
		{"spec 404", spec404, &Problem{Type: "https://developer.sumup.com/problem/not-found", Title: "Requested resource couldn't be found.",
			Detail: "The requested resource doesn't exist or does not belong to you.", TraceID: trace}},
		{"title only", `{"title":"Conflict"}`, &Problem{Title: "Conflict"}},
		{"legacy typed", legacy400, &Problem{Legacy: true, Detail: "Bad request", Type: "INVALID_BEARER_TOKEN"}},
		{"legacy", legacy404, &Problem{Legacy: true, Detail: "Not Found"}},
		{"legacy message", `{"errors":{"message":"gone"}}`, &Problem{Legacy: true, Detail: "gone"}},
		{"status number as text", `{"type":"x","status":"400","detail":7}`, &Problem{Type: "x", Detail: "7"}},
		{"escapes cleaned", `{"type":"t","detail":"bad\u001b[31m\nred\u0007"}`, &Problem{Type: "t", Detail: "bad [31m red"}},
		{"bidi override dropped", `{"type":"t","detail":"code \u202eFEDCBA\u202c ok"}`, &Problem{Type: "t", Detail: "code FEDCBA ok"}},
		{"fields capped", `{"type":"t","fields":[{"message":"1"},{"message":""},{"message":"2"},{"message":"3"},{"message":"4"},{"message":"5"},{"message":"6"}]}`,
			&Problem{Type: "t", Fields: []string{"1", "2", "3", "4", "5"}}},
		{"fields not a list", `{"type":"t","fields":{"message":"x"}}`, &Problem{Type: "t"}},
		{"trace id with a space dropped", `{"type":"t","trace_id":"a b"}`, &Problem{Type: "t"}},
		{"trace id too long dropped", `{"type":"t","trace_id":"` + strings.Repeat("a", 65) + `"}`, &Problem{Type: "t"}},
		{"trace id escape dropped", `{"type":"t","trace_id":"ab\u001b[2J"}`, &Problem{Type: "t"}},
		{"neither shape", `{"message":"x"}`, nil},
		{"empty legacy", `{"errors":{}}`, nil},
		{"legacy a list", `{"errors":["x"]}`, nil},
		{"not JSON", `<html>`, nil},
		{"empty", ``, nil},
		{"array", `[]`, nil},
	}
	for _, c := range cases {
		if got := decodeProblem([]byte(c.body)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: decodeProblem = %+v, want %+v", c.name, got, c.want)
		}
	}
	long := decodeProblem([]byte(`{"type":"t","detail":"` + strings.Repeat("x", 5000) + `"}`))
	if n := len([]rune(long.Detail)); n != transport.MaxVendorText+1 {
		t.Errorf("a long detail is %d runes", n)
	}
}

func TestHTTPErrorMapping(t *testing.T) {
	pair, check, unpair := providers.OpPair, providers.OpCheck, providers.OpUnpair
	cases := []struct {
		op     string
		status int
		body   string
		kind   providers.Kind
		code   string
		retry  bool
		says   string // in Message
	}{
		{pair, 400, live400, providers.KindInvalidInput, CodeInvalidRequest, false, "rejected the pairing request (SumUp: request validation failed: missing property 'name'); SumUp trace ID " + trace},
		{pair, 400, code400, providers.KindInvalidCode, CodeInvalidRequest, false, "minLength: got 3, want 8"},
		{pair, 400, spec400, providers.KindInvalidCode, CodeInvalidRequest, false, "8 or 9 letters and digits shown on the Solo (SumUp: Request validation failed.)"},
		{check, 400, spec400, providers.KindProtocol, CodeInvalidRequest, false, "SumUp rejected the request"},
		{check, 400, legacy400, providers.KindCredentials, CodeUnauthorized, false, "API key is missing, invalid"},
		{check, 400, legacyUA, providers.KindProtocol, CodeInvalidRequest, false, "Bad request"},
		{pair, 401, spec401, providers.KindCredentials, CodeUnauthorized, false, "TILLPAIR_SUMUP_API_KEY"},
		{check, 401, legacy401, providers.KindCredentials, CodeUnauthorized, false, "tillpair setup sumup"},
		{check, 401, legacy401T, providers.KindCredentials, CodeUnauthorized, false, "INVALID_ACCESS_TOKEN"},
		{pair, 403, spec403, providers.KindCredentials, CodeForbidden, false, "may not pair readers"},
		{unpair, 403, spec403, providers.KindCredentials, CodeForbidden, false, "may not delete readers"},
		{pair, 404, spec404, providers.KindNotFound, CodeNoPendingReader, false, "no reader is waiting for that code"},
		{check, 404, spec404, providers.KindNotFound, CodeReaderNotFound, false, "deleted elsewhere"},
		{check, 404, legacy404, providers.KindNotFound, CodeReaderNotFound, false, "deleted elsewhere"},
		{pair, 409, spec409, providers.KindCodeUsed, CodeReaderNotPending, false, "already paired or pairing"},
		{check, 409, spec409, providers.KindProtocol, CodeUnexpected, false, "unexpected HTTP 409"},
		{pair, 429, spec429, providers.KindRateLimited, CodeRateLimited, true, "try again in a minute"},
		{pair, 500, `<html>oops</html>`, providers.KindServer, "", false, "server problem"},
		{check, 502, ``, providers.KindServer, "", true, "server problem"},
		{unpair, 503, spec404, providers.KindServer, "", true, "server problem"},
		{pair, 418, `{}`, providers.KindProtocol, CodeUnexpected, false, "unexpected HTTP 418"},
	}
	for _, c := range cases {
		e := httpError(c.op, &transport.Response{Status: c.status, Header: http.Header{}, Body: []byte(c.body)}, time.Time{})
		if e.Kind != c.kind || e.Code != c.code || e.Retryable != c.retry || e.HTTPStatus != c.status || e.Provider != ID || e.Op != c.op ||
			!strings.Contains(e.Message, c.says) {
			t.Errorf("%s %d %s:\n got %v %q retry %v: %s\nwant %v %q retry %v, saying %q", c.op, c.status, c.body, e.Kind, e.Code, e.Retryable, e.Message, c.kind, c.code, c.retry, c.says)
		}
		if prob := decodeProblem([]byte(c.body)); prob != nil {
			var got *Problem
			if !errors.As(e, &got) || !reflect.DeepEqual(got, prob) {
				t.Errorf("%s %d: the error does not wrap the problem %+v", c.op, c.status, prob)
			}
		}
	}
	// SumUp's text is left out where it only repeats the status.
	if e := httpError(check, &transport.Response{Status: 401, Body: []byte(`{"errors":{"detail":"Unauthorized."}}`)}, time.Time{}); strings.Contains(e.Message, "SumUp: ") {
		t.Errorf("repeated status text kept: %s", e.Message)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC)
	for v, want := range map[string]string{
		"":                              "a minute",
		"soon":                          "a minute",
		"-3":                            "a minute",
		"0":                             "a second",
		"2":                             "2 s",
		"89":                            "89 s",
		"90":                            "2 minutes",
		"600":                           "10 minutes",
		"99999999":                      "a day",
		"Thu, 08 May 2025 07:06:31 GMT": "30 s",
		"Thu, 08 May 2025 07:00:00 GMT": "a second",
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := retryAfter(h, now); got != want {
			t.Errorf("Retry-After %q = %q, want %q", v, got, want)
		}
	}
}

func TestDecodeReaderLenient(t *testing.T) {
	r, err := decodeReader([]byte(`{"id":"rdr_3MSAFM23CK82VSTT4BN6RWSQ65","name":"Front\u001bdesk","status":"Pairing_Again",
		"device":{"identifier":"U1DT3NA00-CN","model":"Go-Reader"},"created_at":"2023-05-09T14:50:20.214Z","updated_at":"nope","extra":{"x":1}}`))
	want := Reader{ID: "rdr_3MSAFM23CK82VSTT4BN6RWSQ65", Name: "Front desk", Status: "pairing_again", Serial: "U1DT3NA00-CN", Model: "go-reader",
		CreatedAt: time.Date(2023, 5, 9, 14, 50, 20, 214e6, time.UTC)}
	if err != nil || !reflect.DeepEqual(r, want) {
		t.Fatalf("decodeReader = %+v, %v\nwant %+v", r, err, want)
	}
	if st, ok := pairingStatus(r.Status); ok || st != providers.StatusUnknown {
		t.Errorf("an undocumented status maps to %v %v", st, ok)
	}
	for name, body := range map[string]string{
		"no id":        `{"status":"paired"}`,
		"id a path":    `{"id":"rdr_1/../x"}`,
		"id too long":  `{"id":"` + strings.Repeat("A", 65) + `"}`,
		"id an object": `{"id":{}}`,
		"not JSON":     `{`,
		"a list":       `[]`,
	} {
		if _, err := decodeReader([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for body, serial := range map[string]string{
		`{"id":"rdr_1","device":{"identifier":"200100010001"}}`: "200100010001",
		`{"id":"rdr_1","device":{"identifier":200100010001}}`:   "200100010001",
		`{"id":"rdr_1","device":{"identifier":"U1 DT"}}`:        "",
		`{"id":"rdr_1","device":{"identifier":"U1\u001b[2J"}}`:  "",
		`{"id":"rdr_1","device":null,"status":null}`:            "",
	} {
		r, err := decodeReader([]byte(body))
		if err != nil || r.Serial != serial || r.Status == "" {
			t.Errorf("%s: %+v, %v; want serial %q", body, r, err, serial)
		}
	}
	list, skipped, err := decodeReaders([]byte(`{"items":[{"id":"rdr_A","status":"paired"},{"id":"bad/id"},7,{"id":"rdr_B"}]}`))
	if err != nil || skipped != 2 || len(list) != 2 || list[0].ID != "rdr_A" || list[1].Status != StatusUnknown {
		t.Errorf("decodeReaders = %+v, %d, %v", list, skipped, err)
	}
	for _, body := range []string{`{}`, `{"items":null}`, `[]`, `{"items":{}}`} {
		if _, _, err := decodeReaders([]byte(body)); err == nil {
			t.Errorf("decodeReaders(%s) accepted", body)
		}
	}
}

func TestDecodeStatus(t *testing.T) {
	s, err := decodeStatus([]byte(`{"data":{"battery_level":10,"battery_temperature":35,"connection_type":"Wi-Fi",
		"firmware_version":"3.3.3.21","last_activity":"2025-09-25T15:20:00Z","state":"IDLE","status":"ONLINE"}}`))
	ten := 10.0
	want := DeviceStatus{Status: DeviceOnline, State: "IDLE", Battery: &ten, ConnectionType: "Wi-Fi", Firmware: "3.3.3.21",
		LastActivity: time.Date(2025, 9, 25, 15, 20, 0, 0, time.UTC)}
	if err != nil || !reflect.DeepEqual(s, want) {
		t.Fatalf("decodeStatus = %+v, %v", s, err)
	}
	for body, battery := range map[string]any{
		`{"data":{"status":"OFFLINE","battery_level":null}}`:  nil,
		`{"data":{"status":"OFFLINE"}}`:                       nil,
		`{"data":{"status":"OFFLINE","battery_level":101}}`:   nil,
		`{"data":{"status":"OFFLINE","battery_level":-1}}`:    nil,
		`{"data":{"status":"OFFLINE","battery_level":"50"}}`:  nil,
		`{"data":{"status":"OFFLINE","battery_level":0}}`:     0.0,
		`{"data":{"status":"OFFLINE","battery_level":99.75}}`: 99.75,
	} {
		s, err := decodeStatus([]byte(body))
		var got any
		if s.Battery != nil {
			got = *s.Battery
		}
		if err != nil || got != battery {
			t.Errorf("%s: battery %v, %v; want %v", body, got, err, battery)
		}
	}
	if s, err := decodeStatus([]byte(`{"data":{"status":"sleeping","state":"new_state\u0007"}}`)); err != nil || s.Status != "SLEEPING" || s.State != "NEW_STATE" {
		t.Errorf("unknown enums = %+v, %v", s, err)
	}
	for _, body := range []string{`{"data":{}}`, `{"data":{"status":""}}`, `{}`, `{"data":[]}`, `<html>`} {
		if _, err := decodeStatus([]byte(body)); err == nil {
			t.Errorf("decodeStatus(%s) accepted", body)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{"4wlf-dsbf": "4WLFDSBF", " 918 MPQ HZ\t": "918MPQHZ", "ABC": "ABC"} {
		if got, err := normalizeCode(providers.OpPair, in); err != nil || got != want {
			t.Errorf("normalizeCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", " - ", "ABCD_EFG", "ÄBCDEFGH", "ABCD\nEFG", strings.Repeat("A", 17)} {
		if _, err := normalizeCode(providers.OpPair, in); providers.KindOf(err) != providers.KindInvalidCode {
			t.Errorf("normalizeCode(%q) = %v", in, err)
		}
	}
}
