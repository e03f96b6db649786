package sandbox

import (
	"fmt"
	"time"
)

// Helcim terminal screens, besides ScreenIdle (standalone: the built-in
// Helcim POS) and ScreenPairingCode (pairing mode, showing the device code).
const (
	ScreenPing   = "ping"   // a Ping Event from the API is on screen
	ScreenAsleep = "asleep" // the device sleeps and does not listen
)

// Messages a Helcim terminal shows.
const (
	HelcimPingMessage = "Ping received from API"
	helcimIdleMessage = "Standalone mode (Helcim POS); switch to pairing mode to use it from a POS"
	helcimCodeMessage = "Pairing mode: enter this device code in your POS"
	helcimSleepMsg    = "Asleep; not listening for the API"
)

// helcimPingShown is how long the ping message stays before the screen
// goes back to the device code, as on a real device.
const helcimPingShown = 10 * time.Second

// helcimDevice is a Helcim Smart Terminal as the cloud knows it. Its code
// is made when the device registers and stays for good, across power and
// sleep cycles [DOC S21]. Fields are guarded by s.mu.
type helcimDevice struct {
	code        string
	term        *terminal
	account     *helcimAccount
	created     time.Time
	pairingMode bool // switched to pairing (API) mode on the device [DOC S23]
	asleep      bool
	pinged      bool // the ping message is on screen
	pingSeq     int  // tells a stale "hide the ping" timer from a current one
}

// listening: the API can reach it (ping, purchase) — 409 otherwise.
func (d *helcimDevice) listening() bool { return d.pairingMode && !d.asleep }

// decorate fills the screen fields of a Helcim terminal's view. The device
// code doubles as the TID (set at creation), so it is visible in every
// state, the way Options shows it on a real device.
func (d *helcimDevice) decorate(v *Terminal) {
	switch {
	case d.asleep:
		v.Screen, v.Message = ScreenAsleep, helcimSleepMsg
	case !d.pairingMode:
		v.Screen, v.Message = ScreenIdle, helcimIdleMessage
	case d.pinged:
		v.Screen, v.PairingCode, v.Message = ScreenPing, d.code, HelcimPingMessage
	default:
		v.Screen, v.PairingCode, v.Message = ScreenPairingCode, d.code, helcimCodeMessage
	}
}

// addHelcimTerminalLocked registers a new device: on the sandbox account,
// or with o.ForeignTenant on another Helcim account (so its code answers
// 404 to the sandbox token). It starts in standalone mode. Callers hold s.mu.
func (s *Sandbox) addHelcimTerminalLocked(o TerminalOptions) Terminal {
	h := s.helcim
	acct := h.main
	if o.ForeignTenant {
		acct = h.other
	}
	s.nextTerm[o.Provider]++
	d := &helcimDevice{code: h.uniqueCodeLocked(), account: acct, created: s.clock.Now()}
	t := &terminal{
		id:            fmt.Sprintf("%s-%d", o.Provider, s.nextTerm[o.Provider]),
		provider:      o.Provider,
		tid:           d.code,
		nickname:      "Smart Terminal " + d.code,
		foreignTenant: o.ForeignTenant,
		helcim:        d,
	}
	d.term = t
	h.devices = append(h.devices, d)
	s.terminals[t.id] = t
	s.order = append(s.order, t.id)
	s.notifyLocked()
	return t.view(s.clock.Now())
}

// helcimPairingModeLocked is StartPairing for a Helcim terminal: the
// merchant switches the device to pairing mode, which wakes it, and it shows
// its code. Callers hold s.mu.
func (s *Sandbox) helcimPairingModeLocked(t *terminal) Terminal {
	t.stopTimer()
	d := t.helcim
	d.pairingMode, d.asleep, d.pinged = true, false, false
	s.notifyLocked()
	return t.view(s.clock.Now())
}

// helcimStandaloneLocked is UnpairFromTerminal for a Helcim terminal: the
// device switches back to standalone mode and stops listening. The cloud
// keeps the device (and its code); only the POS forgets it. Callers hold s.mu.
func (s *Sandbox) helcimStandaloneLocked(t *terminal) Terminal {
	t.stopTimer()
	d := t.helcim
	d.pairingMode, d.pinged = false, false
	s.notifyLocked()
	return t.view(s.clock.Now())
}

// Sleep puts a Helcim terminal to sleep: it keeps its mode but answers
// pings with 409 Device Not Listening until Wake (or StartPairing).
func (s *Sandbox) Sleep(id string) (Terminal, error) { return s.setAsleep(id, true) }

// Wake wakes a sleeping Helcim terminal.
func (s *Sandbox) Wake(id string) (Terminal, error) { return s.setAsleep(id, false) }

func (s *Sandbox) setAsleep(id string, asleep bool) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		if t.helcim == nil {
			return Terminal{}, fmt.Errorf("%w: only Helcim terminals sleep, and %s is %s", ErrUnsupported, id, t.provider)
		}
		t.stopTimer()
		t.helcim.asleep, t.helcim.pinged = asleep, false
		s.notifyLocked()
		return t.view(now), nil
	})
}

// showPingLocked puts the ping message on the device's screen for
// helcimPingShown. Callers hold s.mu.
func (s *Sandbox) showPingLocked(d *helcimDevice) {
	t := d.term
	t.stopTimer()
	d.pinged = true
	d.pingSeq++
	seq := d.pingSeq
	t.timer = s.clock.AfterFunc(helcimPingShown, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if d.pingSeq == seq && d.pinged {
			d.pinged = false
			s.notifyLocked()
		}
	})
	s.notifyLocked()
}
