package square

import (
	"fmt"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Square Terminal screens (Terminal.Screen), besides sandbox.ScreenPaired:
// signed in with a device code, in Terminal API mode, waiting for the POS.
const (
	ScreenSignedOut     = "signed_out"      // the login screen: email and password, or device code
	ScreenSignInForm    = "sign_in_form"    // "Sign in with device code": the code form
	ScreenSignInFailed  = "sign_in_failed"  // a wrong or expired code was typed; signed out
	ScreenSignedInOther = "signed_in_other" // signed in to Square POS with email and password
)

// What the Terminal says on each screen. IncorrectCodeMessage is the real
// Terminal's wording [OBS T51, T50].
const (
	IncorrectCodeMessage = "Login Failed — Incorrect device code. Please check your device code and try again."
	signedOutMessage     = "Signed out. Sign in with email and password, or with a device code from your POS."
	formMessage          = "Sign in with device code: type the 6-letter code your POS shows."
	readyMessage         = "Ready for the POS (Terminal API mode). Device ID %s."
	otherMessage         = "Signed in to Square Point of Sale with email and password. To use a device code: Settings → Log out."
)

// maxStatusLag bounds the status_lag_seconds option.
const maxStatusLag = time.Hour

// mode is where a Square Terminal is [reference §6.8: signed_out,
// entering_code, ready, signed_in_other].
type mode int

const (
	modeSignedOut mode = iota
	modeForm
	modeFailed // signed out, showing the login failure
	modeReady
	modeOther
)

// terminal is a Square Terminal's own state (Term.State). Guarded by the
// lock.
type terminal struct {
	term      *sandbox.Term
	serial    string
	mode      mode
	code      *deviceCode   // the code it is signed in with (modeReady)
	used      []*deviceCode // every code it signed in with, oldest first
	device    *device       // made at its first sign-in with a code
	attention bool          // the device needs attention (NEEDS_ATTENTION)
	lag       time.Duration // how far the Devices API lags behind it
}

func stateOf(t *sandbox.Term) *terminal { return t.State.(*terminal) }

// NewTerminal makes a Square Terminal with a serial of its own (its TID),
// signed out unless signed_in_other.
func (c *Cloud) NewTerminal(t *sandbox.Term, o sandbox.TerminalOptions) error {
	st := &terminal{term: t}
	var other bool
	if _, err := o.Setting(OptionSignedInOther, &other); err != nil {
		return err
	}
	if _, err := o.Setting(OptionNeedsAttention, &st.attention); err != nil {
		return err
	}
	var lag int
	if _, err := o.Setting(OptionStatusLag, &lag); err != nil {
		return err
	}
	if lag < 0 || time.Duration(lag)*time.Second > maxStatusLag {
		return fmt.Errorf("%w: %s must be 0-%d seconds, got %d", sandbox.ErrInvalidTerminalOptions, OptionStatusLag, int(maxStatusLag.Seconds()), lag)
	}
	st.lag = time.Duration(lag) * time.Second
	if other {
		st.mode = modeOther
	}
	st.serial = c.uniqueSerialLocked()
	t.TID, t.Nickname, t.State = st.serial, deviceName(st.serial), st
	c.terminals = append(c.terminals, st)
	return nil
}

// uniqueSerialLocked is a 16-character Terminal serial like 907CS13101300122
// or 995CS397A6475287 [DOC S50; CODE S51] that no Terminal has.
func (c *Cloud) uniqueSerialLocked() string {
	for {
		serial := "9" + c.rng.Digits(2) + "CS" + c.rng.String(upperAlnum, 11)
		taken := false
		for _, t := range c.terminals {
			taken = taken || t.serial == serial
		}
		if !taken {
			return serial
		}
	}
}

// Refresh shows the Terminal as it is; nothing on it changes with time.
func (c *Cloud) Refresh(t *sandbox.Term, _ time.Time) {
	st := stateOf(t)
	t.ClearScreen()
	switch st.mode {
	case modeSignedOut:
		t.Screen, t.Message = ScreenSignedOut, signedOutMessage
	case modeForm:
		t.Screen, t.Message = ScreenSignInForm, formMessage
	case modeFailed:
		t.Screen, t.Message = ScreenSignInFailed, IncorrectCodeMessage
	case modeReady:
		t.Screen, t.Message = sandbox.ScreenPaired, fmt.Sprintf(readyMessage, st.serial)
	case modeOther:
		t.Screen, t.Message = ScreenSignedInOther, otherMessage
	}
	t.Pairings = t.Pairings[:0]
	for _, d := range st.used {
		status := providers.StatusUnpaired
		if st.mode == modeReady && d == st.code {
			status = providers.StatusActive
		}
		t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: d.id, PairingNickname: d.name, Status: string(status)})
	}
}

// category is what the device really is now: OFFLINE when switched off or
// signed out, else NEEDS_ATTENTION or AVAILABLE.
func (st *terminal) category() string {
	switch {
	case !st.term.Online || st.mode != modeReady:
		return CategoryOffline
	case st.attention:
		return CategoryNeedsAttention
	}
	return CategoryAvailable
}

// recordLocked notes a change of the device's category at now, for the
// Devices API to report after the Terminal's lag.
func (st *terminal) recordLocked(now time.Time) {
	d := st.device
	if d == nil {
		return
	}
	if cat := st.category(); d.history[len(d.history)-1].category != cat {
		d.history = append(d.history, statusChange{at: now, category: cat})
	}
}

// signOutFirst refuses what a Terminal signed in cannot do.
func (st *terminal) signOutFirst(action string) error {
	who := "to Square Point of Sale with email and password"
	if st.mode == modeReady {
		who = "with device code " + st.code.code
	}
	return fmt.Errorf("%w: terminal %s is signed in %s; sign out first (POST /control/terminals/%s/unpair, Settings → Log out on a real Terminal), then %s",
		sandbox.ErrWrongState, st.term.ID, who, st.term.ID, action)
}

func (st *terminal) switchedOff() error {
	return fmt.Errorf(`%w: terminal %s is switched off; switch it on first (POST /control/terminals/%s/power {"online":true})`, sandbox.ErrWrongState, st.term.ID, st.term.ID)
}

// openSignInForm is the pairing-code action on a Square Terminal: on the
// login screen, the operator chooses "Sign in with device code".
func (c *Cloud) openSignInForm(t *sandbox.Term, _ sandbox.ActionInput) error {
	st := stateOf(t)
	switch {
	case !t.Online:
		return st.switchedOff()
	case st.mode == modeReady || st.mode == modeOther:
		return st.signOutFirst("open the device code form")
	}
	st.mode = modeForm
	return nil
}

// signIn is the operator typing a device code on the Terminal. It takes
// an UNPAIRED code of any account before its pair_by (the account is the
// code's: a signed-out Terminal belongs to none), matched without regard
// to case or surrounding spaces [INF]. Anything else shows the real
// Terminal's "Incorrect device code" and leaves it signed out.
func (c *Cloud) signIn(t *sandbox.Term, in sandbox.ActionInput) error {
	st := stateOf(t)
	switch {
	case !t.Online:
		return st.switchedOff()
	case st.mode == modeReady || st.mode == modeOther:
		return st.signOutFirst("sign in with a device code")
	}
	typed := strings.ToUpper(strings.TrimSpace(in.Code))
	var hit *deviceCode
	why := "no device code " + clip(typed, 16) + " was ever created"
	for _, d := range c.codes {
		switch {
		case d.code != typed:
		case d.usableAt(in.Now):
			hit = d
		case d.paired:
			why = "device code " + d.code + " (" + d.id + ") was already used to sign in a Terminal"
		default:
			why = "device code " + d.code + " (" + d.id + ") expired at its pair_by " + formatTime(d.pairBy)
		}
	}
	if hit == nil {
		st.mode = modeFailed
		c.h.NotifyLocked() // the failure shows although the action fails
		return fmt.Errorf("%w: terminal %s shows %q: %s; create a new code (POST /v2/devices/codes) and type that one",
			sandbox.ErrIncorrectDeviceCode, t.ID, IncorrectCodeMessage, why)
	}
	hit.paired, hit.pairedAt, hit.deviceID = true, in.Now, st.serial
	st.mode, st.code = modeReady, hit
	st.used = append(st.used, hit)
	location := hit.locationID
	if location == "" {
		location = hit.merchant.locations[0]
	}
	if st.device == nil {
		st.device = &device{seq: c.nextSeqLocked(), term: st, history: []statusChange{{at: in.Now, category: st.category()}}}
		c.devices = append(c.devices, st.device)
	}
	st.device.merchant, st.device.codeID, st.device.location = hit.merchant, hit.id, location
	st.recordLocked(in.Now)
	return nil
}

// signOut is the unpair action: Settings → Log out. The code it signed in
// with stays PAIRED (a code pairs once [reference §6.7]); the device stays
// listed and goes OFFLINE once the status lag has passed. On the login
// screen it changes nothing.
func (c *Cloud) signOut(t *sandbox.Term, in sandbox.ActionInput) error {
	st := stateOf(t)
	if !t.Online && st.mode != modeSignedOut {
		return st.switchedOff()
	}
	st.mode, st.code = modeSignedOut, nil
	st.recordLocked(in.Now)
	return nil
}

// expireCode is the expire-code action for Square, whose codes come from
// the POS: {"code"} names the device code, which expires now, as if its
// five minutes were up (pair_by becomes now). Any Square Terminal's route
// will do; the code is the account's, not the Terminal's.
func (c *Cloud) expireCode(t *sandbox.Term, in sandbox.ActionInput) error {
	want := strings.ToUpper(strings.TrimSpace(in.Code))
	if want == "" {
		return fmt.Errorf(`%w: a Square Terminal shows no code of its own; name the device code the POS shows, e.g. {"code":"EBCARJ"}`, sandbox.ErrBadActionInput)
	}
	for _, d := range c.codes {
		if d.code == want && d.usableAt(in.Now) {
			d.pairBy = in.Now
			return nil
		}
	}
	return fmt.Errorf("%w: no live device code %s (unpaired, before its pair_by); create one with POST /v2/devices/codes", sandbox.ErrNoCode, clip(want, 16))
}

// power switches the Terminal off or on; the Devices API reports OFFLINE
// while it is off. The screen stays as it was.
func (c *Cloud) power(t *sandbox.Term, in sandbox.ActionInput) error {
	if err := sandbox.Power.Do(t, in); err != nil {
		return err
	}
	stateOf(t).recordLocked(in.Now)
	return nil
}

// setAttention is the needs-attention and attention-resolved actions: the
// device reports NEEDS_ATTENTION while signed in and switched on.
func (c *Cloud) setAttention(t *sandbox.Term, in sandbox.ActionInput, on bool) error {
	st := stateOf(t)
	st.attention = on
	st.recordLocked(in.Now)
	return nil
}
