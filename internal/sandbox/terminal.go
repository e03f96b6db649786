package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
)

// Terminal is a virtual terminal as the control API and the TUI see it.
type Terminal struct {
	ID                   string            `json:"id"`
	Provider             string            `json:"provider"`
	TID                  string            `json:"tid"`
	Nickname             string            `json:"nickname"`
	Screen               string            `json:"screen"` // see the Screen* constants
	PairingCode          string            `json:"pairing_code,omitempty"`
	PairingCodeExpiresAt *time.Time        `json:"pairing_code_expires_at,omitempty"`
	ConfirmationCode     string            `json:"confirmation_code,omitempty"`
	Message              string            `json:"message,omitempty"`
	Live                 bool              `json:"live,omitempty"`
	ForeignTenant        bool              `json:"foreign_tenant,omitempty"`
	Pairings             []TerminalPairing `json:"pairings"`
}

// TerminalPairing is one pairing as the terminal lists it.
type TerminalPairing struct {
	PairingID       string `json:"pairing_id"`
	PairingNickname string `json:"pairing_nickname"`
	Status          string `json:"status"` // awaiting_confirmation | active | unpaired
}

// What a terminal's screen shows.
const (
	ScreenIdle        = "idle"
	ScreenPairingCode = "pairing_code"
	ScreenConfirm     = "confirm"
	ScreenPaired      = "paired"
	ScreenCodeExpired = "code_expired"
)

// TerminalOptions describes a terminal to add. Live and ForeignTenant make
// the SCI pairing API refuse the sandbox's test key with its two 403 codes.
type TerminalOptions struct {
	Provider string `json:"provider"`
	// Live (SCI only): the terminal belongs to the live environment, so a
	// test_ key gets 403 test_api_key_forbidden_for_live_pairing.
	Live bool `json:"live"`
	// ForeignTenant (SCI and Helcim): the terminal belongs to a tenant the
	// key is not allowed for, so progress-pairing answers 403
	// pairing_route_forbidden; a Helcim device is on another account, so
	// the sandbox token cannot find it.
	ForeignTenant bool `json:"foreign_tenant"`
}

// Errors from the terminal operations; the control API maps them to statuses.
var (
	ErrUnknownTerminal = errors.New("unknown terminal")
	ErrUnknownProvider = errors.New("unknown provider")
	// ErrInvalidTerminalOptions: an option the provider has no notion of,
	// refused rather than silently making an ordinary terminal.
	ErrInvalidTerminalOptions = errors.New("invalid terminal options")
	ErrNothingToConfirm       = errors.New("nothing to confirm")
	ErrInvalidFault           = errors.New("invalid fault")
)

var allProviders = []string{providers.SCI, providers.SmartConnect, providers.Helcim}

// codeState is where a pairing code is in its life cycle.
type codeState int

const (
	codeInitial codeState = iota
	codeProgressed
	codeConfirmed
	codeExpired
	codeRevoked
)

type pairingCode struct {
	code      string
	term      *terminal
	state     codeState
	expiresAt time.Time
	pairing   *pairing // set once progressed
}

// stateAt folds expiry in: an initial code past its TTL is expired.
func (c *pairingCode) stateAt(now time.Time) codeState {
	if c.state == codeInitial && !now.Before(c.expiresAt) {
		return codeExpired
	}
	return c.state
}

type pairing struct {
	id, keyID, partB, confirmation, nickname, tenant string
	status                                           providers.Status
	term                                             *terminal
	code                                             *pairingCode
}

type terminal struct {
	id, provider, tid, nickname, tenant string
	live, foreignTenant                 bool
	code                                *pairingCode // shown on screen, if any
	pairings                            []*pairing   // oldest first, kept after unpair
	timer                               clockwork.Timer
	helcim                              *helcimDevice // Helcim terminals only
}

func (t *terminal) stopTimer() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

func (t *terminal) view(now time.Time) Terminal {
	v := Terminal{
		ID: t.id, Provider: t.provider, TID: t.tid, Nickname: t.nickname,
		Live: t.live, ForeignTenant: t.foreignTenant, Screen: ScreenIdle,
		Pairings: []TerminalPairing{},
	}
	active := false
	for _, p := range t.pairings {
		v.Pairings = append(v.Pairings, TerminalPairing{PairingID: p.id, PairingNickname: p.nickname, Status: string(p.status)})
		active = active || p.status == providers.StatusActive
	}
	if active {
		v.Screen = ScreenPaired
	}
	if c := t.code; c != nil {
		switch c.stateAt(now) {
		case codeInitial:
			exp := c.expiresAt
			v.Screen, v.PairingCode, v.PairingCodeExpiresAt = ScreenPairingCode, c.code, &exp
		case codeExpired:
			v.Screen = ScreenCodeExpired
			v.Message = "Pairing code expired. Start pairing again."
		case codeProgressed:
			v.Screen, v.ConfirmationCode = ScreenConfirm, c.pairing.confirmation
		}
	}
	if t.helcim != nil {
		t.helcim.decorate(&v)
	}
	return v
}

// Terminals lists every virtual terminal in creation order.
func (s *Sandbox) Terminals() []Terminal {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	out := make([]Terminal, 0, len(s.order))
	for _, id := range s.order {
		s.sc.refreshLocked(s.terminals[id], now)
		out = append(out, s.terminals[id].view(now))
	}
	return out
}

// Terminal returns one terminal.
func (s *Sandbox) Terminal(id string) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		s.sc.refreshLocked(t, now)
		return t.view(now), nil
	})
}

func (s *Sandbox) terminalLocked(id string) (*terminal, error) {
	t, ok := s.terminals[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownTerminal, id)
	}
	return t, nil
}

// withTerminal runs one operation on terminal id with s.mu held, so the
// lookup, the change and the view the caller gets back are one consistent
// step; now is read once, under the lock.
func (s *Sandbox) withTerminal(id string, fn func(t *terminal, now time.Time) (Terminal, error)) (Terminal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.terminalLocked(id)
	if err != nil {
		return Terminal{}, err
	}
	return fn(t, s.clock.Now())
}

// AddTerminal adds a terminal for provider with default options.
func (s *Sandbox) AddTerminal(provider string) (Terminal, error) {
	return s.AddTerminalWith(TerminalOptions{Provider: provider})
}

// AddTerminalWith adds a terminal; see TerminalOptions.
func (s *Sandbox) AddTerminalWith(o TerminalOptions) (Terminal, error) {
	switch o.Provider {
	case providers.SCI, providers.SmartConnect, providers.Helcim:
	default:
		return Terminal{}, fmt.Errorf("%w %q; valid providers: %s", ErrUnknownProvider, o.Provider, strings.Join(allProviders, ", "))
	}
	if o.Live && o.Provider != providers.SCI {
		return Terminal{}, fmt.Errorf("%w: live is SCI only (a live SCI terminal refuses test API keys); leave it out for %s", ErrInvalidTerminalOptions, o.Provider)
	}
	if o.ForeignTenant && o.Provider == providers.SmartConnect {
		return Terminal{}, fmt.Errorf("%w: foreign_tenant is for SCI (another tenant) and Helcim (another account); SmartConnect has neither, leave it out", ErrInvalidTerminalOptions)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Provider == providers.Helcim {
		return s.addHelcimTerminalLocked(o), nil
	}
	s.nextTerm[o.Provider]++
	t := &terminal{
		id:            fmt.Sprintf("%s-%d", o.Provider, s.nextTerm[o.Provider]),
		provider:      o.Provider,
		tid:           s.uniqueTIDLocked(),
		live:          o.Live,
		foreignTenant: o.ForeignTenant,
		tenant:        s.tenant,
	}
	t.nickname = "Terminal " + t.tid
	if o.Live || o.ForeignTenant {
		t.tenant = "t" + s.rng.hex(4)
	}
	s.terminals[t.id] = t
	s.order = append(s.order, t.id)
	s.notifyLocked()
	return t.view(s.clock.Now()), nil
}

func (s *Sandbox) uniqueTIDLocked() string {
	for {
		tid := s.rng.digits(8)
		if tid[0] == '0' {
			continue // observed TIDs are 8 significant digits
		}
		taken := false
		for _, t := range s.terminals {
			taken = taken || t.tid == tid
		}
		if !taken {
			return tid
		}
	}
}

// StartPairing makes the terminal show a fresh pairing code. A code still
// on screen is revoked, and so is a pairing awaiting confirmation: a real
// terminal abandons a half-made pairing when the merchant starts over.
func (s *Sandbox) StartPairing(id string) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		switch {
		case t.helcim != nil:
			return s.helcimPairingModeLocked(t), nil
		case t.provider == providers.SmartConnect:
			s.sc.startPairingLocked(t, now)
		default:
			s.showNewCodeLocked(t, now)
		}
		s.notifyLocked()
		return t.view(now), nil
	})
}

// showNewCodeLocked puts a fresh SCI pairing code on the terminal's screen.
func (s *Sandbox) showNewCodeLocked(t *terminal, now time.Time) {
	s.revokeShownCodeLocked(t, now)
	c := &pairingCode{code: s.uniqueCodeLocked(now), term: t, expiresAt: now.Add(s.ttl)}
	s.codes[c.code] = c
	t.code = c
	// The timer only wakes subscribers; expiry itself is derived from the
	// clock, so no state changes off-lock.
	t.timer = s.clock.AfterFunc(s.ttl, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.notifyLocked()
	})
}

// uniqueCodeLocked picks a 6-digit code no live code uses.
func (s *Sandbox) uniqueCodeLocked(now time.Time) string {
	for {
		code := s.rng.digits(6)
		old, ok := s.codes[code]
		if !ok || old.stateAt(now) != codeInitial && old.stateAt(now) != codeProgressed {
			return code
		}
	}
}

// revokeShownCodeLocked ends whatever code the terminal shows. A code that
// merely expired keeps that state so progress-pairing can still say so.
func (s *Sandbox) revokeShownCodeLocked(t *terminal, now time.Time) {
	t.stopTimer()
	c := t.code
	if c == nil {
		return
	}
	switch c.stateAt(now) {
	case codeInitial:
		c.state = codeRevoked
	case codeProgressed:
		c.state = codeRevoked
		c.pairing.status = providers.StatusUnpaired
	}
	t.code = nil
}

// Confirm is the merchant confirming the confirmation code on the terminal:
// the progressed pairing becomes active.
func (s *Sandbox) Confirm(id string) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		switch t.provider {
		case providers.SmartConnect:
			return Terminal{}, fmt.Errorf("%w on terminal %s: SmartConnect has no confirmation step; the register is paired as soon as the POS sends the code", ErrNothingToConfirm, id)
		case providers.Helcim:
			return Terminal{}, fmt.Errorf("%w on terminal %s: Helcim has no confirmation step; the device is paired once the POS has looked it up and pinged it", ErrNothingToConfirm, id)
		}
		c := t.code
		if c == nil || c.stateAt(now) != codeProgressed {
			return Terminal{}, fmt.Errorf("%w on terminal %s: start pairing on the terminal, progress the pairing code from the POS, then confirm", ErrNothingToConfirm, id)
		}
		t.stopTimer()
		c.state = codeConfirmed
		c.pairing.status = providers.StatusActive
		t.code = nil
		s.notifyLocked()
		return t.view(now), nil
	})
}

// UnpairFromTerminal removes every pairing on the terminal, as a merchant
// unpairing on the device does. With nothing to unpair it changes nothing.
func (s *Sandbox) UnpairFromTerminal(id string) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		switch {
		case t.helcim != nil:
			return s.helcimStandaloneLocked(t), nil
		case t.provider == providers.SmartConnect:
			s.sc.unpairAllLocked(t)
		default:
			s.revokeShownCodeLocked(t, now)
			for _, p := range t.pairings {
				p.status = providers.StatusUnpaired
			}
		}
		s.notifyLocked()
		return t.view(now), nil
	})
}
