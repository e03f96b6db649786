package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// The full help is where every key must be found: at 60 columns it used
// to cut a long group with "…", losing shift+tab on the pairing form.
func TestFullFooterWrapsInsteadOfCutting(t *testing.T) {
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	group := []key.Binding{b("enter", "pair"), b("tab", "next field"), b("shift+tab", "previous field"), b("esc", "pairings")}
	h := NewHelp(theme.New(theme.Default()))
	out := Footer(h, 60, nil, [][]key.Binding{group}, true)
	plain := ansi.Strip(out)
	for _, g := range group {
		if !strings.Contains(plain, g.Help().Key+" "+g.Help().Desc) {
			t.Errorf("%q missing from the full help:\n%s", g.Help().Key, plain)
		}
	}
	if strings.Contains(plain, "…") {
		t.Errorf("the full help was cut:\n%s", plain)
	}
	if w := lipgloss.Width(out); w > 60 {
		t.Errorf("full help %d wide at 60 columns:\n%s", w, plain)
	}
}
