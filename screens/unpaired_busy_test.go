package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Finding 7: while a pair request from the form is in flight the form
// looks it: no focused field (no heavy ━ underline), no cursor, "[ Pairing… ]" for the button,
// and keys change nothing; when the answer comes it is editable again,
// with the focus where it was.
func TestUnpairedBusyWhilePairing(t *testing.T) {
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.SetSize(80, 40)
	s.Update(runes("123456"))
	s.Update(tea.KeyMsg{Type: tea.KeyTab})
	s.Update(runes("Front"))
	idle := ansi.Strip(s.View())
	if !strings.Contains(idle, "[ Pair ]") || !focusedUnder(idle, "Pairing Nickname") {
		t.Fatalf("idle form:\n%s", idle)
	}

	s.SetBusy(true)
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "[ Pairing… ]") || strings.Contains(v, "[ Pair ]") {
		t.Errorf("busy button:\n%s", v)
	}
	if strings.Contains(v, "━") || s.code.Focused() || s.nick.Focused() {
		t.Errorf("a field is focused while pairing:\n%s", v)
	}
	if !strings.Contains(v, "123456") || !strings.Contains(v, "Front") {
		t.Errorf("the values being sent are not shown:\n%s", v)
	}
	for _, k := range []tea.KeyMsg{runes("9"), {Type: tea.KeyBackspace}, {Type: tea.KeyTab}, {Type: tea.KeyEnter}} {
		if _, cmd := s.Update(k); cmd != nil {
			t.Errorf("%s while busy sent a command", k)
		}
	}
	if s.code.Value() != "123456" || s.nick.Value() != "Front" || s.focus != 1 {
		t.Errorf("keys while busy changed the form: %q %q focus %d", s.code.Value(), s.nick.Value(), s.focus)
	}

	s.SetBusy(false)
	v = ansi.Strip(s.View())
	if !strings.Contains(v, "[ Pair ]") || !focusedUnder(v, "Pairing Nickname") || !s.nick.Focused() {
		t.Errorf("after the answer the form is not editable again:\n%s", v)
	}
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil {
		t.Error("enter after the answer sent nothing")
	}
}

// focusedUnder reports whether the field labelled label has the heavy
// underline of the focused field, two lines under its label.
func focusedUnder(view, label string) bool {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		col := strings.Index(l, label)
		if col < 0 || i+2 >= len(lines) {
			continue
		}
		under := []rune(lines[i+2])
		at := len([]rune(l[:col]))
		return at < len(under) && under[at] == '━'
	}
	return false
}
