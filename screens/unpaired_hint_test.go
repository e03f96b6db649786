package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/providers"
)

// A hint that wraps keeps its indent on every line, so the continuation
// hangs under the text after "✗ " and does not fall back to column 0.
func TestUnpairedHintWrapsIndented(t *testing.T) {
	c := testCommon()
	c.Provider, c.Product = providers.Helcim, "Helcim Smart Terminal"
	spec := providers.CodeSpec{Label: "Device Code", MinLen: 4, MaxLen: 4, Example: "DY6L"}
	s := NewUnpaired(checked(c, spec), spec, false)
	s.SetSize(40, 30)
	s.Update(runes("DY"))
	s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	hint := s.Invalid()
	if hint == "" {
		t.Fatal("no hint for a short code")
	}
	first := strings.Fields(hint)[0]
	var lines []string
	in := false
	for _, l := range strings.Split(ansi.Strip(s.View()), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "✗ "+first) {
			in = true
		} else if in && strings.TrimSpace(l) == "" {
			break
		}
		if in {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("hint %q did not wrap at 40 columns: %q", hint, lines)
	}
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
			t.Errorf("hint line %q is not indented by two", l)
		}
	}
}
