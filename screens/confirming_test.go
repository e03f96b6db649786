package screens

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/jonboulle/clockwork"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

func TestConfirmingShowsItsActions(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821"}, true)
	s.SetSize(80, 21)
	v := s.View()
	for _, want := range []string{"[ Test now ] t", "[ Cancel ] esc"} {
		if !strings.Contains(v, want) {
			t.Errorf("waiting: %q missing from\n%s", want, v)
		}
	}
	if strings.Contains(v, "Keep waiting") {
		t.Errorf("waiting: Keep waiting offered while still waiting\n%s", v)
	}

	s.TimedOut("The terminal was not confirmed within 2 minutes.")
	if v := s.View(); !strings.Contains(v, "[ Keep waiting ] r") {
		t.Errorf("timed out: no Keep waiting button\n%s", v)
	}
	if h := s.ShortHelp(); len(h) == 0 || h[0].Help().Key != "r" {
		t.Errorf("timed out: the help does not lead with r, got %v", h)
	}

	s.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if v := s.View(); strings.Contains(v, "[ Cancel ]") || strings.Contains(v, "[ Test now ]") {
		t.Errorf("cancelling: buttons still offered\n%s", v)
	}
}

func TestConfirmingDropsSpacingBeforeContent(t *testing.T) {
	s := NewConfirming(testCommon(), providers.Pairing{ID: "p-1", ConfirmationCode: "4821", PairingNickname: "Front"}, true)
	s.SetSize(60, 40)
	tall := strings.Split(s.View(), "\n")
	s.SetSize(60, len(tall)-1)
	short := strings.Split(s.View(), "\n")
	if len(short) != len(tall)-1 {
		t.Fatalf("one line short: got %d lines, want %d", len(short), len(tall)-1)
	}
	if strings.TrimSpace(short[len(short)-2]) != strings.TrimSpace(tall[len(tall)-3]) {
		t.Errorf("the blank before the buttons should go first; got\n%s", strings.Join(short, "\n"))
	}
	heading := 0
	for i, l := range short {
		if strings.Contains(l, "Confirm the pairing") {
			heading = i
		}
	}
	if strings.TrimSpace(short[heading+1]) != "" {
		t.Errorf("the gap under the title went before the one above the buttons:\n%s", strings.Join(short, "\n"))
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

// The kept drawings follow what they are drawn from: after each change a
// warm screen draws what a fresh one in the same state draws.
func TestConfirmingKeptPartsFollowChanges(t *testing.T) {
	p := providers.Pairing{ID: "p-1", ConfirmationCode: "4821", PairingNickname: "Front"}
	warm := NewConfirming(testCommon(), p, true)
	fresh := func(w, h int, c Common) string {
		s := NewConfirming(c, p, true)
		s.SetSize(w, h)
		return s.View()
	}
	for _, sz := range [][2]int{{80, 21}, {60, 12}, {120, 37}, {40, 30}, {80, 21}} {
		warm.SetSize(sz[0], sz[1])
		if got, want := warm.View(), fresh(sz[0], sz[1], testCommon()); got != want {
			t.Fatalf("at %dx%d the warm screen drew\n%s\nnot\n%s", sz[0], sz[1], got, want)
		}
	}
	lipgloss.SetColorProfile(termenv.ANSI256)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	if got, want := warm.View(), fresh(80, 21, testCommon()); got != want || !strings.Contains(got, "\x1b[") {
		t.Fatalf("after the colour profile changed the warm screen drew\n%q\nnot\n%q", got, want)
	}
	other := testCommon()
	other.Styles = theme.New(theme.Default())
	warm.c.Styles = other.Styles
	if got, want := warm.View(), fresh(80, 21, other); got != want {
		t.Fatalf("after the styles changed the warm screen drew\n%q\nnot\n%q", got, want)
	}
}
