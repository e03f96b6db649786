package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// Terminal is a virtual terminal as the control API and the TUI see it.
type Terminal struct {
	ID                   string            `json:"id"`
	Provider             string            `json:"provider"`
	TID                  string            `json:"tid"`
	Nickname             string            `json:"nickname"`
	Screen               string            `json:"screen"` // see the Screen* constants; clouds add their own
	PairingCode          string            `json:"pairing_code,omitempty"`
	PairingCodeExpiresAt *time.Time        `json:"pairing_code_expires_at,omitempty"`
	ConfirmationCode     string            `json:"confirmation_code,omitempty"`
	Message              string            `json:"message,omitempty"`
	Online               bool              `json:"online"` // powered on and reachable (POST …/power)
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

// What a terminal's screen shows, for the screens several clouds share.
const (
	ScreenIdle        = "idle"
	ScreenPairingCode = "pairing_code"
	ScreenConfirm     = "confirm"
	ScreenPaired      = "paired"
	ScreenCodeExpired = "code_expired"
)

// TerminalOptions describes a terminal to add. Which options a provider
// takes is its cloud's to say (Spec.Options); any other is refused rather
// than silently making an ordinary terminal.
type TerminalOptions struct {
	Provider string `json:"provider"`
	// Live (SCI): the terminal belongs to the live environment, so a test_
	// key gets 403 test_api_key_forbidden_for_live_pairing.
	Live bool `json:"live"`
	// ForeignTenant: the terminal belongs to a tenant or merchant account
	// the sandbox's credentials may not use (SCI: progress-pairing answers
	// 403 pairing_route_forbidden; Helcim: the sandbox token cannot find
	// the device).
	ForeignTenant bool `json:"foreign_tenant"`
	// Settings are the cloud's own options by name, e.g. a knob a new
	// cloud's terminals take: in JSON, every member besides provider, live
	// and foreign_tenant. The cloud decodes them (Setting).
	Settings map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON reads provider, live and foreign_tenant, and keeps every
// other member in Settings for the cloud to judge.
func (o *TerminalOptions) UnmarshalJSON(b []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	if members == nil {
		return errors.New("terminal options must be a JSON object")
	}
	*o = TerminalOptions{}
	fields := map[string]any{"provider": &o.Provider, OptionLive: &o.Live, OptionForeignTenant: &o.ForeignTenant}
	for name, raw := range members {
		if dst, ok := fields[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		if o.Settings == nil {
			o.Settings = map[string]json.RawMessage{}
		}
		o.Settings[name] = raw
	}
	return nil
}

// Setting decodes the setting name into v (strictly, so a wrong type is an
// error) and reports whether it was given. Errors wrap
// ErrInvalidTerminalOptions.
func (o TerminalOptions) Setting(name string, v any) (bool, error) {
	raw, ok := o.Settings[name]
	if !ok {
		return false, nil
	}
	if err := DecodeStrict(raw, v); err != nil {
		return true, fmt.Errorf("%w: %s: %v", ErrInvalidTerminalOptions, name, err)
	}
	return true, nil
}

// names lists the options set, in a stable order.
func (o TerminalOptions) names() []string {
	var out []string
	if o.Live {
		out = append(out, OptionLive)
	}
	if o.ForeignTenant {
		out = append(out, OptionForeignTenant)
	}
	settings := make([]string, 0, len(o.Settings))
	for name := range o.Settings {
		settings = append(settings, name)
	}
	slices.Sort(settings)
	return append(out, settings...)
}

// Errors from the terminal operations; the control API maps them to
// statuses (see answer in control.go).
var (
	ErrUnknownTerminal = errors.New("unknown terminal")
	ErrUnknownProvider = errors.New("unknown provider")
	// ErrInvalidTerminalOptions: an option the provider has no notion of,
	// refused rather than silently making an ordinary terminal.
	ErrInvalidTerminalOptions = errors.New("invalid terminal options")
	ErrNothingToConfirm       = errors.New("nothing to confirm")
	ErrInvalidFault           = errors.New("invalid fault")
	// ErrUnsupported: the terminal's cloud has no such action (400).
	ErrUnsupported = errors.New("is not supported by this provider")
	// ErrNoCode: the terminal shows no live code to act on (409).
	ErrNoCode = errors.New("no pairing code to expire")
	// ErrIncorrectDeviceCode: a code typed on the terminal (sign-in) that
	// the cloud does not know, or no longer accepts (422,
	// {"error":"incorrect_device_code"}).
	ErrIncorrectDeviceCode = errors.New("incorrect device code")
	// ErrBadActionInput: an action's input is missing or malformed (400).
	ErrBadActionInput = errors.New("invalid action input")
	// ErrTerminalState: the terminal cannot do that in its present state,
	// e.g. a SumUp Solo asked for a code while logged in (409).
	ErrTerminalState = errors.New("the terminal cannot do that now")
)

// Term is a virtual terminal in the registry. Its cloud changes it, always
// with the sandbox lock held; the core shows it as a Terminal after the
// cloud's Refresh.
type Term struct {
	ID, Provider, TID, Nickname string
	Live, ForeignTenant         bool
	// Online is false while the terminal is switched off (ActionPower);
	// each cloud decides what its calls answer then.
	Online bool

	// What the screen shows (see Terminal).
	Screen               string
	PairingCode          string
	PairingCodeExpiresAt time.Time // zero: no expiry shown
	ConfirmationCode     string
	Message              string
	Pairings             []TerminalPairing

	// State is the cloud's own per-terminal state.
	State any

	timer clockwork.Timer // Host.SetTimerLocked
}

// ClearScreen resets the screen fields to an idle screen showing nothing;
// Pairings are left alone.
func (t *Term) ClearScreen() {
	t.Screen, t.PairingCode, t.PairingCodeExpiresAt, t.ConfirmationCode, t.Message = ScreenIdle, "", time.Time{}, "", ""
}

// StopTimer stops the terminal's timer, if any (lock held).
func (t *Term) StopTimer() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

func (t *Term) view() Terminal {
	v := Terminal{
		ID: t.ID, Provider: t.Provider, TID: t.TID, Nickname: t.Nickname, Screen: t.Screen,
		PairingCode: t.PairingCode, ConfirmationCode: t.ConfirmationCode, Message: t.Message,
		Online: t.Online, Live: t.Live, ForeignTenant: t.ForeignTenant,
		Pairings: append([]TerminalPairing{}, t.Pairings...),
	}
	if !t.PairingCodeExpiresAt.IsZero() {
		exp := t.PairingCodeExpiresAt
		v.PairingCodeExpiresAt = &exp
	}
	return v
}

// viewLocked refreshes t through its cloud and shows it.
func (s *Sandbox) viewLocked(t *Term, now time.Time) Terminal {
	s.byID[t.Provider].cloud.Refresh(t, now)
	return t.view()
}

// Terminals lists every virtual terminal in creation order.
func (s *Sandbox) Terminals() []Terminal {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	out := make([]Terminal, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.viewLocked(s.terminals[id], now))
	}
	return out
}

// Terminal returns one terminal.
func (s *Sandbox) Terminal(id string) (Terminal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.terminalLocked(id)
	if err != nil {
		return Terminal{}, err
	}
	return s.viewLocked(t, s.clock.Now()), nil
}

func (s *Sandbox) terminalLocked(id string) (*Term, error) {
	t, ok := s.terminals[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownTerminal, id)
	}
	return t, nil
}

// AddTerminal adds a terminal for provider with default options.
func (s *Sandbox) AddTerminal(provider string) (Terminal, error) {
	return s.AddTerminalWith(TerminalOptions{Provider: provider})
}

// AddTerminalWith adds a terminal; see TerminalOptions. It starts switched
// on, with id "<provider>-<n>".
func (s *Sandbox) AddTerminalWith(o TerminalOptions) (Terminal, error) {
	m, ok := s.byID[o.Provider]
	if !ok {
		return Terminal{}, fmt.Errorf("%w %q; valid providers: %s", ErrUnknownProvider, o.Provider, strings.Join(s.providerIDs(), ", "))
	}
	if err := s.checkOptions(m, o); err != nil {
		return Terminal{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextTerm[o.Provider] + 1
	t := &Term{
		ID: fmt.Sprintf("%s-%d", o.Provider, n), Provider: o.Provider,
		Live: o.Live, ForeignTenant: o.ForeignTenant, Online: true, Screen: ScreenIdle,
	}
	if err := m.cloud.NewTerminal(t, o); err != nil {
		return Terminal{}, err
	}
	s.nextTerm[o.Provider] = n
	s.terminals[t.ID] = t
	s.order = append(s.order, t.ID)
	s.notifyLocked()
	return s.viewLocked(t, s.clock.Now()), nil
}

// checkOptions refuses an option the provider's cloud does not take,
// naming the clouds that do.
func (s *Sandbox) checkOptions(m *mounted, o TerminalOptions) error {
	for _, name := range o.names() {
		if m.takesOption(name) {
			continue
		}
		var takers []string
		for _, other := range s.clouds {
			if other.takesOption(name) {
				takers = append(takers, other.spec.Name)
			}
		}
		if len(takers) == 0 {
			return fmt.Errorf("%w: %s is not a terminal option of any simulated cloud; %s (%s) takes %s",
				ErrInvalidTerminalOptions, name, m.spec.Name, m.spec.ID, m.optionList())
		}
		return fmt.Errorf("%w: %s is %s only; leave it out for %s (%s)", ErrInvalidTerminalOptions, name, joinAnd(takers), m.spec.Name, m.spec.ID)
	}
	return nil
}

func (s *Sandbox) uniqueTIDLocked() string {
	for {
		tid := s.rng.Digits(8)
		if tid[0] == '0' {
			continue // observed TIDs are 8 significant digits
		}
		taken := false
		for _, t := range s.terminals {
			taken = taken || t.TID == tid
		}
		if !taken {
			return tid
		}
	}
}

// Act runs the named terminal-side action (see Spec.Actions) on terminal
// id. A terminal whose cloud lacks the action answers ErrUnsupported.
func (s *Sandbox) Act(id, action string, in ActionInput) (Terminal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.terminalLocked(id)
	if err != nil {
		return Terminal{}, err
	}
	m := s.byID[t.Provider]
	a, ok := m.action(action)
	if !ok {
		return Terminal{}, s.unsupported(m, action, id)
	}
	if action == ActionSignIn && strings.TrimSpace(in.Code) == "" {
		return Terminal{}, fmt.Errorf("%w: sign-in needs the code the POS shows, e.g. {\"code\":\"ABCDEF\"}", ErrBadActionInput)
	}
	in.Now = s.clock.Now()
	if err := a.Do(t, in); err != nil {
		return Terminal{}, err
	}
	s.notifyLocked()
	return s.viewLocked(t, in.Now), nil
}

// unsupported says that terminal id's cloud (m) lacks action, naming the
// provider, the action, what the terminal does support and which clouds
// have the action.
func (s *Sandbox) unsupported(m *mounted, action, id string) error {
	var have []string
	for _, other := range s.clouds {
		if _, ok := other.action(action); ok {
			have = append(have, other.spec.Name)
		}
	}
	where := "no simulated cloud has it"
	if len(have) > 0 {
		where = "only " + joinAnd(have) + " terminals support " + action
	}
	return fmt.Errorf("%s %w: terminal %s is %s (%s), whose terminals support %s; %s",
		action, ErrUnsupported, id, m.spec.Name, m.spec.ID, strings.Join(m.actionNames(), ", "), where)
}

// StartPairing makes the terminal start pairing: it shows a code (for a
// Helcim device: switches to pairing mode). On SCI a code still on screen
// is revoked, and so is a pairing awaiting confirmation: a real terminal
// abandons a half-made pairing when the merchant starts over.
func (s *Sandbox) StartPairing(id string) (Terminal, error) {
	return s.Act(id, ActionPairingCode, ActionInput{})
}

// Confirm is the merchant confirming on the terminal. Clouds without a
// confirmation step answer ErrNothingToConfirm saying so.
func (s *Sandbox) Confirm(id string) (Terminal, error) {
	return s.Act(id, ActionConfirm, ActionInput{})
}

// UnpairFromTerminal is the merchant unpairing (signing out, disconnecting)
// on the device. With nothing to unpair it changes nothing.
func (s *Sandbox) UnpairFromTerminal(id string) (Terminal, error) {
	return s.Act(id, ActionUnpair, ActionInput{})
}

// ExpireCode makes the code on the terminal's screen expire now; code, when
// not "", must be that code (for a cloud whose codes come from the POS, it
// names the code to expire). ErrNoCode when there is none.
func (s *Sandbox) ExpireCode(id, code string) (Terminal, error) {
	return s.Act(id, ActionExpireCode, ActionInput{Code: code})
}

// SignIn types a POS-shown code on the terminal (Square's device code).
// ErrIncorrectDeviceCode when the cloud does not accept it.
func (s *Sandbox) SignIn(id, code string) (Terminal, error) {
	return s.Act(id, ActionSignIn, ActionInput{Code: code})
}

// SetPower switches the terminal on (online) or off.
func (s *Sandbox) SetPower(id string, online bool) (Terminal, error) {
	return s.Act(id, ActionPower, ActionInput{Online: online})
}

// SetOffline is SetPower(id, !offline), kept for its callers.
func (s *Sandbox) SetOffline(id string, offline bool) (Terminal, error) {
	return s.SetPower(id, !offline)
}

// Sleep runs the terminal's "sleep" action (Helcim devices have one: they
// stop listening until Wake).
func (s *Sandbox) Sleep(id string) (Terminal, error) { return s.Act(id, "sleep", ActionInput{}) }

// Wake runs the terminal's "wake" action.
func (s *Sandbox) Wake(id string) (Terminal, error) { return s.Act(id, "wake", ActionInput{}) }

// joinAnd joins names as "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
