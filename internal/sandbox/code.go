package sandbox

import (
	"fmt"
	"time"
)

// CodeState is where a pairing code shown by a terminal is in its life.
type CodeState int

const (
	CodeInitial    CodeState = iota // shown; usable until it expires
	CodeProgressed                  // a POS sent it; its pairing awaits confirmation (SCI)
	CodeConfirmed                   // used: its pairing is made
	CodeExpired                     // its time ran out (see StateAt)
	CodeRevoked                     // withdrawn: a new code, an unpair, a cancel
)

func (st CodeState) String() string {
	switch st {
	case CodeInitial:
		return "initial"
	case CodeProgressed:
		return "already progressed"
	case CodeConfirmed:
		return "already confirmed"
	case CodeExpired:
		return "expired"
	case CodeRevoked:
		return "revoked"
	}
	return "unknown"
}

// PairingCode is a code a terminal shows, for clouds whose codes expire.
// Expiry is derived from the clock (StateAt), never set by a timer, so no
// state depends on when a timer goroutine runs.
type PairingCode struct {
	Value     string
	State     CodeState
	ExpiresAt time.Time // zero: never expires
}

// StateAt folds expiry in: an initial code past its expiry is expired.
func (c *PairingCode) StateAt(now time.Time) CodeState {
	if c.State == CodeInitial && !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
		return CodeExpired
	}
	return c.State
}

// ExpireShown is ActionExpireCode for a terminal showing c (nil: none):
// a live code expires now. want, when not "", must be that code. Anything
// else is ErrNoCode with the next step.
func ExpireShown(t *Term, c *PairingCode, want string, now time.Time) error {
	if c == nil || c.StateAt(now) != CodeInitial {
		return fmt.Errorf("%w: terminal %s shows no live pairing code; POST /control/terminals/%s/pairing-code shows one", ErrNoCode, t.ID, t.ID)
	}
	if want != "" && want != c.Value {
		return fmt.Errorf("%w: terminal %s shows code %s, not %s; leave code out to expire the one on screen", ErrNoCode, t.ID, c.Value, want)
	}
	c.ExpiresAt = now
	return nil
}
