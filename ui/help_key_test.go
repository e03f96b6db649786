package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// On the pairing form a field always has the focus, so ? is typed there:
// ctrl+g (or F1) opens the help and closes it again, and the footer says so.
func TestHelpOpensAndClosesWhileTyping(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !m.typing() {
		t.Fatal("the pairing form should have a field with the focus")
	}
	if v := m.View(); !strings.Contains(v, "ctrl+g help") {
		t.Fatalf("the footer does not offer the help key:\n%s", v)
	}
	m.Update(keyRunes("?"))
	if m.fullHelp {
		t.Fatal("? opened the help while a field has the focus")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !m.fullHelp {
		t.Fatal("ctrl+g did not open the help on the form")
	}
	if v := m.View(); !strings.Contains(v, "ctrl+g close help") {
		t.Fatalf("the open help does not say how to close it:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyF1})
	if m.fullHelp {
		t.Fatal("F1 did not close the help on the form")
	}
}
