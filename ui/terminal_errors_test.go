package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
)

// Confirming with nothing to confirm on the real sandbox: the status line
// must name the TID the pane shows, not the sandbox's internal id, and keep
// the whole advice within 80 columns.
func TestTerminalErrorFitsAndNamesTheTID(t *testing.T) {
	for _, provider := range []string{"sci", "smartconnect", "helcim"} {
		t.Run(provider, func(t *testing.T) {
			sb := clouds.New(sandbox.Options{Clock: clockwork.NewFakeClockAt(goldenNow)})
			terms := app.Terminals(sb)
			var v = terms.Snapshot()[0]
			for _, x := range terms.Snapshot() {
				if x.Provider == provider {
					v = x
				}
			}
			if v.Provider != provider {
				t.Fatalf("sandbox has no %s terminal", provider)
			}
			m, _ := newGoldenModel(newStubService(), terms)
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			msg := m.terminalCmd(terms.Confirm, v)()
			if am, ok := msg.(terminalActionMsg); !ok || am.err == nil {
				t.Fatalf("confirm on an idle terminal did not fail: %#v", msg)
			}
			m.Update(msg)
			text := m.status.text
			if text == "" {
				t.Fatal("no status line")
			}
			if strings.Contains(text, v.ID) {
				t.Errorf("status %q names the internal id %q", text, v.ID)
			}
			if provider == "sci" && !strings.Contains(text, v.TID) {
				t.Errorf("status %q does not name TID %q", text, v.TID)
			}
			line := "✗ " + text
			if w := ansi.StringWidth(line); w > 80 {
				t.Errorf("status is %d cells, cut at 80: %q", w, line)
			}
			if !strings.Contains(ansi.Strip(m.View()), line) {
				t.Errorf("view does not show the whole status %q", line)
			}
		})
	}
}
