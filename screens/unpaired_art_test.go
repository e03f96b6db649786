package screens

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/providers"
)

// The form reuses its rendered logo and steps between frames; after a
// resize it must draw exactly what a form created at that size draws.
func TestUnpairedViewAfterResizeMatchesFresh(t *testing.T) {
	for _, provider := range []string{providers.SCI, providers.SmartConnect} {
		c := testCommon()
		c.Provider = provider
		s := NewUnpaired(c, sciSpec, false)
		s.SetSize(100, 40)
		_ = s.View()
		for _, sz := range [][2]int{{30, 40}, {60, 14}, {100, 40}} {
			s.SetSize(sz[0], sz[1])
			fresh := NewUnpaired(c, sciSpec, false)
			fresh.SetSize(sz[0], sz[1])
			if got, want := s.View(), fresh.View(); got != want {
				t.Errorf("%s at %dx%d after a resize:\n%s\nfresh:\n%s", provider, sz[0], sz[1], got, want)
			}
		}
	}
}

// A change of colour profile redraws the logo and steps too.
func TestUnpairedViewAfterProfileChangeMatchesFresh(t *testing.T) {
	colour(t)
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.SetSize(100, 40)
	_ = s.View()
	lipgloss.SetColorProfile(termenv.Ascii)
	fresh := NewUnpaired(testCommon(), sciSpec, false)
	fresh.SetSize(100, 40)
	if got, want := s.View(), fresh.View(); got != want {
		t.Errorf("after the profile changed:\n%q\nfresh:\n%q", got, want)
	}
}
