package square

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers/transport"
)

// DeviceCode statuses [DOC S50 DeviceCodeStatus]. Any other value decodes
// as itself, cleaned and upper-cased: a new state must not break a wait.
const (
	StatusUnknown  = "UNKNOWN"
	StatusUnpaired = "UNPAIRED"
	StatusPaired   = "PAIRED"
	StatusExpired  = "EXPIRED"
)

// Device status categories [DOC S50 DeviceStatusCategory].
const (
	CategoryAvailable      = "AVAILABLE"
	CategoryNeedsAttention = "NEEDS_ATTENTION"
	CategoryOffline        = "OFFLINE"
)

// devicePrefix is the standardized prefix of a Device id: device:<serial>
// [DOC S50, S54].
const devicePrefix = "device:"

// Shapes and bounds of what the cloud sends [DOC S50 examples; INF].
const (
	// A device code is 6 upper-case letters in every example [DOC S50,
	// OBS T57]; one Terminal asked for 12 digits [OBS T54]. 6–12
	// upper-case letters and digits are shown; anything else is refused.
	CodeMinLen = 6
	CodeMaxLen = 12
	maxID      = 64 // code and location ids are 13 upper alnum; room to grow
	maxSerial  = 64 // 907CS13101300122: 16
	maxEnum    = 40
	maxModel   = 60
)

// codeShape is the device code's documented form, for transport.CheckShape.
var codeShape = transport.Shape{Field: "device_code.code", Min: CodeMinLen, Max: CodeMaxLen}

// DeviceCode is a Square DeviceCode as tillpair uses it: cleaned, bounded
// and shape-checked.
type DeviceCode struct {
	ID   string // B3Z6NAMYQSMTM (checked path-safe)
	Name string
	// Code is what the operator types on the Terminal: checked to be 6–12
	// upper-case letters or digits, else "" (a caller that must show it
	// fails then). Displayed verbatim, never re-formatted.
	Code string
	// DeviceID is the Terminal's serial once paired (907CS13101300122),
	// "" before or when not shaped like one.
	DeviceID    string
	ProductType string // TERMINAL_API, or another cleaned value (RESTAURANT was reported)
	LocationID  string
	Status      string // one of the Status constants, or another cleaned value
	PairBy      time.Time
	CreatedAt   time.Time
	PairedAt    time.Time
}

// rawDeviceCode is the wire form; every member raw, so a number or null
// where a string was expected cannot fail the decode.
type rawDeviceCode struct {
	ID          json.RawMessage `json:"id"`
	Name        json.RawMessage `json:"name"`
	Code        json.RawMessage `json:"code"`
	DeviceID    json.RawMessage `json:"device_id"`
	ProductType json.RawMessage `json:"product_type"`
	LocationID  json.RawMessage `json:"location_id"`
	Status      json.RawMessage `json:"status"`
	PairBy      json.RawMessage `json:"pair_by"`
	CreatedAt   json.RawMessage `json:"created_at"`
	PairedAt    json.RawMessage `json:"paired_at"`
}

// decodeDeviceCode reads {"device_code":{…}} (create, get). id is the one
// member required here; callers check what they need (a code to show, a
// device id once paired).
func decodeDeviceCode(body []byte) (DeviceCode, error) {
	var env struct {
		DeviceCode *rawDeviceCode `json:"device_code"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.DeviceCode == nil {
		return DeviceCode{}, errors.New(`the body is not {"device_code":{…}}`)
	}
	raw := env.DeviceCode
	d := DeviceCode{
		ID:          strings.TrimSpace(scalar(raw.ID)),
		Name:        clean(scalar(raw.Name)),
		Code:        deviceCodeValue(scalar(raw.Code)),
		DeviceID:    identifier(scalar(raw.DeviceID), maxSerial),
		ProductType: enumValue(scalar(raw.ProductType), maxEnum),
		LocationID:  identifier(scalar(raw.LocationID), maxID),
		Status:      enumValue(scalar(raw.Status), maxEnum),
		PairBy:      timestamp(scalar(raw.PairBy)),
		CreatedAt:   timestamp(scalar(raw.CreatedAt)),
		PairedAt:    timestamp(scalar(raw.PairedAt)),
	}
	if d.ID == "" {
		return DeviceCode{}, errors.New("the device code has no id")
	}
	if !idOK(d.ID) {
		return DeviceCode{}, errors.New("the device code id is not shaped like one (letters and digits)")
	}
	if d.Status == "" {
		d.Status = StatusUnknown
	}
	return d, nil
}

// deviceCodeValue keeps a code shaped like one: cleaned, then 6–12 ASCII
// letters or digits (transport.CheckShape) and upper case. It is never
// re-formatted: a code in any other form is a broken answer, not a code.
func deviceCodeValue(s string) string {
	s = clean(s)
	if transport.CheckShape(s, codeShape) != nil || !shaped(s, CodeMaxLen, upperAlnum) {
		return ""
	}
	return s
}

// Device is a Square Device (health) as tillpair uses it.
type Device struct {
	ID     string // device:<serial>
	Serial string // attributes.manufacturers_id, or the id's serial
	Name   string // "Square Terminal 0122"
	Model  string
	// Category is status.category: AVAILABLE, NEEDS_ATTENTION, OFFLINE, or
	// another cleaned value.
	Category string
	// DeviceCodeID is the device code the Terminal last signed in with
	// (application_details.device_code_id), "" when absent.
	DeviceCodeID string
	Location     string   // application_details.session_location
	Battery      *float64 // battery_details.visible_percent, nil when absent or out of 0–100
	UpdatedAt    time.Time
}

// decodeDevice reads {"device":{…}}; id and status.category are required.
func decodeDevice(body []byte) (Device, error) {
	var env struct {
		Device *struct {
			ID         json.RawMessage `json:"id"`
			Attributes struct {
				Name            json.RawMessage `json:"name"`
				Model           json.RawMessage `json:"model"`
				ManufacturersID json.RawMessage `json:"manufacturers_id"`
				UpdatedAt       json.RawMessage `json:"updated_at"`
			} `json:"attributes"`
			Components []struct {
				Type        json.RawMessage `json:"type"`
				Application *struct {
					DeviceCodeID    json.RawMessage `json:"device_code_id"`
					SessionLocation json.RawMessage `json:"session_location"`
				} `json:"application_details"`
				Battery *struct {
					VisiblePercent json.RawMessage `json:"visible_percent"`
				} `json:"battery_details"`
			} `json:"components"`
			Status struct {
				Category json.RawMessage `json:"category"`
			} `json:"status"`
		} `json:"device"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Device == nil {
		return Device{}, errors.New(`the body is not {"device":{…}}`)
	}
	raw := env.Device
	d := Device{
		ID:        strings.TrimSpace(scalar(raw.ID)),
		Name:      clean(scalar(raw.Attributes.Name)),
		Model:     enumValue(scalar(raw.Attributes.Model), maxModel),
		Serial:    identifier(scalar(raw.Attributes.ManufacturersID), maxSerial),
		Category:  enumValue(scalar(raw.Status.Category), maxEnum),
		UpdatedAt: timestamp(scalar(raw.Attributes.UpdatedAt)),
	}
	serial, ok := strings.CutPrefix(d.ID, devicePrefix)
	if !ok || identifier(serial, maxSerial) == "" {
		return Device{}, errors.New("the device id is not shaped like device:<serial>")
	}
	if d.Serial == "" {
		d.Serial = serial
	}
	if d.Category == "" {
		return Device{}, errors.New("the device has no status.category")
	}
	for _, comp := range raw.Components {
		switch strings.ToUpper(scalar(comp.Type)) {
		case "APPLICATION":
			if comp.Application != nil && d.DeviceCodeID == "" {
				if id := strings.TrimSpace(scalar(comp.Application.DeviceCodeID)); idOK(id) {
					d.DeviceCodeID = id
				}
				d.Location = identifier(scalar(comp.Application.SessionLocation), maxID)
			}
		case "BATTERY":
			var p *float64 // null or absent stays nil, not 0 %
			if comp.Battery != nil && json.Unmarshal(comp.Battery.VisiblePercent, &p) == nil && p != nil &&
				!math.IsNaN(*p) && *p >= 0 && *p <= 100 && d.Battery == nil {
				d.Battery = p
			}
		}
	}
	return d, nil
}

// APIError is one member of Square's error envelope {"errors":[…]} [DOC
// S50 Error], cleaned and bounded. detail is "for developers, not intended
// to be customer facing" [DOC S55]: it goes into messages for support, and
// the mapping branches on Code only.
type APIError struct {
	Category string // AUTHENTICATION_ERROR, INVALID_REQUEST_ERROR, …
	Code     string // UNAUTHORIZED, NOT_FOUND, …
	Detail   string
	Field    string // device_code.name
}

// Errors is Square's error envelope: the *providers.Error of a failed
// request wraps it (errors.As finds it).
type Errors []APIError

func (es Errors) Error() string {
	parts := make([]string, 0, len(es))
	for _, e := range es {
		parts = append(parts, e.text())
	}
	return strings.Join(parts, "; ")
}

func (e APIError) text() string {
	s := e.Code
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// maxErrors bounds how many envelope members are kept.
const maxErrors = 5

// decodeErrors reads {"errors":[{category, code, detail, field}…]}; nil
// when the body is not that envelope or names no code.
func decodeErrors(body []byte) Errors {
	var env struct {
		Errors []struct {
			Category json.RawMessage `json:"category"`
			Code     json.RawMessage `json:"code"`
			Detail   json.RawMessage `json:"detail"`
			Field    json.RawMessage `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	var out Errors
	for _, raw := range env.Errors {
		e := APIError{
			Category: enumValue(scalar(raw.Category), maxEnum),
			Code:     enumValue(scalar(raw.Code), maxEnum),
			Detail:   clean(scalar(raw.Detail)),
			Field:    enumValue(scalar(raw.Field), maxEnum),
		}
		if e.Code == "" {
			continue
		}
		if out = append(out, e); len(out) == maxErrors {
			break
		}
	}
	return out
}

// scalar is transport.JSONScalar; clean is transport.CleanText: one
// sanitiser for every client.
func scalar(raw json.RawMessage) string { return transport.JSONScalar(raw) }
func clean(s string) string             { return transport.CleanText(s) }

// enumValue decodes an enum leniently: cleaned, bounded, kept as sent
// (Square's enums are upper case; a field name is lower case).
func enumValue(s string, max int) string {
	s = clean(s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// identifier keeps s if it is 1–max ASCII letters, digits, '-' or '_'
// (ids, serials, location ids), else "": such values become path
// segments and are read out to compare with a Terminal.
func identifier(s string, max int) string {
	s = strings.TrimSpace(s)
	if transport.CheckShape(s, transport.Shape{Field: "id", Min: 1, Max: max}) != nil {
		return ""
	}
	return s
}

// idOK: a device code id usable as a record key and a path segment.
func idOK(id string) bool { return shaped(id, maxID, alnum) }

// shaped reports whether s has 1 to max bytes, each one ok.
func shaped(s string, max int, ok func(byte) bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func alnum(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
}

func upperAlnum(ch byte) bool { return ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' }

// visible is printable ASCII other than space.
func visible(ch byte) bool { return ch > ' ' && ch < 0x7f }

// timestamp parses RFC 3339; zero when absent or unreadable.
func timestamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
