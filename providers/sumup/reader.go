package sumup

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Reader statuses [DOC S40 ReaderStatus]. Any other value decodes as
// itself, cleaned: a new state must not break a check.
const (
	StatusUnknown    = "unknown"
	StatusProcessing = "processing"
	StatusPaired     = "paired"
	StatusExpired    = "expired"
)

// Device statuses of the status route [DOC S40 StatusResponse].
const (
	DeviceOnline  = "ONLINE"
	DeviceOffline = "OFFLINE"
)

// Bounds of the fields a reader contributes.
const (
	maxReaderID = 64
	maxSerial   = 64
	maxModel    = 32
	maxState    = 40
)

// Reader is a SumUp reader as tillpair uses it: cleaned, bounded and
// shape-checked.
type Reader struct {
	ID     string // rdr_… (30 characters as documented; checked path-safe)
	Name   string
	Status string // one of the Status constants, or another cleaned value
	// Serial is device.identifier, the physical Solo: the reader id changes
	// on every re-pair, the serial does not [DOC S46]. "" when absent or
	// not shaped like a serial.
	Serial    string
	Model     string // "solo", "virtual-solo", or another cleaned value
	CreatedAt time.Time
	UpdatedAt time.Time
}

// rawReader is the wire form [DOC S40 Reader]. Every member is raw, so a
// number where a string was expected (or null) cannot fail the decode.
type rawReader struct {
	ID     json.RawMessage `json:"id"`
	Name   json.RawMessage `json:"name"`
	Status json.RawMessage `json:"status"`
	Device struct {
		Identifier json.RawMessage `json:"identifier"`
		Model      json.RawMessage `json:"model"`
	} `json:"device"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
}

// decodeReader reads one Reader (create, get).
func decodeReader(body []byte) (Reader, error) {
	var raw rawReader
	if err := json.Unmarshal(body, &raw); err != nil {
		return Reader{}, errors.New("the body is not a reader object")
	}
	return raw.reader()
}

// decodeReaders reads the list answer {"items":[Reader…]}. A reader that
// fails its checks is left out rather than failing the list: one odd entry
// must not hide the fleet.
func decodeReaders(body []byte) ([]Reader, int, error) {
	var env struct {
		Items *[]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Items == nil {
		return nil, 0, errors.New(`the body is not {"items":[…]}`)
	}
	out := make([]Reader, 0, len(*env.Items))
	skipped := 0
	for _, item := range *env.Items {
		var raw rawReader
		if json.Unmarshal(item, &raw) != nil {
			skipped++
			continue
		}
		r, err := raw.reader()
		if err != nil {
			skipped++
			continue
		}
		out = append(out, r)
	}
	return out, skipped, nil
}

func (raw rawReader) reader() (Reader, error) {
	id := strings.TrimSpace(scalar(raw.ID))
	if id == "" {
		return Reader{}, errors.New("the reader has no id")
	}
	if !readerIDOK(id) {
		return Reader{}, errors.New("the reader id is not shaped like one (rdr_…)")
	}
	r := Reader{
		ID:        id,
		Name:      clean(scalar(raw.Name)),
		Status:    enumValue(scalar(raw.Status), maxState, strings.ToLower),
		Serial:    serial(scalar(raw.Device.Identifier)),
		Model:     enumValue(scalar(raw.Device.Model), maxModel, strings.ToLower),
		CreatedAt: timestamp(scalar(raw.CreatedAt)),
		UpdatedAt: timestamp(scalar(raw.UpdatedAt)),
	}
	if r.Status == "" {
		r.Status = StatusUnknown
	}
	return r, nil
}

// readerIDOK keeps the id usable as a record key, a keyring item segment,
// a command-line argument and a URL path segment. SumUp documents rdr_ and
// 26 upper-case alphanumerics [DOC S40]; letters, digits, _ and - up to 64
// are accepted, so a longer or lower-case id in future still pairs.
func readerIDOK(id string) bool {
	return shaped(id, maxReaderID, func(ch byte) bool { return alnum(ch) || ch == '_' || ch == '-' })
}

// shaped reports whether s has 1 to max bytes, each one ok: the shape
// check of every identifier a cloud sends or a path carries.
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

// visible is printable ASCII other than space.
func visible(ch byte) bool { return ch > ' ' && ch < 0x7f }

// serial keeps device.identifier if it looks like a serial: visible ASCII
// without spaces, at most maxSerial (examples U1DT3NA00-CN, 200100010001
// [DOC S40, S44]); anything else is "" rather than text that could mislead
// "this is the same reader".
func serial(s string) string {
	s = strings.TrimSpace(s)
	if !shaped(s, maxSerial, visible) {
		return ""
	}
	return s
}

// enumValue decodes an enum leniently: cleaned, folded, bounded; an
// unknown value is kept (a new model, a new state) for display.
func enumValue(s string, max int, fold func(string) string) string {
	s = fold(clean(s))
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// timestamp parses RFC 3339; zero when absent or unreadable.
func timestamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// DeviceStatus is the status route's data [DOC S40 StatusResponse]:
// cleaned, bounded; unknown enum values kept as text.
type DeviceStatus struct {
	Status         string   // ONLINE, OFFLINE, or another cleaned value
	State          string   // IDLE, WAITING_FOR_CARD, …
	Battery        *float64 // percent, nil when absent or out of 0–100
	ConnectionType string
	Firmware       string
	LastActivity   time.Time
}

// decodeStatus reads {"data":{…}}; data.status is the one required member.
func decodeStatus(body []byte) (DeviceStatus, error) {
	var env struct {
		Data *struct {
			Status         json.RawMessage `json:"status"`
			State          json.RawMessage `json:"state"`
			BatteryLevel   json.RawMessage `json:"battery_level"`
			ConnectionType json.RawMessage `json:"connection_type"`
			Firmware       json.RawMessage `json:"firmware_version"`
			LastActivity   json.RawMessage `json:"last_activity"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Data == nil {
		return DeviceStatus{}, errors.New(`the body is not {"data":{…}}`)
	}
	d := env.Data
	s := DeviceStatus{
		Status:         enumValue(scalar(d.Status), maxState, strings.ToUpper),
		State:          enumValue(scalar(d.State), maxState, strings.ToUpper),
		ConnectionType: enumValue(scalar(d.ConnectionType), maxState, func(s string) string { return s }),
		Firmware:       enumValue(scalar(d.Firmware), maxState, func(s string) string { return s }),
		LastActivity:   timestamp(scalar(d.LastActivity)),
	}
	if s.Status == "" {
		return DeviceStatus{}, errors.New("the status answer has no data.status")
	}
	var b *float64 // null or absent stays nil, not 0 %
	if json.Unmarshal(d.BatteryLevel, &b) == nil && b != nil && !math.IsNaN(*b) && *b >= 0 && *b <= 100 {
		s.Battery = b
	}
	return s, nil
}
