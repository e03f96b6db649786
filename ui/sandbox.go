package ui

import (
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/tui/widgets"
)

// FromSandbox lets the pane drive an in-process sandbox.
func FromSandbox(s *sandbox.Sandbox) Terminals { return sandboxTerminals{s} }

type sandboxTerminals struct{ s *sandbox.Sandbox }

func (t sandboxTerminals) Snapshot() []widgets.TerminalView {
	ts := t.s.Terminals()
	out := make([]widgets.TerminalView, 0, len(ts))
	for _, x := range ts {
		out = append(out, TerminalViewOf(x))
	}
	return out
}

// TerminalViewOf copies a sandbox terminal into the pane's view model.
func TerminalViewOf(x sandbox.Terminal) widgets.TerminalView {
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

func (t sandboxTerminals) StartPairing(id string) error {
	_, err := t.s.StartPairing(id)
	return err
}

func (t sandboxTerminals) Confirm(id string) error {
	_, err := t.s.Confirm(id)
	return err
}

func (t sandboxTerminals) Unpair(id string) error {
	_, err := t.s.UnpairFromTerminal(id)
	return err
}

func (t sandboxTerminals) SetAsleep(id string, asleep bool) error {
	var err error
	if asleep {
		_, err = t.s.Sleep(id)
	} else {
		_, err = t.s.Wake(id)
	}
	return err
}

func (t sandboxTerminals) Changes() (<-chan struct{}, func()) { return t.s.Changes() }
