package widgets

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// NewHelp returns a help model styled from the theme.
func NewHelp(st *theme.Styles) help.Model {
	h := help.New()
	h.Styles.ShortKey = st.Key
	h.Styles.ShortDesc = st.Faint
	h.Styles.ShortSeparator = st.Faint
	h.Styles.FullKey = st.Key
	h.Styles.FullDesc = st.Faint
	h.Styles.FullSeparator = st.Faint
	h.Styles.Ellipsis = st.Faint
	return h
}

// Footer renders key help: one line normally; with showFull, each group
// on lines of its own, which fits narrow terminals better than
// help.Model's columns. The full help wraps rather than cuts: it is where
// every key must be found.
func Footer(h help.Model, w int, short []key.Binding, full [][]key.Binding, showFull bool) string {
	if showFull {
		var lines []string
		for _, g := range full {
			lines = append(lines, wrapHelp(h, w, g)...)
		}
		return strings.Join(lines, "\n")
	}
	return shortHelp(h, w, short)
}

// ShortFooter renders the one-line help with pinned always kept at the
// end: cut loses its trailing bindings first, marked with an ellipsis, and
// only when none of cut is left do the pinned ones go, last first.
func ShortFooter(h help.Model, w int, cut, pinned []key.Binding) string {
	cut, pinned = enabled(cut), enabled(pinned)
	h.Width = 0
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	for n := len(cut); n >= 0; n-- {
		left := h.ShortHelpView(cut[:n])
		if n < len(cut) {
			left += h.Styles.Ellipsis.Render(" …")
			if n == 0 {
				left = h.Styles.Ellipsis.Render("…")
			}
		}
		line := left
		if right := h.ShortHelpView(pinned); right != "" {
			if line != "" {
				line += sep
			}
			line += right
		}
		if lipgloss.Width(line) <= w {
			return line
		}
	}
	return shortHelp(h, w, pinned)
}

func enabled(bs []key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// shortHelp drops trailing bindings until the line fits: help.Model adds an
// item anyway when its ellipsis would not fit, which overflows narrow
// terminals.
func shortHelp(h help.Model, w int, bs []key.Binding) string {
	bs = enabled(bs)
	h.Width = 0
	for n := len(bs); n > 0; n-- {
		line := h.ShortHelpView(bs[:n])
		if n < len(bs) {
			line += h.Styles.Ellipsis.Render(" …")
		}
		if lipgloss.Width(line) <= w {
			return line
		}
	}
	return ""
}

// wrapHelp lays bs out on as many lines of w cells as they need, breaking
// between bindings; a binding wider than w alone is cut on its own line.
func wrapHelp(h help.Model, w int, bs []key.Binding) []string {
	h.Width = 0
	var lines []string
	var cur []key.Binding
	for _, b := range enabled(bs) {
		if len(cur) > 0 && lipgloss.Width(h.ShortHelpView(append(cur, b))) > w {
			lines = append(lines, h.ShortHelpView(cur))
			cur = nil
		}
		cur = append(cur, b)
	}
	if len(cur) > 0 {
		lines = append(lines, h.ShortHelpView(cur))
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return lines
}
