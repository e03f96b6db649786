package screens

import "github.com/tillpair/tillpair/assets"

// unpairedArt is the part of the pairing form that no key press changes.
// Rendering it is most of the form's cost (lipgloss measures every cell), so
// it is drawn again only when the width it wraps to changes.
type unpairedArt struct {
	done                     bool
	w                        int // the width steps were wrapped to
	logo, logoCompact, steps string
}

func (s *UnpairedScreen) rendered() unpairedArt {
	if !s.art.done || s.art.w != s.w {
		st := s.c.Styles
		s.art = unpairedArt{
			done:        true,
			w:           s.w,
			logo:        st.Logo.Render(assets.Logo()),
			logoCompact: st.Logo.Render(assets.LogoCompact()),
			steps:       join(s.instructions(false)...),
		}
	}
	return s.art
}
