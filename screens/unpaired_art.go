package screens

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// fixedEnv is the style state kept drawings were drawn in.
type fixedEnv struct {
	styles  *theme.Styles
	profile termenv.Profile
	dark    bool
}

// fixedEnvOf is the style state now, for styles st.
func fixedEnvOf(st *theme.Styles) fixedEnv {
	return fixedEnv{styles: st, profile: lipgloss.ColorProfile(), dark: lipgloss.HasDarkBackground()}
}

// unpairedArt is the part of the pairing form that no key press changes.
// Rendering it is most of the form's cost (lipgloss measures every cell), so
// it is drawn again only when the width it wraps to changes.
// It is drawn again too when the styles or the colour state change.
type unpairedArt struct {
	done                     bool
	w                        int // the width steps were wrapped to
	env                      fixedEnv
	logo, logoCompact, steps string
	brief                    string // the steps as one paragraph, for tight layouts
}

func (s *UnpairedScreen) rendered() unpairedArt {
	env := fixedEnvOf(s.c.Styles)
	if !s.art.done || s.art.w != s.w || s.art.env != env {
		st := s.c.Styles
		s.art = unpairedArt{
			done:        true,
			w:           s.w,
			env:         env,
			logo:        BrandBlock(st, s.c.Provider, s.c.Product, s.w, false),
			logoCompact: BrandBlock(st, s.c.Provider, s.c.Product, s.w, true),
			steps:       join(s.instructions(false)...),
			brief:       join(s.instructions(true)...),
		}
	}
	return s.art
}

// brandArt is the provider's mark from its descriptor (compact: the
// one-line one), in the brand colour; "" when it has none.
func brandArt(style lipgloss.Style, provider string, compact bool) string {
	b := descriptor(provider).Branding
	art := b.Logo
	if compact {
		art = b.LogoCompact
	}
	if art == "" {
		return ""
	}
	if b.Color != "" {
		style = style.Foreground(lipgloss.Color(b.Color))
	}
	return style.Render(art)
}

// BrandBlock is the provider's name as its wordmark with its mark: beside
// the mark where w allows (on two lines, as a lockup, when the mark is
// taller than one), else above it; with compact, the one-line mark (or the
// name alone for a provider without a mark).
func BrandBlock(st *theme.Styles, provider, name string, w int, compact bool) string {
	art := brandArt(st.Logo, provider, compact)
	if art == "" {
		return st.Wordmark.Render(name)
	}
	lines := strings.Split(art, "\n")
	words := []string{name}
	if len(lines) > 1 && w != 0 && lipgloss.Width(art)+3+lipgloss.Width(name) > w {
		// Split the name in two lines of about equal length.
		if i := strings.LastIndex(name[:len(name)/2+len(name)%2+4], " "); i > 0 {
			words = []string{name[:i], name[i+1:]}
		}
	}
	artW, nameW := lipgloss.Width(art), 0
	for _, wd := range words {
		nameW = max(nameW, lipgloss.Width(wd))
	}
	if w != 0 && artW+3+nameW > w {
		return join(st.Wordmark.Render(name), art)
	}
	// The name on the mark's last lines, as a lockup.
	first := len(lines) - len(words)
	for i, wd := range words {
		l := lines[first+i]
		lines[first+i] = l + strings.Repeat(" ", artW-lipgloss.Width(l)+3) + st.Wordmark.Render(wd)
	}
	return strings.Join(lines, "\n")
}
