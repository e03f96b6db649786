package widgets

import "github.com/tillpair/tillpair/internal/tui/theme"

// StatusKind says how a status line is styled.
type StatusKind int

const (
	StatusNone StatusKind = iota
	StatusInfo
	StatusSuccess
	StatusWarning
	StatusError
)

// Status renders the one-line error/info line; an empty line keeps the
// layout from jumping when a message comes and goes.
func Status(st *theme.Styles, kind StatusKind, text string, w int) string {
	if text == "" || kind == StatusNone {
		return ""
	}
	var s string
	switch kind {
	case StatusError:
		s = st.Error.Render("✗ " + text)
	case StatusWarning:
		s = st.Warning.Render("! " + text)
	case StatusSuccess:
		s = st.Success.Render("✓ " + text)
	default:
		s = st.Info.Render("• " + text)
	}
	return Truncate(s, w)
}
