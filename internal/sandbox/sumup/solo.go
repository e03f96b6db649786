package sumup

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Reader statuses [DOC S40 ReaderStatus].
const (
	statusUnknown    = "unknown"
	statusProcessing = "processing"
	statusPaired     = "paired"
	statusExpired    = "expired"
)

// Device models [DOC S40 ReaderDevice].
const (
	modelSolo        = "solo"
	modelVirtualSolo = "virtual-solo"
)

// What Disconnect on the Solo does to its paired reader in the cloud
// (option disconnect; undocumented, reference §5.10).
const (
	disconnectExpired = statusExpired
	disconnectUnknown = statusUnknown
	disconnectPaired  = statusPaired // the cloud does not notice
	disconnectDeleted = "deleted"    // the reader is gone (404)
)

// ScreenLoggedIn is the Solo's screen while a merchant is logged in: the
// Cloud API pairing is only for logged-out users [DOC S43]. The other
// screens are the core's idle, pairing_code, confirm, paired and
// code_expired.
const ScreenLoggedIn = "logged_in"

// Messages a Solo shows.
const (
	msgLoggedIn     = "Logged in. Log out (Settings > About > Log out) to pair with the Cloud API"
	msgIdle         = "Logged out. Connections > API > Connect shows a pairing code"
	msgCode         = "Connections > API: enter this pairing code in your POS"
	msgConfirming   = "Confirming the pairing with the POS..."
	msgConnected    = "Connected to the API"
	msgDeleted      = "Connected to the API, but the POS deleted this reader: Disconnect (Connections > API) to finish unpairing"
	msgCodeExpired  = "Pairing code expired. Press Connect for a new one"
	msgPairExpired  = "Pairing expired before it was confirmed. Press Connect for a new code"
	msgDisconnected = "Disconnected from the API"
	msgLeft         = "Left the API screen: the pairing code is void"
	msgCancelled    = "The POS deleted the reader before it was confirmed. Press Connect for a new code"
)

// Defaults of what the status route reports.
const (
	defaultBattery    = 82.5
	batteryTemp       = 31
	firmwareVersion   = "3.3.39.0" // the first Solo firmware with the status route [DOC S40]
	defaultConnection = "Wi-Fi"
	maxConfirmDelay   = time.Hour
)

var connectionTypes = []string{"btle", "edge", "gprs", "lte", "umts", "usb", "Wi-Fi"}

// pairingCode is a code a Solo showed. It stays tied to the reader made
// from it (POST with it again: 409 while that reader is processing or
// paired, 404 once it is gone or expired).
type pairingCode struct {
	sandbox.PairingCode // ExpiresAt is the end of the pairing window
	solo                *solo
	reader              *reader // set once a POST claimed it
}

// reader is a Reader resource of the merchant account.
type reader struct {
	id, name       string
	metadata       json.RawMessage
	status         string // processing folds into paired or expired with the clock (foldLocked)
	created        time.Time
	updated        time.Time
	deadline       time.Time // processing: the end of the pairing window
	confirmAt      time.Time // processing: when the Solo acknowledges by itself (zero: it waits for confirm)
	serviceAccount string    // shown once paired
	solo           *solo
	code           *pairingCode
	deleted        bool
	// linked: the Solo still reaches the cloud through this reader (made,
	// not yet expired, disconnected or deleted); heard is the last
	// activity once it is not.
	linked bool
	heard  time.Time
}

// solo is a Solo (Term.State). Fields are guarded by the lock.
type solo struct {
	term      *sandbox.Term
	serial    string
	model     string
	loggedIn  bool
	code      *pairingCode // the pairing under way on screen, if any
	connected *reader      // paired through this reader until Disconnect
	readers   []*reader    // made with this Solo's codes, oldest first
	note      string       // the idle screen's message after an event
	offSince  time.Time    // when it was switched off (Term.Online false)

	confirmDelay time.Duration
	neverConfirm bool
	onDisconnect string
	codeLen      int
	battery      float64
	connection   string
}

func soloOf(t *sandbox.Term) *solo { return t.State.(*solo) }

// processing is the reader of the pairing under way, if it still awaits
// the Solo's acknowledgement.
func (s *solo) processing() *reader {
	if s.code != nil && s.code.reader != nil && !s.code.reader.deleted && s.code.reader.status == statusProcessing {
		return s.code.reader
	}
	return nil
}

// NewTerminal makes a logged-out Solo (or a logged-in one with
// logged_in) with a serial of its own; the options are its knobs.
func (c *Cloud) NewTerminal(t *sandbox.Term, o sandbox.TerminalOptions) error {
	s := &solo{term: t, model: modelSolo, onDisconnect: disconnectExpired, codeLen: minCodeLen, battery: defaultBattery, connection: defaultConnection}
	if err := s.configure(o); err != nil {
		return err
	}
	s.serial = c.uniqueSerialLocked()
	t.TID = s.serial
	t.Nickname = "SumUp Solo"
	if s.model == modelVirtualSolo {
		t.Nickname = "Virtual Solo"
	}
	t.State = s
	c.solos = append(c.solos, s)
	return nil
}

// configure applies the terminal options, refusing a value it cannot use.
func (s *solo) configure(o sandbox.TerminalOptions) error {
	bad := func(name, format string, args ...any) error {
		return fmt.Errorf("%w: %s: "+format, append([]any{sandbox.ErrInvalidTerminalOptions, name}, args...)...)
	}
	var delay string
	if ok, err := o.Setting(OptConfirmDelay, &delay); err != nil {
		return err
	} else if ok {
		d, perr := time.ParseDuration(delay)
		if perr != nil || d < 0 || d > maxConfirmDelay {
			return bad(OptConfirmDelay, `%q is not a duration from "0s" to "1h"; for example "2s"`, delay)
		}
		s.confirmDelay = d
	}
	if _, err := o.Setting(OptNeverConfirm, &s.neverConfirm); err != nil {
		return err
	}
	if s.neverConfirm && s.confirmDelay > 0 {
		return bad(OptNeverConfirm, "contradicts %s; leave one out", OptConfirmDelay)
	}
	if ok, err := o.Setting(OptDisconnect, &s.onDisconnect); err != nil {
		return err
	} else if ok && !slices.Contains([]string{disconnectExpired, disconnectUnknown, disconnectPaired, disconnectDeleted}, s.onDisconnect) {
		return bad(OptDisconnect, `%q is not one of "expired", "unknown", "paired", "deleted"`, s.onDisconnect)
	}
	if _, err := o.Setting(OptLoggedIn, &s.loggedIn); err != nil {
		return err
	}
	if ok, err := o.Setting(OptCodeLength, &s.codeLen); err != nil {
		return err
	} else if ok && s.codeLen != minCodeLen && s.codeLen != maxCodeLen {
		return bad(OptCodeLength, "%d; pairing codes are 8 or 9 characters", s.codeLen)
	}
	if ok, err := o.Setting(OptModel, &s.model); err != nil {
		return err
	} else if ok && s.model != modelSolo && s.model != modelVirtualSolo {
		return bad(OptModel, `%q is not "solo" or "virtual-solo"`, s.model)
	}
	if ok, err := o.Setting(OptBatteryLevel, &s.battery); err != nil {
		return err
	} else if ok && (s.battery < 0 || s.battery > 100) {
		return bad(OptBatteryLevel, "%v is outside 0-100", s.battery)
	}
	if ok, err := o.Setting(OptConnectionType, &s.connection); err != nil {
		return err
	} else if ok && !slices.Contains(connectionTypes, s.connection) {
		return bad(OptConnectionType, "%q is not one of %q", s.connection, connectionTypes)
	}
	return nil
}

// uniqueSerialLocked is a serial in the shape of the spec's example
// (U1DT3NA00-CN) that no Solo has.
func (c *Cloud) uniqueSerialLocked() string {
	for {
		serial := "U1" + c.rng.String(codeChars, 7) + "-CN"
		if !slices.ContainsFunc(c.solos, func(s *solo) bool { return s.serial == serial }) {
			return serial
		}
	}
}

// uniqueCodeLocked is a code of n characters no Solo ever showed, so each
// code names one pairing for good.
func (c *Cloud) uniqueCodeLocked(n int) string {
	for {
		code := c.rng.String(codeChars, n)
		if _, taken := c.codes[code]; !taken {
			return code
		}
	}
}

// foldLocked applies what the clock decided since the last look: a reader
// the Solo acknowledged by itself (confirm_delay) is paired from that
// moment, one whose window ended is expired from its end. Nothing depends
// on when a timer ran.
func (c *Cloud) foldLocked(now time.Time) {
	for _, r := range c.readers {
		if r.status != statusProcessing {
			continue
		}
		switch {
		case !r.confirmAt.IsZero() && !r.confirmAt.After(now) && r.confirmAt.Before(r.deadline):
			c.pairLocked(r, r.confirmAt)
		case !now.Before(r.deadline):
			r.end(statusExpired, r.deadline)
		}
	}
}

// pairLocked is the Solo acknowledging r at time at: paired, and the Solo
// connected through it.
func (c *Cloud) pairLocked(r *reader, at time.Time) {
	r.status, r.updated, r.confirmAt = statusPaired, at, time.Time{}
	r.code.State = sandbox.CodeConfirmed
	s := r.solo
	if s.code == r.code {
		s.code = nil
	}
	s.connected, s.note = r, ""
}

// end makes r expired or unknown at time at and unlinks it from its Solo.
func (r *reader) end(status string, at time.Time) {
	r.unlink(at)
	r.status, r.updated, r.confirmAt = status, at, time.Time{}
}

// unlink records the last activity the cloud heard through r, as of at.
func (r *reader) unlink(at time.Time) {
	if !r.linked {
		return
	}
	r.heard = r.lastActivity(at)
	r.linked = false
}

// lastActivity is when the cloud last heard from r's Solo, as of now: now
// while the Solo is on and reachable through r, else the moment that
// ended.
func (r *reader) lastActivity(now time.Time) time.Time {
	switch {
	case !r.linked:
		return r.heard
	case !r.solo.term.Online && r.solo.offSince.Before(now):
		return r.solo.offSince
	}
	return now
}

// armLocked wakes subscribers when the Solo's screen next changes by
// itself: its code expiring, the Solo acknowledging, the window ending.
func (c *Cloud) armLocked(s *solo, now time.Time) {
	var next time.Time
	consider := func(at time.Time) {
		if at.After(now) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	if s.code != nil && s.code.StateAt(now) == sandbox.CodeInitial {
		consider(s.code.ExpiresAt)
	}
	if r := s.processing(); r != nil {
		consider(r.confirmAt)
		consider(r.deadline)
	}
	if next.IsZero() {
		s.term.StopTimer()
		return
	}
	c.h.SetTimerLocked(s.term, next.Sub(now), func(now time.Time) {
		c.foldLocked(now)
		c.armLocked(s, now)
	})
}

// abandon ends the pairing under way on screen: a live code is void,
// a processing reader expires. What was claimed stays claimed (404 once
// expired, by the POST rules).
func (s *solo) abandon(now time.Time) {
	if s.code == nil {
		return
	}
	if s.code.StateAt(now) == sandbox.CodeInitial {
		s.code.State = sandbox.CodeRevoked
	}
	if r := s.processing(); r != nil {
		r.end(statusExpired, now)
	}
	s.code = nil
}

// connect is the pairing-code action: Connections > API > Connect. Only a
// logged-out Solo not connected to the API has it; a pairing under way is
// abandoned for the new code.
func (c *Cloud) connect(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	s := soloOf(t)
	switch {
	case s.loggedIn:
		return fmt.Errorf("%w: Solo %s is logged in, and the Cloud API pairing is only for logged-out users; POST /control/terminals/%s/%s first", sandbox.ErrWrongState, t.ID, t.ID, ActionLogOut)
	case s.connected != nil:
		return fmt.Errorf("%w: Solo %s is connected to the API (reader %s), so Connections > API offers Disconnect, not Connect; POST /control/terminals/%s/unpair first", sandbox.ErrWrongState, t.ID, s.connected.id, t.ID)
	}
	s.abandon(in.Now)
	ttl := c.h.CodeTTL(defaultWindow)
	pc := &pairingCode{PairingCode: sandbox.PairingCode{Value: c.uniqueCodeLocked(s.codeLen), ExpiresAt: in.Now.Add(ttl)}, solo: s}
	c.codes[pc.Value] = pc
	s.code, s.note = pc, ""
	c.armLocked(s, in.Now)
	return nil
}

// confirm is the Solo acknowledging the reader a POST made: it becomes
// paired. The real Solo needs no button press; this is the sandbox's way
// to pick the moment (or confirm_delay does it).
func (c *Cloud) confirm(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	s := soloOf(t)
	r := s.processing()
	switch {
	case r == nil:
		return fmt.Errorf("%w on Solo %s: no reader awaits it; show a code (POST /control/terminals/%s/pairing-code), create the reader with it (POST .../readers), then confirm", sandbox.ErrNothingToConfirm, t.ID, t.ID)
	case !t.Online:
		return fmt.Errorf("%w: Solo %s is switched off and cannot acknowledge; POST /control/terminals/%s/power {\"online\":true} first", sandbox.ErrWrongState, t.ID, t.ID)
	case s.neverConfirm:
		return fmt.Errorf("%w: Solo %s was made with never_confirm, so it never acknowledges; its reader expires when the pairing window ends", sandbox.ErrWrongState, t.ID)
	}
	c.pairLocked(r, in.Now)
	c.armLocked(s, in.Now)
	return nil
}

// disconnect is the unpair action: Connections > API > Disconnect on a
// connected Solo (its reader becomes what the disconnect option says), or
// leaving the API screen during a pairing (the code is void, a processing
// reader expires). With neither it changes nothing.
func (c *Cloud) disconnect(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	s := soloOf(t)
	switch r := s.connected; {
	case r != nil:
		s.connected, s.note = nil, msgDisconnected
		if r.deleted || r.status != statusPaired {
			break
		}
		switch s.onDisconnect {
		case disconnectExpired, disconnectUnknown:
			r.end(s.onDisconnect, in.Now)
		case disconnectPaired:
			r.unlink(in.Now)
		case disconnectDeleted:
			r.unlink(in.Now)
			c.deleteLocked(r)
		}
	case s.code != nil:
		s.abandon(in.Now)
		s.note = msgLeft
	}
	c.armLocked(s, in.Now)
	return nil
}

// expireCode ends the pairing window now: a code still on screen expires
// (a POST with it is 404), a reader still processing expires.
func (c *Cloud) expireCode(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	s := soloOf(t)
	if r := s.processing(); r != nil {
		if in.Code != "" && in.Code != s.code.Value {
			return fmt.Errorf("%w: Solo %s's pairing under way is code %s, not %s; leave code out to end it", sandbox.ErrNoCode, t.ID, s.code.Value, in.Code)
		}
		r.deadline = in.Now
		c.foldLocked(in.Now)
	} else {
		var pc *sandbox.PairingCode
		if s.code != nil {
			pc = &s.code.PairingCode
		}
		if err := sandbox.ExpireShown(t, pc, in.Code, in.Now); err != nil {
			return err
		}
	}
	c.armLocked(s, in.Now)
	return nil
}

// power switches the Solo off or on. Off, it cannot acknowledge a reader
// (confirm is refused, confirm_delay waits) and the status route says
// OFFLINE with last_activity when it went off; on again, confirm_delay
// starts over.
func (c *Cloud) power(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	s := soloOf(t)
	if t.Online == in.Online {
		return nil
	}
	t.Online = in.Online
	r := s.processing()
	switch {
	case !in.Online:
		s.offSince = in.Now
		if r != nil {
			r.confirmAt = time.Time{}
		}
	case r != nil && s.confirmDelay > 0 && !s.neverConfirm:
		r.confirmAt = in.Now.Add(s.confirmDelay)
	}
	c.armLocked(s, in.Now)
	return nil
}

// logOut is Settings > About > Log out; a logged-out Solo stays so.
func (c *Cloud) logOut(t *sandbox.Term, in sandbox.ActionInput) error {
	c.foldLocked(in.Now)
	soloOf(t).loggedIn = false
	return nil
}

// deleteLocked removes r from the account (DELETE, or Disconnect with
// disconnect "deleted"). A reader still processing ends the pairing on its
// Solo.
func (c *Cloud) deleteLocked(r *reader) {
	r.deleted = true
	c.readers = slices.DeleteFunc(c.readers, func(x *reader) bool { return x == r })
	if s := r.solo; s.code != nil && s.code.reader == r {
		s.code, s.note = nil, msgCancelled
	}
}

// decorate fills the Solo's screen fields and its pairings.
func (s *solo) decorate(t *sandbox.Term, now time.Time) {
	t.ClearScreen()
	t.Pairings = t.Pairings[:0]
	for _, r := range s.readers {
		t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: r.id, PairingNickname: shown(r.name), Status: string(r.pairingStatus())})
	}
	switch {
	case s.loggedIn:
		t.Screen, t.Message = ScreenLoggedIn, msgLoggedIn
	case s.connected != nil:
		t.Screen, t.Message = sandbox.ScreenPaired, msgConnected
		if s.connected.deleted {
			t.Message = msgDeleted
		}
	case s.code != nil:
		switch st := s.code.StateAt(now); {
		case st == sandbox.CodeInitial:
			t.Screen, t.PairingCode, t.PairingCodeExpiresAt, t.Message = sandbox.ScreenPairingCode, s.code.Value, s.code.ExpiresAt, msgCode
		case s.processing() != nil:
			t.Screen, t.Message = sandbox.ScreenConfirm, msgConfirming
		case st == sandbox.CodeExpired:
			t.Screen, t.Message = sandbox.ScreenCodeExpired, msgCodeExpired
		default: // claimed, and its reader expired
			t.Screen, t.Message = sandbox.ScreenCodeExpired, msgPairExpired
		}
	default:
		t.Message = msgIdle
		if s.note != "" {
			t.Message = s.note
		}
	}
}

// maxShown bounds a reader name on the Solo's screen.
const maxShown = 64

// shown is a reader name as the Solo shows it: any POS may set a name, so
// control and format characters are dropped and it is cut to 64
// characters. The API itself answers the name exactly as it was sent.
func shown(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			continue
		}
		if n == maxShown {
			b.WriteString("...")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// pairingStatus is the reader as the Solo's pairing list shows it.
func (r *reader) pairingStatus() providers.Status {
	switch {
	case r.deleted:
		return providers.StatusUnpaired
	case r.status == statusProcessing:
		return providers.StatusAwaitingConfirmation
	case r.status == statusPaired && r.linked:
		return providers.StatusActive
	}
	return providers.StatusUnpaired
}
