package transport

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxVendorText bounds vendor-supplied text (error messages, nicknames,
// terminal fields) that ends up on screen or in logs.
const MaxVendorText = 200

// CleanText makes vendor-supplied text safe to print on a terminal: invalid
// UTF-8 is replaced, control characters (which could carry escape
// sequences) become spaces, format characters (bidi overrides that reorder
// what follows, zero-width characters that hide text) are dropped, runs of
// white space collapse, and the length is bounded to MaxVendorText runes.
// Every client passes what a cloud sends through it before the text can
// reach a screen, a log or the records file.
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
