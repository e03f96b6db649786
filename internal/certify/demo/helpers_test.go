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

type played struct {
	mu        sync.Mutex
	shots     []Shot
	scenarios []ScenarioDone
}

// playHeadless runs the whole script with no terminal, as evidence does.
func playHeadless(t *testing.T, o Options) (*played, *Player) {
	t.Helper()
	out := &played{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o.Headless, o.Context = true, ctx
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
