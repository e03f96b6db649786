package linkly

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
)

// Linkly's SDK serialises camelCase and reads case-insensitively [CODE
// S60]; its doc pages show PascalCase [OBS T60]. The decoders here match
// member names case-insensitively (the first of a name wins), ignore
// members they do not know, as the SDK does, and want every member they
// read to be a JSON string.

var (
	errNotObject = errors.New("body is not a JSON object")
	errNotString = errors.New("member is not a string")
	errMissing   = errors.New("required member missing or empty")
	errNotUUID   = errors.New("not a version 4 UUID")
)

// members reads a JSON object's members by lower-cased name.
func members(body []byte) (map[string]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errNotObject
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errNotObject
	}
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		lk := strings.ToLower(k)
		if _, dup := out[lk]; !dup {
			out[lk] = v
		}
	}
	return out, nil
}

// required reads the string members names (lower case) from m: each must
// be a string and, trimmed, not empty (the SDK's NotEmpty validators).
func required(m map[string]json.RawMessage, names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		raw, ok := m[n]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, errMissing
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return nil, errNotString
		}
		if strings.TrimSpace(out[i]) == "" {
			return nil, errMissing
		}
	}
	return out, nil
}

// pairRequest is a valid pairing body [CODE S60 PairingRequest].
type pairRequest struct{ Username, Password, PairCode string }

// decodePair reads {"username","password","pairCode"}, all required.
func decodePair(body []byte) (pairRequest, error) {
	m, err := members(body)
	if err != nil {
		return pairRequest{}, err
	}
	v, err := required(m, "username", "password", "paircode")
	if err != nil {
		return pairRequest{}, err
	}
	return pairRequest{Username: v[0], Password: v[1], PairCode: strings.TrimSpace(v[2])}, nil
}

// tokenRequest is a valid token body [CODE S60 TokenRequest].
type tokenRequest struct{ Secret, PosName, PosVersion, PosID, PosVendorID string }

// decodeToken reads {"secret","posName","posVersion","posId",
// "posVendorId"}: all required, the two ids version 4 UUIDs.
func decodeToken(body []byte) (tokenRequest, error) {
	m, err := members(body)
	if err != nil {
		return tokenRequest{}, err
	}
	v, err := required(m, "secret", "posname", "posversion", "posid", "posvendorid")
	if err != nil {
		return tokenRequest{}, err
	}
	req := tokenRequest{Secret: v[0], PosName: v[1], PosVersion: v[2], PosID: v[3], PosVendorID: v[4]}
	if !uuidV4().MatchString(req.PosID) || !uuidV4().MatchString(req.PosVendorID) {
		return tokenRequest{}, errNotUUID
	}
	return req, nil
}

// uuidV4 is a version 4 UUID in the SDK's "D" form (hyphenated),
// either case.
var uuidV4 = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
})

// statusRequest is what the sandbox reads of a status body: the SDK wraps
// every POS request in "request" [CODE S60].
type statusRequest struct {
	PosID      string // "" when not sent
	StatusType string // "0" Standard when not sent
}

// statusTypes are Standard, TerminalAppInfo and AppCpi [CODE S60 Enums].
var statusTypes = []string{"0", "1", "2"}

// decodeStatus reads {"request":{…}}: request must be an object; its
// statusType, if sent, "0", "1" or "2"; its posId, if sent, a string.
func decodeStatus(body []byte) (statusRequest, error) {
	m, err := members(body)
	if err != nil {
		return statusRequest{}, err
	}
	raw, ok := m["request"]
	if !ok {
		return statusRequest{}, errMissing
	}
	inner, err := members(raw)
	if err != nil {
		return statusRequest{}, err
	}
	req := statusRequest{StatusType: "0"}
	for name, dst := range map[string]*string{"posid": &req.PosID, "statustype": &req.StatusType} {
		if raw, ok := inner[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return statusRequest{}, errNotString
			}
		}
	}
	valid := false
	for _, st := range statusTypes {
		valid = valid || req.StatusType == st
	}
	if !valid {
		return statusRequest{}, errors.New("statusType is not 0, 1 or 2")
	}
	return req, nil
}

// sessionKey is a session id in the form the sandbox keys it by: the SDK
// sends 32 hex digits ("N") in the status path and the hyphenated "D"
// form in the result path [CODE S60], and both name one session. ok is
// false for anything else.
func sessionKey(id string) (string, bool) {
	switch len(id) {
	case 32:
	case 36:
		if id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
			return "", false
		}
		id = id[:8] + id[9:13] + id[14:18] + id[19:23] + id[24:]
	default:
		return "", false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(id), true
}

// hyphenated is a session key in the "D" form.
func hyphenated(key string) string {
	return key[:8] + "-" + key[8:12] + "-" + key[12:16] + "-" + key[16:20] + "-" + key[20:]
}
