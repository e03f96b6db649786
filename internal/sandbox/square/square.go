package square

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// ID is the provider id. It is defined here rather than taken from package
// providers, which has no Square client yet; the two must agree.
const ID = "square"

// Prefix is where the Square API is served on the sandbox listener; the
// Info URL square_url is the origin plus Prefix, so a client calls
// {square_url}/v2/devices/codes as it would https://connect.squareup.com/v2/….
const Prefix = "/square"

// Info keys (client environment variables TILLPAIR_SQUARE_URL,
// TILLPAIR_SQUARE_ACCESS_TOKEN, TILLPAIR_SQUARE_LOCATION_ID).
const (
	KeyURL         = "square_url"
	KeyAccessToken = "square_access_token"
	KeyLocationID  = "square_location_id"
)

// Route names, for faults and request counts.
const (
	RouteCreateCode  = "create-code"  // POST /v2/devices/codes
	RouteGetCode     = "get-code"     // GET /v2/devices/codes/{id}
	RouteListCodes   = "list-codes"   // GET /v2/devices/codes
	RouteListDevices = "list-devices" // GET /v2/devices
	RouteGetDevice   = "get-device"   // GET /v2/devices/{device_id}
)

// Square-only terminal actions (POST /control/terminals/{id}/…).
const (
	ActionNeedsAttention    = "needs-attention"    // the device reports NEEDS_ATTENTION
	ActionAttentionResolved = "attention-resolved" // and no longer does
)

// Terminal options (POST /control/terminals {"provider":"square", …}).
const (
	OptionSignedInOther  = "signed_in_other"
	OptionNeedsAttention = "needs_attention"
	OptionStatusLag      = "status_lag_seconds"
)

// Permissions a token may lack [DOC S50].
const (
	scopeCodes   = "DEVICE_CREDENTIAL_MANAGEMENT"
	scopeDevices = "DEVICES_READ"
)

// seedSalt picks Square's own random stream, so adding Square shifted no
// seeded value of the clouds before it.
const seedSalt = 0x535155415245 // "SQUARE"

// Lengths and alphabets of Square's ids [DOC S50 examples; INF].
const (
	upperAlnum    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	upperLetters  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	idLen         = 13 // device code, location and merchant ids: B3Z6NAMYQSMTM
	codeLen       = 6  // EBCARJ
	defaultTTL    = 5 * time.Minute
	maxKeyLen     = 128
	maxNameLen    = 128
	maxLocationID = 50
	maxPageLimit  = 100
	timeLayout    = "2006-01-02T15:04:05.000Z" // the examples' millisecond UTC form
)

// Cloud simulates the Square Devices API (device codes and devices) and
// Square Terminals. Its state is guarded by the sandbox lock.
type Cloud struct {
	h         *sandbox.Host
	rng       *sandbox.RNG // Square's own stream (Spec.Salt)
	main      *merchant    // the sandbox's account: Info credentials
	other     *merchant    // another account, for 404s across accounts
	tokens    []*token
	codes     []*deviceCode // creation order
	devices   []*device     // first sign-in order
	idem      map[idemKey]idemEntry
	settings  Settings
	seq       int // creation sequence of codes and devices, for cursors
	terminals []*terminal
}

// New returns the Square cloud for one sandbox.
func New() *Cloud {
	return &Cloud{idem: map[idemKey]idemEntry{}, settings: defaultSettings()}
}

// merchant is a Square seller account: its id (the merchant_token devices
// show) and its locations, the first being its main one.
type merchant struct {
	id        string
	locations []string
}

func (m *merchant) hasLocation(id string) bool {
	for _, l := range m.locations {
		if l == id {
			return true
		}
	}
	return false
}

// tokenKind is what an access token may do.
type tokenKind int

const (
	tokenFull          tokenKind = iota // both permissions
	tokenNoCodes                        // lacks DEVICE_CREDENTIAL_MANAGEMENT
	tokenNoDevicesRead                  // lacks DEVICES_READ
	tokenExpired                        // 401 ACCESS_TOKEN_EXPIRED
	tokenRevoked                        // 401 ACCESS_TOKEN_REVOKED
)

type token struct {
	value    string
	merchant *merchant
	kind     tokenKind
}

// Spec describes the Square cloud to the sandbox.
func (c *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: ID, Name: "Square",
		Prefixes: []string{Prefix},
		URLs:     []sandbox.URLSpec{{Key: KeyURL, Prefix: Prefix}},
		Credentials: []sandbox.CredentialSpec{
			{Key: KeyAccessToken, Generate: func(r *sandbox.RNG) string { return r.Alnum(64) }},
			{Key: KeyLocationID, Public: true, Generate: func(r *sandbox.RNG) string { return r.String(upperAlnum, idLen) }},
		},
		Salt:   seedSalt,
		Routes: []string{RouteCreateCode, RouteGetCode, RouteListCodes, RouteListDevices, RouteGetDevice},
		Options: []sandbox.OptionSpec{
			{Name: OptionSignedInOther, Help: "the Terminal starts signed in to Square Point of Sale with email and password: it must sign out (unpair) before a device code"},
			{Name: OptionNeedsAttention, Help: "once signed in, the device reports NEEDS_ATTENTION in the Devices API"},
			{Name: OptionStatusLag, Help: "seconds the Devices API lags behind the Terminal (0-3600; default 0)"},
		},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: c.openSignInForm},
			{Name: sandbox.ActionSignIn, Do: c.signIn},
			{Name: sandbox.ActionUnpair, Do: c.signOut},
			{Name: sandbox.ActionExpireCode, Do: c.expireCode},
			{Name: sandbox.ActionPower, Do: c.power},
			{Name: ActionNeedsAttention, Do: func(t *sandbox.Term, in sandbox.ActionInput) error { return c.setAttention(t, in, true) }},
			{Name: ActionAttentionResolved, Do: func(t *sandbox.Term, in sandbox.ActionInput) error { return c.setAttention(t, in, false) }},
		},
		Control: []sandbox.ControlRoute{
			{Method: http.MethodGet, Path: "/square", Handle: c.controlGet},
			{Method: http.MethodPost, Path: "/square", Handle: c.controlPost},
		},
	}
}

// Setup makes the two accounts and their tokens from Square's own stream
// and mounts the API.
func (c *Cloud) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	c.rng = h.OwnRNG()
	c.main = &merchant{id: c.rng.String(upperAlnum, idLen), locations: []string{h.Credential(KeyLocationID), c.rng.String(upperAlnum, idLen)}}
	c.other = &merchant{id: c.rng.String(upperAlnum, idLen), locations: []string{c.rng.String(upperAlnum, idLen)}}
	c.tokens = []*token{{value: h.Credential(KeyAccessToken), merchant: c.main, kind: tokenFull}}
	for _, t := range []struct {
		m    *merchant
		kind tokenKind
	}{{c.main, tokenNoCodes}, {c.main, tokenNoDevicesRead}, {c.main, tokenExpired}, {c.main, tokenRevoked}, {c.other, tokenFull}} {
		c.tokens = append(c.tokens, &token{value: c.rng.Alnum(64), merchant: t.m, kind: t.kind})
	}

	mux := http.NewServeMux()
	// Patterns carry no method: a method a path lacks is Square's 404, not
	// ServeMux's plain-text 405.
	route := func(pattern string, byMethod map[string]http.HandlerFunc) {
		mux.HandleFunc(Prefix+pattern, func(w http.ResponseWriter, r *http.Request) {
			m := r.Method
			if m == http.MethodHead {
				m = http.MethodGet
			}
			if next, ok := byMethod[m]; ok {
				next(w, r)
				return
			}
			notFoundRoute(w, r)
		})
	}
	route("/v2/devices/codes", map[string]http.HandlerFunc{
		http.MethodPost: h.Route(RouteCreateCode, c.api(scopeCodes, c.createCode)),
		http.MethodGet:  h.Route(RouteListCodes, c.api(scopeCodes, c.listCodes)),
	})
	route("/v2/devices/codes/{id}", map[string]http.HandlerFunc{
		http.MethodGet: h.Route(RouteGetCode, c.api(scopeCodes, c.getCode)),
	})
	route("/v2/devices", map[string]http.HandlerFunc{
		http.MethodGet: h.Route(RouteListDevices, c.api(scopeDevices, c.listDevices)),
	})
	route("/v2/devices/{device_id}", map[string]http.HandlerFunc{
		http.MethodGet: h.Route(RouteGetDevice, c.api(scopeDevices, c.getDevice)),
	})
	mux.HandleFunc("/", notFoundRoute)
	return mux
}

// squareError is one member of Square's errors array [DOC S50 Error].
type squareError struct {
	Category string `json:"category"`
	Code     string `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
	status   int
}

// Error categories [DOC S50 ErrorCategory].
const (
	catAuth      = "AUTHENTICATION_ERROR"
	catRequest   = "INVALID_REQUEST_ERROR"
	catRateLimit = "RATE_LIMIT_ERROR"
	catAPI       = "API_ERROR"
)

func badRequest(code, field, detail string) squareError {
	return squareError{Category: catRequest, Code: code, Field: field, Detail: detail, status: http.StatusBadRequest}
}

func notFound(detail string) squareError {
	return squareError{Category: catRequest, Code: "NOT_FOUND", Detail: detail, status: http.StatusNotFound}
}

// writeErrors answers {"errors":[…]} with the first error's status, as
// Square does with several [DOC S55].
func writeErrors(w http.ResponseWriter, errs ...squareError) {
	sandbox.WriteJSON(w, errs[0].status, map[string][]squareError{"errors": errs})
}

// unauthorized is the observed 401 body, byte for byte [OBS T50].
var unauthorized = squareError{Category: catAuth, Code: "UNAUTHORIZED", Detail: "This request could not be authorized.", status: http.StatusUnauthorized}

// WriteFault answers an injected status in Square's envelope: 429
// RATE_LIMITED with Retry-After, 5xx Square's API errors, 4xx the matching
// request or authentication error.
func (c *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	e := squareError{Detail: msg, status: status}
	switch {
	case status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		e.Category, e.Code = catRateLimit, "RATE_LIMITED"
	case status == http.StatusUnauthorized:
		e.Category, e.Code = catAuth, "UNAUTHORIZED"
	case status == http.StatusForbidden:
		e.Category, e.Code = catAuth, "FORBIDDEN"
	case status == http.StatusNotFound:
		e.Category, e.Code = catRequest, "NOT_FOUND"
	case status == http.StatusServiceUnavailable:
		e.Category, e.Code = catAPI, "SERVICE_UNAVAILABLE"
	case status == http.StatusGatewayTimeout:
		e.Category, e.Code = catAPI, "GATEWAY_TIMEOUT"
	case status >= 400 && status < 500:
		e.Category, e.Code = catRequest, "BAD_REQUEST"
	default:
		e.Category, e.Code = catAPI, "INTERNAL_SERVER_ERROR"
	}
	writeErrors(w, e)
}

// notFoundRoute is the answer to a path or method Square does not serve:
// there is no DELETE, revoke or rename route [DOC S50; OBS T53].
func notFoundRoute(w http.ResponseWriter, r *http.Request) {
	writeErrors(w, notFound("API endpoint for URL path `"+clip(r.URL.Path, 200)+"` and HTTP method `"+clip(r.Method, 20)+"` is not found."))
}

// squareVersion is the Square-Version header's form [DOC S50; INF: any date].
var squareVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`) })

type apiHandler func(w http.ResponseWriter, r *http.Request, m *merchant, tok *token)

// api checks, in order, the bearer token (401), the Square-Version header
// (400 INVALID_SQUARE_VERSION_FORMAT) and the token's permission for the
// route (403 INSUFFICIENT_SCOPES), then runs next.
func (c *Cloud) api(scope string, next apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.h.Lock()
		tok := c.tokenLocked(bearer(r.Header.Get("Authorization")))
		c.h.Unlock()
		switch {
		case tok == nil:
			writeErrors(w, unauthorized)
			return
		case tok.kind == tokenExpired:
			writeErrors(w, squareError{Category: catAuth, Code: "ACCESS_TOKEN_EXPIRED", Detail: "The access token has expired.", status: http.StatusUnauthorized})
			return
		case tok.kind == tokenRevoked:
			writeErrors(w, squareError{Category: catAuth, Code: "ACCESS_TOKEN_REVOKED", Detail: "The access token has been revoked.", status: http.StatusUnauthorized})
			return
		}
		if v := r.Header.Values("Square-Version"); len(v) != 1 || !squareVersion().MatchString(v[0]) {
			writeErrors(w, badRequest("INVALID_SQUARE_VERSION_FORMAT", "Square-Version",
				"Square-Version must be one date in the form YYYY-MM-DD, e.g. 2025-08-20."))
			return
		}
		if tok.kind == tokenNoCodes && scope == scopeCodes || tok.kind == tokenNoDevicesRead && scope == scopeDevices {
			writeErrors(w, squareError{Category: catAuth, Code: "INSUFFICIENT_SCOPES", status: http.StatusForbidden,
				Detail: "The merchant has not given your application sufficient permissions to do that. The app needs the following permissions: [" + scope + "]"})
			return
		}
		next(w, r, tok.merchant, tok)
	}
}

// bearer is the token of an "Authorization: Bearer …" header (the scheme
// in any case, as HTTP allows), or "".
func bearer(h string) string {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// tokenLocked finds a token, comparing in constant time.
func (c *Cloud) tokenLocked(value string) *token {
	if value == "" {
		return nil
	}
	var found *token
	for _, t := range c.tokens {
		if subtle.ConstantTimeCompare([]byte(value), []byte(t.value)) == 1 {
			found = t
		}
	}
	return found
}

// jsonContentType: a POST body must be sent as application/json [DOC S52].
func jsonContentType(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// clip bounds text echoed back in a detail.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }
