package sumup

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeSeeds are bodies for both decoders' corpora.
var decodeSeeds = []string{
	`{"pairing_code":"4WLFDSBF","name":"Frontdesk"}`,
	`{"pairing_code":"918MPQHZ","name":"Till 3","metadata":{"tillpair_register":"till-3"}}`,
	`{"pairing_code":"4WLFDSBF"}`,
	`{"name":"x","metadata":{"a":1}}`,
	`{"pairing_code":12345678,"name":null,"metadata":[]}`,
	`{"pairing_code":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9","name":"\ud83d\ude00"}`,
	`[]`, `null`, `"x"`, `{`, ``, `{"a":1,"a":2}`, " \n{}\t",
}

func seed(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
}

// accepted checks what both decoders promise about a refusal — only a body
// that is not JSON at all is errNotJSON; every failed field says where (a
// JSON pointer) and what — and reports whether the body was accepted.
func accepted(t *testing.T, body []byte, fields []field, err error) bool {
	t.Helper()
	if err != nil {
		if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && json.Valid(trimmed) {
			t.Fatalf("valid JSON %q refused as not JSON", body)
		}
		return false
	}
	for _, f := range fields {
		if f.Message == "" || (f.Name != "" && !strings.HasPrefix(f.Name, "/")) {
			t.Fatalf("body %q: field %+v", body, f)
		}
	}
	return len(fields) == 0
}

// checkMetadata: an accepted metadata is one compact JSON object of at most
// 64 members.
func checkMetadata(t *testing.T, body []byte, md json.RawMessage) {
	t.Helper()
	if md == nil {
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(md, &m); err != nil || m == nil || len(m) > maxMetadataKeys {
		t.Fatalf("body %q: accepted metadata %s (%v)", body, md, err)
	}
	var compact bytes.Buffer
	if json.Compact(&compact, md) != nil || compact.String() != string(md) {
		t.Fatalf("body %q: metadata %s is not compact", body, md)
	}
}

func FuzzDecodeCreate(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, fields, err := decodeCreate(body)
		if !accepted(t, body, fields, err) {
			return
		}
		if n := utf8.RuneCountInString(req.PairingCode); n < minCodeLen || n > maxCodeLen {
			t.Fatalf("body %q: accepted a %d-character code", body, n)
		}
		if n := utf8.RuneCountInString(req.Name); n > maxNameLen {
			t.Fatalf("body %q: accepted a %d-character name", body, n)
		}
		checkMetadata(t, body, req.Metadata)
		// What was accepted, sent again, is accepted as the same request.
		again := map[string]any{"pairing_code": req.PairingCode, "name": req.Name}
		if req.Metadata != nil {
			again["metadata"] = req.Metadata
		}
		req2, fields2, err2 := decodeCreate(marshal(again))
		if err2 != nil || len(fields2) > 0 || req2.PairingCode != req.PairingCode || req2.Name != req.Name || !bytes.Equal(req2.Metadata, req.Metadata) {
			t.Fatalf("body %q: re-sent as %s it became %+v, %+v, %v", body, marshal(again), req2, fields2, err2)
		}
	})
}

func FuzzDecodeUpdate(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, fields, err := decodeUpdate(body)
		if !accepted(t, body, fields, err) {
			return
		}
		if req.Name != nil && utf8.RuneCountInString(*req.Name) > maxNameLen {
			t.Fatalf("body %q: accepted a long name", body)
		}
		checkMetadata(t, body, req.Metadata)
	})
}
