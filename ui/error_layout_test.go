package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// After Back from an error, the paired screen still shows the full success
// message of the pairing just made, not a bare "✓ Paired".
func TestBackFromAnErrorKeepsTheSuccessMessage(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairedNow(one)
	full := "Pairing successful — register paired with the terminal" // SCI's JustPaired
	if !strings.Contains(m.View(), full) {
		t.Fatalf("no success message after pairing:\n%s", m.View())
	}
	m.showError(screenArgs{err: &providers.Error{Provider: providers.SCI, Kind: providers.KindNetwork},
		retry: screens.TestMsg{PairingID: one.ID}, back: screens.Paired, pairingID: one.ID})
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter on the error screen did nothing")
	}
	m.Update(cmd()) // the way back: NavigateMsg to the pairings
	if v := m.View(); !strings.Contains(v, full) {
		t.Errorf("back from the error, the success line is not the full message %q:\n%s", full, v)
	}
}

// Error bodies wrap once, to the area's width: a wrapped line hangs under
// the text after "✗ " and no line but the last of a paragraph is a single
// word; at 120 columns the text wraps at the content column, not at 80.
func TestErrorBodiesWrapToTheArea(t *testing.T) {
	err := &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindInvalidCode}
	for _, w := range []int{80, 120} {
		m, _ := newGoldenModel(newStubService(), nil)
		m.setProvider(providers.SmartConnect)
		m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		m.showError(screenArgs{err: err, back: screens.Unpaired})
		lines := strings.Split(m.View(), "\n")
		at := -1
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), "✗ ") {
				at = i
			}
		}
		if at < 0 {
			t.Fatalf("%d: no error line:\n%s", w, m.View())
		}
		first := lines[at]
		col := strings.Index(first, "✗")
		for _, l := range lines[at+1:] {
			if strings.TrimSpace(l) == "" {
				break
			}
			if !strings.HasPrefix(l, first[:col]+"  ") {
				t.Errorf("%d: %q does not hang under the text of %q", w, l, first)
			}
		}
		if n := len([]rune(strings.TrimRight(first, " "))); n > maxContent+pageMargin+1 {
			t.Errorf("%d: the error line is %d cells, wider than the content column", w, n)
		}
		m.quit()
	}
}
