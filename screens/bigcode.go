package screens

import (
	"strings"

	"github.com/tillpair/tillpair/assets"
)

// bigLetters are block capitals in the style of assets.BigDigits (three
// lines of half blocks), for codes the register shows, which are letters
// (Square's device codes: EBCARJ). O is rounded so it never reads as the
// digit 0; I has serifs so it never reads as 1.
var bigLetters = map[rune][3]string{
	'A': {"▄▀▀▄", "█▄▄█", "█  █"},
	'B': {"█▀▀▄", "█▀▀▄", "█▄▄▀"},
	'C': {"█▀▀▀", "█   ", "█▄▄▄"},
	'D': {"█▀▀▄", "█  █", "█▄▄▀"},
	'E': {"█▀▀▀", "█▀▀ ", "█▄▄▄"},
	'F': {"█▀▀▀", "█▀▀ ", "█   "},
	'G': {"█▀▀▀", "█ ▀█", "█▄▄█"},
	'H': {"█  █", "█▀▀█", "█  █"},
	'I': {"▀█▀", " █ ", "▄█▄"},
	'J': {"  ▀█", "   █", "█▄▄█"},
	'K': {"█  █", "█▀▀▄", "█  █"},
	'L': {"█   ", "█   ", "█▄▄▄"},
	'M': {"█▄ ▄█", "█ ▀ █", "█   █"},
	'N': {"█▄  █", "█ ▀▄█", "█   █"},
	'O': {"▄▀▀▄", "█  █", "▀▄▄▀"},
	'P': {"█▀▀█", "█▀▀▀", "█   "},
	'Q': {"▄▀▀▄ ", "█  █ ", "▀▄▄▀▄"},
	'R': {"█▀▀█", "█▀█▀", "█  █"},
	'S': {"▄▀▀▀", " ▀▀▄", "▄▄▄▀"},
	'T': {"▀▀█▀▀", "  █  ", "  █  "},
	'U': {"█  █", "█  █", "▀▄▄▀"},
	'V': {"█   █", " █ █ ", "  ▀  "},
	'W': {"█   █", "█ ▄ █", "▀▄▀▄▀"},
	'X': {"▀▄ ▄▀", "  █  ", "▄▀ ▀▄"},
	'Y': {"▀▄ ▄▀", "  █  ", "  █  "},
	'Z': {"▀▀▀█", " ▄▀ ", "█▄▄▄"},
}

// bigCode renders a code of capitals and digits in three-line block
// glyphs, two columns between them so letters stay apart from a step
// away; ok is false when a rune has no glyph (the caller shows the code
// plainly then).
func bigCode(code string) (out string, ok bool) {
	digits := strings.Split(assets.BigDigits("0123456789"), "\n")
	rows := make([]strings.Builder, assets.DigitHeight)
	for i, r := range code {
		var glyph [3]string
		switch {
		case r >= 'A' && r <= 'Z':
			glyph = bigLetters[r]
		case r >= '0' && r <= '9':
			// BigDigits puts 4-cell glyphs one cell apart.
			at := int(r-'0') * 5
			for row := range glyph {
				glyph[row] = string([]rune(digits[row])[at : at+4])
			}
		default:
			return "", false
		}
		w := 0
		for _, g := range glyph {
			w = max(w, len([]rune(g)))
		}
		for row := range rows {
			if i > 0 {
				rows[row].WriteString("  ")
			}
			rows[row].WriteString(glyph[row] + strings.Repeat(" ", w-len([]rune(glyph[row]))))
		}
	}
	lines := make([]string, len(rows))
	for i := range rows {
		lines[i] = rows[i].String()
	}
	return strings.Join(lines, "\n"), true
}
