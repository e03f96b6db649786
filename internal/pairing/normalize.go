package pairing

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers"
)

// MaxNicknameRunes caps a pairing nickname. SCI documents no limit; 40 runes
// fits every screen width tillpair supports (60 columns and up) next to its
// label, and is long enough for "Front Bar register 2, upstairs".
const MaxNicknameRunes = 40

// NormalizeCode turns what the merchant typed into the code the provider
// expects: surrounding space trimmed, inner spaces and dashes removed (codes
// are often read out in groups), letters upper-cased where letters are
// allowed (unless spec.KeepCase). Problems come back as *providers.Error of KindInvalidCode with
// HTTPStatus 0 (rejected before any request) and a message that names the
// problem and what to check.
func NormalizeCode(spec providers.CodeSpec, raw string) (string, error) {
	label := spec.Label
	if label == "" {
		label = "pairing code"
	}
	label = strings.ToLower(label)
	var b strings.Builder
	for _, r := range strings.TrimSpace(raw) {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case !spec.Digits && r < utf8.RuneSelf && unicode.IsLetter(r) && spec.KeepCase:
			b.WriteRune(r)
		case !spec.Digits && r < utf8.RuneSelf && unicode.IsLetter(r):
			b.WriteRune(unicode.ToUpper(r))
		case spec.Digits:
			return "", invalidCode("The %s must be digits only — %q is not a digit. Check the code on the terminal.", label, r)
		default:
			return "", invalidCode("The %s may contain only letters A–Z and digits — %q is not allowed. Check the code on the terminal.", label, r)
		}
	}
	code := b.String()
	n := len(code) // ASCII only at this point
	if n == 0 {
		return "", invalidCode("Enter the %s shown on the terminal.", label)
	}
	kind := "characters"
	if spec.Digits {
		kind = "digits"
	}
	switch {
	case spec.MinLen > 0 && spec.MinLen == spec.MaxLen && n != spec.MinLen:
		return "", invalidCode("The %s must be %d %s — you typed %d. Check the code on the terminal.", label, spec.MinLen, kind, n)
	case spec.MinLen > 0 && n < spec.MinLen:
		return "", invalidCode("The %s must be at least %d %s — you typed %d. Check the code on the terminal.", label, spec.MinLen, kind, n)
	case spec.MaxLen > 0 && n > spec.MaxLen:
		return "", invalidCode("The %s must be at most %d %s — you typed %d. Check the code on the terminal.", label, spec.MaxLen, kind, n)
	}
	return code, nil
}

func invalidCode(format string, a ...any) error {
	return &providers.Error{Kind: providers.KindInvalidCode, Message: fmt.Sprintf(format, a...)}
}

// NormalizeNickname trims the nickname and checks it is printable text of at
// most MaxNicknameRunes runes. An empty nickname is allowed (it is optional).
func NormalizeNickname(raw string) (string, error) {
	nick := strings.TrimSpace(raw)
	if !utf8.ValidString(nick) {
		return "", invalidInput("The pairing nickname is not valid text. Type it again.")
	}
	for _, r := range nick {
		if !unicode.IsPrint(r) {
			return "", invalidInput("The pairing nickname contains a control character (%U). Use letters, digits, spaces and punctuation only.", r)
		}
	}
	if n := utf8.RuneCountInString(nick); n > MaxNicknameRunes {
		return "", invalidInput("The pairing nickname is %d characters long; the limit is %d. Shorten it.", n, MaxNicknameRunes)
	}
	return nick, nil
}

func invalidInput(format string, a ...any) error {
	return &providers.Error{Kind: providers.KindInvalidInput, Message: fmt.Sprintf(format, a...)}
}
