package screens

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/providers"
)

// Every provider's paired screen labels the add button the same, and the
// unpair prompt quotes the name as the status lines do.
func TestPairedWordingIsUniform(t *testing.T) {
	for _, provider := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		t.Run(provider, func(t *testing.T) {
			c := testCommon()
			c.Provider = provider
			p := providers.Pairing{Provider: provider, ID: "p1", PairingNickname: "Front Bar", Status: providers.StatusActive}
			s := NewPaired(c, []providers.Pairing{p}, "")
			s.SetSize(80, 40)
			if v := ansi.Strip(s.View()); !strings.Contains(v, "[ Add pairing ] a") {
				t.Errorf("no [ Add pairing ] a button:\n%s", v)
			}
		})
	}
	s := NewPaired(testCommon(), []providers.Pairing{{Provider: providers.SCI, ID: "p1", PairingNickname: "Front Bar", Status: providers.StatusActive}}, "")
	s.SetSize(80, 40)
	s.Update(runes("u"))
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "Unpair "+Quote("Front Bar")+"?") || strings.Contains(v, `"Front Bar"`) {
		t.Errorf("unpair prompt does not quote the name as %s:\n%s", Quote("Front Bar"), v)
	}
}
