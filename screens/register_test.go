package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/providers"
)

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

// At 60 columns the regenerate hint used to wrap back to column 0.
func TestRegisterHintWrapsUnderItsField(t *testing.T) {
	c := providerCommon(providers.SmartConnect)
	s := NewRegister(c, providers.RegisterIdentity{RegisterID: "7444ae07-dc63-e49c-33e3-59a7c108cc80"}, true)
	s.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	s.SetSize(minBodyW, minBodyH)
	v := ansi.Strip(s.View())
	fitsIn(t, "register setup", s.View(), minBodyW, minBodyH)
	found := false
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "keeps it") {
			found = true
			if !strings.HasPrefix(l, strings.Repeat(" ", 15)) {
				t.Errorf("hint continuation not under its field: %q", l)
			}
		}
	}
	if !found || !strings.Contains(v, "[ Save ]") {
		t.Errorf("hint or Save missing:\n%s", v)
	}
}
