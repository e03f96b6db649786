package screens

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
)

func TestConfirmingShowsItsActions(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821"}, true)
	s.SetSize(80, 21)
	v := s.View()
	for _, want := range []string{"[ Test now ] t", "[ Cancel ] esc"} {
		if !strings.Contains(v, want) {
			t.Errorf("waiting: %q missing from\n%s", want, v)
		}
	}
	if strings.Contains(v, "Keep waiting") {
		t.Errorf("waiting: Keep waiting offered while still waiting\n%s", v)
	}

	s.TimedOut("The terminal was not confirmed within 2 minutes.")
	if v := s.View(); !strings.Contains(v, "[ Keep waiting ] r") {
		t.Errorf("timed out: no Keep waiting button\n%s", v)
	}
	if h := s.ShortHelp(); len(h) == 0 || h[0].Help().Key != "r" {
		t.Errorf("timed out: the help does not lead with r, got %v", h)
	}

	s.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if v := s.View(); strings.Contains(v, "[ Cancel ]") || strings.Contains(v, "[ Test now ]") {
		t.Errorf("cancelling: buttons still offered\n%s", v)
	}
}

func TestConfirmingDropsSpacingBeforeContent(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821", PairingNickname: "Front"}, true)
	s.SetSize(60, 40)
	tall := strings.Split(s.View(), "\n")
	s.SetSize(60, len(tall)-1)
	short := strings.Split(s.View(), "\n")
	if len(short) != len(tall)-1 {
		t.Fatalf("one line short: got %d lines, want %d", len(short), len(tall)-1)
	}
	if strings.TrimSpace(short[len(short)-2]) != strings.TrimSpace(tall[len(tall)-3]) {
		t.Errorf("the blank before the buttons should go first; got\n%s", strings.Join(short, "\n"))
	}
	heading := 0
	for i, l := range short {
		if strings.Contains(l, "Confirm the pairing") {
			heading = i
		}
	}
	if strings.TrimSpace(short[heading+1]) != "" {
		t.Errorf("the gap under the title went before the one above the buttons:\n%s", strings.Join(short, "\n"))
	}
}
