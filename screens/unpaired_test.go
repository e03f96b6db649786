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
	"github.com/tillpair/tillpair/providers/linkly"
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

// Finding 7: while a pair request from the form is in flight the form
// looks it: no focused field (no heavy ━ underline), no cursor, "[ Pairing… ]" for the button,
// and keys change nothing; when the answer comes it is editable again,
// with the focus where it was.
func TestUnpairedBusyWhilePairing(t *testing.T) {
	s := NewUnpaired(testCommon(), sciSpec, false)
	s.SetSize(80, 40)
	s.Update(runes("123456"))
	s.Update(tea.KeyMsg{Type: tea.KeyTab})
	s.Update(runes("Front"))
	idle := ansi.Strip(s.View())
	if !strings.Contains(idle, "[ Pair ]") || !focusedUnder(idle, "Pairing Nickname") {
		t.Fatalf("idle form:\n%s", idle)
	}

	s.SetBusy(true)
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "[ Pairing… ]") || strings.Contains(v, "[ Pair ]") {
		t.Errorf("busy button:\n%s", v)
	}
	if strings.Contains(v, "━") || s.code.Focused() || s.nick.Focused() {
		t.Errorf("a field is focused while pairing:\n%s", v)
	}
	if !strings.Contains(v, "123456") || !strings.Contains(v, "Front") {
		t.Errorf("the values being sent are not shown:\n%s", v)
	}
	for _, k := range []tea.KeyMsg{runes("9"), {Type: tea.KeyBackspace}, {Type: tea.KeyTab}, {Type: tea.KeyEnter}} {
		if _, cmd := s.Update(k); cmd != nil {
			t.Errorf("%s while busy sent a command", k)
		}
	}
	if s.code.Value() != "123456" || s.nick.Value() != "Front" || s.focus != 1 {
		t.Errorf("keys while busy changed the form: %q %q focus %d", s.code.Value(), s.nick.Value(), s.focus)
	}

	s.SetBusy(false)
	v = ansi.Strip(s.View())
	if !strings.Contains(v, "[ Pair ]") || !focusedUnder(v, "Pairing Nickname") || !s.nick.Focused() {
		t.Errorf("after the answer the form is not editable again:\n%s", v)
	}
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil {
		t.Error("enter after the answer sent nothing")
	}
}

// focusedUnder reports whether the field labelled label has the heavy
// underline of the focused field, two lines under its label.
func focusedUnder(view, label string) bool {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		col := strings.Index(l, label)
		if col < 0 || i+2 >= len(lines) {
			continue
		}
		under := []rune(lines[i+2])
		at := len([]rune(l[:col]))
		return at < len(under) && under[at] == '━'
	}
	return false
}

// A hint that wraps keeps its indent on every line, so the continuation
// hangs under the text after "✗ " and does not fall back to column 0.
func TestUnpairedHintWrapsIndented(t *testing.T) {
	c := testCommon()
	c.Provider, c.Product = providers.Helcim, "Helcim Smart Terminal"
	spec := providers.CodeSpec{Label: "Device Code", MinLen: 4, MaxLen: 4, Example: "DY6L"}
	s := NewUnpaired(checked(c, spec), spec, false)
	s.SetSize(40, 30)
	s.Update(runes("DY"))
	s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	hint := s.Invalid()
	if hint == "" {
		t.Fatal("no hint for a short code")
	}
	first := strings.Fields(hint)[0]
	var lines []string
	in := false
	for _, l := range strings.Split(ansi.Strip(s.View()), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "✗ "+first) {
			in = true
		} else if in && strings.TrimSpace(l) == "" {
			break
		}
		if in {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("hint %q did not wrap at 40 columns: %q", hint, lines)
	}
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
			t.Errorf("hint line %q is not indented by two", l)
		}
	}
}

// A provider's pair inputs are fields of the form: the secret one is
// never drawn (typing, busy or not), goes out once in PairMsg.Inputs and
// is emptied from the form on submit.
func TestUnpairedPairInputsAreSentOnceAndNeverDrawn(t *testing.T) {
	const pw = "CANARY-form-pw"
	c := testCommon()
	c.Provider, c.Product = linkly.ID, "Linkly Cloud"
	s := NewUnpaired(checked(c, linkly.Descriptor.Code), linkly.Descriptor.Code, false)
	s.SetSize(80, 24)
	typeIn := func(text string) {
		for _, r := range text {
			s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	tab := tea.KeyMsg{Type: tea.KeyTab}
	typeIn("user-1")
	s.Update(tab)
	typeIn(pw)
	s.Update(tab)
	typeIn("123456")
	if v := s.View(); strings.Contains(v, pw) || !strings.Contains(v, "user-1") {
		t.Fatalf("view shows the password or hides the username:\n%s", v)
	}
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatalf("no pair request; invalid %q", s.Invalid())
	}
	msg, ok := cmd().(PairMsg)
	if !ok || msg.Code != "123456" || msg.Inputs[linkly.InputUsername].Reveal() != "user-1" || msg.Inputs[linkly.InputPassword].Reveal() != pw {
		t.Fatalf("pair request %+v", msg)
	}
	s.SetBusy(true)
	if v := s.View(); strings.Contains(v, pw) {
		t.Fatalf("busy view shows the password:\n%s", v)
	}
	s.SetBusy(false)
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil || !strings.Contains(s.Invalid(), "password") {
		t.Fatalf("the password was kept for a second request (invalid %q)", s.Invalid())
	}
}
