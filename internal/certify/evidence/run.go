// Package evidence plays the demo's certification scenarios with no
// terminal and writes an evidence pack for one provider or all of them:
// index.html, one self-contained report a certifier opens in a browser
// (every requirement with its mark, every screen in colour with the
// requests made during its step, the build, date, size and seed); and per
// provider <id>/index.md (the same requirements and scenarios in text, for
// diffs), <id>/screens/ (each screen as plain text, ANSI and, when
// Chromium is at hand, PNG) and <id>/requests/ (each scenario's sandbox
// request log, secrets redacted). The providers and their requirements come
// from demo.Certifications. Two runs with the same seed write identical
// text captures, logs and per-provider indexes; index.md and index.html
// differ in their "Generated:" line.
package evidence

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
)

// AllProviders, as Options.Provider, plays every provider's scenarios.
const AllProviders = "all"

// Options configure a run.
type Options struct {
	Out   string // the pack's directory
	Force bool   // replace Out even if it is not an evidence pack
	// Provider is one provider id, or AllProviders or "" for every provider
	// of demo.Certifications.
	Provider string
	Width    int // 0: 80
	Height   int // 0: 24
	// Build names the binary in the report ("tillpair v1.2.0 (go1.26, linux/amd64)").
	Build string
	// Now stamps the index's one timestamp line (nil: time.Now).
	Now func() time.Time
	// StepTimeout bounds each step (0: DefaultStepTimeout).
	StepTimeout time.Duration
	// Pictures configures the PNGs of the screens; the zero value makes
	// none.
	Pictures Pictures
	// Credentials, when set, are planted as the sandbox's credentials:
	// tests plant canaries and prove no file of the pack holds them.
	Credentials sandbox.Credentials
}

// Result says what was written.
type Result struct {
	Dir       string
	Providers []string
	Shots     int
	Scenarios int
	// PNGs is how many screen pictures were made; when none were,
	// PicturesSkipped says why.
	PNGs            int
	PicturesSkipped string
}

// played is one provider's scenarios as the headless player reported them.
type played struct {
	cert      demo.Certification
	script    demo.Script
	mu        sync.Mutex
	shots     []demo.Shot
	scenarios []demo.ScenarioDone
}

// Run plays the scenarios and writes the pack.
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
	certs, err := Select(o.Provider)
	if err != nil {
		return Result{}, err
	}
	if err := checkOut(o.Out, o.Force); err != nil {
		return Result{}, err
	}
	generated := o.Now()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	lipgloss.SetHasDarkBackground(true)
	defer lipgloss.SetColorProfile(prev)

	res := Result{Dir: o.Out}
	var runs []*played
	for _, c := range certs {
		pl, err := play(ctx, o, c)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", c.Provider, err)
		}
		runs = append(runs, pl)
		res.Providers = append(res.Providers, c.Provider)
		res.Shots += len(pl.shots)
		res.Scenarios += len(pl.scenarios)
	}
	p, err := buildPack(runs, o)
	if err != nil {
		return Result{}, err
	}
	stage, err := p.stage(o.Out)
	if err != nil {
		return Result{}, err
	}
	defer stage.discard()
	pics := o.Pictures.make(ctx, stage.dir, p.screens)
	res.PNGs, res.PicturesSkipped = len(pics.made), pics.skipped
	indexes, err := p.indexes(runs, o, generated, pics)
	if err != nil {
		return Result{}, err
	}
	if err := stage.finish(indexes); err != nil {
		return Result{}, err
	}
	if err := stage.commit(); err != nil {
		return Result{}, err
	}
	return res, nil
}

// Select is the certifications a Provider option asks for: one, or all in
// display order for AllProviders and "".
func Select(provider string) ([]demo.Certification, error) {
	if provider == "" || strings.EqualFold(provider, AllProviders) {
		return demo.Certifications(), nil
	}
	c, err := demo.CertificationFor(provider)
	if err != nil {
		return nil, fmt.Errorf("no scenarios for provider %q; use %s, or %s for every one", provider, demo.ProviderList("or"), AllProviders)
	}
	return []demo.Certification{c}, nil
}

// DefaultStepTimeout bounds each step of a pack. A pack is a batch job on
// a fake clock: a step only waits for the app to draw, which a loaded
// machine may take long to do, so the bound is far from that cost (the
// live demo's 20 s, seen by someone watching, once failed a pack under
// load).
const DefaultStepTimeout = 2 * time.Minute

func play(ctx context.Context, o Options, c demo.Certification) (*played, error) {
	pl := &played{cert: c}
	if o.StepTimeout <= 0 {
		o.StepTimeout = DefaultStepTimeout
	}
	p, err := demo.New(demo.Options{
		Provider: c.Provider, Headless: true, Width: o.Width, Height: o.Height, Context: ctx, StepTimeout: o.StepTimeout,
		Credentials: o.Credentials,
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
		return nil, err
	}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
		tea.WithContext(ctx), tea.WithoutSignalHandler())
	if _, err := prog.Run(); err != nil {
		return nil, fmt.Errorf("playing the scenarios: %w", err)
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("playing the scenarios: %w", err)
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.script = p.Script()
	if len(pl.scenarios) != len(pl.script.Scenarios) {
		return nil, fmt.Errorf("playing the scenarios: only %d of %d finished", len(pl.scenarios), len(pl.script.Scenarios))
	}
	return pl, nil
}
