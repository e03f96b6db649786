package screens

import "github.com/charmbracelet/lipgloss"

// logoChoice is which SCI logo a screen shows. The root decides it from the
// terminal size (FullLogoFits) and tells every screen (LogoSetter), so the
// logo does not change between screens, or when a line comes and goes, at
// one size; a screen never told (unit tests) picks by its own height.
type logoChoice int

const (
	logoAuto logoChoice = iota
	logoFull
	logoCompact
)

// LogoSetter is implemented by the screens that show the SCI logo.
type LogoSetter interface {
	// SetLogo says whether the terminal size allows the full logo. A screen
	// whose content outgrows its height still falls back to the compact
	// one rather than cut content.
	SetLogo(full bool)
}

func choiceOf(full bool) logoChoice {
	if full {
		return logoFull
	}
	return logoCompact
}

// FullLogoFits reports whether the full SCI logo belongs on a body of w×h:
// when the pairing form, the tallest screen showing it, fits with it and at
// least two of its blank lines. Pass the body size with the status line's
// row reserved and the short help, so the answer depends on the terminal
// size alone.
func FullLogoFits(c Common, w, h int) bool {
	s := NewUnpaired(c, descriptor(c.Provider).Code, false)
	s.SetSize(w, h)
	art := s.rendered()
	if lipgloss.Width(art.logo) > max(w, 20) {
		return false
	}
	return s.fitsFull(h)
}
