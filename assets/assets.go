// Package assets holds the text art tillpair draws: the SCI logo (full and
// compact) and the block digits used to show a confirmation code large.
// They are embedded so the binary carries them and tests can read them.
package assets

import (
	_ "embed"
	"strings"
)

//go:embed sci_logo.txt
var logo string

//go:embed sci_logo_compact.txt
var logoCompact string

//go:embed digits.txt
var digitsFile string

// Logo is the SCI logo, about 3 lines by 31 columns.
func Logo() string { return trimArt(logo) }

// LogoCompact is the one-line logo for terminals too short for Logo: SCI
// inside the cloud's outline. One line, so a screen that falls back to it
// keeps the layout it would have had; plain characters, because lone
// half-block glyphs beside text read as stray cursors; no square brackets,
// which the screens use for buttons.
func LogoCompact() string { return trimArt(logoCompact) }

// trimArt drops trailing blanks per line and the final newline so callers
// can place the art without stray padding.
func trimArt(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// DigitHeight is the number of lines a big digit takes.
const DigitHeight = 3

// glyphs maps '0'..'9' to their DigitHeight lines, each the same width.
func glyphs() map[rune][]string {
	out := make(map[rune][]string, 10)
	lines := strings.Split(strings.TrimRight(digitsFile, "\n"), "\n")
	for i := 0; i+DigitHeight < len(lines); i += DigitHeight + 1 {
		key := []rune(strings.TrimSpace(lines[i]))
		if len(key) != 1 {
			continue
		}
		out[key[0]] = lines[i+1 : i+1+DigitHeight]
	}
	return out
}

// BigDigits renders s in block digits, one column between glyphs. Runes
// with no glyph (letters in a non-SCI code) fall back to the rune itself,
// centred, so any code still renders.
func BigDigits(s string) string {
	g := glyphs()
	rows := make([]strings.Builder, DigitHeight)
	for i, r := range s {
		glyph, ok := g[r]
		if !ok {
			glyph = []string{"   ", " " + string(r) + " ", "   "}
		}
		for row := range rows {
			if i > 0 {
				rows[row].WriteString(" ")
			}
			rows[row].WriteString(padRight(glyph[row], 4))
		}
	}
	out := make([]string, DigitHeight)
	for i := range rows {
		out[i] = strings.TrimRight(rows[i].String(), " ")
	}
	// Keep the block rectangular for centring: pad every row to the widest.
	w := 0
	for _, l := range out {
		w = max(w, len([]rune(l)))
	}
	for i, l := range out {
		out[i] = padRight(l, w)
	}
	return strings.Join(out, "\n")
}

func padRight(s string, w int) string {
	n := len([]rune(s))
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}
