package demo

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// generousStepTimeout bounds a step in the tests: a step takes
// milliseconds to a few seconds on a busy machine under -race, so the
// product's DefaultStepTimeout (20 s of wall clock) can fire there and
// fail a test on load alone. The tests fail on what is shown, not on
// speed; a step that truly never settles still ends at the test's
// deadline (testContext).
const generousStepTimeout = 5 * time.Minute

// generousWait bounds a wait for the screen in the tests, far from what
// drawing costs even on a loaded machine (see generousStepTimeout).
const generousWait = 2 * time.Minute

// testContext ends shortly before the test binary's own deadline
// (go test -timeout), so a playback that hangs fails with its own error,
// instead of after a fixed wall-clock budget a loaded machine can exceed.
func testContext(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	d, ok := t.Deadline()
	if !ok {
		return context.WithCancel(context.Background())
	}
	return context.WithDeadline(context.Background(), d.Add(-deadlineMargin(time.Until(d))))
}

// deadlineMargin leaves a tenth of what is left (at most 30 s) to report.
func deadlineMargin(left time.Duration) time.Duration {
	return min(left/10, 30*time.Second)
}

type played struct {
	mu        sync.Mutex
	shots     []Shot
	scenarios []ScenarioDone
}

// playHeadless runs the whole script with no terminal, as evidence does.
func playHeadless(t *testing.T, o Options) (*played, *Player) {
	t.Helper()
	out := &played{}
	ctx, cancel := testContext(t)
	defer cancel()
	o.Headless, o.Context = true, ctx
	if o.StepTimeout == 0 {
		o.StepTimeout = generousStepTimeout
	}
	o.OnShot = func(s Shot) { out.mu.Lock(); out.shots = append(out.shots, s); out.mu.Unlock() }
	o.OnScenario = func(d ScenarioDone) { out.mu.Lock(); out.scenarios = append(out.scenarios, d); out.mu.Unlock() }
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
		tea.WithContext(ctx), tea.WithoutSignalHandler())
	if _, err := prog.Run(); err != nil {
		t.Fatalf("program: %v", err)
	}
	if p.Err() != nil {
		t.Errorf("playback stopped: %v", p.Err())
	}
	return out, p
}
