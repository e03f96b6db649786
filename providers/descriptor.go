package providers

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// PairingModel says who shows the code that joins a register to a terminal.
type PairingModel string

const (
	// CodeFromTerminal: the terminal shows a code and the register sends it
	// (SCI, SmartConnect, SumUp, Linkly).
	CodeFromTerminal PairingModel = "code_from_terminal"
	// CodeFromPOS: the register asks the cloud for a code, shows it with its
	// expiry, and the operator types it on the terminal (Square).
	CodeFromPOS PairingModel = "code_from_pos"
	// DeviceCode: the terminal has a fixed code the register looks up
	// (Helcim).
	DeviceCode PairingModel = "device_code"
)

// Descriptor is everything a front-end needs to know about a provider. The
// TUI, the CLI, accessible mode, the demo and the evidence pack read it from
// the Registry and never name a provider: adding a provider is a client
// package exporting a Descriptor, a simulator sub-package and a registry
// line.
type Descriptor struct {
	// ID is the provider's id on the command line, in the records file, in
	// keyring items and in the sandbox control API ("sci").
	ID string
	// Name is the display name used as the screens' title and the header's
	// product ("Simple Cloud Integration"); Vendor is who makes it ("mx51").
	Name, Vendor string
	// Short is the name in running text and CLI lines ("SCI", "SumUp").
	Short string

	Model PairingModel
	Code  CodeSpec

	// Confirms: after Pair, the pairing awaits a confirmation on the
	// terminal (or, for CodeFromPOS, the operator signing in with the code)
	// until Check reports it active, for at most ConfirmWindow (0: the
	// session's default).
	Confirms      bool
	ConfirmWindow time.Duration
	// RemoteUnpair: Unpair talks to the cloud. Otherwise unpairing is done on
	// the terminal (UnpairSteps) and tillpair can only forget the pairing.
	RemoteUnpair bool
	// CanCancel: a pairing awaiting confirmation can be withdrawn in the
	// cloud (SCI unpair). Otherwise cancelling only stops waiting and
	// forgets it here (a Square code simply expires).
	CanCancel bool
	// CanTest: Check makes sense as a user-triggered Test.
	CanTest bool
	// SilentCheck: Check does not disturb the terminal, so pairings may be
	// re-checked on every entry to the provider's screens (SCIPAIRING10).
	// Otherwise they are checked only when the user asks (a Helcim check is
	// a ping the device shows).
	SilentCheck bool
	// OnePerRegister: a register holds at most one pairing of this provider
	// (SmartConnect routes by register identity); pairing again moves the
	// register to the new terminal, so front-ends warn first.
	OnePerRegister bool

	// Credentials are what `tillpair setup <id>` asks for and the runtime
	// reads (environment first, then keyring or settings).
	Credentials []Credential
	// PairInputs are asked at every pairing, used once and never stored
	// (Linkly's username and password).
	PairInputs []Credential
	// Register describes this register's identity towards the provider, or
	// nil when the provider has none.
	Register *RegisterSpec
	// Endpoints are the base URLs the client needs, each overridable by its
	// environment variable and served by the sandbox under the same name.
	Endpoints []Endpoint
	// Environments lists the provider's environments, the first being the
	// default; the sandbox is always the extra environment "sandbox".
	Environments []Environment
	// PairingSecret names the keyring item of a per-pairing secret the
	// provider hands out at pairing ("" when it has none), with %s for the
	// pairing id: "sci/%s/signing-secret-part-b".
	PairingSecret string

	// Badge picks the header badge where the environment alone does not
	// say it (an SCI key's live_ prefix), nil: the environment's Badge.
	Badge func(Config) string

	Labels   Labels
	Branding Branding
	Steps    Steps
	// Texts are the provider's own lines where the common one would
	// mislead (a Helcim test is a ping the terminal shows).
	Texts Texts

	// Wording overrides the catalogue's words for an error of this
	// provider (e.Provider is the descriptor's ID, e non-nil); ok false
	// keeps the generic wording. nil: none.
	Wording func(e *Error) (w Wording, ok bool)

	// New builds a client from resolved settings.
	New func(Config) (Provider, error)
}

// Credential is one value a provider needs: a secret (kept in the OS
// keyring, typed without echo) or a setting (kept in the records file).
type Credential struct {
	// Name is the credential's key: the sandbox's credentials key and, in
	// capitals with the TILLPAIR_ prefix, its environment variable.
	Name  string
	Label string // "Pairing API key"
	// Help says where the user finds the value, for setup prompts.
	Help   string
	Secret bool
	// Item is the keyring item of a stored secret ("sci/api-key").
	Item     string
	Optional bool
	// Warn, when set, looks at a value being set up, with the other
	// credentials given (by Name), and returns a warning for the user, ""
	// for none. source names where the value came from ("the API key", an
	// environment variable). It never quotes any part of a value.
	Warn func(v Secret, given map[string]Secret, source string) string
}

// Env is the environment variable that supplies the credential.
func (c Credential) Env() string { return EnvName(c.Name) }

// Endpoint is one base URL of a provider.
type Endpoint struct {
	Name  string // "sci_pairing_url": sandbox Info key; env TILLPAIR_SCI_PAIRING_URL
	Label string
}

// Env is the environment variable that overrides the endpoint.
func (e Endpoint) Env() string { return EnvName(e.Name) }

// EnvName is the environment variable for a credential or endpoint name.
func EnvName(name string) string { return "TILLPAIR_" + strings.ToUpper(name) }

// Environment is one of a provider's environments.
type Environment struct {
	Name  string // "production", "dev", "test", "live"
	Badge string // header badge: "LIVE", "TEST", "DEV"
	// URLs are the endpoints' defaults in this environment, by Endpoint.Name.
	URLs map[string]string
}

// RegisterSpec describes a per-register identity (SmartConnect's register
// triple, Linkly's posId): fields the user sets, plus an id made once and
// kept, because changing it breaks every pairing.
type RegisterSpec struct {
	Fields []Credential // non-secret; asked by setup
	// GeneratedID names the id made once per register ("register_id",
	// "pos_id"), "" when there is none.
	GeneratedID string
	// IDLabel names the generated id on screens and in setup ("POS ID"),
	// "" for Labels.PairingID (SmartConnect's pairing is the register).
	IDLabel string
	// Required: pairing fails with KindConfig until the fields are set.
	Required bool
}

// Asks reports that setup asks for register fields (SmartConnect's
// names), not only makes a generated id (Linkly's POS ID). Safe on nil.
func (r *RegisterSpec) Asks() bool { return r != nil && len(r.Fields) > 0 }

// Labels name a pairing's fields in this provider's terms.
type Labels struct {
	PairingID        string // "Pairing ID", "Reader ID", "Device code ID"
	TID              string // "TID", "Serial", "Device ID"
	TerminalNickname string // "Terminal Nickname"
	Confirmation     string // "Confirmation code"
}

// Branding is how a provider is drawn.
type Branding struct {
	Logo, LogoCompact string // ASCII art, "" for none
	// Color is the brand colour, a hex value ("#F97316"), "" for the theme's.
	Color string
}

// Steps are the instructions for the operator.
type Steps struct {
	Pair        []string // numbered steps before pairing
	PairCompact string   // one paragraph for small terminals
	// Confirm: what to do while the pairing awaits confirmation (SCI: check
	// the codes match, then confirm on the terminal; Square: sign in with
	// the code shown).
	Confirm []string
	// Waiting: a last Confirm step that holds only while the front-end
	// waits for the confirmation ("tillpair notices the sign-in by itself;
	// keep this screen open."); one that does not wait (`pair --no-wait`)
	// leaves it out. See Descriptor.WaitingSteps.
	Waiting string
	// Unpair: what to do on the terminal when RemoteUnpair is false, as a
	// sentence without a final stop, so a front-end can add its own next
	// step (", then forget it here").
	Unpair string
	// TerminalUnpair: for a provider that unpairs remotely, the clause
	// saying how to end a pairing on the terminal when the cloud cannot be
	// asked ("open \"Manage POS pairing\" on the terminal and unpair this
	// POS"); "" for the generic "unpair it on the terminal".
	TerminalUnpair string
}

// WaitingSteps are the Confirm steps for a front-end that waits for the
// confirmation: Steps.Confirm, then Steps.Waiting.
func (d *Descriptor) WaitingSteps() []string {
	if d.Steps.Waiting == "" {
		return d.Steps.Confirm
	}
	return append(append([]string(nil), d.Steps.Confirm...), d.Steps.Waiting)
}

// Texts are a provider's own lines; "" keeps the common one.
type Texts struct {
	// Testing names what a Test waits for ("Testing… (asking the
	// terminal)").
	Testing string
	// Tested is a successful Test's outcome; %s, if present, takes the
	// time of the check.
	Tested string
	// JustPaired is the success line right after pairing.
	JustPaired string
	// ForgetHelp names the forget action in help and menus.
	ForgetHelp string
}

// SetupRef stands in a Wording's text for this provider's setup, which
// each front-end names its own way (the TUI its Setup key, the CLI
// `tillpair setup <id>`): see Wording.WithSetup.
const SetupRef = "{setup}"

// WithSetup names the provider's setup where the text says SetupRef.
func (w Wording) WithSetup(name string) Wording {
	w.Line = strings.ReplaceAll(w.Line, SetupRef, name)
	w.Next = strings.ReplaceAll(w.Next, SetupRef, name)
	return w
}

// Wording is how an error is put to the user: a heading, the message (the
// exact certification text where one is required) and the next step.
type Wording struct {
	Title, Line, Next string
	// Detail: the underlying cause, shown under Line where there is room.
	Detail string
	Retry  bool // repeating the action is worth offering
	Forget bool // the pairing is gone remotely: offer to forget it here
	Setup  bool // the fix is this provider's setup: offer to open it
}

// Config is what a Descriptor's New gets: everything resolved, nothing read
// from the environment by the client itself.
type Config struct {
	Environment string // an Environments name, or "sandbox"
	// URLs by Endpoint.Name; "" or missing means the environment's default.
	URLs        map[string]string
	Credentials map[string]Secret // by Credential.Name; settings too
	HTTPClient  *http.Client
	Clock       clockwork.Clock
	Timeout     time.Duration // per request; 0: the client's default
	Logger      *slog.Logger
	// NewID makes the ids a client mints itself (Linkly's pairing and
	// session ids, version 4 UUIDs); nil: crypto-random. A seeded sandbox
	// sets it so demos and evidence packs repeat exactly.
	NewID func() string
}

// Registry lists the providers in display order (the lead provider first).
type Registry []*Descriptor

// Lookup finds a provider by id, ignoring case.
func (r Registry) Lookup(id string) (*Descriptor, bool) {
	for _, d := range r {
		if strings.EqualFold(d.ID, id) {
			return d, true
		}
	}
	return nil, false
}

// IDs lists the provider ids in order.
func (r Registry) IDs() []string {
	out := make([]string, len(r))
	for i, d := range r {
		out[i] = d.ID
	}
	return out
}

// Health is what a live check learned about a pairing and its terminal,
// beyond its status. Unknown values stay zero (nil pointers): a provider
// reports only what its cloud says.
type Health struct {
	Online       *bool     `json:"online,omitempty"`
	Battery      *float64  `json:"battery_percent,omitempty"`
	LastActivity time.Time `json:"last_activity,omitzero"` // when the terminal was last seen
	State        string    `json:"state,omitempty"`        // the vendor's terminal state, cleaned ("IDLE")
	Model        string    `json:"model,omitempty"`        // "solo", "virtual-solo"
	// Detail is one short line for the user ("token valid for 30 minutes").
	Detail string `json:"detail,omitempty"`
}

// CheckResult is one live check's outcome.
type CheckResult struct {
	Status Status
	Health Health
	// Learned holds pairing fields the check found out (Square's device id
	// once the code is signed in; a reader's serial), nil when nothing new.
	Learned *Pairing
}

// Capabilities is what a client of this provider reports
// (Provider.Capabilities), read from the descriptor so the two cannot
// disagree.
func (d *Descriptor) Capabilities() Capabilities {
	return Capabilities{NeedsConfirmation: d.Confirms, RemoteUnpair: d.RemoteUnpair, CanTest: d.CanTest, Code: d.Code}
}
