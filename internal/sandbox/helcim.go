package sandbox

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// Helcim route names, for faults and request counts.
const (
	RouteHelcimDevice         = "device"          // GET /devices/{code}
	RouteHelcimPing           = "ping"            // GET /devices/{code}/ping
	RouteHelcimDevices        = "devices"         // GET /devices
	RouteHelcimConnectionTest = "connection-test" // GET /connection-test
)

// helcimRoutes lists the fault routes, in the order error messages show them.
var helcimRoutes = []string{RouteHelcimDevice, RouteHelcimPing, RouteHelcimDevices, RouteHelcimConnectionTest}

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

// helcimCloud simulates the Helcim Payment Hardware API. It has two
// accounts: the sandbox's (Info().Credentials.HelcimAPIToken) and another
// one whose devices the sandbox token must not see. State is guarded by s.mu.
type helcimCloud struct {
	s       *Sandbox
	rng     *rng // its own stream, so adding Helcim left seeded SCI values unchanged
	main    *helcimAccount
	other   *helcimAccount
	devices []*helcimDevice // registration order
}

// helcimSeedSalt separates the Helcim random stream from the shared one.
const helcimSeedSalt = 0x48454c43494d // "HELCIM"

func newHelcimCloud(s *Sandbox, seed int64) *helcimCloud {
	hseed := int64(0)
	if seed != 0 {
		hseed = seed ^ helcimSeedSalt
		if hseed == 0 {
			hseed = helcimSeedSalt
		}
	}
	r := newRNG(hseed)
	return &helcimCloud{
		s:     s,
		rng:   r,
		main:  &helcimAccount{token: s.creds.HelcimAPIToken, restricted: r.alnum(40)},
		other: &helcimAccount{token: r.alnum(40), restricted: r.alnum(40)},
	}
}

// HelcimRestrictedAPIToken is a token on the sandbox's Helcim account that
// lacks the General/Settings Read permission: the device routes answer it
// 403 {"errors":"No access permission"}. Also served by GET /control/helcim.
func (s *Sandbox) HelcimRestrictedAPIToken() string { return s.helcim.main.restricted }

// uniqueCodeLocked makes a 4-character device code (upper-case letters and
// digits, as observed [OBS T20]) no device has.
func (h *helcimCloud) uniqueCodeLocked() string {
	for {
		b := make([]byte, helcimCodeLen)
		for i := range b {
			b[i] = helcimCodeChars[h.rng.r.IntN(len(helcimCodeChars))]
		}
		code := string(b)
		if !slices.ContainsFunc(h.devices, func(d *helcimDevice) bool { return d.code == code }) {
			return code
		}
	}
}

func (h *helcimCloud) handler() http.Handler {
	s := h.s
	mux := http.NewServeMux()
	handle := func(pattern, route string, needsRead bool, next helcimHandler) {
		mux.HandleFunc(pattern, h.concurrent(s.route(providers.Helcim, route, h.auth(needsRead, next))))
	}
	handle("GET "+prefixHelcim+"/connection-test", RouteHelcimConnectionTest, false, h.connectionTest)
	handle("GET "+prefixHelcim+"/devices", RouteHelcimDevices, true, h.listDevices)
	handle("GET "+prefixHelcim+"/devices/{code}", RouteHelcimDevice, true, h.getDevice)
	handle("GET "+prefixHelcim+"/devices/{code}/ping", RouteHelcimPing, true, h.ping)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeHelcimErrors(w, http.StatusNotFound, helcimRouteNotFound)
	})
	return mux
}

// writeHelcimErrors answers {"errors": v}; v is a string, a []string or a
// map[string]string — the three forms Helcim uses [DOC S29, S26].
func writeHelcimErrors(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, map[string]any{"errors": v})
}

type helcimHandler func(w http.ResponseWriter, r *http.Request, acct *helcimAccount)

// auth checks the api-token header, then the account's rate limit, then
// (for routes needing General/Settings Read) the token's permission.
// Missing token: 401 "Unauthorized" [DOC S29]. A token no account has: 403
// "Unauthorized" — the spec's answer for an invalid token on
// connection-test and the only auth error it lists for the device routes
// [DOC S26]. Rate-limit headers go on every answer that belongs to an
// account; requests without a known token are not counted against any.
func (h *helcimCloud) auth(needsRead bool, next helcimHandler) http.HandlerFunc {
	s := h.s
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("api-token")
		if token == "" {
			writeHelcimErrors(w, http.StatusUnauthorized, helcimUnauthorized)
			return
		}
		s.mu.Lock()
		acct, restricted := h.accountLocked(token)
		var rate rateAnswer
		if acct != nil {
			rate = acct.rate.take(s.clock.Now())
		}
		s.mu.Unlock()
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
// constant time. Callers hold s.mu.
func (h *helcimCloud) accountLocked(token string) (acct *helcimAccount, restricted bool) {
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

func (h *helcimCloud) connectionTest(w http.ResponseWriter, _ *http.Request, _ *helcimAccount) {
	writeJSON(w, http.StatusOK, map[string]string{"message": "Connection Successful"})
}

// helcimDeviceJSON is a device as GET /devices and /devices/{code} show it.
type helcimDeviceJSON struct {
	Code        string `json:"code"`
	DateCreated string `json:"dateCreated"`
}

func (d *helcimDevice) json() helcimDeviceJSON {
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
// code finds out here rather than against the real API. Callers hold s.mu.
func (h *helcimCloud) deviceLocked(acct *helcimAccount, code string) *helcimDevice {
	for _, d := range h.devices {
		if d.account == acct && d.code == code {
			return d
		}
	}
	return nil
}

// pathDevice resolves {code} or writes 400 (list form) / 404.
func (h *helcimCloud) pathDevice(w http.ResponseWriter, r *http.Request, acct *helcimAccount) *helcimDevice {
	code := r.PathValue("code")
	if !validDeviceCode(code) {
		writeHelcimErrors(w, http.StatusBadRequest, []string{helcimCodeFormat, "got " + strconv.Quote(truncate(code, 16))})
		return nil
	}
	h.s.mu.Lock()
	d := h.deviceLocked(acct, code)
	h.s.mu.Unlock()
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

func (h *helcimCloud) getDevice(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
	d := h.pathDevice(w, r, acct)
	if d == nil {
		return
	}
	h.s.mu.Lock()
	body := d.json()
	h.s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// ping is the Send a Ping Event endpoint: 202 with no body and the message
// on the device's screen, or 409 when the device is not listening.
func (h *helcimCloud) ping(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
	d := h.pathDevice(w, r, acct)
	if d == nil {
		return
	}
	s := h.s
	s.mu.Lock()
	listening := d.listening()
	if listening {
		s.showPingLocked(d)
	}
	s.mu.Unlock()
	if !listening {
		writeHelcimErrors(w, http.StatusConflict, helcimNotListening)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// listDevices is GET /devices with code (partial match), limit (1-100,
// default 100) and offset or page (not both) [DOC S26]. Bad query values
// answer 400 with the field→message form of errors.
func (h *helcimCloud) listDevices(w http.ResponseWriter, r *http.Request, acct *helcimAccount) {
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
	h.s.mu.Lock()
	var all []helcimDeviceJSON
	for _, d := range h.devices {
		if d.account == acct && strings.Contains(d.code, want) {
			all = append(all, d.json())
		}
	}
	h.s.mu.Unlock()
	page := []helcimDeviceJSON{}
	if offset < len(all) {
		page = all[offset:min(len(all), offset+limit)]
	}
	if len(page) == 0 {
		writeHelcimErrors(w, http.StatusNotFound, helcimDevicesNone)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
