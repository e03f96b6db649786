package screens

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

func testCommon() Common {
	return Common{Styles: theme.New(theme.Default()), Clock: clockwork.NewFakeClock(), Product: "Simple Cloud Integration", Provider: providers.SCI}
}

var sciSpec = providers.CodeSpec{Label: "Pairing Code", Digits: true, MinLen: 4, MaxLen: 12, Example: "123456"}

// checked is c with the pairing session's code check for spec, as the
// root model sets it.
func checked(c Common, spec providers.CodeSpec) Common {
	c.ValidateCode = func(raw string) (string, error) { return pairing.NormalizeCode(spec, raw) }
	return c
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestUnpairedSubmitsNormalisedCode(t *testing.T) {
	s := NewUnpaired(checked(testCommon(), sciSpec), sciSpec, false)
	s.Update(runes("123-45 6"))
	s.Update(tea.KeyMsg{Type: tea.KeyTab})
	s.Update(runes("  Front  "))
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("enter with a valid code sent nothing; invalid=%q", s.Invalid())
	}
	got, ok := cmd().(PairMsg)
	if !ok || got.Code != "123456" || got.Nickname != "Front" {
		t.Fatalf("got %#v", got)
	}
}

func TestUnpairedRefusesBadCodes(t *testing.T) {
	s := NewUnpaired(checked(testCommon(), sciSpec), sciSpec, false)
	s.Update(runes("ab"))
	if s.Invalid() == "" || s.code.Value() != "" {
		t.Fatalf("letters in a digits field: value %q, invalid %q", s.code.Value(), s.Invalid())
	}
	s.Update(runes("12"))
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
		t.Fatal("a 2-digit code was submitted")
	}
	if s.Invalid() == "" {
		t.Fatal("no message for a short code")
	}
}

// The nickname field takes as many characters as the service accepts (the
// CLI and accessible mode allow the same), and no more.
func TestUnpairedNicknameTakesServiceLimit(t *testing.T) {
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.Update(runes("123456"))
	s.Update(tea.KeyMsg{Type: tea.KeyTab})
	s.Update(runes(strings.Repeat("é", pairing.MaxNicknameRunes+5)))
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("enter sent nothing; invalid=%q", s.Invalid())
	}
	got, ok := cmd().(PairMsg)
	if !ok || utf8.RuneCountInString(got.Nickname) != pairing.MaxNicknameRunes {
		t.Fatalf("nickname kept %d characters, want %d (%#v)", utf8.RuneCountInString(got.Nickname), pairing.MaxNicknameRunes, got)
	}
}
