package screens

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

func testCommon() Common {
	return Common{Styles: theme.New(theme.Default()), Clock: clockwork.NewFakeClock(), Product: "Simple Cloud Integration", Provider: providers.SCI}
}

var sciSpec = providers.CodeSpec{Label: "Pairing Code", Digits: true, MinLen: 4, MaxLen: 12, Example: "123456"}

// checked is c with the pairing session's code check for spec, as the
// root model sets it.
func checked(c Common, spec providers.CodeSpec) Common {
	c.ValidateCode = func(raw string) (string, error) { return pairing.NormalizeCode(spec, raw) }
	return c
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// minBody is the body a 60×20 terminal leaves a screen with the sandbox's
// strip: header 2, status 1, footer 2 (its keys and the terminal's), strip 3.
const minBodyW, minBodyH = 60, 12

const wideName = "Café Bär 🍺 ☕ 日本語のレジ"

func providerCommon(provider string) Common {
	c := testCommon()
	c.Provider = provider
	c.Product = ProductName(provider)
	return c
}

func fivePairings(provider string) []providers.Pairing {
	names := []string{wideName, "Front", "Back office", "", "Side door"}
	var ps []providers.Pairing
	for i, n := range names {
		ps = append(ps, providers.Pairing{Provider: provider, ID: fmt.Sprintf("7fae2dd%d-aaaa-bbbb", i),
			Status: providers.StatusActive, PairingNickname: n, TID: fmt.Sprintf("T-10%d", i), TerminalNickname: "Counter"})
	}
	return ps
}

// fitsIn fails unless view is at most w×h cells.
func fitsIn(t *testing.T, what, view string, w, h int) {
	t.Helper()
	if got := lipgloss.Height(view); got > h {
		t.Errorf("%s: %d lines, more than %d:\n%s", what, got, h, view)
	}
	if got := lipgloss.Width(view); got > w {
		t.Errorf("%s: %d cells wide, more than %d:\n%s", what, got, w, view)
	}
}

// The full help lists every key the screen takes.
func TestFullHelpListsEveryKey(t *testing.T) {
	keysOf := func(groups [][]key.Binding) string {
		var out []string
		for _, g := range groups {
			for _, b := range g {
				if b.Enabled() {
					out = append(out, b.Help().Key)
				}
			}
		}
		return strings.Join(out, " ")
	}
	p := NewPicker(testCommon(), []PickerItem{{ID: providers.SCI}, {ID: providers.SmartConnect}, {ID: providers.Helcim}})
	if got := keysOf(p.FullHelp()); !strings.Contains(got, "1–3") {
		t.Errorf("picker full help %q lacks the number keys", got)
	}
	_, cmd := p.Update(runes("2"))
	if cmd == nil || cmd().(PickProviderMsg).Provider != providers.SmartConnect {
		t.Errorf("2 did not choose the second provider")
	}
	u := NewUnpaired(testCommon(), sciSpec, true)
	if got := keysOf(u.FullHelp()); !strings.Contains(got, "shift+tab") {
		t.Errorf("form full help %q lacks shift+tab", got)
	}
	r := NewRegister(providerCommon(providers.SmartConnect), providers.RegisterIdentity{RegisterID: "x"}, true)
	if got := keysOf(r.FullHelp()); !strings.Contains(got, "ctrl+r") || !strings.Contains(got, "shift+tab") {
		t.Errorf("register full help %q lacks ctrl+r or shift+tab", got)
	}
}
