package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// lastLines is the footer: the view's last n lines.
func lastLines(view string, n int) string {
	lines := strings.Split(view, "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// A narrow footer drops the least essential key first: at 60×20 the form
// keeps "tab next field" (the only way to the nickname), and at 80×24 with
// two pairings the paired screen keeps "ctrl+t provider" (it drops "a add
// pairing", which is on the screen as a button).
func TestFooterDropsTheLeastEssentialFirst(t *testing.T) {
	for _, terms := range []Terminals{nil, stubTerminals{view: paneView(widgets.ScreenIdle)}} {
		m, _ := newGoldenModel(newStubService(), terms)
		m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
		if f := lastLines(m.View(), 2); !strings.Contains(f, "tab next field") || !strings.Contains(f, "ctrl+c quit") {
			t.Errorf("60x20 form (pane %t): footer lost tab next field or quit:\n%s", terms != nil, f)
		}
		m.quit()

		m, _ = newGoldenModel(newStubService(), terms)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m.pairings = []providers.Pairing{
			activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1"),
			activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office"),
		}
		m.show(screens.NewPaired(m.c, m.active(), ""))
		f := lastLines(m.View(), 2)
		for _, want := range []string{"ctrl+t provider", "t test", "u unpair", "? help", "q quit"} {
			if !strings.Contains(f, want) {
				t.Errorf("80x24 with two pairings (pane %t): footer lost %q:\n%s", terms != nil, want, f)
			}
		}
		m.quit()
	}
}

// During a y/n question the footer offers y, n and esc only: no help, no
// quit, no provider, no terminal keys; the full help says the same.
func TestFooterDuringAQuestionOffersOnlyTheAnswers(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), stubTerminals{view: paneView(widgets.ScreenPaired)})
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))
	m.Update(keyRunes("u"))
	f := lastLines(m.View(), 2)
	if !strings.Contains(f, "y yes, unpair") || !strings.Contains(f, "n/esc no") {
		t.Fatalf("the question's footer lacks y or n/esc:\n%s", f)
	}
	for _, not := range []string{"help", "quit", "provider", "ctrl+p", "terminal"} {
		if strings.Contains(f, not) {
			t.Errorf("the question's footer offers %q:\n%s", not, f)
		}
	}
	var keys []string
	for _, g := range m.FullHelp() {
		for _, b := range g {
			keys = append(keys, b.Help().Key)
		}
	}
	if strings.Join(keys, " ") != "y n/esc" {
		t.Errorf("the full help during the question lists %v, want y and n/esc", keys)
	}
}

// The full help lists every key once, in groups: the form's own keys with
// ↑/↓, its text keys (ctrl+u), the app's (quit once, with both its keys
// where q is not typed) and the virtual terminal's.
func TestFullHelpGroupsEveryKeyOnce(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), stubTerminals{view: paneView(widgets.ScreenIdle)})
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !m.fullHelp {
		t.Fatal("ctrl+g did not open the help")
	}
	v := m.View()
	for _, want := range []string{"this screen", "move and edit", "app", "terminal (sandbox)",
		"tab/↓", "shift+tab/↑", "ctrl+u", "ctrl+t", "ctrl+p", "ctrl+c"} {
		if !strings.Contains(v, want) {
			t.Errorf("the full help lacks %q:\n%s", want, v)
		}
	}
	if n := strings.Count(v, "quit"); n != 1 {
		t.Errorf("quit is listed %d times:\n%s", n, v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))
	m.Update(keyRunes("?"))
	v = m.View()
	if !strings.Contains(v, "q/ctrl+c") || strings.Count(v, "quit") != 1 {
		t.Errorf("quit should be one entry, q/ctrl+c:\n%s", v)
	}
}
