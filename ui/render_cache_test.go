package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// A key press that only moves the cursor redraws the form, never the
// header, footer or pane; a resize redraws them.
func TestViewReusesUnchangedParts(t *testing.T) {
	m := newBenchModel(t, benchStates()[5]) // form beside the sandbox pane strip
	first := m.View()
	header, footer, pane, pos := m.cache.header.renders, m.cache.footer.renders, m.cache.pane.renders, m.cache.pos.renders
	if header == 0 || footer == 0 || pane == 0 || pos == 0 {
		t.Fatalf("first frame rendered header %d, footer %d, pane %d, form %d times", header, footer, pane, pos)
	}
	for _, k := range []tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}, keyRunes("4")} {
		m.Update(k)
		_ = m.View()
	}
	if got := m.cache.header.renders; got != header {
		t.Errorf("header rendered %d more times across key presses", got-header)
	}
	if got := m.cache.footer.renders; got != footer {
		t.Errorf("footer rendered %d more times across key presses", got-footer)
	}
	if got := m.cache.pane.renders; got != pane {
		t.Errorf("pane rendered %d more times across key presses", got-pane)
	}
	if got := m.cache.pos.renders; got != pos+3 {
		t.Errorf("the form was rendered %d times for 3 key presses that changed it", got-pos)
	}
	if v := m.View(); v == first {
		t.Error("typing a digit did not change the frame")
	}

	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	_ = m.View()
	if m.cache.header.renders != header+1 || m.cache.pane.renders != pane+1 {
		t.Errorf("after a resize header rendered %d, pane %d more times; want 1 each",
			m.cache.header.renders-header, m.cache.pane.renders-pane)
	}
}

// Cached frames are the frames a fresh model draws in the same state.
func TestCachedViewMatchesFreshModel(t *testing.T) {
	keys := []tea.KeyMsg{keyRunes("12"), {Type: tea.KeyTab}, keyRunes("Front"), {Type: tea.KeyShiftTab}, keyRunes("3")}
	warm := newBenchModel(t, benchStates()[5])
	for _, k := range keys {
		warm.Update(k)
		_ = warm.View()
	}
	cold, _ := newGoldenModel(newStubService(), benchStates()[5].terms)
	t.Cleanup(func() { cold.quit() })
	cold.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, k := range keys {
		cold.Update(k)
	}
	if w, c := warm.View(), cold.View(); w != c {
		t.Errorf("cached frame differs from a fresh one:\n%s\n---\n%s", w, c)
	}
}
