package screens

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/providers"
)

// BenchmarkPairedRender is the paired screen drawn from scratch (what a key
// press that changes it costs), as opposed to ui's BenchmarkView, which
// mostly measures the memo once the first frame is drawn.
func BenchmarkPairedRender(b *testing.B) {
	ps := memoPairings()
	ps = append(ps, providers.Pairing{Provider: providers.SCI, ID: "5e6f7a8b", Status: providers.StatusActive, TID: "T-1003"})
	for _, prof := range []struct {
		name string
		p    termenv.Profile
	}{{"ascii", termenv.Ascii}, {"ansi256", termenv.ANSI256}} {
		b.Run(prof.name, func(b *testing.B) {
			prev := lipgloss.ColorProfile()
			lipgloss.SetColorProfile(prof.p)
			b.Cleanup(func() { lipgloss.SetColorProfile(prev) })
			s := NewPaired(testCommon(), ps, "")
			s.SetSize(80, 21)
			b.ReportAllocs()
			for b.Loop() {
				_ = s.render()
			}
		})
	}
}
