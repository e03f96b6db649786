package square

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
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
	var out devicesQuery
	var errs []squareError
	one := func(name string) string {
		if len(q[name]) > 1 {
			errs = append(errs, badRequest("BAD_REQUEST", name, "Only one value may be given for `"+name+"`."))
		}
		return q.Get(name)
	}
	out.cursor, out.locationID = one("cursor"), one("location_id")
	switch out.sortOrder = one("sort_order"); out.sortOrder {
	case "":
		out.sortOrder = "DESC"
	case "ASC", "DESC":
	default:
		errs = append(errs, badRequest("INVALID_ENUM_VALUE", "sort_order", "Expected sort_order to be one of [ASC, DESC], got `"+clip(out.sortOrder, 40)+"`."))
	}
	if s := one("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			errs = append(errs, badRequest("EXPECTED_INTEGER", "limit", "Expected an integer value."))
		case n < 1 || n > maxPageLimit:
			errs = append(errs, badRequest("INVALID_VALUE", "limit", "limit must be between 1 and 100."))
		default:
			out.limit = n
		}
	}
	return out, errs
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
	filter := q.filter(m)
	from := 0
	if q.cursor != "" {
		var ok bool
		if from, ok = decodeCursor(q.cursor, filter); !ok {
			writeErrors(w, badRequest("INVALID_CURSOR", "cursor", "The pagination cursor is not valid for this request."))
			return
		}
	}
	c.h.Lock()
	now := c.h.Clock().Now()
	size := q.limit
	if size == 0 {
		size = c.settings.PageSize
	}
	order := c.devices
	if q.sortOrder == "DESC" {
		order = make([]*device, len(c.devices))
		for i, d := range c.devices {
			order[len(order)-1-i] = d
		}
	}
	var page []deviceJSON
	next, last := "", 0
	for _, d := range order {
		past := from != 0 && (q.sortOrder == "ASC" && d.seq <= from || q.sortOrder == "DESC" && d.seq >= from)
		if d.merchant != m || past || q.locationID != "" && d.location != q.locationID {
			continue
		}
		if len(page) == size {
			next = cursorAt(filter, last)
			break
		}
		page = append(page, c.deviceJSONLocked(d, now))
		last = d.seq
	}
	c.h.Unlock()
	body := map[string]any{}
	if len(page) > 0 {
		body["devices"] = page
	}
	if next != "" {
		body["cursor"] = next
	}
	sandbox.WriteJSON(w, http.StatusOK, body)
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
	var body map[string]deviceJSON
	for _, d := range c.devices {
		if d.merchant == m && devicePrefix+d.term.serial == id {
			body = map[string]deviceJSON{"device": c.deviceJSONLocked(d, c.h.Clock().Now())}
		}
	}
	c.h.Unlock()
	if body == nil {
		writeErrors(w, notFound("Device `"+clip(id, 64)+"` not found."))
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, body)
}
