package linkly

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// ID is the provider id, as terminals, faults and the control API name it.
const ID = "linkly"

// Prefixes of the two hosts on the sandbox listener: the Auth API
// (pairing, tokens) and the POS API (sessions). The Info URLs
// linkly_auth_url and linkly_pos_url are the origin plus each.
const (
	PrefixAuth = "/linkly-auth"
	PrefixPOS  = "/linkly-pos"
)

// Info keys (client environment variables TILLPAIR_LINKLY_AUTH_URL,
// TILLPAIR_LINKLY_POS_URL, TILLPAIR_LINKLY_USERNAME and
// TILLPAIR_LINKLY_PASSWORD).
const (
	KeyAuthURL  = "linkly_auth_url"
	KeyPOSURL   = "linkly_pos_url"
	KeyUsername = "linkly_username"
	KeyPassword = "linkly_password"
)

// Route names, for faults and request counts.
const (
	RoutePair   = "pair"   // POST {auth}/v1/pairing/cloudpos
	RouteToken  = "token"  // POST {auth}/v1/tokens/cloudpos
	RouteStatus = "status" // POST {pos}/v2/sessions/{id}/status
	RouteResult = "result" // GET  {pos}/v2/sessions/{id}/result
)

// Terminal options (POST /control/terminals {"provider":"linkly", …}).
const (
	OptStatusDelay = "status_delay"
	OptBusy        = "busy"
	OptLoggedOn    = "logged_on"
	OptPool        = "pool"
)

// Defaults of the cloud's settings (GET/POST /control/linkly).
const (
	// defaultCodeTTL: a pair code is "only valid for ~180 seconds from
	// when the terminal generated it" [OBS T60]. Options.PairingCodeTTL
	// overrides it.
	defaultCodeTTL = 180 * time.Second
	// defaultExpiry is the token lifetime of the vendor Java test [CODE
	// S62].
	defaultExpiry = 1800
	// defaultHold is how long a result GET with nothing new waits before
	// 425, as the vendor mock does [CODE S61].
	defaultHold = time.Second
	maxHold     = 30 * time.Second
	maxExpiry   = 7 * 24 * 3600
	maxDelay    = time.Hour
)

// Error bodies (setting error_bodies): Linkly's real 400 and 401 carry
// none [OBS T60]; the vendor tests use short text [CODE S61, S62].
const (
	BodiesEmpty = "empty"
	BodiesText  = "text"
)

// Salts of Linkly's random streams, so adding Linkly shifted no seeded
// value of the clouds before it.
const (
	credSalt = 0x4c494e4b4c59   // "LINKLY"
	rngSalt  = 0x4c494e4b4c5952 // "LINKLYR"
)

// Cloud simulates Linkly Cloud: one fixture account (Info username and
// password) whose PIN pads pair with a code, plus "another account"
// owning the pads made with foreign_tenant. State is guarded by the
// sandbox lock.
type Cloud struct {
	h   *sandbox.Host
	rng *sandbox.RNG // codes, secrets, tokens, serials, TIDs

	settings Settings
	codes    map[string]*pairCode // every code ever shown, by value
	secrets  map[string]*secret   // by value
	tokens   map[string]*token    // by value
	sessions map[string]*session  // by session id, lower-case hex without hyphens
	pads     []*pad
	nextID   int // secret ids shown on the pad's pairing list
}

// Settings are the cloud's knobs: GET /control/linkly shows them, POST
// /control/linkly changes those given.
type Settings struct {
	// PairFailureStatus is the status of a refused pairing: 401 (the real
	// cloud) or 400 (the vendor mock).
	PairFailureStatus int `json:"pair_failure_status"`
	// TokenExpirySeconds is the expirySeconds of new tokens.
	TokenExpirySeconds int `json:"token_expiry_seconds"`
	// ResultHoldMS is how long a result GET with nothing new waits
	// before 425.
	ResultHoldMS int `json:"result_hold_ms"`
	// ErrorBodies: "empty" (the real cloud) or "text" (Unauthorised /
	// Error, as the vendor tests).
	ErrorBodies string `json:"error_bodies"`
}

// New returns the Linkly cloud for one sandbox.
func New() *Cloud {
	return &Cloud{
		settings: Settings{PairFailureStatus: http.StatusUnauthorized, TokenExpirySeconds: defaultExpiry,
			ResultHoldMS: int(defaultHold / time.Millisecond), ErrorBodies: BodiesEmpty},
		codes: map[string]*pairCode{}, secrets: map[string]*secret{},
		tokens: map[string]*token{}, sessions: map[string]*session{},
	}
}

// Spec describes the Linkly cloud to the sandbox.
func (c *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: ID, Name: "Linkly",
		Prefixes: []string{PrefixAuth, PrefixPOS},
		URLs:     []sandbox.URLSpec{{Key: KeyAuthURL, Prefix: PrefixAuth}, {Key: KeyPOSURL, Prefix: PrefixPOS}},
		Salt:     credSalt,
		Credentials: []sandbox.CredentialSpec{
			// The username is typed with echo on the pairing form: not a
			// secret. The password is.
			{Key: KeyUsername, Public: true, Generate: func(r *sandbox.RNG) string { return "tillpair-sandbox-" + r.Digits(4) }},
			{Key: KeyPassword, Generate: func(r *sandbox.RNG) string { return r.Alnum(24) }},
		},
		Routes: []string{RoutePair, RouteToken, RouteStatus, RouteResult},
		Options: []sandbox.OptionSpec{
			{Name: sandbox.OptionForeignTenant, Help: "the PIN pad belongs to another Linkly account: pairing it with the sandbox's username and password is refused"},
			{Name: OptStatusDelay, Help: `how long the PIN pad takes to answer a status request, e.g. "3s" (default "0s"); result GETs answer 425 until then`},
			{Name: OptBusy, Help: `the PIN pad answers status requests with responseCode "BY" (PINPAD BUSY)`},
			{Name: OptLoggedOn, Help: "loggedOn in its status answers (default true)"},
			{Name: OptPool, Help: "a POS pool shares the PIN pad: pairing it again keeps the older secrets working (default: a new pairing revokes them)"},
		},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: c.startPairing},
			{Name: sandbox.ActionUnpair, Do: c.unpair},
			{Name: sandbox.ActionExpireCode, Do: c.expireCode},
			{Name: sandbox.ActionPower, Do: c.power},
		},
		Control: []sandbox.ControlRoute{
			{Method: http.MethodGet, Path: "/linkly", Handle: c.controlGet},
			{Method: http.MethodPost, Path: "/linkly", Handle: c.controlSet},
		},
	}
}

// Setup takes Linkly's own stream and mounts both hosts.
func (c *Cloud) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	c.rng = h.NewRNG(rngSalt)
	return c.routes()
}

// Refresh shows the PIN pad as it is now (a code's expiry comes from the
// clock).
func (c *Cloud) Refresh(t *sandbox.Term, now time.Time) { padOf(t).decorate(t, now) }

// WriteFault answers an injected status: 4xx as Linkly's own (empty, or
// short text with error_bodies "text"), anything else with the fault's
// message as plain text.
func (c *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	if status >= 400 && status < 500 {
		c.h.Lock()
		rp := c.failLocked(status)
		c.h.Unlock()
		rp.write(w)
		return
	}
	reply{status: status, text: msg}.write(w)
}

func (c *Cloud) controlGet(w http.ResponseWriter, _ *http.Request) {
	c.h.Lock()
	s := c.settings
	c.h.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, s)
}

// controlSet is POST /control/linkly with any of Settings' members.
func (c *Cloud) controlSet(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PairFailureStatus  *int    `json:"pair_failure_status"`
		TokenExpirySeconds *int    `json:"token_expiry_seconds"`
		ResultHoldMS       *int    `json:"result_hold_ms"`
		ErrorBodies        *string `json:"error_bodies"`
	}
	body, err := sandbox.ReadBody(r)
	if err == nil {
		err = sandbox.DecodeStrict(body, &in)
	}
	if err == nil {
		c.h.Lock()
		s := c.settings
		c.h.Unlock()
		if in.PairFailureStatus != nil {
			s.PairFailureStatus = *in.PairFailureStatus
		}
		if in.TokenExpirySeconds != nil {
			s.TokenExpirySeconds = *in.TokenExpirySeconds
		}
		if in.ResultHoldMS != nil {
			s.ResultHoldMS = *in.ResultHoldMS
		}
		if in.ErrorBodies != nil {
			s.ErrorBodies = *in.ErrorBodies
		}
		err = c.apply(s)
	}
	if err != nil {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error() +
			`; for example {"pair_failure_status":400,"token_expiry_seconds":2,"result_hold_ms":0,"error_bodies":"text"}`})
		return
	}
	c.controlGet(w, r)
}

var errSettings = errors.New("invalid Linkly settings")

// apply checks and installs s.
func (c *Cloud) apply(s Settings) error {
	switch {
	case s.PairFailureStatus != http.StatusUnauthorized && s.PairFailureStatus != http.StatusBadRequest:
		return fmt.Errorf("%w: pair_failure_status %d; use 401 (the real cloud) or 400 (the vendor mock)", errSettings, s.PairFailureStatus)
	case s.TokenExpirySeconds < 1 || s.TokenExpirySeconds > maxExpiry:
		return fmt.Errorf("%w: token_expiry_seconds %d; use 1-%d", errSettings, s.TokenExpirySeconds, maxExpiry)
	case s.ResultHoldMS < 0 || time.Duration(s.ResultHoldMS)*time.Millisecond > maxHold:
		return fmt.Errorf("%w: result_hold_ms %d; use 0-%d", errSettings, s.ResultHoldMS, maxHold.Milliseconds())
	case s.ErrorBodies != BodiesEmpty && s.ErrorBodies != BodiesText:
		return fmt.Errorf("%w: error_bodies %q; use %q or %q", errSettings, s.ErrorBodies, BodiesEmpty, BodiesText)
	}
	c.h.Lock()
	defer c.h.Unlock()
	c.settings = s
	return nil
}

// of finds sb's Linkly cloud.
func of(sb *sandbox.Sandbox) *Cloud {
	if cl, ok := sb.Cloud(ID); ok {
		if c, ok := cl.(*Cloud); ok {
			return c
		}
	}
	return nil
}

// Configure changes sb's Linkly settings, as POST /control/linkly does:
// change gets the current ones and edits them. It reports an invalid
// value, or that sb simulates no Linkly.
func Configure(sb *sandbox.Sandbox, change func(*Settings)) error {
	c := of(sb)
	if c == nil {
		return errors.New("linkly: this sandbox simulates no Linkly cloud")
	}
	c.h.Lock()
	s := c.settings
	c.h.Unlock()
	change(&s)
	return c.apply(s)
}
