package app

import (
	"errors"
	"fmt"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/tui/widgets"
)

// Terminals lets the TUI's virtual-terminal pane drive an in-process
// sandbox: it implements ui.Terminals, so the ui imports no simulator.
func Terminals(s *sandbox.Sandbox) SandboxTerminals { return SandboxTerminals{s} }

// SandboxTerminals is the sandbox's virtual terminals as the pane sees them.
type SandboxTerminals struct{ s *sandbox.Sandbox }

// Snapshot is every virtual terminal, as the pane draws it.
func (t SandboxTerminals) Snapshot() []widgets.TerminalView {
	ts := t.s.Terminals()
	out := make([]widgets.TerminalView, 0, len(ts))
	for _, x := range ts {
		out = append(out, terminalView(x))
	}
	return out
}

// terminalView copies a sandbox terminal into the pane's view model.
func terminalView(x sandbox.Terminal) widgets.TerminalView {
	v := widgets.TerminalView{
		ID: x.ID, Provider: x.Provider, TID: x.TID, Nickname: x.Nickname, Screen: x.Screen,
		PairingCode: x.PairingCode, ConfirmationCode: x.ConfirmationCode, Message: x.Message,
	}
	if x.PairingCodeExpiresAt != nil {
		v.ExpiresAt = *x.PairingCodeExpiresAt
	}
	for _, p := range x.Pairings {
		v.Pairings = append(v.Pairings, widgets.TerminalPairingView{ID: p.PairingID, Nickname: p.PairingNickname, Status: p.Status})
	}
	return v
}

// StartPairing shows a pairing code on terminal id.
func (t SandboxTerminals) StartPairing(id string) error {
	_, err := t.s.StartPairing(id)
	return err
}

// Confirm confirms the pairing on terminal id; a terminal with nothing to
// confirm answers widgets.ErrNothingToConfirm.
func (t SandboxTerminals) Confirm(id string) error {
	_, err := t.s.Confirm(id)
	if errors.Is(err, sandbox.ErrNothingToConfirm) {
		return fmt.Errorf("%w: %w", widgets.ErrNothingToConfirm, err)
	}
	return err
}

// SignIn signs terminal id in with a code the POS shows.
func (t SandboxTerminals) SignIn(id, code string) error {
	_, err := t.s.SignIn(id, code)
	return err
}

// Unpair unpairs on terminal id.
func (t SandboxTerminals) Unpair(id string) error {
	_, err := t.s.UnpairFromTerminal(id)
	return err
}

// SetAsleep puts a device to sleep or wakes it.
func (t SandboxTerminals) SetAsleep(id string, asleep bool) error {
	var err error
	if asleep {
		_, err = t.s.Sleep(id)
	} else {
		_, err = t.s.Wake(id)
	}
	return err
}

// Changes is the sandbox's coalesced change feed.
func (t SandboxTerminals) Changes() (<-chan struct{}, func()) { return t.s.Changes() }
