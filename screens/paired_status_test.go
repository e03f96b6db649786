package screens

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/providers"
)

// Finding 13: the heading above a pairing that no longer works warns and
// names the way out with the key this provider offers, instead of a green
// "✓ Paired" that contradicts the status row.
func TestPairedHeadingFollowsSelectedStatus(t *testing.T) {
	for _, tc := range []struct {
		provider string
		status   providers.Status
		want     string
	}{
		{providers.SmartConnect, StatusNeedsRepair, "! Re-pairing needed — pair this register again, or forget it (f)"},
		{providers.SmartConnect, providers.StatusUnpaired, "! Unpaired on the terminal — forget it (f), then pair again"},
		{providers.Helcim, providers.StatusUnpaired, "! Unpaired on the terminal — forget it (f), then pair again"},
		{providers.SCI, providers.StatusUnpaired, "! Unpaired on the terminal — unpair it here (u), then pair again"},
		{providers.SCI, providers.StatusAwaitingConfirmation, "! Not confirmed on the terminal yet — test it (t), or unpair it here (u)"},
	} {
		t.Run(tc.provider+"/"+string(tc.status), func(t *testing.T) {
			bad := providers.Pairing{Provider: tc.provider, ID: "p1", PairingNickname: "Front", Status: tc.status}
			good := providers.Pairing{Provider: tc.provider, ID: "p2", PairingNickname: "Back", Status: providers.StatusActive}
			// Just paired or not, a pairing that does not work is not "Paired".
			s := NewPaired(providerCommon(tc.provider), []providers.Pairing{bad, good}, "p1")
			s.SetSize(100, 40)
			v := ansi.Strip(s.View())
			if !strings.Contains(v, tc.want) || strings.Contains(v, "✓") {
				t.Errorf("want heading %q and no tick:\n%s", tc.want, v)
			}
			// The heading is the selected pairing's: the working one is Paired.
			s.Update(runes("j"))
			v = ansi.Strip(s.View())
			if !strings.Contains(v, "✓ Paired") || strings.Contains(v, "!") {
				t.Errorf("an active pairing selected: want ✓ Paired and no warning:\n%s", v)
			}
		})
	}
}

// At the smallest sizes the plain "✓ Paired" may give way, but a warning
// says something the rest of the screen does not: it stays.
func TestPairedWarningSurvivesSmallSize(t *testing.T) {
	p := providers.Pairing{Provider: providers.SmartConnect, ID: "p1", Status: StatusNeedsRepair}
	s := NewPaired(providerCommon(providers.SmartConnect), []providers.Pairing{p}, "")
	s.SetSize(60, 12)
	if v := ansi.Strip(s.View()); !strings.Contains(v, "! Re-pairing needed") {
		t.Errorf("60x12 lost the warning:\n%s", v)
	}
}
