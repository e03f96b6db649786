package widgets

import (
	"github.com/charmbracelet/x/ansi"
)

// Truncate cuts s (which may hold styling) to w cells with an ellipsis.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}
