package demo

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sumup"
)

var (
	keySpace = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyLeft  = tea.KeyMsg{Type: tea.KeyLeft}
	keyQ     = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}
)

// startDemo runs the interactive player with a pace so slow that only
// keys move it on.
func startDemo(t *testing.T, w, h int) *teatest.TestModel {
	t.Helper()
	return startProviderDemo(t, "", w, h)
}

func startProviderDemo(t *testing.T, provider string, w, h int) *teatest.TestModel {
	t.Helper()
	p, err := New(Options{Provider: provider, Pace: time.Hour, Width: w, Height: h, StepTimeout: generousStepTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
}

func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	// The renderer repaints only changed lines, so look at everything
	// drawn since the call began.
	var seen bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen.Write(b)
		for _, s := range texts {
			if !bytes.Contains(seen.Bytes(), []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(generousWait), teatest.WithCheckInterval(10*time.Millisecond))
}

func TestCaptionGolden(t *testing.T) {
	for _, c := range []struct {
		provider, prefix, form, brand string
		scenarios                     int
		// loaded is drawn once what the first screen loads in the
		// background has arrived (SmartConnect's register line): quitting
		// before that would drop it from the golden.
		loaded string
		// The form label is also in the caption, which is drawn before the
		// app has its size and draws anything: waiting must see the app.
	}{
		// SCI keeps the goldens' original names.
		{"", "", "Manage POS pairing", "Simple Cloud Integration", len(SCIScript().Scenarios), ""},
		{providers.SmartConnect, "smartconnect-", "Pairing Code", "Smartpay SmartConnect", len(SmartConnectScript().Scenarios), "Register “Register 1”"},
		{providers.Helcim, "helcim-", "Device Code", "Helcim Payment Hardware", len(HelcimScript().Scenarios), ""},
		{sumup.ID, "sumup-", "Pairing Code", "SumUp Cloud API", len(SumUpScript().Scenarios), ""},
	} {
		for _, sz := range []struct{ w, h int }{{80, 24}, {60, 20}} {
			t.Run(fmt.Sprintf("%s%dx%d", c.prefix, sz.w, sz.h), func(t *testing.T) {
				count := fmt.Sprintf("1/%d", c.scenarios)
				tm := startProviderDemo(t, c.provider, sz.w, sz.h)
				waitFor(t, tm, c.form, count, c.loaded, "[ Pair ]", "ctrl+c quit")
				tm.Send(keyQ)
				view := tm.FinalModel(t, teatest.WithFinalTimeout(generousWait)).View()
				lines := strings.Split(view, "\n")
				if len(lines) != sz.h {
					t.Errorf("view has %d lines, want %d", len(lines), sz.h)
				}
				if !strings.Contains(lines[0], count+" ·") || !strings.Contains(view, c.brand) {
					t.Errorf("caption or app missing:\n%s", view)
				}
				teatest.RequireEqualOutput(t, []byte(view))
			})
		}
	}
}

func TestPlayerKeysDriveTheScript(t *testing.T) {
	tm := startDemo(t, 80, 24)
	waitFor(t, tm, "Scenario 1/11", "Manage POS pairing")
	tm.Send(keyRight)
	waitFor(t, tm, "Scenario 2/11", "On the terminal: start pairing")
	tm.Send(keyRight)
	waitFor(t, tm, "Type the code the terminal shows", "Front Counter")
	tm.Send(keyLeft) // replays the chain up to the step before
	waitFor(t, tm, "On the terminal: start pairing")
	tm.Send(keySpace)
	waitFor(t, tm, "paused")
	tm.Send(keyQ)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(generousWait)).(*Player)
	if got := fm.Position(); got != (Position{Scenario: 1, Step: 0}) {
		t.Errorf("after → → ← the player is at %+v, want scenario 2 step 1", got)
	}
	if !fm.Paused() {
		t.Error("space did not pause")
	}
}

func TestPlayerKeysUpdate(t *testing.T) {
	p, err := New(Options{Pace: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	p.Update(keySpace)
	if !p.Paused() {
		t.Fatal("space did not pause")
	}
	if p.Caption().State != statePaused {
		t.Errorf("caption state %v while paused", p.Caption().State)
	}
	p.Update(keySpace)
	if p.Paused() {
		t.Fatal("space did not resume")
	}
	// → before the step has settled skips its dwell rather than cutting
	// the step short.
	p.Update(keyRight)
	if p.Position() != (Position{}) || !p.skip {
		t.Errorf("→ while waiting: position %+v, skip %v", p.Position(), p.skip)
	}
	_, cmd := p.Update(keyQ)
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q does not quit")
	}
	if p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}); p.Position() != (Position{}) {
		t.Error("an unbound key moved the player")
	}
}

func TestScriptNavigation(t *testing.T) {
	s := SCIScript()
	if got := s.Prev(Position{Scenario: 1, Step: 0}); got != (Position{0, 0}) {
		t.Errorf("Prev of scenario 2's first step = %+v", got)
	}
	// The cancel scenario starts with setup steps: going back from its
	// first shown step lands on the previous scenario's last shown step.
	for i, sc := range s.Scenarios {
		if sc.Slug != "cancel" {
			continue
		}
		first := 0
		for sc.Steps[first].Setup {
			first++
		}
		prev := s.Prev(Position{i, first})
		if prev.Scenario != i-1 || s.Scenarios[prev.Scenario].Steps[prev.Step].Setup {
			t.Errorf("Prev skipped to %+v", prev)
		}
		if s.ChainStart(i) != i {
			t.Errorf("the cancel scenario should start its own session")
		}
	}
	if _, ok := s.Next(Position{len(s.Scenarios) - 1, len(s.Scenarios[len(s.Scenarios)-1].Steps) - 1}); ok {
		t.Error("Next after the last step")
	}
}

// Once nothing plays (the end, or a failed step), the caption offers only
// the keys that still do something.
func TestCaptionHintsAfterTheEnd(t *testing.T) {
	for _, st := range []captionState{stateEnd, stateFailed} {
		for _, w := range []int{60, 120} {
			c := Caption{Index: 11, Total: 11, Requirement: "Unpair", Step: "done", State: st, Keys: DefaultKeys()}
			bar := c.Render(w, 2)
			if strings.Contains(bar, "space") || strings.Contains(bar, "pause") || strings.Contains(bar, "→") {
				t.Errorf("%v at %d columns offers keys that do nothing now: %q", st, w, bar)
			}
			if !strings.Contains(bar, "←") || !strings.Contains(bar, "q") {
				t.Errorf("%v at %d columns lacks ← and q: %q", st, w, bar)
			}
		}
		playing := Caption{Index: 1, Total: 11, Requirement: "Unpaired", Step: "x", Keys: DefaultKeys()}.Render(120, 2)
		if !strings.Contains(playing, "space pause") {
			t.Errorf("while playing the caption lacks space pause: %q", playing)
		}
	}
}

// A window too small for the app pauses playback: a dwell that ends then
// does not move on, the caption and the screen say why, and a bigger
// window gives the step a whole new dwell. The test decides when each
// dwell ends, so no time passes in it.
func TestPlaybackWaitsWhileTheWindowIsTooSmall(t *testing.T) {
	p, err := New(Options{Pace: time.Hour, Width: 80, Height: 24, StepTimeout: generousStepTimeout})
	if err != nil {
		t.Fatal(err)
	}
	dwells := make(chan tea.Msg, 8)
	p.dwellTick = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { dwells <- fn(time.Time{}); return nil }
	}
	nextDwell := func() tea.Msg {
		t.Helper()
		select {
		case m := <-dwells:
			return m
		case <-time.After(generousWait):
			t.Fatal("no dwell started")
			return nil
		}
	}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "Scenario 1/11", "Manage POS pairing")
	first := nextDwell()

	tm.Send(tea.WindowSizeMsg{Width: 50, Height: 15})
	waitFor(t, tm, "too small", "Terminal too small: the demo is paused.", "Need 60×20, have 50×15.")
	tm.Send(first) // its time is up while nobody can see the step

	tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	second := nextDwell() // the step on show gets a whole new dwell
	waitFor(t, tm, "Manage POS pairing")
	tm.Send(second)
	waitFor(t, tm, "Scenario 2/11")
	tm.Send(keyQ)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(generousWait)).(*Player)
	if got := fm.Position(); got.Scenario != 1 {
		t.Errorf("after one dwell seen at full size the player is at %+v, want scenario 2", got)
	}
}

// While too small the caption offers only q: space and the arrows would
// seem to do nothing.
func TestCaptionWhileTooSmall(t *testing.T) {
	p, err := New(Options{Pace: time.Hour, Width: 50, Height: 15})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Caption()
	if c.State != stateTooSmall || !strings.Contains(c.Step, "Paused until the window is at least 60×20") {
		t.Fatalf("caption %+v at 50×15", c)
	}
	for _, w := range []int{50, 120} {
		bar := c.Render(w, 1)
		if !strings.Contains(bar, "too small") || strings.Contains(bar, "space") || strings.Contains(bar, "→") {
			t.Errorf("at %d columns: %q", w, bar)
		}
	}
	if !strings.Contains(p.View(), "Terminal too small: the demo is paused.") {
		t.Errorf("view at 50×15:\n%s", p.View())
	}
	if q, err := New(Options{Pace: time.Hour, Width: 50, Height: 15, Headless: true}); err != nil || q.Caption().State == stateTooSmall {
		t.Errorf("a headless player must never wait for a window (%v)", err)
	}
}
