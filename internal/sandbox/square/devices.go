package square

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Device status categories [DOC S50 DeviceStatusCategory].
const (
	CategoryAvailable      = "AVAILABLE"
	CategoryNeedsAttention = "NEEDS_ATTENTION"
	CategoryOffline        = "OFFLINE"
)

// devicePrefix is the standardized prefix of Device ids [DOC S50, S54].
const devicePrefix = "device:"

// device is a Device as the Devices API knows it: made when a Terminal
// first signs in with a device code, kept after it signs out (OFFLINE),
// moved to whichever account's code it signs in with next [INF].
type device struct {
	seq      int       // first sign-in order, for sorting and cursors
	term     *terminal // the Terminal it is; its serial is the device's
	merchant *merchant
	codeID   string // the device code it last signed in with
	location string // that code's location, or the account's main one
	// history holds every change of the device's real category, oldest
	// first; the API reports the one in force status lag ago, since its
	// data "is not real-time" [DOC S54].
	history []statusChange
}

type statusChange struct {
	at       time.Time
	category string
}

// reportedAt is the change the API shows at now with the given lag: the
// last one made by now-lag, or the first when the device is newer than
// that (a newly paired device is listed at once).
func (d *device) reportedAt(now time.Time, lag time.Duration) statusChange {
	seen := d.history[0]
	for _, ch := range d.history[1:] {
		if ch.at.After(now.Add(-lag)) {
			break
		}
		seen = ch
	}
	return seen
}

// deviceJSON is a Device on the wire, shaped like the vendor examples
// [DOC S50; CODE S51 wiremock mappings].
type deviceJSON struct {
	ID         string           `json:"id"`
	Attributes deviceAttributes `json:"attributes"`
	Components []component      `json:"components"`
	Status     struct {
		Category string `json:"category"`
	} `json:"status"`
}

type deviceAttributes struct {
	Type            string `json:"type"`
	Manufacturer    string `json:"manufacturer"`
	Model           string `json:"model"`
	Name            string `json:"name"`
	ManufacturersID string `json:"manufacturers_id"`
	UpdatedAt       string `json:"updated_at"`
	Version         string `json:"version"`
	MerchantToken   string `json:"merchant_token"`
}

type component struct {
	Type               string              `json:"type"`
	ApplicationDetails *applicationDetails `json:"application_details,omitempty"`
	CardReaderDetails  *versionDetails     `json:"card_reader_details,omitempty"`
	BatteryDetails     *batteryDetails     `json:"battery_details,omitempty"`
	WifiDetails        *wifiDetails        `json:"wifi_details,omitempty"`
}

type applicationDetails struct {
	ApplicationType string `json:"application_type"`
	Version         string `json:"version"`
	SessionLocation string `json:"session_location"`
	DeviceCodeID    string `json:"device_code_id"`
}

type versionDetails struct {
	Version string `json:"version"`
}

type batteryDetails struct {
	VisiblePercent int    `json:"visible_percent"`
	ExternalPower  string `json:"external_power"`
}

type wifiDetails struct {
	Active bool   `json:"active"`
	SSID   string `json:"ssid,omitempty"`
}

// deviceName is how Square names a Terminal: its serial's last four
// characters [CODE S51 wiremock: "Square Terminal 5287"].
func deviceName(serial string) string { return "Square Terminal " + serial[len(serial)-4:] }

func (c *Cloud) deviceJSONLocked(d *device, now time.Time) deviceJSON {
	serial := d.term.serial
	seen := d.reportedAt(now, d.term.lag)
	j := deviceJSON{
		ID: devicePrefix + serial,
		Attributes: deviceAttributes{
			Type: "TERMINAL", Manufacturer: "Square", Model: "Square Terminal (1st Gen, v2)", Name: deviceName(serial),
			ManufacturersID: serial, UpdatedAt: seen.at.UTC().Format(time.RFC3339Nano), Version: "5.57.0067", MerchantToken: d.merchant.id,
		},
		Components: []component{
			{Type: "APPLICATION", ApplicationDetails: &applicationDetails{ApplicationType: productTerminalAPI, Version: "6.77", SessionLocation: d.location, DeviceCodeID: d.codeID}},
			{Type: "CARD_READER", CardReaderDetails: &versionDetails{Version: "4.1.51"}},
			{Type: "BATTERY", BatteryDetails: &batteryDetails{VisiblePercent: 100, ExternalPower: "AVAILABLE_CHARGING"}},
			{Type: "WIFI", WifiDetails: &wifiDetails{Active: seen.category != CategoryOffline, SSID: "tillpair-sandbox"}},
		},
	}
	j.Status.Category = seen.category
	return j
}

// devicesQuery is a decoded ListDevices query.
type devicesQuery struct {
	cursor, sortOrder, locationID string
	limit                         int // 0: Settings.PageSize
}

// decodeDevicesQuery reads ListDevices' parameters: sort_order ASC or DESC
// (default DESC, newest first [CODE S51]), limit 1-100 [INF], location_id;
// an empty value is absent; other parameters are ignored [INF].
func decodeDevicesQuery(q url.Values) (devicesQuery, []squareError) {
	r := queryReader{q: q}
	out := devicesQuery{cursor: r.one("cursor"), locationID: r.one("location_id"), sortOrder: r.enum("sort_order", "ASC", "DESC")}
	if out.sortOrder == "" {
		out.sortOrder = "DESC"
	}
	if s := r.one("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			r.errs = append(r.errs, badRequest("EXPECTED_INTEGER", "limit", "Expected an integer value."))
		case n < 1 || n > maxPageLimit:
			r.errs = append(r.errs, badRequest("INVALID_VALUE", "limit", "limit must be between 1 and 100."))
		default:
			out.limit = n
		}
	}
	return out, r.errs
}

func (q devicesQuery) filter(m *merchant) string {
	return url.Values{"r": {RouteListDevices}, "m": {m.id}, "l": {q.locationID}, "o": {q.sortOrder}}.Encode()
}

// listDevices is ListDevices: the account's devices, newest first unless
// sort_order=ASC, limit (or Settings.PageSize) a page.
func (c *Cloud) listDevices(w http.ResponseWriter, r *http.Request, m *merchant, _ *token) {
	q, errs := decodeDevicesQuery(r.URL.Query())
	if len(errs) > 0 {
		writeErrors(w, errs...)
		return
	}
	size := q.limit
	c.h.Lock()
	if size == 0 {
		size = c.settings.PageSize
	}
	desc := q.sortOrder == "DESC"
	var listed []*device
	for _, d := range c.devices {
		if d.merchant == m && (q.locationID == "" || d.location == q.locationID) {
			listed = append(listed, d)
		}
	}
	if desc {
		slices.Reverse(listed)
	}
	page, next, ok := pageOf(listed, func(d *device) int { return d.seq }, desc, q.cursor, q.filter(m), size)
	now := c.h.Clock().Now()
	out := make([]deviceJSON, len(page))
	for i, d := range page {
		out[i] = c.deviceJSONLocked(d, now)
	}
	c.h.Unlock()
	writeList(w, ok, "devices", out, next)
}

// deviceIDFromPath reads {device_id} from the escaped path: the id's colon
// must come as %3A [DOC S50, S54], so a raw colon (or a bare serial) finds
// nothing. ok is false when the id was sent unencoded.
func deviceIDFromPath(escapedPath string) (id string, ok bool) {
	seg := escapedPath[strings.LastIndexByte(escapedPath, '/')+1:]
	if strings.Contains(seg, ":") {
		return "", false
	}
	id, err := url.PathUnescape(seg)
	return id, err == nil
}

// getDevice is GetDevice: 404 NOT_FOUND for an unknown id, another
// account's device, a bare serial or a colon sent unencoded.
func (c *Cloud) getDevice(w http.ResponseWriter, r *http.Request, m *merchant, _ *token) {
	id, encoded := deviceIDFromPath(r.URL.EscapedPath())
	if !encoded {
		writeErrors(w, notFound("Device `"+clip(r.PathValue("device_id"), 64)+"` not found; send the colon of `device:` as %3A."))
		return
	}
	c.h.Lock()
	found := false
	var body deviceJSON
	for _, d := range c.devices {
		if d.merchant == m && devicePrefix+d.term.serial == id {
			found, body = true, c.deviceJSONLocked(d, c.h.Clock().Now())
		}
	}
	c.h.Unlock()
	writeOne(w, found, "device", body, "Device `"+clip(id, 64)+"`")
}
