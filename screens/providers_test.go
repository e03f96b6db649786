package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
)

func TestPairedListNamesProviderWhenMixed(t *testing.T) {
	ps := []providers.Pairing{
		{Provider: providers.SCI, ID: "pid_1", PairingNickname: "Front", Status: providers.StatusActive},
		{Provider: providers.Helcim, ID: "DY6L", PairingNickname: "Reader", Status: providers.StatusActive},
	}
	mixed := NewPaired(testCommon(), ps, "")
	mixed.SetSize(100, 30)
	view := mixed.View()
	if !strings.Contains(view, "Helcim Payment Hardware") {
		t.Errorf("a mixed list does not name each row's provider:\n%s", view)
	}
	one := NewPaired(testCommon(), ps[:1], "")
	one.SetSize(100, 30)
	single := one.View()
	if strings.Contains(single, "Helcim") {
		t.Errorf("a one-provider list names providers:\n%s", single)
	}
}

func TestHelcimCodeShowsUpperCase(t *testing.T) {
	c := testCommon()
	c.Provider = providers.Helcim
	s := NewUnpaired(c, providers.CodeSpec{Label: "Device Code", MinLen: 4, MaxLen: 4, Example: "DY6L"}, false)
	s.Update(runes("dy6l"))
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("a 4-character code was refused: %q", s.Invalid())
	}
	if got := cmd().(PairMsg).Code; got != "DY6L" {
		t.Errorf("code sent = %q, want DY6L", got)
	}
}

func TestRegisterFormSavesAndRegenerates(t *testing.T) {
	id := providers.RegisterIdentity{RegisterID: "7444ae07", RegisterName: "Main", BusinessName: "Toys", VendorName: "Till2Go"}
	s := NewRegister(testCommon(), id, true)
	s.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	got, ok := cmd().(SaveRegisterMsg)
	if !ok || !got.RegenerateID || got.BusinessName != "Toys" {
		t.Fatalf("save sent %+v", got)
	}
	empty := NewRegister(testCommon(), providers.RegisterIdentity{}, false)
	empty.SetSize(60, 20)
	if _, cmd := empty.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
		t.Error("an empty identity was sent to be saved")
	}
	if !strings.Contains(empty.View(), "Enter the register name") {
		t.Errorf("no message for the missing field:\n%s", empty.View())
	}
}

func TestProviderWordingUsesCodeNotText(t *testing.T) {
	e := &providers.Error{Provider: providers.Helcim, Kind: providers.KindCredentials, Code: "forbidden", Message: "unauthorized"}
	if w := Describe(e); !strings.Contains(w.Line, "lacks permission") {
		t.Errorf("403 line = %q", w.Line)
	}
	e.Code = "unauthorized"
	if w := Describe(e); !strings.Contains(w.Line, "missing or invalid") {
		t.Errorf("401 line = %q", w.Line)
	}
	sci := &providers.Error{Provider: providers.SCI, Kind: providers.KindNotPaired}
	if w := Describe(sci); w.Line != TextNoActive {
		t.Errorf("SCI keeps its certified text, got %q", w.Line)
	}
}
