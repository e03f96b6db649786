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
	rank := make([]int, len(cut))
	for i := range rank {
		rank[i] = i
	}
	return ShortFooterBy(h, w, cut, rank, pinned)
}

// ShortFooterBy is ShortFooter dropping the least essential binding first
// rather than the last: rank[i] is cut[i]'s rank, the highest goes first,
// and the line keeps the order of cut.
func ShortFooterBy(h help.Model, w int, cut []key.Binding, rank []int, pinned []key.Binding) string {
	type item struct {
		b    key.Binding
		rank int
	}
	var items []item
	for i, b := range cut {
		if b.Enabled() {
			r := i
			if i < len(rank) {
				r = rank[i]
			}
			items = append(items, item{b, r})
		}
	}
	pinned = enabled(pinned)
	h.Width = 0
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	for n := len(items); n >= 0; n-- {
		// Keep the n best ranked, in their order on the line.
		kept := make([]key.Binding, 0, n)
		for _, it := range items {
			better := 0
			for _, o := range items {
				if o.rank < it.rank {
					better++
				}
			}
			if better < n {
				kept = append(kept, it.b)
			}
		}
		if len(kept) > n {
			kept = kept[:n]
		}
		left := h.ShortHelpView(kept)
		if n < len(items) {
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

// HelpGroup is one column of the full help: a title and its keys.
type HelpGroup struct {
	Title string
	Keys  []key.Binding
}

// FullFooter renders the full help in grouped columns (bubbles/help's full
// view, with a title over each group): as many columns side by side as w
// holds, the rest in further rows of columns. Disabled bindings and a key
// already listed in an earlier group are left out, so each key appears
// once; a group left empty is dropped.
func FullFooter(h help.Model, title lipgloss.Style, w int, groups []HelpGroup) string {
	seen := map[string]bool{}
	var cols []string
	for _, g := range groups {
		var ks, ds []string
		for _, b := range g.Keys {
			k := b.Help().Key
			if !b.Enabled() || k == "" || seen[k] {
				continue
			}
			seen[k] = true
			ks = append(ks, h.Styles.FullKey.Render(k))
			ds = append(ds, h.Styles.FullDesc.Render(b.Help().Desc))
		}
		if len(ks) == 0 {
			continue
		}
		body := lipgloss.JoinHorizontal(lipgloss.Top,
			lipgloss.JoinVertical(lipgloss.Left, ks...), " ",
			lipgloss.JoinVertical(lipgloss.Left, ds...))
		col := lipgloss.JoinVertical(lipgloss.Left, title.Render(g.Title), body)
		if lipgloss.Width(col) > w {
			lines := strings.Split(col, "\n")
			for i, l := range lines {
				lines[i] = ansi.Truncate(l, w, "…")
			}
			col = strings.Join(lines, "\n")
		}
		cols = append(cols, col)
	}
	const gap = "    "
	var rows []string
	var row []string
	width := 0
	for _, c := range cols {
		cw := lipgloss.Width(c)
		if len(row) > 0 && width+len(gap)+cw > w {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, width = nil, 0
		}
		if len(row) > 0 {
			row = append(row, gap)
			width += len(gap)
		}
		row = append(row, c)
		width += cw
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	return strings.Join(rows, "\n\n")
}
