package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// For a provider with one pairing per register (SmartConnect), Add pairing
// first says that a new pairing moves this register to the other terminal
// and points to a second register identity; y goes on to the form, n
// stays. The words are the catalogue's, from the descriptor's flag; a
// provider without the flag goes to the form at once.
func TestAddPairingWarnsWhenTheRegisterMoves(t *testing.T) {
	p := providers.Pairing{ID: "reg-1", Provider: providers.SmartConnect, Status: providers.StatusActive, PairingNickname: "Front"}
	s := NewPaired(providerCommon(providers.SmartConnect), []providers.Pairing{p}, "")
	s.SetSize(80, 30)
	if _, cmd := s.Update(runes("a")); cmd != nil {
		t.Fatal("a went to the form without the warning")
	}
	v := strings.Join(strings.Fields(ansi.Strip(s.View())), " ")
	want := strings.Join(strings.Fields(wording.MovesRegister(s.desc())), " ")
	if want == "" || !strings.Contains(v, want) || !strings.Contains(v, "second register identity") {
		t.Fatalf("the warning is not shown:\n%s", s.View())
	}
	if !s.Asking() {
		t.Error("the warning is a question: the footer must offer only y and n")
	}
	if _, cmd := s.Update(runes("n")); cmd != nil || s.Asking() {
		t.Error("n should stay on the pairings")
	}
	s.Update(runes("a"))
	_, cmd := s.Update(runes("y"))
	if cmd == nil {
		t.Fatal("y did nothing")
	}
	if msg, ok := cmd().(NavigateMsg); !ok || msg.To != Unpaired {
		t.Errorf("y sent %#v, want the pairing form", cmd())
	}

	sci := NewPaired(testCommon(), []providers.Pairing{{ID: "p-1", Status: providers.StatusActive}}, "")
	sci.SetSize(80, 30)
	_, cmd = sci.Update(runes("a"))
	if cmd == nil {
		t.Fatal("for SCI, a goes to the form at once")
	}
	if msg, ok := cmd().(NavigateMsg); !ok || msg.To != Unpaired {
		t.Errorf("a sent %#v", cmd())
	}
}

// r re-checks the pairings: the root runs the entry check.
func TestPairedRefreshKey(t *testing.T) {
	s := NewPaired(testCommon(), []providers.Pairing{{ID: "p-1", Status: providers.StatusActive}}, "")
	s.SetSize(80, 30)
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	if cmd == nil {
		t.Fatal("r sent nothing")
	}
	if _, ok := cmd().(RefreshMsg); !ok {
		t.Errorf("r sent %#v, want RefreshMsg", cmd())
	}
}
