package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
)

// With two pairings, an error about one of them names it.
func TestFlowErrorNamesThePairing(t *testing.T) {
	f := newFlow(t, 100, 30)
	f.pairThroughUI()
	second, err := f.rt.Sandbox.AddTerminal(providers.SCI)
	if err != nil {
		t.Fatal(err)
	}
	f.typeText("a")
	f.waitText("How to pair")
	shown, err := f.rt.Sandbox.StartPairing(second.ID)
	if err != nil || shown.PairingCode == "" {
		t.Fatalf("second terminal shows no code: %+v, %v", shown, err)
	}
	f.typeText(shown.PairingCode)
	f.key(tea.KeyMsg{Type: tea.KeyTab})
	f.typeText("Back office")
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("Confirm the pairing")
	if _, err := f.rt.Sandbox.Confirm(second.ID); err != nil {
		t.Fatal(err)
	}
	f.waitText("Pairing successful")
	if _, err := f.rt.Sandbox.UnpairFromTerminal(second.ID); err != nil {
		t.Fatal(err)
	}
	f.typeText("t") // the just-paired "Back office" is selected
	f.waitText("No active pairings found")
	view := f.finish()
	if !strings.Contains(view, "Pairing  Back office") {
		t.Errorf("the error screen does not name the pairing:\n%s", view)
	}
}
