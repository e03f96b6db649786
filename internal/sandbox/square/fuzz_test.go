package square

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// requestCodes are the codes a request decoder may answer.
var requestCodes = map[string]bool{
	"EXPECTED_JSON_BODY": true, "EXPECTED_STRING": true, "EXPECTED_OBJECT": true, "EXPECTED_INTEGER": true,
	"BAD_REQUEST": true, "MISSING_REQUIRED_PARAMETER": true, "VALUE_TOO_SHORT": true, "VALUE_TOO_LONG": true,
	"INVALID_ENUM_VALUE": true, "INVALID_VALUE": true,
}

func checkRequestErrors(t *testing.T, errs []squareError) {
	t.Helper()
	for _, e := range errs {
		if e.status != http.StatusBadRequest || e.Category != catRequest || !requestCodes[e.Code] || e.Detail == "" {
			t.Fatalf("decoder error %+v", e)
		}
	}
}

// A create body either decodes to a request within every documented limit
// or is refused with 400 request errors — never a panic, and the same
// answer for the same body.
func FuzzDecodeCreate(f *testing.F) {
	for _, s := range []string{
		`{"idempotency_key":"01bb00a6-0c86-4770-94ed-f5fca973cd56","device_code":{"name":"Counter 1","location_id":"B5E4484SHHNYH","product_type":"TERMINAL_API"}}`,
		`{"idempotency_key":"k","device_code":{"product_type":"TERMINAL_API","status":"PAIRED"}}`,
		`{"idempotency_key":null,"device_code":{"name":null,"product_type":"TERMINAL_API"}}`,
		`{}`, `[]`, `null`, ``, `{"device_code":"x"}`, `{"idempotency_key":"k","device_code":{"product_type":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, errs := decodeCreate(body)
		again, errs2 := decodeCreate(body)
		if !reflect.DeepEqual(req, again) || !reflect.DeepEqual(errs, errs2) {
			t.Fatal("decodeCreate is not deterministic")
		}
		checkRequestErrors(t, errs)
		if len(errs) > 0 {
			return
		}
		k, dc := req.IdempotencyKey, req.DeviceCode
		if k == nil || *k == "" || utf8.RuneCountInString(*k) > maxKeyLen || dc == nil || dc.ProductType == nil || *dc.ProductType != productTerminalAPI ||
			dc.Name != nil && utf8.RuneCountInString(*dc.Name) > maxNameLen || dc.LocationID != nil && utf8.RuneCountInString(*dc.LocationID) > maxLocationID {
			t.Fatalf("accepted %q as %+v", body, req)
		}
	})
}

// List queries decode to valid values or request errors.
func FuzzListQueries(f *testing.F) {
	for _, s := range []string{"", "status=PAIRED&location_id=L1", "status=LIVE", "status=A&status=B", "product_type=TERMINAL_API",
		"sort_order=ASC&limit=5", "limit=0", "limit=x", "limit=%00", "cursor=abc&sort_order=DESC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		codes, errs := decodeCodesQuery(q)
		checkRequestErrors(t, errs)
		if len(errs) == 0 {
			switch codes.status {
			case "", StatusUnknown, StatusUnpaired, StatusPaired, StatusExpired:
			default:
				t.Fatalf("accepted status %q", codes.status)
			}
			if codes.productType != "" && codes.productType != productTerminalAPI {
				t.Fatalf("accepted product_type %q", codes.productType)
			}
		}
		devs, errs := decodeDevicesQuery(q)
		checkRequestErrors(t, errs)
		if len(errs) == 0 && (devs.sortOrder != "ASC" && devs.sortOrder != "DESC" || devs.limit < 0 || devs.limit > maxPageLimit) {
			t.Fatalf("accepted %+v", devs)
		}
	})
}

// A cursor reads back only with the filter it was made for; anything else
// is refused, never a panic or a position before the first item.
func FuzzCursor(f *testing.F) {
	f.Add("r=list-codes&m=M", 3, "cmVxdWVzdA")
	f.Add("", 1, "")
	f.Add("a#b", 12, "YSNiIzU")
	f.Fuzz(func(t *testing.T, filter string, seq int, other string) {
		if seq >= 1 {
			if got, ok := decodeCursor(cursorAt(filter, seq), filter); !ok || got != seq {
				t.Fatalf("cursorAt(%q, %d) read back as %d, %v", filter, seq, got, ok)
			}
			if filter != "" {
				if _, ok := decodeCursor(cursorAt(filter, seq), filter+"x"); ok {
					t.Fatal("a cursor was accepted for another filter")
				}
			}
		}
		if n, ok := decodeCursor(other, filter); ok && n < 1 {
			t.Fatalf("cursor %q gave position %d", other, n)
		}
	})
}

// A device id comes only from a path whose last segment has its colon
// escaped; the decoded id is exactly that segment unescaped.
func FuzzDeviceIDFromPath(f *testing.F) {
	for _, s := range []string{"/square/v2/devices/device%3A995CS397A6475287", "/square/v2/devices/device:995", "/square/v2/devices/%zz", "", "/", "device%3a1%2F2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		id, ok := deviceIDFromPath(path)
		seg := path[strings.LastIndexByte(path, '/')+1:]
		if !ok {
			return
		}
		if strings.Contains(seg, ":") {
			t.Fatalf("accepted a raw colon in %q", path)
		}
		if want, err := url.PathUnescape(seg); err != nil || want != id {
			t.Fatalf("%q gave id %q", path, id)
		}
	})
}
