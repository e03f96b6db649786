package ui

import (
	"context"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// Service is what the TUI needs from *pairing.Service. Its rules are the
// pairing session's (internal/pairing): ValidateCode is the one code
// check, EntryCheck decides what entering a provider re-checks,
// CancelUnconfirmed undoes a pairing that was never confirmed within the
// one CancelTimeout.
type Service interface {
	Providers() []providers.Provider
	Register() (providers.RegisterIdentity, bool, error)
	SaveRegister(in pairing.RegisterInput) (pairing.RegisterChange, error)
	ValidateCode(id, raw string) (string, error)
	Pair(ctx context.Context, in pairing.PairInput) (providers.Pairing, error)
	AwaitConfirmation(ctx context.Context, pairingID string, notify func(pairing.Event)) (providers.Pairing, error)
	CancelUnconfirmed(ctx context.Context, pairingID string) error
	EntryCheck(ctx context.Context, id string) ([]pairing.CheckResult, error)
	Test(ctx context.Context, pairingID string) (providers.Pairing, error)
	Unpair(ctx context.Context, pairingID string) error
	Forget(ctx context.Context, pairingID string) error
	List() ([]providers.Pairing, error)
}

// Terminals drives the sandbox's virtual terminals for the pane
// (app.Terminals adapts the in-process sandbox); Confirm answers
// widgets.ErrNothingToConfirm when the terminal has nothing to confirm.
type Terminals interface {
	Snapshot() []widgets.TerminalView
	StartPairing(id string) error
	Confirm(id string) error
	// SignIn types a code the POS shows (the code_from_pos model) on
	// terminal id, as the operator does; a wrong or expired code is
	// refused as on the real terminal.
	SignIn(id, code string) error
	Unpair(id string) error
	// SetAsleep puts a Helcim device to sleep (or wakes it).
	SetAsleep(id string, asleep bool) error
	// Changes is a coalesced change feed and its unsubscribe func; the
	// channel is closed on unsubscribe.
	Changes() (<-chan struct{}, func())
}
