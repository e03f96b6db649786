package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// SmartConnect's "code not accepted" screen names the key for Setup: it
// must be the key that opens Setup there.
func TestSmartConnectCodeErrorNamesRealSetupKey(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.setProvider(providers.SmartConnect)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	err := &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindCodeUsed}
	m.show(screens.NewError(m.c, err, screens.PairMsg{Code: "123456"}, screens.Unpaired, ""))
	setup := m.keys.global.Setup.Help().Key
	if v := m.View(); !strings.Contains(v, "Setup ("+setup+")") {
		t.Fatalf("the error screen does not name %s for Setup:\n%s", setup, v)
	}
	cmd := m.handleKey(tea.KeyMsg{Type: tea.KeyCtrlE})
	if cmd == nil {
		t.Fatalf("%s does nothing on the error screen", setup)
	}
	m.Update(cmd())
	if _, ok := m.Screen().(*screens.RegisterScreen); !ok {
		t.Errorf("%s led to %T, want the register setup screen", setup, m.Screen())
	}
}
