package widgets

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// Field is one input as a form draws it: its label with the rule beside it
// ("6 digits"), the input, and a rule under the input. The focused field's
// label is in the focus colour and its underline is heavy (━), so focus
// reads without colour too; an invalid one's hint and underline turn to
// the error role.
type Field struct {
	Label string
	// Hint is the short rule beside the label ("6 digits"; "" for none).
	Hint string
	// Input is the rendered input (a textinput's View), Width its cells.
	Input string
	Width int
	// Focused marks the field keys go to; Invalid one whose value was
	// refused; Dim one that takes no keys now (a request is in flight).
	Focused, Invalid, Dim bool
}

// Render draws the field in three lines, as wide as its widest part.
func (f Field) Render(st *theme.Styles) string {
	w := max(f.Width, lipgloss.Width(f.Label)+2+lipgloss.Width(f.Hint), 8)
	label := st.FieldLabel.Render(f.Label)
	rule, ruleStyle := "─", lipgloss.NewStyle().Foreground(st.Theme.Border)
	hint := st.Hint
	switch {
	case f.Dim:
		label = st.Placeholder.Render(f.Label)
	case f.Invalid:
		ruleStyle, hint = lipgloss.NewStyle().Foreground(st.Theme.Error), st.Error.UnsetBold()
		if f.Focused {
			rule, label = "━", st.FieldLabelFocused.Render(f.Label)
		}
	case f.Focused:
		rule, ruleStyle, label = "━", lipgloss.NewStyle().Foreground(st.Theme.Focus), st.FieldLabelFocused.Render(f.Label)
	}
	if f.Hint != "" {
		label += "  " + hint.Render(f.Hint)
	}
	input := ansi.Truncate(f.Input, w, "…")
	input += strings.Repeat(" ", max(w-lipgloss.Width(input), 0))
	return label + strings.Repeat(" ", max(w-lipgloss.Width(label), 0)) + "\n" +
		input + "\n" + ruleStyle.Render(strings.Repeat(rule, w))
}

// Fields lays fields side by side, gap cells apart, when they fit in w,
// else one under the other with a blank line between.
func Fields(st *theme.Styles, w int, fs ...Field) string {
	const gap = 3
	parts := make([]string, 0, 2*len(fs))
	total := 0
	for i, f := range fs {
		r := f.Render(st)
		if i > 0 {
			parts = append(parts, strings.Repeat(" ", gap))
			total += gap
		}
		parts = append(parts, r)
		total += lipgloss.Width(r)
	}
	if total <= w {
		return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
	}
	var rows []string
	for i, f := range fs {
		if i > 0 {
			rows = append(rows, "")
		}
		f.Width = min(f.Width, w)
		rows = append(rows, f.Render(st))
	}
	return strings.Join(rows, "\n")
}

// ButtonKind is a button's role.
type ButtonKind int

const (
	// Primary is the way on (Pair, Test, Try again).
	Primary ButtonKind = iota
	// Danger is a destructive action (Unpair, Forget).
	Danger
	// Secondary is a way back or aside (Back, Cancel, Add pairing).
	Secondary
)

// Button draws "[ Label ] key": the brackets keep it a button with no
// colour; the role colours it.
func Button(st *theme.Styles, label, key string, kind ButtonKind) string {
	style := st.Button
	switch kind {
	case Danger:
		style = st.DangerButton
	case Secondary:
		style = st.Text.Bold(true)
	}
	out := style.Render("[ " + label + " ]")
	if key != "" {
		out += st.Faint.Render(" " + key)
	}
	return out
}

// Buttons joins buttons three cells apart.
func Buttons(bs ...string) string {
	var out []string
	for _, b := range bs {
		if b != "" {
			out = append(out, b)
		}
	}
	return strings.Join(out, "   ")
}

// Card frames content with room around it, in the brand colour; with
// roomy false the padding above and below goes, for short screens.
func Card(st *theme.Styles, content string, roomy bool) string {
	if roomy {
		return st.Card.Render(content)
	}
	return st.Card.Padding(0, 2).Render(content)
}

// Hang wraps text to w cells after prefix ("✗ ", "• "), continuing lines
// under the text rather than under the prefix, all in style.
func Hang(style lipgloss.Style, prefix, text string, w int) string {
	pw := lipgloss.Width(prefix)
	bw := max(w-pw, 8)
	lines := wrapLines(text, bw)
	if n := len(lines); n > 1 && len(strings.Fields(lines[n-1])) == 1 && len(strings.Fields(text)) > 3 {
		// No widow: a paragraph does not end on a word of its own; a
		// slightly narrower measure brings a second word down.
		for nw := bw - 1; nw >= bw*3/4; nw-- {
			if try := wrapLines(text, nw); len(try) == n && len(strings.Fields(try[n-1])) > 1 {
				lines = try
				break
			}
		}
	}
	for i, l := range lines {
		lead := prefix
		if i > 0 {
			lead = strings.Repeat(" ", pw)
		}
		lines[i] = style.Render(strings.TrimRight(lead+l, " "))
	}
	return strings.Join(lines, "\n")
}

// wrapLines wraps text to w cells, one string per line.
func wrapLines(text string, w int) []string {
	return strings.Split(lipgloss.NewStyle().Width(w).Render(text), "\n")
}

// Para wraps text to w cells in style.
func Para(style lipgloss.Style, text string, w int) string {
	return Hang(style, "", text, w)
}

// InlineField draws a field with its label to the left (labelW cells) and
// the underline under the input only: two lines, for forms of several
// fields one under the other.
func InlineField(st *theme.Styles, f Field, labelW int) string {
	w := max(f.Width, 8)
	label := st.FieldLabel.Render(f.Label)
	rule, ruleStyle := "─", lipgloss.NewStyle().Foreground(st.Theme.Border)
	switch {
	case f.Dim:
		label = st.Placeholder.Render(f.Label)
	case f.Focused:
		rule, ruleStyle, label = "━", lipgloss.NewStyle().Foreground(st.Theme.Focus), st.FieldLabelFocused.Render(f.Label)
	}
	if f.Invalid {
		ruleStyle = lipgloss.NewStyle().Foreground(st.Theme.Error)
	}
	pad := strings.Repeat(" ", max(labelW-lipgloss.Width(f.Label), 1))
	input := ansi.Truncate(f.Input, w, "…")
	input += strings.Repeat(" ", max(w-lipgloss.Width(input), 0))
	return label + pad + input + "\n" + strings.Repeat(" ", lipgloss.Width(f.Label)+len(pad)) +
		ruleStyle.Render(strings.Repeat(rule, w))
}
