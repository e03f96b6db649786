// Package evidence plays the demo's certification scenarios with no
// terminal and writes an evidence pack: a screenshot of every screen state
// (plain text and ANSI), an index.md mapping each pairing requirement of
// the provider (demo.RequirementsFor) to the screenshots that show it, and
// each scenario's sandbox request log with secrets redacted. Two runs write identical files apart from the
// index's "Generated:" line.
package evidence

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

// Options configure a run.
type Options struct {
	Out      string // the pack's directory
	Force    bool   // replace Out even if it is not an evidence pack
	Provider string // sci (""), smartconnect or helcim: one pack per provider
	Width    int    // 0: 80
	Height   int    // 0: 24
	// Now stamps the index's one timestamp line (nil: time.Now).
	Now func() time.Time
	// StepTimeout bounds each step (0: demo.DefaultStepTimeout).
	StepTimeout time.Duration
}

// Result says what was written.
type Result struct {
	Dir       string
	Shots     int
	Scenarios int
}

// played is what the headless player reported.
type played struct {
	mu        sync.Mutex
	shots     []demo.Shot
	scenarios []demo.ScenarioDone
}

// Run plays the script and writes the pack.
//
// Screenshots render through lipgloss's default renderer (the ui package
// styles with it), so Run sets that renderer to the ANSI256 profile and a
// dark background for the run and puts the profile back afterwards; the
// background stays dark. Do not run it in parallel with other rendering.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Width == 0 {
		o.Width = 80
	}
	if o.Height == 0 {
		o.Height = 24
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width < 60 || o.Height < 20 {
		return Result{}, fmt.Errorf("evidence size %d×%d is below the app's minimum 60×20; use at least --width 60 --height 20", o.Width, o.Height)
	}
	if err := checkOut(o.Out, o.Force); err != nil {
		return Result{}, err
	}
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	lipgloss.SetHasDarkBackground(true)
	defer lipgloss.SetColorProfile(prev)

	pl, script, err := play(ctx, o)
	if err != nil {
		return Result{}, err
	}
	p := buildPack(script, pl, o)
	if err := p.write(o.Out); err != nil {
		return Result{}, err
	}
	return Result{Dir: o.Out, Shots: len(pl.shots), Scenarios: len(pl.scenarios)}, nil
}

func play(ctx context.Context, o Options) (*played, demo.Script, error) {
	pl := &played{}
	p, err := demo.New(demo.Options{
		Provider: o.Provider, Headless: true, Width: o.Width, Height: o.Height, Context: ctx, StepTimeout: o.StepTimeout,
		OnShot: func(s demo.Shot) {
			pl.mu.Lock()
			defer pl.mu.Unlock()
			pl.shots = append(pl.shots, s)
		},
		OnScenario: func(d demo.ScenarioDone) {
			pl.mu.Lock()
			defer pl.mu.Unlock()
			pl.scenarios = append(pl.scenarios, d)
		},
	})
	if err != nil {
		return nil, demo.Script{}, err
	}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
		tea.WithContext(ctx), tea.WithoutSignalHandler())
	if _, err := prog.Run(); err != nil {
		return nil, demo.Script{}, fmt.Errorf("playing the scenarios: %w", err)
	}
	if err := p.Err(); err != nil {
		return nil, demo.Script{}, fmt.Errorf("playing the scenarios: %w", err)
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if len(pl.scenarios) != len(p.Script().Scenarios) {
		return nil, demo.Script{}, fmt.Errorf("playing the scenarios: only %d of %d finished", len(pl.scenarios), len(p.Script().Scenarios))
	}
	return pl, p.Script(), nil
}
