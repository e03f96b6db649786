package widgets

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// A field reads as a field with no colour at all: label and rule, the
// input, an underline; the focused one's underline is heavy.
func TestFieldShowsFocusWithoutColour(t *testing.T) {
	st := theme.New(theme.Default())
	f := Field{Label: "Pairing Code", Hint: "6 digits", Input: "123456", Width: 14}
	blurred := strings.Split(ansi.Strip(f.Render(st)), "\n")
	f.Focused = true
	focused := strings.Split(ansi.Strip(f.Render(st)), "\n")
	if len(blurred) != 3 || len(focused) != 3 {
		t.Fatalf("a field is three lines:\n%q\n%q", blurred, focused)
	}
	if !strings.HasPrefix(blurred[0], "Pairing Code  6 digits") || !strings.HasPrefix(blurred[1], "123456") {
		t.Errorf("label, rule and input: %q", blurred)
	}
	if !strings.HasPrefix(blurred[2], "───") || strings.Contains(blurred[2], "━") {
		t.Errorf("a blurred field has a light underline: %q", blurred[2])
	}
	if !strings.HasPrefix(focused[2], "━━━") {
		t.Errorf("the focused field has a heavy underline: %q", focused[2])
	}
	for _, l := range focused {
		if w := ansi.StringWidth(l); w != ansi.StringWidth(focused[0]) {
			t.Errorf("lines differ in width: %q", focused)
		}
	}
}

// Side by side where they fit, else one under the other.
func TestFieldsSideBySideWhenTheyFit(t *testing.T) {
	st := theme.New(theme.Default())
	a := Field{Label: "Pairing Code", Input: "", Width: 14}
	b := Field{Label: "Pairing Nickname", Input: "", Width: 26}
	if h := lipgloss.Height(Fields(st, 58, a, b)); h != 3 {
		t.Errorf("at 58 cells the fields should sit side by side (3 lines), got %d", h)
	}
	if h := lipgloss.Height(Fields(st, 30, a, b)); h != 7 {
		t.Errorf("at 30 cells the fields should stack (7 lines), got %d", h)
	}
}

// Wrapped lines hang under the text, not under the prefix, and never
// leave the width.
func TestHangIndentsContinuations(t *testing.T) {
	out := ansi.Strip(Hang(lipgloss.NewStyle(), "✗ ", "That pairing code was not accepted — codes refresh on the terminal: enter the one it shows now", 40))
	lines := strings.Split(out, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "✗ That") {
		t.Fatalf("not wrapped with its prefix:\n%s", out)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
			t.Errorf("continuation %q does not hang under the text", l)
		}
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
}

// The full help: groups as titled columns side by side where they fit, a
// key listed in an earlier group is not listed again, disabled ones not
// at all.
func TestFullFooterGroupsOnce(t *testing.T) {
	st := theme.New(theme.Default())
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	off := b("s", "setup")
	off.SetEnabled(false)
	groups := []HelpGroup{
		{"this screen", []key.Binding{b("t", "test"), b("u", "unpair"), off}},
		{"app", []key.Binding{b("?", "help"), b("t", "test again"), b("q/ctrl+c", "quit")}},
		{"terminal", []key.Binding{b("ctrl+p", "new code")}},
	}
	out := ansi.Strip(FullFooter(NewHelp(st), st.Heading, 80, groups))
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "this screen") || !strings.Contains(lines[0], "app") || !strings.Contains(lines[0], "terminal") {
		t.Errorf("at 80 cells the groups should be columns side by side:\n%s", out)
	}
	if strings.Count(out, "test") != 1 || strings.Contains(out, "setup") {
		t.Errorf("a key is listed twice, or a disabled one shown:\n%s", out)
	}
	narrow := ansi.Strip(FullFooter(NewHelp(st), st.Heading, 30, groups))
	for _, l := range strings.Split(narrow, "\n") {
		if ansi.StringWidth(l) > 30 {
			t.Errorf("line %q is wider than 30", l)
		}
	}
	if !strings.Contains(narrow, "new code") {
		t.Errorf("a group that does not fit beside the others must go below:\n%s", narrow)
	}
}

// Ranked: the highest rank goes first, the line keeps its order.
func TestShortFooterByDropsTheHighestRank(t *testing.T) {
	st := theme.New(theme.Default())
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	cut := []key.Binding{b("enter", "pair"), b("tab", "next field"), b("ctrl+t", "provider")}
	pinned := []key.Binding{b("ctrl+g", "help"), b("ctrl+c", "quit")}
	got := ansi.Strip(ShortFooterBy(NewHelp(st), 58, cut, []int{0, 2, 1}, pinned))
	if !strings.Contains(got, "enter pair • ctrl+t provider") || strings.Contains(got, "tab") {
		t.Errorf("tab (rank 2) should go before ctrl+t (rank 1): %q", got)
	}
	got = ansi.Strip(ShortFooterBy(NewHelp(st), 58, cut, []int{0, 1, 3}, pinned))
	if !strings.Contains(got, "enter pair • tab next field") || strings.Contains(got, "ctrl+t") {
		t.Errorf("ctrl+t (rank 3) should go first: %q", got)
	}
}

// The virtual terminal is drawn as a device: a bezel with its name around
// a framed screen, the confirmation code large in a card, and no key hints
// (they are the footer's).
func TestPaneIsADevice(t *testing.T) {
	st := theme.New(theme.Default())
	p := TerminalPane{View: TerminalView{TID: "T-1001", Screen: ScreenConfirm, ConfirmationCode: "4821"},
		Now: time.Unix(0, 0), Keys: []string{"ctrl+p new code"}}
	out := ansi.Strip(p.Render(st, 36, 30))
	lines := strings.Split(out, "\n")
	if len(lines) != 30 {
		t.Errorf("the pane is %d lines, want 30", len(lines))
	}
	for _, want := range []string{"╭", "Terminal T-1001", "┌", "└", "Confirmation code", "█"} {
		if !strings.Contains(out, want) {
			t.Errorf("the device lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ctrl+p") {
		t.Errorf("the device shows a key hint:\n%s", out)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 36 {
			t.Errorf("line %q is wider than 36", l)
		}
	}
}

// A wrapped paragraph does not end on a word of its own.
func TestHangLeavesNoWidow(t *testing.T) {
	text := "Check the terminal shows the same code, then confirm on the terminal."
	lines := strings.Split(ansi.Strip(Hang(lipgloss.NewStyle(), "", text, 60)), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two lines at 60 cells: %q", lines)
	}
	if n := len(strings.Fields(lines[1])); n < 2 {
		t.Errorf("the last line is one word: %q", lines)
	}
}
