// Package pairing is the domain service shared by the TUI and the command
// line: it validates input, drives a provider through pair → confirm → test →
// unpair, and keeps the keyring and the records file consistent with the
// cloud. It imports no UI package; progress reaches callers as Events.
package pairing

import (
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// Config wires a Service.
type Config struct {
	Providers []providers.Provider
	Secrets   keystore.Secrets
	Records   keystore.Records
	Logger    *slog.Logger    // nil: discard
	Clock     clockwork.Clock // nil: real clock

	// ConfirmWindow bounds AwaitConfirmation (default 2 minutes).
	ConfirmWindow time.Duration
	// PollInterval is the first interval between pairing-info polls
	// (default 1 s); it backs off towards PollMaxInterval (default 5 s).
	PollInterval    time.Duration
	PollMaxInterval time.Duration
}

// PairInput is what the user typed.
type PairInput struct {
	Provider string
	Code     string
	Nickname string
}

// EventType names a step of a long-running flow.
type EventType int

const (
	// EventWaiting: a pairing-info poll said "not confirmed yet".
	EventWaiting EventType = iota + 1
	// EventNetworkWarning: a poll failed for a retryable reason (network,
	// timeout, 5xx); waiting goes on. Err holds the failure.
	EventNetworkWarning
	// EventActive: the pairing is confirmed and active.
	EventActive
)

// Event reports progress of AwaitConfirmation.
type Event struct {
	Type      EventType
	PairingID string
	Attempt   int           // polls so far
	Elapsed   time.Duration // since waiting began
	Err       error         // EventNetworkWarning only
}

// CheckResult is one pairing's outcome in Refresh.
type CheckResult struct {
	Pairing providers.Pairing
	// Err is the check's failure, if any (network failures leave the status
	// as it was; they never mean "unpaired").
	Err error
}
