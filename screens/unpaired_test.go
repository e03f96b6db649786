package screens

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

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

// The form reuses its rendered logo and steps between frames; after a
// resize it must draw exactly what a form created at that size draws.
func TestUnpairedViewAfterResizeMatchesFresh(t *testing.T) {
	for _, provider := range []string{providers.SCI, providers.SmartConnect} {
		c := testCommon()
		c.Provider = provider
		s := NewUnpaired(c, sciSpec, false)
		s.SetSize(100, 40)
		_ = s.View()
		for _, sz := range [][2]int{{30, 40}, {60, 14}, {100, 40}} {
			s.SetSize(sz[0], sz[1])
			fresh := NewUnpaired(c, sciSpec, false)
			fresh.SetSize(sz[0], sz[1])
			if got, want := s.View(), fresh.View(); got != want {
				t.Errorf("%s at %dx%d after a resize:\n%s\nfresh:\n%s", provider, sz[0], sz[1], got, want)
			}
		}
	}
}

// A change of colour profile redraws the logo and steps too.
func TestUnpairedViewAfterProfileChangeMatchesFresh(t *testing.T) {
	colour(t)
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.SetSize(100, 40)
	_ = s.View()
	lipgloss.SetColorProfile(termenv.Ascii)
	fresh := NewUnpaired(testCommon(), sciSpec, false)
	fresh.SetSize(100, 40)
	if got, want := s.View(), fresh.View(); got != want {
		t.Errorf("after the profile changed:\n%q\nfresh:\n%q", got, want)
	}
}

func TestHelcimCodeShowsUpperCase(t *testing.T) {
	c := testCommon()
	c.Provider = providers.Helcim
	s := NewUnpaired(c, providers.CodeSpec{Label: "Device Code", MinLen: 4, MaxLen: 4, Example: "DY6L"}, false)
	s.Update(runes("dy6l"))
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("a 4-character code was refused: %q", s.Invalid())
	}
	if got := cmd().(PairMsg).Code; got != "DY6L" {
		t.Errorf("code sent = %q, want DY6L", got)
	}
}

// A refused key used to be answered with the code's rule, under a code
// that was valid: the message must be about the key.
func TestUnpairedRejectedKeySaysWhatHappened(t *testing.T) {
	scSpec := providers.CodeSpec{Label: "Pairing Code", MinLen: 4, MaxLen: 10, Example: "12345678"}
	for _, tc := range []struct {
		provider string
		spec     providers.CodeSpec
		typed    string
		key      string
		want     string
	}{
		{providers.SmartConnect, scSpec, "12345678", "?", "ctrl+g shows the keys"},
		{providers.SCI, sciSpec, "", "q", "ctrl+c quits"},
		{providers.SCI, sciSpec, "1234", "x", "digits only"},
	} {
		s := NewUnpaired(providerCommon(tc.provider), tc.spec, false)
		if tc.typed != "" {
			s.Update(runes(tc.typed))
		}
		s.Update(runes(tc.key))
		got := s.Invalid()
		if !strings.Contains(got, Quote(tc.key)) || !strings.Contains(got, tc.want) {
			t.Errorf("%s %q then %q: message %q, want the key and %q", tc.provider, tc.typed, tc.key, got, tc.want)
		}
		if strings.Contains(got, "must be") {
			t.Errorf("%s %q then %q: %q calls the code invalid", tc.provider, tc.typed, tc.key, got)
		}
		if tc.typed != "" {
			if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil {
				t.Errorf("%s: the valid code %q was not submitted after the refused key", tc.provider, tc.typed)
			}
		}
	}
}

func TestUnpairedShowsLongCodeAndNicknameCount(t *testing.T) {
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.SetSize(minBodyW, 0)
	s.Update(runes("1234 5678 9012"))
	if v := ansi.Strip(s.View()); !strings.Contains(v, "1234 5678 9012") {
		t.Errorf("the typed code is not shown whole:\n%s", v)
	}
	s.Update(tea.KeyMsg{Type: tea.KeyTab})
	s.Update(runes(strings.Repeat("n", 45)))
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "40/40") {
		t.Errorf("a nickname at its limit shows no count:\n%s", v)
	}
	fitsIn(t, "form with a full nickname", s.View(), minBodyW, 100)
}

func TestUnpairedKeepsPairButtonWhenShort(t *testing.T) {
	for _, p := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		s := NewUnpaired(providerCommon(p), sciSpec, true)
		s.Update(runes("x"))
		for _, h := range []int{minBodyH, 7, 4} {
			s.SetSize(minBodyW, h)
			v := s.View()
			fitsIn(t, fmt.Sprintf("%s form at %d×%d", p, minBodyW, h), v, minBodyW, h)
			if !strings.Contains(v, "[ Pair ]") {
				t.Errorf("%s at %d×%d: no Pair button:\n%s", p, minBodyW, h, v)
			}
		}
	}
}
