package sandbox

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/jonboulle/clockwork"
)

// Cloud is one simulated payment cloud. A cloud sub-package (sci,
// smartconnect, helcim, …) exports a New that returns a fresh Cloud; New
// (the Sandbox's) takes one instance per sandbox, since a Cloud holds that
// sandbox's state for its provider.
//
// The core calls Spec first, then Setup once every cloud's credentials
// exist, then NewTerminal for the start-up terminal. NewTerminal, Refresh
// and every Action run with the sandbox lock held (Host.Lock); handlers
// take it themselves around the state they touch.
type Cloud interface {
	// Spec describes the cloud: what it serves, its credentials, options
	// and terminal-side actions. It is called once, before Setup.
	Spec() Spec
	// Setup gives the cloud its Host and returns the handler for every
	// path under Spec().Prefixes (full paths, prefix included).
	Setup(h *Host) http.Handler
	// NewTerminal fills in a terminal being added: TID, Nickname, State and
	// whatever the screen shows at first. ID, Provider, Live,
	// ForeignTenant and Online are already set, and the options are ones
	// Spec().Options names; a setting it cannot use is refused with an
	// error wrapping ErrInvalidTerminalOptions, leaving nothing behind.
	NewTerminal(t *Term, o TerminalOptions) error
	// Refresh brings the terminal's screen fields (Screen, PairingCode,
	// PairingCodeExpiresAt, ConfirmationCode, Message, Pairings) up to date
	// as of now, before the core shows the terminal to anyone. A cloud whose
	// actions set those fields directly has nothing to do here; one whose
	// state changes with time (a code that expires or refreshes) derives
	// them from the clock here, so no state depends on when a timer runs.
	Refresh(t *Term, now time.Time)
	// WriteFault answers an injected fault status in the cloud's own error
	// envelope, with msg as its message.
	WriteFault(w http.ResponseWriter, status int, msg string)
}

// Spec is a cloud's description.
type Spec struct {
	ID   string // provider id, as terminals, faults and the control API name it ("sci")
	Name string // display name in messages ("SCI")
	// Prefixes are the path prefixes its handler serves on the shared
	// listener, e.g. "/sci-pairing". Each must be unique to the cloud.
	Prefixes []string
	// URLs are its Info URLs: each key maps to the listener's origin plus
	// a prefix. Keys are lower snake case, and key k is what the client
	// reads from the environment variable providers.EnvName(k), e.g. sci_pairing_url
	// ↔ TILLPAIR_SCI_PAIRING_URL.
	URLs []URLSpec
	// Credentials are the credentials it accepts, generated at New (the
	// Info credentials, redacted from the request log unless Public). Keys
	// follow the same convention: sci_api_key ↔ TILLPAIR_SCI_API_KEY.
	Credentials []CredentialSpec
	// Routes name its routes for faults and request counts, in the order
	// error messages list them.
	Routes []string
	// Options are the POST /control/terminals options its terminals take
	// besides "provider" (Live is "live", ForeignTenant "foreign_tenant";
	// anything else arrives in TerminalOptions.Settings).
	Options []OptionSpec
	// Actions are the terminal-side actions its terminals support: the
	// standard ones (ActionPairingCode, ActionConfirm, ActionUnpair,
	// ActionExpireCode, ActionSignIn, ActionPower) and any of its own.
	// Each is served as POST /control/terminals/{id}/{name}; one a
	// terminal's cloud lacks answers 400 naming the provider and the
	// action (ErrUnsupported).
	Actions []Action
	// Control are extra control routes, relative to /control (e.g. GET
	// /helcim for Helcim's restricted token).
	Control []ControlRoute
	// Salt, when non-zero, gives the cloud a random stream of its own,
	// picked by Options.Seed and Salt (as Host.NewRNG): its credentials
	// are drawn from it instead of the shared source, and Host.OwnRNG
	// continues it. Every credential is drawn before any Setup, so a cloud
	// added at the end of clouds.All without a Salt would still shift the
	// seeded values (tenants, TIDs) of the clouds before it; new clouds set
	// one.
	Salt int64
}

// URLSpec is one Info URL: Key (e.g. "helcim_url") is the listener's
// origin plus Prefix (e.g. "/helcim/v2").
type URLSpec struct{ Key, Prefix string }

// CredentialSpec is one Info credential. Generate makes the sandbox's value
// from the sandbox's random source (deterministic with Options.Seed; the
// cloud's own stream when Spec.Salt is set); it is called once at New even
// when Options.Credentials plants a value, so planting one never shifts
// the seeded values that follow.
type CredentialSpec struct {
	Key      string
	Generate func(r *RNG) string
	// Public marks a value that is not a secret (Square's location id): it
	// is in Info like the others, but the request log shows it instead of
	// redacting it wherever it appears.
	Public bool
}

// OptionSpec is a terminal option a cloud accepts; Help says what it does.
type OptionSpec struct{ Name, Help string }

// Names of the terminal options the core decodes into TerminalOptions
// fields.
const (
	OptionLive          = "live"
	OptionForeignTenant = "foreign_tenant"
)

// Action is something done on a virtual terminal: a merchant's press, a
// typed code, the power switch. Do runs with the sandbox lock held; on
// success the core notifies subscribers and answers the refreshed terminal.
// Do returns ErrNothingToConfirm, ErrNoCode, ErrIncorrectDeviceCode,
// ErrWrongState or another error wrapping a sentinel of this package, with a message naming
// the problem and the next step.
type Action struct {
	Name string // path segment: POST /control/terminals/{id}/{Name}
	Do   func(t *Term, in ActionInput) error
}

// ActionInput is what an action is given.
type ActionInput struct {
	Now time.Time
	// Code: for ActionSignIn the code typed on the terminal (never empty);
	// for ActionExpireCode the code to expire ("" means the one on screen).
	Code string
	// Online: for ActionPower, switched on (true) or off.
	Online bool
}

// The standard terminal-side actions. The control API decodes their
// bodies; a cloud's own actions take no body.
const (
	ActionPairingCode = "pairing-code" // start pairing: the terminal shows a code
	ActionConfirm     = "confirm"      // the merchant confirms on the terminal
	ActionUnpair      = "unpair"       // unpair (sign out, disconnect) on the terminal side
	ActionExpireCode  = "expire-code"  // the code expires now; body {"code"} optional
	ActionSignIn      = "sign-in"      // type a POS-shown code on the terminal; body {"code"}
	ActionPower       = "power"        // power on/off; body {"online"}
)

// Power is the ActionPower every cloud can list as is: it only switches
// Term.Online, which the cloud's handlers consult for the calls a real
// cloud cannot answer without the terminal.
var Power = Action{Name: ActionPower, Do: func(t *Term, in ActionInput) error {
	t.Online = in.Online
	return nil
}}

// ControlRoute is an extra control route; Path is relative to /control.
type ControlRoute struct {
	Method, Path string
	Handle       http.HandlerFunc
}

// Host is the core as one cloud sees it: the lock, the clock, the random
// source, credentials, fault injection and terminal timers.
type Host struct {
	s *Sandbox
	m *mounted
}

// Lock takes the sandbox lock, which guards every terminal and every
// cloud's state; Unlock releases it.
func (h *Host) Lock()   { h.s.mu.Lock() }
func (h *Host) Unlock() { h.s.mu.Unlock() }

// Clock is the sandbox clock; time comes only from it, so tests drive it.
func (h *Host) Clock() clockwork.Clock { return h.s.clock }

// Logger is the sandbox logger.
func (h *Host) Logger() *slog.Logger { return h.s.log }

// Options are the sandbox's options, defaults applied.
func (h *Host) Options() Options { return h.s.opts }

// RNG is the sandbox's shared random source. Use it with the lock held
// (or in Setup). Every draw shifts the seeded values after it, so a cloud
// whose values should not disturb others' takes its own with NewRNG.
func (h *Host) RNG() *RNG { return h.s.rng }

// OwnRNG is the cloud's own random stream when its Spec has a Salt (the
// one its credentials were drawn from, continued), else the shared one.
// Guard it with the lock like everything else.
func (h *Host) OwnRNG() *RNG {
	if h.m.rng != nil {
		return h.m.rng
	}
	return h.s.rng
}

// NewRNG makes a random source of the cloud's own: deterministic when
// Options.Seed is set (seed and salt together pick the stream), random
// otherwise. Guard it with the lock like everything else.
func (h *Host) NewRNG(salt int64) *RNG { return saltedRNG(h.s.opts.Seed, salt) }

// saltedRNG is the stream of seed and salt: deterministic when seed is set,
// random otherwise.
func saltedRNG(seed, salt int64) *RNG {
	if seed != 0 {
		seed ^= salt
		if seed == 0 {
			seed = salt
		}
	}
	return newRNG(seed)
}

// Credential is the value of the Info credential key (any cloud's), or ""
// if there is none.
func (h *Host) Credential(key string) string { return lookup(h.s.creds, key) }

// CodeTTL is how long a code shown on a terminal lives:
// Options.PairingCodeTTL when set, else the cloud's default def.
func (h *Host) CodeTTL(def time.Duration) time.Duration {
	if h.s.opts.PairingCodeTTL > 0 {
		return h.s.opts.PairingCodeTTL
	}
	return def
}

// Origin is the sandbox's own origin, for URLs a cloud hands out: the
// listener's address once started, else the Host the request came to (a
// mounted Handler).
func (h *Host) Origin(r *http.Request) string {
	h.s.mu.Lock()
	base := h.s.baseURL
	h.s.mu.Unlock()
	if base == "" {
		base = "http://" + r.Host
	}
	return base
}

// Route wraps one of the cloud's handlers (route is one of Spec().Routes)
// with request counting and fault injection; see Fault.
func (h *Host) Route(route string, next http.HandlerFunc) http.HandlerFunc {
	return h.s.route(h.m, route, next)
}

// ArrivedAt is when the sandbox received r, before any delay fault: checks
// of the request itself (a signature's created window) use it.
func (h *Host) ArrivedAt(r *http.Request) time.Time { return h.s.arrivedAt(r) }

// NotifyLocked wakes Changes subscribers; call it, holding the lock, when a
// handler changed what a terminal shows. Actions need not: the core
// notifies after each.
func (h *Host) NotifyLocked() { h.s.notifyLocked() }

// UniqueTIDLocked is a fresh 8-digit terminal id, without a leading zero
// (observed TIDs have 8 significant digits), that no terminal has.
func (h *Host) UniqueTIDLocked() string { return h.s.uniqueTIDLocked() }

// SetTimerLocked makes fire run after d, with the lock held and now from
// the clock, then notifies subscribers; it replaces the terminal's timer.
// A timer stopped (Term.StopTimer), replaced, or outlived by the sandbox
// never fires, so fire need not check whether it is stale. fire may be nil
// when the state is derived from the clock and the timer only has to wake
// subscribers.
func (h *Host) SetTimerLocked(t *Term, d time.Duration, fire func(now time.Time)) {
	s := h.s
	t.StopTimer()
	var tm clockwork.Timer
	tm = s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t.timer != tm {
			return
		}
		t.timer = nil
		if fire != nil {
			fire(s.clock.Now())
		}
		s.notifyLocked()
	})
	t.timer = tm
}
