package linkly

import (
	"encoding/json"
	"strings"
	"testing"
)

var bodySeeds = []string{
	`{"username":"u","password":"p","pairCode":"123456"}`,
	`{"Username":"u","Password":"p","PairCode":" 135792 "}`,
	`{"secret":"s","posName":"tillpair","posVersion":"1.4.0","posId":"3e7f5001-58a3-43fa-9129-6e84a7b4f2a0","posVendorId":"a256b7ec-709d-4c7d-8ffe-57cc7ca1fd22"}`,
	`{"request":{"statusType":"0","posId":"3e7f5001-58a3-43fa-9129-6e84a7b4f2a0"}}`,
	`{"Request":{"StatusType":"1"}}`,
	`{"username":1,"password":null,"pairCode":[]}`,
	`{"a":1,"A":2}`, `[]`, `null`, `"x"`, `{`, ``, " \n{}\t",
}

func seedBodies(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add([]byte(s))
	}
}

// What a decoder accepted, re-sent as the SDK would send it, is accepted
// as the same request.
func FuzzDecodePair(f *testing.F) {
	seedBodies(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodePair(body)
		if err != nil {
			return
		}
		if strings.TrimSpace(req.Username) == "" || strings.TrimSpace(req.Password) == "" || req.PairCode == "" || req.PairCode != strings.TrimSpace(req.PairCode) {
			t.Fatalf("body %q: accepted %+v", body, req)
		}
		again, _ := json.Marshal(map[string]string{"username": req.Username, "password": req.Password, "pairCode": req.PairCode})
		if req2, err := decodePair(again); err != nil || req2 != req {
			t.Fatalf("body %q: re-sent as %s it became %+v, %v", body, again, req2, err)
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	seedBodies(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeToken(body)
		if err != nil {
			return
		}
		if !uuidV4().MatchString(req.PosID) || !uuidV4().MatchString(req.PosVendorID) || strings.TrimSpace(req.Secret) == "" ||
			strings.TrimSpace(req.PosName) == "" || strings.TrimSpace(req.PosVersion) == "" {
			t.Fatalf("body %q: accepted %+v", body, req)
		}
		again, _ := json.Marshal(map[string]string{"secret": req.Secret, "posName": req.PosName, "posVersion": req.PosVersion, "posId": req.PosID, "posVendorId": req.PosVendorID})
		if req2, err := decodeToken(again); err != nil || req2 != req {
			t.Fatalf("body %q: re-sent as %s it became %+v, %v", body, again, req2, err)
		}
	})
}

func FuzzDecodeStatus(f *testing.F) {
	seedBodies(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeStatus(body)
		if err != nil {
			return
		}
		if req.StatusType != "0" && req.StatusType != "1" && req.StatusType != "2" {
			t.Fatalf("body %q: accepted statusType %q", body, req.StatusType)
		}
	})
}

// Both forms of one id are one session; the key round-trips through the
// hyphenated form.
func FuzzSessionKey(f *testing.F) {
	for _, s := range []string{sessionN, sessionD, strings.ToUpper(sessionD), "x", "", "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5", "5f0c1a2b3c4d-4e5f-8a9b-0c1d2e3f4a5b0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		key, ok := sessionKey(id)
		if !ok {
			return
		}
		if len(key) != 32 || strings.ToLower(key) != key {
			t.Fatalf("sessionKey(%q) = %q", id, key)
		}
		if k2, ok2 := sessionKey(hyphenated(key)); !ok2 || k2 != key {
			t.Fatalf("sessionKey(%q) = %q, but its hyphenated form gives %q, %v", id, key, k2, ok2)
		}
	})
}
