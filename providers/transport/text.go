package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxVendorText bounds vendor-supplied text (error messages, nicknames,
// terminal fields) that ends up on screen or in logs.
const MaxVendorText = 200

// CleanText makes vendor-supplied text safe to print on a terminal: invalid
// UTF-8 is replaced, control characters (which could carry escape
// sequences) become spaces, format characters (Unicode category Cf: bidi
// overrides and isolates, zero-width spaces and joiners, the byte-order
// mark, which could make a TID read reversed or two names look alike) are
// dropped, runs of white space collapse, and the length is bounded to
// MaxVendorText runes. Every client passes what a cloud sends
// through it before the text can reach a screen, a log or the records file.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxVendorText {
		s = string([]rune(s)[:MaxVendorText]) + "…"
	}
	return s
}

// JSONScalar returns a JSON string's value or a number's text, else "":
// vendors put codes and messages in either form, and anything else (an
// object, an array, null) is not a message.
func JSONScalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// Shape is the documented form of a short identifier a cloud sends (a
// confirmation code, a terminal id): ASCII digits only, or ASCII letters,
// digits, '-' and '_', between Min and Max characters long. Such values are
// shown to the merchant to compare with the terminal, so one full of
// punctuation or escape remnants is a broken or hostile answer, not a value
// to display.
type Shape struct {
	Field    string // the wire name, for the message
	Digits   bool
	Min, Max int
}

// CheckShape reports how v (already cleaned) breaks shape, or nil. The
// message names the field and the rule but never repeats v, which came from
// the cloud. Callers turn it into a protocol error and store nothing.
func CheckShape(v string, shape Shape) error {
	what := "letters, digits, '-' or '_'"
	if shape.Digits {
		what = "digits"
	}
	for _, r := range v {
		ok := r >= '0' && r <= '9'
		if !shape.Digits {
			ok = ok || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_'
		}
		if !ok {
			return fmt.Errorf("%s contains %s; it must be %s only", shape.Field, describeRune(r), what)
		}
	}
	if n := len(v); n < shape.Min || n > shape.Max {
		return fmt.Errorf("%s is %d characters long; it must be %d to %d %s", shape.Field, n, shape.Min, shape.Max, what)
	}
	return nil
}

// describeRune names a rejected character without printing it raw.
func describeRune(r rune) string {
	if r < utf8.RuneSelf && unicode.IsPrint(r) {
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("the character %U", r)
}
