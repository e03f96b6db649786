package screens

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/jonboulle/clockwork"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
)

var showCodeNow = time.Date(2026, 2, 6, 18, 44, 33, 0, time.UTC)

// newShowCodeTest is the screen for a fresh Square device code on a
// frozen fake clock, with the ASCII profile for goldens.
func newShowCodeTest(t *testing.T, code string) (*ShowCode, *clockwork.FakeClock) {
	t.Helper()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.Ascii)
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
	clk := clockwork.NewFakeClockAt(showCodeNow)
	c := Common{Styles: theme.New(theme.Default()), Clock: clk, Product: square.Descriptor.Name, Provider: square.ID, StaticSpinner: true}
	p := providers.Pairing{Provider: square.ID, ID: "B3Z6NAMYQSMTM", Status: providers.StatusAwaitingConfirmation,
		ConfirmationCode: code, ExpiresAt: showCodeNow.Add(5 * time.Minute), PairingNickname: "Counter 1"}
	s := NewShowCode(c, square.Descriptor, p)
	s.SetLocation(time.UTC)
	return s, clk
}

// requireFits fails when the view overflows w×h.
func requireFits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("view is %d lines, want at most %d:\n%s", len(lines), h, v)
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			t.Errorf("line %d is %d cells, want at most %d: %q", i+1, lipgloss.Width(l), w, l)
		}
	}
}

// The goldens: waiting with 4:28 left, under a minute, expired, asking for
// a new code, cancelled; at 80×24 and 60×20.
func TestShowCodeGoldens(t *testing.T) {
	states := []struct {
		name string
		prep func(s *ShowCode, clk *clockwork.FakeClock)
	}{
		{"waiting", func(_ *ShowCode, clk *clockwork.FakeClock) { clk.Advance(32 * time.Second) }},
		{"last_minute", func(s *ShowCode, clk *clockwork.FakeClock) {
			clk.Advance(4*time.Minute + 15*time.Second)
			s.Warn("Could not reach Square; still waiting")
		}},
		{"expired", func(_ *ShowCode, clk *clockwork.FakeClock) { clk.Advance(5 * time.Minute) }},
		{"requesting", func(s *ShowCode, _ *clockwork.FakeClock) { s.Requesting() }},
		{"cancelled", func(s *ShowCode, clk *clockwork.FakeClock) {
			clk.Advance(time.Minute)
			s.Update(tea.KeyMsg{Type: tea.KeyEsc})
		}},
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {60, 20}} {
		for _, st := range states {
			t.Run(fmt.Sprintf("%s_%dx%d", st.name, sz.w, sz.h), func(t *testing.T) {
				s, clk := newShowCodeTest(t, "EBCARJ")
				s.SetSize(sz.w, sz.h)
				st.prep(s, clk)
				v := s.View()
				requireFits(t, v, sz.w, sz.h)
				teatest.RequireEqualOutput(t, []byte(v))
			})
		}
	}
}

func TestShowCodeCountdownAndKeys(t *testing.T) {
	s, clk := newShowCodeTest(t, "EBCARJ")
	s.SetSize(80, 24)
	if v := s.View(); !strings.Contains(v, "Device code EBCARJ") || !strings.Contains(v, "expires in 5:00 (at 18:49:33)") ||
		!strings.Contains(v, "Settings > Log out") || !strings.Contains(v, "Waiting for the Square Terminal to sign in") {
		t.Fatalf("fresh code:\n%s", v)
	}
	// r does nothing while the code is good.
	if _, cmd := s.Update(runes("r")); cmd != nil {
		t.Fatal("r asked for a new code while the code was good")
	}
	if h := s.ShortHelp(); len(h) != 1 || h[0].Help().Key != "esc" {
		t.Fatalf("help while waiting = %v", h)
	}
	clk.Advance(2*time.Minute + 30*time.Second + 500*time.Millisecond)
	if v := s.View(); !strings.Contains(v, "expires in 2:30") {
		t.Fatalf("countdown (rounded up):\n%s", v)
	}
	clk.Advance(3 * time.Minute)
	v := s.View()
	if !strings.Contains(v, "Code expired — press r for a new one") || !strings.Contains(v, "[ New code ] r") || strings.Contains(v, "Settings > Log out") {
		t.Fatalf("expired:\n%s", v)
	}
	if h := s.ShortHelp(); len(h) != 2 || h[0].Help().Key != "r" {
		t.Fatalf("help once expired = %v", h)
	}
	_, cmd := s.Update(runes("r"))
	if cmd == nil {
		t.Fatal("r sent nothing once expired")
	}
	if msg, ok := cmd().(NewCodeRequested); !ok || msg.PairingID != "B3Z6NAMYQSMTM" {
		t.Fatalf("r sent %#v", cmd())
	}
	if v := s.View(); !strings.Contains(v, "Getting a new code") || strings.Contains(v, "EBCARJ") {
		t.Fatalf("requesting:\n%s", v)
	}
	if _, cmd := s.Update(runes("r")); cmd != nil {
		t.Fatal("r while a new code is being asked for")
	}

	// The new code arrives; the root's verdict also ends a wait early.
	s.SetPairing(providers.Pairing{ID: "C4A7NBNZRTNUN", ConfirmationCode: "GVXNYN", ExpiresAt: clk.Now().Add(5 * time.Minute)})
	if v := s.View(); !strings.Contains(v, "Device code GVXNYN") || !strings.Contains(v, "expires in 5:00") {
		t.Fatalf("new code:\n%s", v)
	}
	s.Expired("Square could not report the code's state")
	if v := s.View(); !strings.Contains(v, "Square could not report the code's state — press r for a new one") {
		t.Fatalf("expired by the root:\n%s", v)
	}

	// Cancel: a typed result with what the root must say.
	s.SetPairing(providers.Pairing{ID: "C4A7NBNZRTNUN", ConfirmationCode: "GVXNYN", ExpiresAt: clk.Now().Add(5 * time.Minute)})
	_, cmd = s.Update(tea.KeyMsg{Type: tea.KeyEsc})
	got, ok := cmd().(ShowCodeCancelled)
	if !ok || got.PairingID != "C4A7NBNZRTNUN" || got.Code != "GVXNYN" || !got.ValidUntil.Equal(clk.Now().Add(5*time.Minute)) {
		t.Fatalf("esc sent %#v", got)
	}
	if v := s.View(); !strings.Contains(v, "Cancelled. Code GVXNYN stays usable until") || strings.Contains(v, "[ Cancel ]") {
		t.Fatalf("cancelled:\n%s", v)
	}
	if _, cmd := s.Update(tea.KeyMsg{Type: tea.KeyEsc}); cmd != nil || s.ShortHelp() != nil {
		t.Fatal("keys still work after cancelling")
	}
}

// Ticks re-render only their own screen and stop once it is done.
func TestShowCodeTicks(t *testing.T) {
	s, clk := newShowCodeTest(t, "EBCARJ")
	s.c.StaticSpinner = false
	if s.Init() == nil {
		t.Fatal("no tick")
	}
	if _, cmd := s.Update(showCodeTick{id: s.id}); cmd == nil {
		t.Fatal("a tick did not schedule the next")
	}
	if _, cmd := s.Update(showCodeTick{id: s.id + 1000}); cmd != nil {
		t.Fatal("another screen's tick scheduled one here")
	}
	clk.Advance(5 * time.Minute)
	s.Update(showCodeTick{id: s.id})
	if !s.keys.NewCode.Enabled() {
		t.Fatal("expiry did not enable r")
	}
	s.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if _, cmd := s.Update(showCodeTick{id: s.id}); cmd != nil {
		t.Fatal("ticks go on after cancel")
	}
}

// Codes the big glyphs cannot draw, and narrow screens, fall back to the
// plain code; the code is never lost.
func TestShowCodeFallbacks(t *testing.T) {
	for _, c := range []struct {
		code string
		w, h int
	}{{"EBCARJ", 30, 12}, {"123456789012", 80, 24}, {"123456789012", 50, 16}, {"AB-CD", 80, 24}, {"ABCDEFGHIJKL", 40, 10}} {
		s, _ := newShowCodeTest(t, c.code)
		s.SetSize(c.w, c.h)
		v := s.View()
		requireFits(t, v, c.w, c.h)
		if !strings.Contains(v, c.code) || !strings.Contains(v, "esc") {
			t.Errorf("%s at %dx%d lost the code or the way out:\n%s", c.code, c.w, c.h, v)
		}
	}
	// Every letter and digit has a glyph of three lines, and O is not 0.
	all := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	g, ok := bigCode(all)
	if !ok || len(strings.Split(g, "\n")) != 3 {
		t.Fatalf("bigCode(%s) = %q, %v", all, g, ok)
	}
	o, _ := bigCode("O")
	zero, _ := bigCode("0")
	if o == zero {
		t.Fatal("O and 0 look alike")
	}
}

// Every state fits every size from tiny to wide, keeps the way out, and
// the code while there is one.
func TestShowCodeFitsEverySize(t *testing.T) {
	for _, code := range []string{"EBCARJ", "123456789012", "WWWWWWWWWWWW"} {
		for w := 20; w <= 100; w += 20 {
			for h := 6; h <= 30; h += 6 {
				for state := range 4 {
					s, clk := newShowCodeTest(t, code)
					s.SetSize(w, h)
					switch state {
					case 1:
						clk.Advance(5 * time.Minute)
					case 2:
						s.Requesting()
					case 3:
						s.Warn(strings.Repeat("network trouble ", 8))
					}
					v := s.View()
					requireFits(t, v, w, h)
					if !strings.Contains(v, "esc") {
						t.Fatalf("%s %dx%d state %d: no way out\n%s", code, w, h, state, v)
					}
					if state != 2 && !strings.Contains(v, code) && !strings.Contains(v, spaced(code)) {
						t.Fatalf("%s %dx%d state %d: the code is lost\n%s", code, w, h, state, v)
					}
				}
			}
		}
	}
}

// FuzzShowCodeView: whatever code a provider hands the screen, at any
// size, the view fits and keeps the way out.
func FuzzShowCodeView(f *testing.F) {
	for _, c := range []string{"EBCARJ", "123456789012", "", "ａｂｃ漢字", "\x1b[31mX", "AB CD", strings.Repeat("W", 40)} {
		f.Add(c, 80, 24, 0)
		f.Add(c, 21, 7, 3)
	}
	f.Fuzz(func(t *testing.T, code string, w, h, state int) {
		if w < 20 || w > 200 || h < 6 || h > 80 {
			return
		}
		s, clk := newShowCodeTest(t, code)
		s.SetSize(w, h)
		switch state % 4 {
		case 1:
			clk.Advance(5 * time.Minute)
		case 2:
			s.Expired(code)
		case 3:
			s.Warn(code)
		}
		v := s.View()
		requireFits(t, v, w, h)
		if !strings.Contains(v, "esc") {
			t.Fatalf("no way out:\n%s", v)
		}
	})
}
