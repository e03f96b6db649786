package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
)

// toShownCode chooses the code_from_pos provider, pairs with nickname
// only and returns the pairing whose code the screen shows.
func (f *flow) toShownCode(id, nickname string) providers.Pairing {
	f.t.Helper()
	f.waitText("Pairing Code")
	f.switchProvider(id)
	f.waitText("Pairing Nickname")
	f.typeText(nickname)
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("to sign in")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusAwaitingConfirmation || ps[0].ConfirmationCode == "" {
		f.t.Fatalf("pairings %+v, %v", ps, err)
	}
	if ps[0].PairingNickname != nickname {
		f.t.Errorf("nickname %q, want %q", ps[0].PairingNickname, nickname)
	}
	return ps[0]
}

// The code_from_pos model end to end against the sandbox: the form asks
// only for the nickname, Pair shows the cloud's code, the code expires and
// r makes a new one, signing in with it on the virtual Terminal pairs, and
// the paired screen names the device.
func TestFlowCodeFromPOSExpiryNewCodeSignIn(t *testing.T) {
	f := newFlow(t, 80, 24)
	p := f.toShownCode(square.ID, "Counter")
	term := f.terminalOf(square.ID)
	if _, err := f.rt.Sandbox.ExpireCode(term.ID, p.ConfirmationCode); err != nil {
		t.Fatal(err)
	}
	f.waitText("for a new one")
	f.typeText("r")
	f.waitText("to sign in")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].ConfirmationCode == p.ConfirmationCode || ps[0].PairingNickname != "Counter" {
		t.Fatalf("after r: pairings %+v, %v; want one new code for Counter", ps, err)
	}
	if _, err := f.rt.Sandbox.SignIn(term.ID, ps[0].ConfirmationCode); err != nil {
		t.Fatal(err)
	}
	f.waitText("signed in with the code")
	view := f.finish()
	for _, want := range []string{"Device ID", "Terminal name", "Counter", "active"} {
		if !strings.Contains(view, want) {
			t.Errorf("paired view lacks %q:\n%s", want, view)
		}
	}
}

// Cancel (esc) on the shown code forgets the pending pairing here.
func TestFlowCodeFromPOSCancel(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.toShownCode(square.ID, "Counter")
	f.key(tea.KeyMsg{Type: tea.KeyEsc})
	f.waitText("Pairing cancelled")
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		t.Errorf("after cancel the service still lists %+v (%v)", ps, err)
	}
	f.finish()
}

// The pane's confirm key (ctrl+o) signs the virtual Terminal in with the
// code shown here, as the operator would type it; with no code shown it
// says to pair first.
func TestFlowCodeFromPOSConfirmKeySignsIn(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.waitText("Pairing Code")
	f.switchProvider(square.ID)
	f.waitText("Pairing Nickname")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlO})
	f.waitText("pair here for a code")
	f.typeText("Counter")
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("to sign in")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlO})
	f.waitText("signed in with the code")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusActive || ps[0].TID != f.terminalOf(square.ID).TID {
		t.Fatalf("after ctrl+o: pairings %+v, %v; want one active on the virtual Terminal", ps, err)
	}
	f.finish()
}
