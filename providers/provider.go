// Package providers defines what every cloud pairing provider offers the rest
// of tillpair: the Provider interface, the Pairing record it produces, and the
// typed Error every failure is reported as.
//
// Screens and commands switch on Error.Kind and never parse message strings,
// so a provider's job is to map its wire protocol onto this vocabulary.
// Provider packages must not import ui, screens, pairing or keystore.
package providers

import (
	"context"
	"time"
)

// Provider IDs as used on the command line, in the records file and in the
// sandbox control API.
const (
	SCI          = "sci"
	SmartConnect = "smartconnect"
	Helcim       = "helcim"
)

// Provider is one cloud pairing API.
type Provider interface {
	// ID is one of SCI, SmartConnect or Helcim.
	ID() string
	// Capabilities says which steps of the common flow apply.
	Capabilities() Capabilities
	// Pair completes a pairing started on the terminal. The returned Secret
	// (SCI signing secret Part B; empty for the others) must be stored before
	// the Pairing is reported as made.
	//
	// For the CodeFromPOS model (Square) Pair starts the pairing instead:
	// req.Code is ignored, the cloud mints a code, and the Pairing comes
	// back awaiting confirmation with that code in ConfirmationCode and its
	// expiry in ExpiresAt, for the front-end to SHOW. Check then reports
	// awaiting until the operator signs in with it on the terminal (active,
	// with what it learned in CheckResult.Learned: the device's id in TID
	// and Serial) or the code expires (KindCodeUsed, StatusUnpaired). A
	// repeated Pair with the same req.Attempt and inputs returns the same
	// code rather than minting another.
	Pair(ctx context.Context, req PairRequest) (Pairing, Secret, error)
	// Check asks the cloud whether the pairing is live: SCI pairing-info,
	// SmartConnect Terminal.GetStatus, Helcim ping.
	Check(ctx context.Context, p Pairing, s Secret) (CheckResult, error)
	// Unpair removes the pairing in the cloud. A pairing that is already gone
	// counts as success. Providers without a POS-side unpair return an Error
	// of KindUnpairOnTerminal.
	Unpair(ctx context.Context, p Pairing, s Secret) error
}

// Capabilities describes how a provider's flow differs from SCI's.
type Capabilities struct {
	// NeedsConfirmation: after Pair, the merchant confirms on the terminal and
	// the pairing is awaiting_confirmation until Check reports it active.
	NeedsConfirmation bool
	// RemoteUnpair: Unpair talks to the cloud. Otherwise unpairing is done on
	// the terminal and tillpair can only forget the pairing locally.
	RemoteUnpair bool
	// CanTest: Check makes sense as a user-triggered "Test".
	CanTest bool
	// Code describes the code the terminal shows, for input and validation.
	Code CodeSpec
}

// CodeSpec describes the code the merchant copies from the terminal.
type CodeSpec struct {
	Label  string // field label, e.g. "Pairing Code"
	Digits bool   // only 0-9 (else letters and digits)
	// KeepCase: letters are sent as typed, not upper-cased (an opaque
	// code whose case may matter: Linkly's).
	KeepCase bool
	MinLen   int
	MaxLen   int
	Example  string // shown as a placeholder
}

// PairRequest is what the merchant typed, already normalised by the pairing
// service (spaces and dashes stripped, case folded where the provider wants).
type PairRequest struct {
	Code     string
	Nickname string
	// Register identifies this POS register to SmartConnect; unused elsewhere.
	Register *RegisterIdentity
	// Inputs are the descriptor's PairInputs by Credential.Name (Linkly's
	// username and password): used for this request only, never stored.
	Inputs map[string]Secret
	// Attempt names one pairing attempt, for providers whose create is
	// idempotent (Square's idempotency_key): a Pair repeated after a lost
	// answer with the same Attempt and inputs gets the same code back
	// instead of a second one. A new attempt ("press r for a new code")
	// needs a new value; "" lets the client make one per call (it still
	// reuses it for its own retries within that call).
	Attempt string
}

// RegisterIdentity is SmartConnect's register triple (plus the display name).
// The register ID, business name and vendor name must stay identical in every
// later request or the terminal can no longer be reached.
type RegisterIdentity struct {
	RegisterID   string `json:"register_id"`
	RegisterName string `json:"register_name"`
	BusinessName string `json:"business_name"`
	VendorName   string `json:"vendor_name"`
}

// Status is where a pairing stands.
type Status string

const (
	StatusAwaitingConfirmation Status = "awaiting_confirmation"
	StatusActive               Status = "active"
	// StatusUnpaired means the cloud reported no active pairing: it was
	// unpaired from the terminal or elsewhere. A network failure never maps
	// here.
	StatusUnpaired Status = "unpaired"
	StatusUnknown  Status = "unknown"
)

// Pairing is the non-secret record of one pairing. It is what the records
// file stores, so it must never hold a secret.
type Pairing struct {
	Provider string `json:"provider"`
	// ID is the provider's own handle: the SCI pairing id, the SmartConnect
	// register id, the Helcim device code.
	ID               string `json:"pairing_id"`
	Status           Status `json:"status"`
	PairingNickname  string `json:"pairing_nickname,omitempty"`
	TerminalNickname string `json:"terminal_nickname,omitempty"`
	TID              string `json:"tid,omitempty"`
	// SCI only (KeyID, BaseURL).
	KeyID   string `json:"key_id,omitempty"`
	BaseURL string `json:"base_url,omitempty"`
	// ConfirmationCode is the code the operator deals with on the terminal
	// while the pairing awaits confirmation: SCI's code to compare, or, for
	// the CodeFromPOS model, the code to sign in with (Square's device
	// code, valid until ExpiresAt). Not a secret once used or expired.
	ConfirmationCode string `json:"confirmation_code,omitempty"`
	// Environment is the provider environment label ("dev", "production",
	// "test", "live", "sandbox"), for the header badge.
	Environment string `json:"environment,omitempty"`
	// SmartConnect only: the identity the pairing was made with.
	Register *RegisterIdentity `json:"register,omitempty"`
	// Serial and Model identify the device itself where the cloud says
	// (a SumUp reader's serial survives re-pairing; its reader id does not).
	Serial string `json:"serial,omitempty"`
	Model  string `json:"model,omitempty"`
	// Location is the vendor's business location the terminal works for
	// (a Square location id), "" where the provider has none.
	Location string `json:"location,omitempty"`
	// ExpiresAt: a pairing awaiting confirmation lapses then (a Square
	// device code's pair_by); zero when the cloud gives no expiry.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Health is what the last live check learned, nil before any.
	Health *Health `json:"health,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
}
