package screens

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// fixedEnv is the style state the art was drawn in.
type fixedEnv struct {
	styles  *theme.Styles
	profile termenv.Profile
	dark    bool
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
}

func (s *UnpairedScreen) rendered() unpairedArt {
	env := fixedEnv{styles: s.c.Styles, profile: lipgloss.ColorProfile(), dark: lipgloss.HasDarkBackground()}
	if !s.art.done || s.art.w != s.w || s.art.env != env {
		st, b := s.c.Styles, descriptor(s.c.Provider).Branding
		s.art = unpairedArt{done: true, w: s.w, env: env, steps: join(s.instructions(false)...)}
		if b.Logo != "" {
			s.art.logo = st.Logo.Render(b.Logo)
			s.art.logoCompact = st.Logo.Render(b.LogoCompact)
		}
	}
	return s.art
}
