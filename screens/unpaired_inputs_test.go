package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers/linkly"
)

// A provider's pair inputs are fields of the form: the secret one is
// never drawn (typing, busy or not), goes out once in PairMsg.Inputs and
// is emptied from the form on submit.
func TestUnpairedPairInputsAreSentOnceAndNeverDrawn(t *testing.T) {
	const pw = "CANARY-form-pw"
	c := testCommon()
	c.Provider, c.Product = linkly.ID, "Linkly Cloud"
	s := NewUnpaired(checked(c, linkly.Descriptor.Code), linkly.Descriptor.Code, false)
	s.SetSize(80, 24)
	typeIn := func(text string) {
		for _, r := range text {
			s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	tab := tea.KeyMsg{Type: tea.KeyTab}
	typeIn("user-1")
	s.Update(tab)
	typeIn(pw)
	s.Update(tab)
	typeIn("123456")
	if v := s.View(); strings.Contains(v, pw) || !strings.Contains(v, "user-1") {
		t.Fatalf("view shows the password or hides the username:\n%s", v)
	}
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("no pair request; invalid %q", s.Invalid())
	}
	msg, ok := cmd().(PairMsg)
	if !ok || msg.Code != "123456" || msg.Inputs[linkly.InputUsername].Reveal() != "user-1" || msg.Inputs[linkly.InputPassword].Reveal() != pw {
		t.Fatalf("pair request %+v", msg)
	}
	s.SetBusy(true)
	if v := s.View(); strings.Contains(v, pw) {
		t.Fatalf("busy view shows the password:\n%s", v)
	}
	s.SetBusy(false)
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil || !strings.Contains(s.Invalid(), "password") {
		t.Fatalf("the password was kept for a second request (invalid %q)", s.Invalid())
	}
}
