package assets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLogoFitsBudget(t *testing.T) {
	for name, art := range map[string]string{"full": Logo(), "compact": LogoCompact()} {
		lines := strings.Split(art, "\n")
		if len(lines) > 6 {
			t.Errorf("%s logo has %d lines, want <= 6", name, len(lines))
		}
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > 40 {
				t.Errorf("%s logo line %q is %d columns, want <= 40", name, l, n)
			}
		}
	}
}

// The compact logo stands in where the full one does not fit, so it must
// stay small, and it draws no block elements: a lone ▐ or ▌ beside text
// reads as a cursor.
func TestLogoCompactIsSmallAndPlain(t *testing.T) {
	lines := strings.Split(LogoCompact(), "\n")
	if len(lines) > 2 {
		t.Errorf("compact logo has %d lines, want <= 2", len(lines))
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 20 {
			t.Errorf("compact logo line %q is %d columns, want <= 20", l, n)
		}
		for _, r := range l {
			if r >= 0x2580 && r <= 0x259F {
				t.Errorf("compact logo line %q draws block element %q", l, r)
			}
		}
	}
	if !strings.Contains(LogoCompact(), "SCI") {
		t.Error("compact logo must name SCI")
	}
	if len(lines) >= len(strings.Split(Logo(), "\n")) {
		t.Error("compact logo must be shorter than the full one, or it saves nothing")
	}
}

func TestBigDigitsEveryDigit(t *testing.T) {
	g := glyphs()
	for r := '0'; r <= '9'; r++ {
		glyph, ok := g[r]
		if !ok {
			t.Fatalf("no glyph for %q", r)
		}
		if len(glyph) != DigitHeight {
			t.Fatalf("glyph %q has %d rows", r, len(glyph))
		}
	}
	out := BigDigits("0123456789")
	rows := strings.Split(out, "\n")
	if len(rows) != DigitHeight {
		t.Fatalf("got %d rows", len(rows))
	}
	w := utf8.RuneCountInString(rows[0])
	for _, row := range rows {
		if utf8.RuneCountInString(row) != w {
			t.Fatalf("rows differ in width:\n%s", out)
		}
	}
	// Distinct digits must look distinct.
	seen := map[string]rune{}
	for r := '0'; r <= '9'; r++ {
		k := strings.Join(g[r], "|")
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q share a glyph", prev, r)
		}
		seen[k] = r
	}
}

func TestBigDigitsFallback(t *testing.T) {
	if !strings.Contains(BigDigits("A1"), "A") {
		t.Error("a rune without a glyph must still appear")
	}
}
