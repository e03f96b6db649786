package linkly

import (
	"fmt"
	"slices"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Accounts the PIN pads belong to: the fixture account whose username and
// password are in Info, and another one no credentials reach
// (foreign_tenant).
const (
	accountSandbox = "sandbox"
	accountOther   = "other"
)

// Messages the PIN pad shows.
const (
	msgIdle     = "Not paired. Start Linkly Cloud pairing on the PIN pad (POST .../pairing-code) to show a pair code"
	msgCode     = "Enter this pair code in the POS with your Linkly Cloud username and password"
	msgExpired  = "Pair code expired. Start pairing again for a new code"
	msgPaired   = "PAIRED"
	msgUnpaired = "UNPAIRED: the POS can no longer get tokens for this PIN pad"
)

// pairCode is a code a PIN pad showed.
type pairCode struct {
	sandbox.PairingCode
	pad *pad
}

// secret is a pairing's non-expiring secret [CODE S60 PairingResponse].
type secret struct {
	id      string // shown on the pad's pairing list; not the secret
	value   string
	pad     *pad
	revoked bool
	posName string // the last token request's, for the pairing list
}

// token is a bearer token of the POS API.
type token struct {
	secret  *secret
	posID   string
	expires time.Time
}

// pad is a virtual PIN pad (Term.State).
type pad struct {
	term    *sandbox.Term
	account string
	serial  string
	code    *pairCode // on screen, if any
	secrets []*secret // every secret its pairings made, oldest first
	note    string    // the idle screen's message after an event

	statusDelay time.Duration
	busy        bool
	loggedOn    bool
	pool        bool
}

func padOf(t *sandbox.Term) *pad { return t.State.(*pad) }

// live are its secrets that still buy tokens.
func (p *pad) live() []*secret {
	var out []*secret
	for _, s := range p.secrets {
		if !s.revoked {
			out = append(out, s)
		}
	}
	return out
}

// NewTerminal makes an unpaired PIN pad with a serial and TID of its own.
func (c *Cloud) NewTerminal(t *sandbox.Term, o sandbox.TerminalOptions) error {
	p := &pad{term: t, account: accountSandbox, loggedOn: true}
	if t.ForeignTenant {
		p.account = accountOther
	}
	if err := p.configure(o); err != nil {
		return err
	}
	p.serial, t.TID = c.uniqueIDsLocked()
	t.Nickname = "Linkly Virtual PIN pad"
	t.State = p
	c.pads = append(c.pads, p)
	return nil
}

func (p *pad) configure(o sandbox.TerminalOptions) error {
	var delay string
	if ok, err := o.Setting(OptStatusDelay, &delay); err != nil {
		return err
	} else if ok {
		d, perr := time.ParseDuration(delay)
		if perr != nil || d < 0 || d > maxDelay {
			return fmt.Errorf(`%w: %s: %q is not a duration from "0s" to "1h"; for example "3s"`, sandbox.ErrInvalidTerminalOptions, OptStatusDelay, delay)
		}
		p.statusDelay = d
	}
	for name, dst := range map[string]*bool{OptBusy: &p.busy, OptLoggedOn: &p.loggedOn, OptPool: &p.pool} {
		if _, err := o.Setting(name, dst); err != nil {
			return err
		}
	}
	return nil
}

// uniqueIDsLocked is a serial in the shape of the vendor mock's
// (123456789012345A) and an 8-digit TID (catId), neither another pad's,
// from Linkly's own stream.
func (c *Cloud) uniqueIDsLocked() (serial, tid string) {
	for {
		serial = c.rng.Digits(15) + c.rng.String("ABCDEFGHJKLMNPQRSTUVWXYZ", 1)
		tid = c.rng.String("123456789", 1) + c.rng.Digits(7)
		if !slices.ContainsFunc(c.pads, func(p *pad) bool { return p.serial == serial || p.term.TID == tid }) {
			return serial, tid
		}
	}
}

// uniqueCodeLocked is a 6-digit code no PIN pad ever showed, so a code
// names one pairing attempt for good.
func (c *Cloud) uniqueCodeLocked() string {
	for {
		code := c.rng.Digits(6)
		if _, taken := c.codes[code]; !taken {
			return code
		}
	}
}

// startPairing is the merchant starting Linkly Cloud pairing on the pad:
// a fresh code, live for the TTL; a code still on screen is void. A
// paired pad may pair again (its older secrets stay until the new pairing
// succeeds).
func (c *Cloud) startPairing(t *sandbox.Term, in sandbox.ActionInput) error {
	p := padOf(t)
	if !t.Online {
		return fmt.Errorf("%w: PIN pad %s is switched off; POST /control/terminals/%s/power {\"online\":true} first", sandbox.ErrWrongState, t.ID, t.ID)
	}
	p.voidCode(in.Now)
	pc := &pairCode{PairingCode: sandbox.PairingCode{Value: c.uniqueCodeLocked(), ExpiresAt: in.Now.Add(c.h.CodeTTL(defaultCodeTTL))}, pad: p}
	c.codes[pc.Value] = pc
	p.code, p.note = pc, ""
	c.h.SetTimerLocked(t, pc.ExpiresAt.Sub(in.Now), nil) // wakes subscribers when it expires
	return nil
}

// voidCode withdraws a live code on screen.
func (p *pad) voidCode(now time.Time) {
	if p.code != nil && p.code.StateAt(now) == sandbox.CodeInitial {
		p.code.State = sandbox.CodeRevoked
	}
	p.code = nil
	p.term.StopTimer()
}

// unpair is unpairing from the terminal side: every secret of the pad is
// revoked (token requests with it are 401, and so is the POS API with
// tokens it bought) and a code on screen is void. With neither it changes
// nothing.
func (c *Cloud) unpair(t *sandbox.Term, in sandbox.ActionInput) error {
	p := padOf(t)
	live := p.live()
	if len(live) == 0 && p.code == nil {
		return nil
	}
	for _, s := range live {
		s.revoked = true
	}
	p.voidCode(in.Now)
	p.note = msgUnpaired
	return nil
}

func (c *Cloud) expireCode(t *sandbox.Term, in sandbox.ActionInput) error {
	p := padOf(t)
	var pc *sandbox.PairingCode
	if p.code != nil {
		pc = &p.code.PairingCode
	}
	if err := sandbox.ExpireShown(t, pc, in.Code, in.Now); err != nil {
		return err
	}
	t.StopTimer()
	return nil
}

// power switches the pad off or on. Off, it answers no status request
// (the result route says 425 until the client gives up); pairing and
// tokens are the cloud's and keep working.
func (c *Cloud) power(t *sandbox.Term, in sandbox.ActionInput) error {
	t.Online = in.Online
	return nil
}

// pairedLocked makes a pairing of p with a new secret: the code is used;
// unless the pad is in a pool, older secrets are revoked.
func (c *Cloud) pairedLocked(pc *pairCode) *secret {
	p := pc.pad
	pc.State = sandbox.CodeConfirmed
	if !p.pool {
		for _, s := range p.live() {
			s.revoked = true
		}
	}
	c.nextID++
	s := &secret{id: fmt.Sprintf("secret-%d", c.nextID), value: c.rng.String(secretChars, secretLen), pad: p}
	c.secrets[s.value] = s
	p.secrets = append(p.secrets, s)
	p.code, p.note = nil, ""
	p.term.StopTimer()
	return s
}

// The vendor mock's secrets are 128 random [a-z0-9] [CODE S61].
const (
	secretChars = "abcdefghijklmnopqrstuvwxyz0123456789"
	secretLen   = 128
)

// decorate fills the pad's screen fields and pairing list.
func (p *pad) decorate(t *sandbox.Term, now time.Time) {
	t.ClearScreen()
	t.Pairings = t.Pairings[:0]
	for _, s := range p.secrets {
		st := providers.StatusActive
		if s.revoked {
			st = providers.StatusUnpaired
		}
		t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: s.id, PairingNickname: s.posName, Status: string(st)})
	}
	switch {
	case p.code != nil && p.code.StateAt(now) == sandbox.CodeInitial:
		t.Screen, t.PairingCode, t.PairingCodeExpiresAt, t.Message = sandbox.ScreenPairingCode, p.code.Value, p.code.ExpiresAt, msgCode
	case p.code != nil:
		t.Screen, t.Message = sandbox.ScreenCodeExpired, msgExpired
	case len(p.live()) > 0:
		t.Screen, t.Message = sandbox.ScreenPaired, msgPaired
	default:
		t.Message = msgIdle
		if p.note != "" {
			t.Message = p.note
		}
	}
}
