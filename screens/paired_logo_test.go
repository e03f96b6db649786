package screens

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/assets"
)

func firstLine(art string) string { return strings.TrimSpace(strings.SplitN(art, "\n", 2)[0]) }

// The height decides between the full and the compact logo: after a resize
// the screen must draw exactly what a screen created at that size draws,
// and the sizes must reach both logos.
func TestPairedLogoFollowsHeight(t *testing.T) {
	colour(t)
	s := pairedSample(t)
	_ = s.View()
	full, compact := false, false
	// Below 12 lines the actions need the logo's line (TestPairedKeepsActionsAtMinimum).
	for _, h := range []int{40, 18, 17, 16, 12, 40, 17} {
		s.SetSize(80, h)
		fresh := NewPaired(s.c, samplePairings(), "")
		fresh.SetSize(80, h)
		got, want := s.View(), fresh.View()
		if got != want {
			t.Errorf("at height %d after a resize:\n%s\nfresh:\n%s", h, got, want)
		}
		hasFull := strings.Contains(got, firstLine(assets.Logo()))
		hasCompact := strings.Contains(got, firstLine(assets.LogoCompact()))
		if hasFull == hasCompact {
			t.Errorf("at height %d want exactly one logo, full %t compact %t:\n%s", h, hasFull, hasCompact, got)
		}
		full, compact = full || hasFull, compact || hasCompact
	}
	if !full || !compact {
		t.Errorf("full logo drawn %t, compact %t: the heights must reach both", full, compact)
	}
}

// The full logo is chosen only when the whole spaced layout fits; a
// screen just too short for it gets the compact logo, still spaced.
func TestPairedFullLogoOnlyWhenItFits(t *testing.T) {
	s := pairedSample(t)
	s.SetSize(80, 0)
	tall := s.View()
	if !strings.Contains(tall, firstLine(assets.Logo())) {
		t.Fatalf("an unsized screen draws the full logo:\n%s", tall)
	}
	n := strings.Count(tall, "\n") + 1
	s.SetSize(80, n)
	if got := s.View(); got != tall {
		t.Errorf("at exactly its height (%d) the full layout must stay:\n%s", n, got)
	}
	s.SetSize(80, n-1)
	short := s.View()
	if !strings.Contains(short, firstLine(assets.LogoCompact())) || strings.Contains(short, firstLine(assets.Logo())) {
		t.Errorf("one line short (%d) the compact logo must replace the full one:\n%s", n-1, short)
	}
	if lines := strings.Count(short, "\n") + 1; lines > n-1 || !hasBlankLine(short) {
		t.Errorf("one line short (%d) the compact layout must fit and keep its spacing (%d lines):\n%s", n-1, lines, short)
	}
}

// A screen too narrow for the full logo would cut it off mid-letter; it
// gets the compact one even with height to spare.
func TestPairedCompactLogoWhenTooNarrow(t *testing.T) {
	s := pairedSample(t)
	s.SetSize(lipgloss.Width(assets.Logo())-1, 0)
	got := s.View()
	if !strings.Contains(got, firstLine(assets.LogoCompact())) || strings.Contains(got, firstLine(assets.Logo())) {
		t.Errorf("too narrow for the full logo, the compact one must stand in:\n%s", got)
	}
}

func hasBlankLine(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			return true
		}
	}
	return false
}
