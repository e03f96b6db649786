package keys

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
)

// While a field has focus ? is typed, so the help needs a key that is not;
// an open help must say how to close it.
func TestHelpForTypingAndOpen(t *testing.T) {
	g := NewGlobal()
	question := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")}
	ctrlG := tea.KeyMsg{Type: tea.KeyCtrlG}
	f1 := tea.KeyMsg{Type: tea.KeyF1}
	for _, tc := range []struct {
		typing, open bool
		key, desc    string
		matchQ       bool
	}{
		{false, false, "?", "help", true},
		{false, true, "?", "close help", true},
		{true, false, TypingHelpKey, "help", false},
		{true, true, TypingHelpKey, "close help", false},
	} {
		b := g.HelpFor(tc.typing, tc.open)
		if h := b.Help(); h.Key != tc.key || h.Desc != tc.desc {
			t.Errorf("typing %t open %t: help %q %q, want %q %q", tc.typing, tc.open, h.Key, h.Desc, tc.key, tc.desc)
		}
		if key.Matches(question, b) != tc.matchQ {
			t.Errorf("typing %t: ? matches %t, want %t", tc.typing, !tc.matchQ, tc.matchQ)
		}
		if !key.Matches(ctrlG, b) || !key.Matches(f1, b) {
			t.Errorf("typing %t open %t: ctrl+g or F1 does not toggle the help", tc.typing, tc.open)
		}
	}
	if g.Help.Help().Desc != "help" {
		t.Errorf("HelpFor changed the shared binding: %q", g.Help.Help().Desc)
	}
}

// The terminal keys follow the provider's descriptor: a confirm step only
// where the terminal confirms, sleep only for a device with a fixed code.
func TestTerminalForProviderFollowsDescriptor(t *testing.T) {
	for _, tc := range []struct {
		d              *providers.Descriptor
		confirm, sleep bool
		newCode        string
	}{
		{&providers.Descriptor{Model: providers.CodeFromTerminal, Confirms: true}, true, false, "new code"},
		{&providers.Descriptor{Model: providers.CodeFromTerminal}, false, false, "show code"},
		{&providers.Descriptor{Model: providers.DeviceCode}, false, true, "pairing mode"},
	} {
		k := NewTerminal()
		k.ForProvider(tc.d)
		if k.Confirm.Enabled() != tc.confirm || k.Sleep.Enabled() != tc.sleep || k.NewCode.Help().Desc != tc.newCode {
			t.Errorf("%s confirms %t: confirm %t sleep %t new code %q, want %t %t %q", tc.d.Model, tc.d.Confirms,
				k.Confirm.Enabled(), k.Sleep.Enabled(), k.NewCode.Help().Desc, tc.confirm, tc.sleep, tc.newCode)
		}
	}
}
