package helcim

import (
	"fmt"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// Helcim terminal screens, besides sandbox.ScreenIdle (standalone: the
// built-in Helcim POS) and sandbox.ScreenPairingCode (pairing mode, showing
// the device code).
const (
	ScreenPing   = "ping"   // a Ping Event from the API is on screen
	ScreenAsleep = "asleep" // the device sleeps and does not listen
)

// Messages a Helcim terminal shows.
const (
	PingMessage  = "Ping received from API"
	idleMessage  = "Standalone mode (Helcim POS); switch to pairing mode to use it from a POS"
	codeMessage  = "Pairing mode: enter this device code in your POS"
	sleepMessage = "Asleep; not listening for the API"
)

// pingShown is how long the ping message stays before the screen goes
// back to the device code, as on a real device.
const pingShown = 10 * time.Second

// device is a Helcim Smart Terminal as the cloud knows it (Term.State).
// Its code is made when the device registers and stays for good, across
// power and sleep cycles [DOC S21]. Fields are guarded by the lock.
type device struct {
	code        string
	term        *sandbox.Term
	account     *helcimAccount
	created     time.Time
	pairingMode bool // switched to pairing (API) mode on the device [DOC S23]
	asleep      bool
	pinged      bool // the ping message is on screen
}

func deviceOf(t *sandbox.Term) *device { return t.State.(*device) }

// listening: the API can reach it (ping, purchase) — 409 otherwise. A
// device switched off (Term.Online false) listens no more than one asleep.
func (d *device) listening() bool { return d.pairingMode && !d.asleep && d.term.Online }

// decorate fills the screen fields of the device's terminal. The device
// code doubles as the TID (set at creation), so it is visible in every
// state, the way Options shows it on a real device.
func (d *device) decorate(t *sandbox.Term) {
	t.ClearScreen()
	switch {
	case d.asleep:
		t.Screen, t.Message = ScreenAsleep, sleepMessage
	case !d.pairingMode:
		t.Screen, t.Message = sandbox.ScreenIdle, idleMessage
	case d.pinged:
		t.Screen, t.PairingCode, t.Message = ScreenPing, d.code, PingMessage
	default:
		t.Screen, t.PairingCode, t.Message = sandbox.ScreenPairingCode, d.code, codeMessage
	}
}

// NewTerminal registers a new device: on the sandbox account, or with
// foreign_tenant on another Helcim account (so its code answers 404 to the
// sandbox token). It starts in standalone mode.
func (h *Cloud) NewTerminal(t *sandbox.Term, _ sandbox.TerminalOptions) error {
	acct := h.main
	if t.ForeignTenant {
		acct = h.other
	}
	d := &device{code: h.uniqueCodeLocked(), account: acct, created: h.h.Clock().Now(), term: t}
	t.TID = d.code
	t.Nickname = "Smart Terminal " + d.code
	t.State = d
	h.devices = append(h.devices, d)
	return nil
}

// pairingMode is StartPairing for a Helcim terminal: the merchant switches
// the device to pairing mode, which wakes it, and it shows its code.
func (h *Cloud) pairingMode(t *sandbox.Term, _ sandbox.ActionInput) error {
	t.StopTimer()
	d := deviceOf(t)
	d.pairingMode, d.asleep, d.pinged = true, false, false
	return nil
}

// confirm: Helcim has nothing to confirm.
func (h *Cloud) confirm(t *sandbox.Term, _ sandbox.ActionInput) error {
	return fmt.Errorf("%w on terminal %s: Helcim has no confirmation step; the device is paired once the POS has looked it up and pinged it", sandbox.ErrNothingToConfirm, t.ID)
}

// standalone is UnpairFromTerminal for a Helcim terminal: the device
// switches back to standalone mode and stops listening. The cloud keeps
// the device (and its code); only the POS forgets it.
func (h *Cloud) standalone(t *sandbox.Term, _ sandbox.ActionInput) error {
	t.StopTimer()
	d := deviceOf(t)
	d.pairingMode, d.pinged = false, false
	return nil
}

// setAsleep is the sleep and wake actions: asleep, the device keeps its
// mode but answers pings with 409 Device Not Listening until woken (or
// switched to pairing mode).
func (h *Cloud) setAsleep(t *sandbox.Term, asleep bool) error {
	t.StopTimer()
	d := deviceOf(t)
	d.asleep, d.pinged = asleep, false
	return nil
}

// showPingLocked puts the ping message on the device's screen for
// pingShown; the lock is held.
func (h *Cloud) showPingLocked(d *device) {
	d.pinged = true
	h.h.SetTimerLocked(d.term, pingShown, func(time.Time) { d.pinged = false })
	h.h.NotifyLocked()
}
