package linkly

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Linkly's keys are camelCase on the wire and PascalCase on its doc
// pages [reference §7.4]; encoding/json matches struct fields
// case-insensitively, so one struct reads both.

// Bounds on what the cloud may hand over.
const (
	maxCredential = 8192 // a secret or token: opaque, "a secret JWT"
	maxExpiry     = 366 * 24 * time.Hour
	maxEvents     = 100
	maxSerial     = 32
	maxTID        = 16
	maxCode       = 4
)

var errNoSecret = errors.New("no secret in the answer")

// decodeSecret reads a pairing answer {"secret":…}. A missing, null or
// empty secret is errNoSecret ("Required pairSecret" [CODE S62]); one
// that is not a short run of visible ASCII is refused.
func decodeSecret(body []byte) (providers.Secret, error) {
	var v struct {
		Secret json.RawMessage `json:"secret"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return providers.Secret{}, errors.New("the answer is not a JSON object")
	}
	raw := bytes.TrimSpace(v.Secret)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return providers.Secret{}, errNoSecret
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return providers.Secret{}, errors.New("secret is not a string")
	}
	if err := credentialShape("secret", s); err != nil {
		return providers.Secret{}, err
	}
	return providers.NewSecret(s), nil
}

// credentialShape: visible ASCII only (it goes into a JSON body or a
// header), 1 to maxCredential characters. The message never repeats the
// value.
func credentialShape(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", field)
	}
	if len(s) > maxCredential {
		return fmt.Errorf("%s is %d characters long; at most %d are accepted", field, len(s), maxCredential)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return fmt.Errorf("%s contains spaces, control or non-ASCII characters", field)
		}
	}
	return nil
}

// decodeToken reads a token answer {"token":…,"expirySeconds":N}. A
// missing expirySeconds is taken as 300 [OBS T60]; one that is not a
// whole number of seconds from 1 s to a year is refused.
func decodeToken(body []byte) (providers.Secret, time.Duration, error) {
	var v struct {
		Token         json.RawMessage `json:"token"`
		ExpirySeconds json.RawMessage `json:"expirySeconds"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return providers.Secret{}, 0, errors.New("the answer is not a JSON object")
	}
	var tok string
	if len(v.Token) == 0 || json.Unmarshal(v.Token, &tok) != nil {
		return providers.Secret{}, 0, errors.New("token is missing or not a string")
	}
	if err := credentialShape("token", tok); err != nil {
		return providers.Secret{}, 0, err
	}
	expiry := time.Duration(fallbackExpiry) * time.Second
	if raw := bytes.TrimSpace(v.ExpirySeconds); len(raw) > 0 && string(raw) != "null" {
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || n < 1 || time.Duration(n)*time.Second > maxExpiry {
			return providers.Secret{}, 0, errors.New("expirySeconds is not a whole number of seconds from 1 to a year")
		}
		expiry = time.Duration(n) * time.Second
	}
	return providers.NewSecret(tok), expiry, nil
}

// Event is one POS API event as tillpair reads it: every text cleaned and
// bounded, identifiers dropped ("") when they are not shaped like one.
type Event struct {
	ResponseType string // "status", "display", "receipt", … lower-cased
	Success      bool
	ResponseCode string // "00", "BY", …
	ResponseText string // trimmed (Linkly right-pads it)
	LoggedOn     *bool
	Serial       string // pinPadSerialNumber
	CatID        string // the terminal id
	RetailerName string
}

// decodeEvents reads a result answer: a JSON array of event objects (at
// most maxEvents). Members of the wrong type are left zero, as the SDK
// would; an answer that is not an array of objects is refused.
func decodeEvents(body []byte) ([]Event, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(body), &raws); err != nil {
		return nil, errors.New("the answer is not a JSON array")
	}
	if len(raws) > maxEvents {
		return nil, fmt.Errorf("the answer has %d events; at most %d are read", len(raws), maxEvents)
	}
	out := make([]Event, 0, len(raws))
	for _, raw := range raws {
		var v struct {
			ResponseType, ResponseCode, ResponseText json.RawMessage
			Success, LoggedOn                        json.RawMessage
			PinPadSerialNumber, CatID, RetailerName  json.RawMessage
		}
		if b := bytes.TrimSpace(raw); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &v) != nil {
			return nil, errors.New("an event is not a JSON object")
		}
		ev := Event{
			ResponseType: strings.ToLower(clean(transport.JSONScalar(v.ResponseType))),
			ResponseCode: short(clean(transport.JSONScalar(v.ResponseCode)), maxCode),
			ResponseText: clean(transport.JSONScalar(v.ResponseText)),
			RetailerName: clean(transport.JSONScalar(v.RetailerName)),
			Serial:       ident(transport.JSONScalar(v.PinPadSerialNumber), "pinPadSerialNumber", maxSerial),
			CatID:        ident(transport.JSONScalar(v.CatID), "catId", maxTID),
		}
		ev.Success, _ = boolean(v.Success)
		if b, ok := boolean(v.LoggedOn); ok {
			ev.LoggedOn = &b
		}
		out = append(out, ev)
	}
	return out, nil
}

// boolean reads a JSON true/false; ok is false for anything else.
func boolean(raw json.RawMessage) (v, ok bool) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// short cuts s to n runes; "" when it would have to be cut (a response
// code is two characters, so a long one is not a code).
func short(s string, n int) string {
	if len([]rune(s)) > n {
		return ""
	}
	return s
}

// ident is an identifier the merchant compares with the PIN pad: cleaned,
// letters and digits only, 1 to maxLen characters, else "".
func ident(s, field string, maxLen int) string {
	s = strings.TrimSpace(clean(s))
	if s == "" || transport.CheckShape(s, transport.Shape{Field: field, Min: 1, Max: maxLen}) != nil || strings.ContainsAny(s, "-_") {
		return ""
	}
	return s
}
