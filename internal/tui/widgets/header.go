// Package widgets holds the pieces the root model lays out around a screen:
// the brand header, the key-help footer, the status line and the sandbox's
// virtual-terminal pane. They render from plain values so screens and
// goldens do not need a running service.
package widgets

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// Header is the brand line on every screen.
type Header struct {
	// Product is the provider's display name, e.g. "Simple Cloud Integration".
	Product string
	// Badge is SANDBOX, TEST, LIVE or DEV ("" hides it).
	Badge string
}

// Render draws the header at width w, with a rule beneath it.
func (h Header) Render(st *theme.Styles, w int) string {
	left := st.Brand.Render("tillpair") + st.Faint.Render(" │ ") + st.Title.Render(h.Product)
	right := ""
	if h.Badge != "" {
		right = st.Badge.Background(st.BadgeColor(h.Badge)).Render("[" + h.Badge + "]")
	}
	inner := max(w, 1)
	gap := inner - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		// Too narrow for both: the badge wins, it says where payments go.
		left = Truncate(st.Title.Render(h.Product), inner-lipgloss.Width(right)-1)
		gap = max(inner-lipgloss.Width(left)-lipgloss.Width(right), 1)
	}
	line := left + strings.Repeat(" ", gap) + right
	return st.Header.Width(inner).Render(line)
}
