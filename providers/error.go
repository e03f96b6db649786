package providers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies a failure by what the user should do about it. Screens map
// a Kind to wording and a next step; nothing above the providers parses
// vendor strings.
type Kind int

const (
	KindUnknown Kind = iota
	// KindInvalidCode: the code is malformed (rejected locally or by a 400).
	KindInvalidCode
	// KindCodeUsed: the code was already used or has expired (SCI 422
	// pairing_not_initial, SmartConnect expired code).
	KindCodeUsed
	// KindNotFound: the code, pairing or device is unknown to the cloud
	// (SCI 404 pairing_not_found, Helcim 404).
	KindNotFound
	// KindNotPaired: the cloud has no active pairing (SCI 401
	// no_active_pairings_found after the confirmation window).
	KindNotPaired
	// KindCredentials: API key / token missing or rejected. Not fixable by the
	// merchant at the till; the integration is misconfigured.
	KindCredentials
	// KindWrongEnvironment: test credentials against a live terminal, or a
	// route the key may not use.
	KindWrongEnvironment
	// KindSignature: the SCI API rejected the request signature, usually
	// because the system clock is off.
	KindSignature
	// KindRateLimited: too many requests; wait before retrying.
	KindRateLimited
	// KindNotListening: the terminal is asleep or not in pairing mode (Helcim 409).
	KindNotListening
	// KindNetwork: the cloud could not be reached.
	KindNetwork
	// KindTimeout: the request deadline passed.
	KindTimeout
	// KindServer: the cloud failed (5xx).
	KindServer
	// KindProtocol: the cloud answered something tillpair cannot understand.
	KindProtocol
	// KindConfig: tillpair itself is misconfigured (bad endpoint URL,
	// plain http to a non-loopback host, missing register identity).
	KindConfig
	// KindUnpairOnTerminal: the provider has no POS-side unpair.
	KindUnpairOnTerminal
	// KindInvalidInput: local validation of something other than the code
	// (nickname, register identity).
	KindInvalidInput
	// KindCanceled: the user or caller cancelled.
	KindCanceled
)

var kindNames = [...]string{
	KindUnknown:          "unknown",
	KindInvalidCode:      "invalid_code",
	KindCodeUsed:         "code_used",
	KindNotFound:         "not_found",
	KindNotPaired:        "not_paired",
	KindCredentials:      "credentials",
	KindWrongEnvironment: "wrong_environment",
	KindSignature:        "signature",
	KindRateLimited:      "rate_limited",
	KindNotListening:     "not_listening",
	KindNetwork:          "network",
	KindTimeout:          "timeout",
	KindServer:           "server",
	KindProtocol:         "protocol",
	KindConfig:           "config",
	KindUnpairOnTerminal: "unpair_on_terminal",
	KindInvalidInput:     "invalid_input",
	KindCanceled:         "canceled",
}

// Kinds lists every Kind, for tests and documentation tables.
func Kinds() []Kind {
	out := make([]Kind, len(kindNames))
	for i := range kindNames {
		out[i] = Kind(i)
	}
	return out
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Operations named in Error.Op.
const (
	OpPair   = "pair"
	OpCheck  = "check"
	OpUnpair = "unpair"
	OpTest   = "test"
)

// Error is the one error type providers return. It carries what the vendor
// said, for logs and support, and a Kind, for the UI.
type Error struct {
	Provider   string
	Op         string
	HTTPStatus int    // 0 when no response was received
	Code       string // vendor error code, e.g. "pairing_not_found"
	Message    string // vendor message, e.g. "Pairing not found"
	Kind       Kind
	// Retryable: repeating the same request is safe and may succeed.
	Retryable bool
	Err       error // underlying cause (transport error, decode error)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": ")
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.HTTPStatus != 0:
		b.WriteString(http.StatusText(e.HTTPStatus))
	default:
		b.WriteString(e.Kind.String())
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
		if e.Code != "" && e.Message != "" {
			b.WriteString(" " + e.Code)
		}
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the first *Error in err's chain, or KindUnknown.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindUnknown
}

// AsError returns the first *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}
