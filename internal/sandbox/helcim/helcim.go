package helcim

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Prefix is where the Payment Hardware API is served on the sandbox
// listener.
const Prefix = "/helcim/v2"

// Info keys (client environment variables TILLPAIR_HELCIM_URL and
// TILLPAIR_HELCIM_API_TOKEN).
const (
	KeyURL      = "helcim_url"
	KeyAPIToken = "helcim_api_token"
)

// Route names, for faults and request counts.
const (
	RouteDevice         = "device"          // GET /devices/{code}
	RoutePing           = "ping"            // GET /devices/{code}/ping
	RouteDevices        = "devices"         // GET /devices
	RouteConnectionTest = "connection-test" // GET /connection-test
)

// Helcim-only terminal actions (POST /control/terminals/{id}/sleep, /wake).
const (
	ActionSleep = "sleep"
	ActionWake  = "wake"
)

// Helcim error texts [DOC S26, S29] and the sandbox's own where the real
// ones are not documented.
const (
	helcimUnauthorized   = "Unauthorized"
	helcimNoPermission   = "No access permission"
	helcimDeviceNotFound = "Device Not Found"
	helcimDevicesNone    = "Devices Not Found"
	helcimNotListening   = "Device Not Listening"
	helcimTooMany        = "Rate limit exceeded: 100 requests per minute per account"
	helcimTooManyAtOnce  = "Rate limit exceeded: 5 concurrent requests per account"
	helcimRouteNotFound  = "Route not found"
	helcimCodeFormat     = "code must be 4 letters or digits"
	helcimDateLayout     = "2006-01-02 15:04:05"
	helcimCodeChars      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	helcimCodeLen        = 4
	helcimMaxLimit       = 100
)

// helcimAccount is a Helcim merchant account. Rate limits are per account
// across all its tokens [DOC S27].
type helcimAccount struct {
	token string
	// restricted is a second token on the account without General/Settings
	// Read, which the device routes need [DOC S26].
	restricted string
	rate       rateWindow
	inFlight   int // requests being answered now
}

// Cloud simulates the Helcim Payment Hardware API. It has two accounts:
// the sandbox's (Info credential helcim_api_token) and another one whose
// devices the sandbox token must not see. State is guarded by the sandbox
// lock.
type Cloud struct {
	h       *sandbox.Host
	rng     *sandbox.RNG // its own stream, so adding Helcim left seeded SCI values unchanged
	main    *helcimAccount
	other   *helcimAccount
	devices []*device // registration order
}

// New returns the Helcim cloud for one sandbox.
func New() *Cloud { return &Cloud{} }

// seedSalt separates the Helcim random stream from the shared one.
const seedSalt = 0x48454c43494d // "HELCIM"

// Spec describes the Helcim cloud to the sandbox.
func (h *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: providers.Helcim, Name: "Helcim",
		Prefixes: []string{Prefix},
		URLs:     []sandbox.URLSpec{{Key: KeyURL, Prefix: Prefix}},
		Credentials: []sandbox.CredentialSpec{
			{Key: KeyAPIToken, Generate: func(r *sandbox.RNG) string { return r.Alnum(40) }},
		},
		Routes: []string{RouteDevice, RoutePing, RouteDevices, RouteConnectionTest},
		Options: []sandbox.OptionSpec{
			{Name: sandbox.OptionForeignTenant, Help: "the device is registered on another Helcim account: the sandbox token cannot find it"},
		},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: h.pairingMode},
			{Name: sandbox.ActionConfirm, Do: h.confirm},
			{Name: sandbox.ActionUnpair, Do: h.standalone},
			sandbox.Power,
			{Name: ActionSleep, Do: func(t *sandbox.Term, _ sandbox.ActionInput) error { return h.setAsleep(t, true) }},
			{Name: ActionWake, Do: func(t *sandbox.Term, _ sandbox.ActionInput) error { return h.setAsleep(t, false) }},
		},
		Control: []sandbox.ControlRoute{{Method: http.MethodGet, Path: "/helcim", Handle: func(w http.ResponseWriter, _ *http.Request) {
			sandbox.WriteJSON(w, http.StatusOK, map[string]string{"restricted_api_token": h.RestrictedAPIToken()})
		}}},
	}
}

// Setup makes the two accounts, from Helcim's own random stream, and
// mounts the API.
func (h *Cloud) Setup(host *sandbox.Host) http.Handler {
	h.h = host
	h.rng = host.NewRNG(seedSalt)
	h.main = &helcimAccount{token: host.Credential(KeyAPIToken), restricted: h.rng.Alnum(40)}
	h.other = &helcimAccount{token: h.rng.Alnum(40), restricted: h.rng.Alnum(40)}
	mux := http.NewServeMux()
	handle := func(pattern, route string, needsRead bool, next helcimHandler) {
		mux.HandleFunc(pattern, h.concurrent(host.Route(route, h.auth(needsRead, next))))
	}
	handle("GET "+Prefix+"/connection-test", RouteConnectionTest, false, h.connectionTest)
	handle("GET "+Prefix+"/devices", RouteDevices, true, h.listDevices)
	handle("GET "+Prefix+"/devices/{code}", RouteDevice, true, h.getDevice)
	handle("GET "+Prefix+"/devices/{code}/ping", RoutePing, true, h.ping)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeHelcimErrors(w, http.StatusNotFound, helcimRouteNotFound)
	})
	return mux
}

// WriteFault answers an injected status as {"errors":"…"}.
func (h *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	writeHelcimErrors(w, status, msg)
}

// Refresh shows the device as it is: every change is made directly, so
// nothing depends on the time here.
func (h *Cloud) Refresh(t *sandbox.Term, _ time.Time) { deviceOf(t).decorate(t) }

// RestrictedAPIToken is a token on the sandbox's Helcim account that lacks
// the General/Settings Read permission: the device routes answer it 403
// {"errors":"No access permission"}. Also served by GET /control/helcim.
func (h *Cloud) RestrictedAPIToken() string { return h.main.restricted }

// RestrictedAPIToken is sb's Helcim restricted token (see
// Cloud.RestrictedAPIToken), or "" when sb simulates no Helcim.
func RestrictedAPIToken(sb *sandbox.Sandbox) string {
	if c, ok := sb.Cloud(providers.Helcim); ok {
		if h, ok := c.(*Cloud); ok {
			return h.RestrictedAPIToken()
		}
	}
	return ""
}

// uniqueCodeLocked makes a 4-character device code (upper-case letters and
// digits, as observed [OBS T20]) no device has.
func (h *Cloud) uniqueCodeLocked() string {
	for {
		code := h.rng.String(helcimCodeChars, helcimCodeLen)
		if !slices.ContainsFunc(h.devices, func(d *device) bool { return d.code == code }) {
			return code
		}
	}
}

// writeHelcimErrors answers {"errors": v}; v is a string, a []string or a
// map[string]string — the three forms Helcim uses [DOC S29, S26].
func writeHelcimErrors(w http.ResponseWriter, status int, v any) {
	sandbox.WriteJSON(w, status, map[string]any{"errors": v})
}

type helcimHandler func(w http.ResponseWriter, r *http.Request, acct *helcimAccount)

// auth checks the api-token header, then the account's rate limit, then
// (for routes needing General/Settings Read) the token's permission.
// Missing token: 401 "Unauthorized" [DOC S29]. A token no account has: 403
// "Unauthorized" — the spec's answer for an invalid token on
// connection-test and the only auth error it lists for the device routes
// [DOC S26]. Rate-limit headers go on every answer that belongs to an
// account; requests without a known token are not counted against any.
func (h *Cloud) auth(needsRead bool, next helcimHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("api-token")
		if token == "" {
			writeHelcimErrors(w, http.StatusUnauthorized, helcimUnauthorized)
			return
		}
		h.h.Lock()
		acct, restricted := h.accountLocked(token)
		var rate rateAnswer
		if acct != nil {
			rate = acct.rate.take(h.h.Clock().Now())
		}
		h.h.Unlock()
		if acct == nil {
			writeHelcimErrors(w, http.StatusForbidden, helcimUnauthorized)
			return
		}
		rate.setHeaders(w.Header())
		switch {
		case !rate.allowed:
			writeHelcimErrors(w, http.StatusTooManyRequests, helcimTooMany)
		case restricted && needsRead:
			writeHelcimErrors(w, http.StatusForbidden, helcimNoPermission)
		default:
			next(w, r, acct)
		}
	}
}

// accountLocked finds the account a token belongs to, comparing in
// constant time. Callers hold the lock.
func (h *Cloud) accountLocked(token string) (acct *helcimAccount, restricted bool) {
	for _, a := range []*helcimAccount{h.main, h.other} {
		if subtle.ConstantTimeCompare([]byte(token), []byte(a.token)) == 1 {
			return a, false
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(a.restricted)) == 1 {
			return a, true
		}
	}
	return nil, false
}

func (h *Cloud) connectionTest(w http.ResponseWriter, _ *http.Request, _ *helcimAccount) {
	sandbox.WriteJSON(w, http.StatusOK, map[string]string{"message": "Connection Successful"})
}

// helcimDeviceJSON is a device as GET /devices and /devices/{code} show it.
type helcimDeviceJSON struct {
	Code        string `json:"code"`
	DateCreated string `json:"dateCreated"`
}

func (d *device) json() helcimDeviceJSON {
	return helcimDeviceJSON{Code: d.code, DateCreated: d.created.UTC().Format(helcimDateLayout)}
}

// validDeviceCode: exactly four ASCII letters or digits.
func validDeviceCode(code string) bool {
	if len(code) != helcimCodeLen {
		return false
	}
	for i := range len(code) {
		if !strings.ContainsRune(helcimCodeChars, rune(code[i])) && !(code[i] >= 'a' && code[i] <= 'z') {
			return false
		}
	}
	return true
}

// deviceLocked finds a device of acct by exact code. Codes are matched
// case-sensitively: Helcim does not say whether they are case-sensitive,
// and codes are upper case, so a client that forgot to normalise a typed
// code finds out here rather than against the real API. Callers hold the lock.
func (h *Cloud) deviceLocked(acct *helcimAccount, code string) *device {
	for _, d := range h.devices {
		if d.account == acct && d.code == code {
			return d
		}
	}
	return nil
}

// pathDevice resolves {code} or writes 400 (list form) / 404.
func (h *Cloud) pathDevice(w http.ResponseWriter, r *http.Request, acct *helcimAccount) *device {
	code := r.PathValue("code")
	if !validDeviceCode(code) {
		writeHelcimErrors(w, http.StatusBadRequest, []string{helcimCodeFormat, "got " + strconv.Quote(truncate(code, 16))})
		return nil
	}
	h.h.Lock()
	d := h.deviceLocked(acct, code)
	h.h.Unlock()
	if d == nil {
		writeHelcimErrors(w, http.StatusNotFound, helcimDeviceNotFound)
	}
	return d
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (h *Cloud) getDevice(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
	d := h.pathDevice(w, r, acct)
	if d == nil {
		return
	}
	h.h.Lock()
	body := d.json()
	h.h.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, body)
}

// ping is the Send a Ping Event endpoint: 202 with no body and the message
// on the device's screen, or 409 when the device is not listening.
func (h *Cloud) ping(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
	d := h.pathDevice(w, r, acct)
	if d == nil {
		return
	}
	h.h.Lock()
	listening := d.listening()
	if listening {
		h.showPingLocked(d)
	}
	h.h.Unlock()
	if !listening {
		writeHelcimErrors(w, http.StatusConflict, helcimNotListening)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// listDevices is GET /devices with code (partial match), limit (1-100,
// default 100) and offset or page (not both) [DOC S26]. Bad query values
// answer 400 with the field→message form of errors.
func (h *Cloud) listDevices(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
	q := r.URL.Query()
	bad := map[string]string{}
	code := q.Get("code")
	if len(code) > helcimCodeLen || strings.Trim(strings.ToUpper(code), helcimCodeChars) != "" {
		bad["code"] = "code must be at most 4 letters or digits"
	}
	limit, offset := helcimMaxLimit, 0
	intParam := func(name string, min, max int, msg string) (int, bool) {
		if !q.Has(name) {
			return 0, false
		}
		n, err := strconv.Atoi(q.Get(name))
		if err != nil || n < min || n > max {
			bad[name] = msg
			return 0, false
		}
		return n, true
	}
	if n, ok := intParam("limit", 1, helcimMaxLimit, "limit must be a whole number from 1 to 100"); ok {
		limit = n
	}
	if n, ok := intParam("offset", 0, 1<<30, "offset must be a whole number, 0 or more"); ok {
		offset = n
	}
	if n, ok := intParam("page", 1, 1<<30, "page must be a whole number, 1 or more"); ok && len(bad) == 0 {
		offset = (n - 1) * limit
	}
	if q.Has("offset") && q.Has("page") {
		bad["page"] = "use offset or page, not both"
	}
	if len(bad) > 0 {
		writeHelcimErrors(w, http.StatusBadRequest, bad)
		return
	}
	want := strings.ToUpper(code)
	h.h.Lock()
	var all []helcimDeviceJSON
	for _, d := range h.devices {
		if d.account == acct && strings.Contains(d.code, want) {
			all = append(all, d.json())
		}
	}
	h.h.Unlock()
	page := []helcimDeviceJSON{}
	if offset < len(all) {
		page = all[offset:min(len(all), offset+limit)]
	}
	if len(page) == 0 {
		writeHelcimErrors(w, http.StatusNotFound, helcimDevicesNone)
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, page)
}
