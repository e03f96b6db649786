package screens

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// minBody is the body a 60×20 terminal leaves a screen with the sandbox's
// strip: header 2, status 1, footer 2 (its keys and the terminal's), strip 3.
const minBodyW, minBodyH = 60, 12

const wideName = "Café Bär 🍺 ☕ 日本語のレジ"

func providerCommon(provider string) Common {
	c := testCommon()
	c.Provider = provider
	c.Product = ProductName(provider)
	return c
}

func fivePairings(provider string) []providers.Pairing {
	names := []string{wideName, "Front", "Back office", "", "Side door"}
	var ps []providers.Pairing
	for i, n := range names {
		ps = append(ps, providers.Pairing{Provider: provider, ID: fmt.Sprintf("7fae2dd%d-aaaa-bbbb", i),
			Status: providers.StatusActive, PairingNickname: n, TID: fmt.Sprintf("T-10%d", i), TerminalNickname: "Counter"})
	}
	return ps
}

// fitsIn fails unless view is at most w×h cells.
func fitsIn(t *testing.T, what, view string, w, h int) {
	t.Helper()
	if got := lipgloss.Height(view); got > h {
		t.Errorf("%s: %d lines, more than %d:\n%s", what, got, h, view)
	}
	if got := lipgloss.Width(view); got > w {
		t.Errorf("%s: %d cells wide, more than %d:\n%s", what, got, w, view)
	}
}

// With five pairings at the minimum size the paired screen used to run
// past its height, and the root cut the actions off: Unpair is an SCI
// certification item, so the list shrinks and the logo goes first.
func TestPairedKeepsActionsAtMinimumSize(t *testing.T) {
	for _, tc := range []struct {
		provider string
		button   string
	}{
		{providers.SCI, "[ Unpair ] u"},
		{providers.SmartConnect, "[ Forget ] f"},
		{providers.Helcim, "[ Forget ] f"},
	} {
		for _, sel := range []int{0, 2, 4} {
			s := NewPaired(providerCommon(tc.provider), fivePairings(tc.provider), "")
			for range sel {
				s.Update(tea.KeyMsg{Type: tea.KeyDown})
			}
			for _, h := range []int{minBodyH, minBodyH - 2, 6} {
				s.SetSize(minBodyW, h)
				v := s.View()
				what := fmt.Sprintf("%s sel %d at %d×%d", tc.provider, sel, minBodyW, h)
				fitsIn(t, what, v, minBodyW, h)
				if !strings.Contains(v, tc.button) || !strings.Contains(v, "[ Add pairing ] a") {
					t.Errorf("%s: action row missing:\n%s", what, v)
				}
				if h >= minBodyH-2 && !strings.Contains(v, "> ") {
					t.Errorf("%s: the selected pairing is not in the list:\n%s", what, v)
				}
			}
			s.SetSize(minBodyW, minBodyH)
			v := s.View()
			if tc.provider == providers.SCI {
				for _, want := range []string{"Terminal Nickname", "Status", "more"} {
					if !strings.Contains(v, want) {
						t.Errorf("%s sel %d at the minimum: %q missing:\n%s", tc.provider, sel, want, v)
					}
				}
			}
		}
	}
}

// Names with wide characters (two cells each) used to be padded by runes,
// pushing the TID column right; every row's TID must start in one column.
func TestPairedListAlignsWideNames(t *testing.T) {
	s := NewPaired(testCommon(), fivePairings(providers.SCI), "")
	s.SetSize(80, 0)
	col := -1
	for _, l := range strings.Split(ansi.Strip(s.View()), "\n") {
		i := strings.Index(l, "T-10")
		if i < 0 || strings.HasPrefix(l, "TID") {
			continue
		}
		c := ansi.StringWidth(l[:i])
		if col >= 0 && c != col {
			t.Errorf("TID at column %d, want %d:\n%s", c, col, s.View())
		}
		col = c
	}
	if col < 0 {
		t.Fatalf("no list rows:\n%s", s.View())
	}
	// Cut to 20 cells, the name keeps its mark of being cut.
	if !strings.Contains(s.View(), "…") {
		t.Errorf("the wide name was cut without an ellipsis:\n%s", s.View())
	}
}

// A value longer than the screen is cut with "…", not silently.
func TestPairedLongValueIsMarkedCut(t *testing.T) {
	c := providerCommon(providers.SmartConnect)
	long := strings.Repeat("Register", 8) // 64 characters, the field's limit
	p := providers.Pairing{Provider: providers.SmartConnect, ID: "r1", Status: providers.StatusActive,
		Register: &providers.RegisterIdentity{RegisterName: long, RegisterID: "r1"}}
	s := NewPaired(c, []providers.Pairing{p}, "")
	s.SetSize(minBodyW, 0)
	v := ansi.Strip(s.View())
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(l, "Register name") && !strings.Contains(l, "…") {
			t.Errorf("64-character register name cut without a mark: %q", l)
		}
	}
}

// The success message belongs to the pairing just made, not to whichever
// pairing is selected later.
func TestPairedSuccessOnlyForTheJustPairedOne(t *testing.T) {
	ps := fivePairings(providers.SCI)
	s := NewPaired(testCommon(), ps, ps[2].ID)
	s.SetSize(80, 0)
	if v := s.View(); !strings.Contains(v, "Pairing successful") {
		t.Fatalf("just paired: no success message:\n%s", v)
	}
	s.Update(tea.KeyMsg{Type: tea.KeyUp})
	if v := s.View(); strings.Contains(v, "Pairing successful") {
		t.Errorf("an older pairing selected, still says the success:\n%s", v)
	}
}

// A long timeout note and a nickname used to push the confirming screen's
// buttons off a 60×20 terminal: the way to cancel must stay.
func TestConfirmingKeepsActionsAtMinimumSize(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821", PairingNickname: wideName}, true)
	s.TimedOut("The terminal was not confirmed within 2 minutes. Check the terminal shows the confirmation code 4821, then confirm on the terminal — or cancel and start again.")
	for _, h := range []int{minBodyH, 9, 5} {
		s.SetSize(minBodyW, h)
		v := s.View()
		fitsIn(t, fmt.Sprintf("timed out at %d×%d", minBodyW, h), v, minBodyW, h)
		for _, want := range []string{"[ Keep waiting ] r", "[ Cancel ] esc"} {
			if !strings.Contains(v, want) {
				t.Errorf("at %d×%d: %q missing:\n%s", minBodyW, h, want, v)
			}
		}
	}
}

// The footer drops the screen's keys from the end when narrow; once the
// wait stopped, cancel must outlast Test now.
func TestConfirmingFooterKeepsCancelWhenNarrow(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821"}, true)
	s.TimedOut("Not confirmed in time")
	h := widgets.NewHelp(theme.New(theme.Default()))
	pinned := []key.Binding{
		key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
	ctrlT := key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "provider"))
	line := ansi.Strip(widgets.ShortFooter(h, 60, append(s.ShortHelp(), ctrlT), pinned))
	if !strings.Contains(line, "esc/c cancel") || !strings.Contains(line, "r keep waiting") {
		t.Errorf("60-column footer lost a primary key: %q", line)
	}
}

// "Not confirmed on the terminal yet" describes one Test now; it used to
// stay for as long as the wait went on.
func TestConfirmingTestNoteExpires(t *testing.T) {
	c := testCommon()
	clock := clockwork.NewFakeClock()
	c.Clock = clock
	s := NewConfirming(c, providers.Pairing{ID: "p-1", ConfirmationCode: "4821"}, true)
	s.SetSize(80, 0)
	s.Update(runes("t"))
	s.TestDone("Not confirmed on the terminal yet")
	if !strings.Contains(s.View(), "Not confirmed on the terminal yet") {
		t.Fatalf("the Test now finding is not shown:\n%s", s.View())
	}
	clock.Advance(noteTTL + time.Second)
	if v := s.View(); strings.Contains(v, "Not confirmed on the terminal yet") {
		t.Errorf("%s after Test now, its finding is still shown:\n%s", noteTTL+time.Second, v)
	}
}

func TestErrorScreenKeepsActionsAndAgreesWithFooter(t *testing.T) {
	err := &providers.Error{Kind: providers.KindNotPaired, Provider: providers.SCI}
	s := NewError(testCommon(), err, TestMsg{PairingID: "p"}, Paired, "p").About(wideName)
	for _, h := range []int{minBodyH, 6, 3} {
		s.SetSize(minBodyW, h)
		v := s.View()
		fitsIn(t, fmt.Sprintf("error at %d×%d", minBodyW, h), v, minBodyW, h)
		if !strings.Contains(v, "[ Back ] enter") {
			t.Errorf("at %d×%d the buttons are gone:\n%s", minBodyW, h, v)
		}
	}
	for _, b := range s.ShortHelp() {
		if b.Enabled() && b.Help().Key == "f" && !strings.Contains(s.View(), "[ "+upperFirst(b.Help().Desc)+" ]") {
			t.Errorf("footer says %q, the button says otherwise:\n%s", b.Help().Desc, s.View())
		}
	}
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// At 60 columns the regenerate hint used to wrap back to column 0.
func TestRegisterHintWrapsUnderItsField(t *testing.T) {
	c := providerCommon(providers.SmartConnect)
	s := NewRegister(c, providers.RegisterIdentity{RegisterID: "7444ae07-dc63-e49c-33e3-59a7c108cc80"}, true)
	s.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	s.SetSize(minBodyW, minBodyH)
	v := ansi.Strip(s.View())
	fitsIn(t, "register setup", s.View(), minBodyW, minBodyH)
	found := false
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "keeps it") {
			found = true
			if !strings.HasPrefix(l, strings.Repeat(" ", 15)) {
				t.Errorf("hint continuation not under its field: %q", l)
			}
		}
	}
	if !found || !strings.Contains(v, "[ Save ]") {
		t.Errorf("hint or Save missing:\n%s", v)
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

// The full help lists every key the screen takes.
func TestFullHelpListsEveryKey(t *testing.T) {
	keysOf := func(groups [][]key.Binding) string {
		var out []string
		for _, g := range groups {
			for _, b := range g {
				if b.Enabled() {
					out = append(out, b.Help().Key)
				}
			}
		}
		return strings.Join(out, " ")
	}
	p := NewPicker(testCommon(), []PickerItem{{ID: providers.SCI}, {ID: providers.SmartConnect}, {ID: providers.Helcim}})
	if got := keysOf(p.FullHelp()); !strings.Contains(got, "1–3") {
		t.Errorf("picker full help %q lacks the number keys", got)
	}
	_, cmd := p.Update(runes("2"))
	if cmd == nil || cmd().(PickProviderMsg).Provider != providers.SmartConnect {
		t.Errorf("2 did not choose the second provider")
	}
	u := NewUnpaired(testCommon(), sciSpec, true)
	if got := keysOf(u.FullHelp()); !strings.Contains(got, "shift+tab") {
		t.Errorf("form full help %q lacks shift+tab", got)
	}
	r := NewRegister(providerCommon(providers.SmartConnect), providers.RegisterIdentity{RegisterID: "x"}, true)
	if got := keysOf(r.FullHelp()); !strings.Contains(got, "ctrl+r") || !strings.Contains(got, "shift+tab") {
		t.Errorf("register full help %q lacks ctrl+r or shift+tab", got)
	}
}

var tillWord = regexp.MustCompile(`\btill\b`)

// design.md calls this POS "the register"; Helcim's forget said "till".
func TestRegisterIsTheWordEverywhere(t *testing.T) {
	for _, p := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		if w := ForgetWhere(p); strings.Contains(w, "till") {
			t.Errorf("%s: ForgetWhere %q", p, w)
		}
		ps := fivePairings(p)
		s := NewPaired(providerCommon(p), ps, ps[0].ID)
		s.SetSize(80, 0)
		if v := s.View(); tillWord.MatchString(v) {
			t.Errorf("%s paired screen says till:\n%s", p, v)
		}
	}
	for k := providers.Kind(0); k < 40; k++ {
		w := KindWording(k, nil)
		if tillWord.MatchString(w.Line + " " + w.Next) {
			t.Errorf("kind %v: %q / %q says till", k, w.Line, w.Next)
		}
	}
}

// An expired SCI code and a used one share a Kind; the title must not
// claim the one it cannot tell from the other.
func TestCodeUsedTitleCoversExpired(t *testing.T) {
	if w := KindWording(providers.KindCodeUsed, nil); !strings.Contains(w.Title, "expired") {
		t.Errorf("code used title %q does not cover an expired code", w.Title)
	}
}
