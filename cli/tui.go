package cli

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/accessible"
	"github.com/tillpair/tillpair/app"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/ui"
)

// accessibleMode: --accessible, ACCESSIBLE set (the huh convention), or a
// terminal that cannot redraw.
func (e *env) accessibleMode() bool {
	if e.g.accessible {
		return true
	}
	if v := e.getenv("ACCESSIBLE"); v != "" && v != "0" && v != "false" {
		return true
	}
	return e.getenv("TERM") == "dumb"
}

// runTUI opens the pairing screens (or the line prompts) over the runtime:
// the sandbox when nothing is configured or --sandbox is given.
func runTUI(e *env) error {
	log, closeLog, err := e.openLogger()
	if err != nil {
		return err
	}
	defer func() { _ = closeLog() }()
	rt, err := app.Build(e.ctx, app.Options{
		ConfigDir:    e.g.configDir,
		ForceSandbox: e.g.sandbox,
		Getenv:       e.getenv,
		Logger:       log,
	})
	if err != nil {
		return describe(err)
	}
	defer func() { _ = rt.Close() }()

	provider := providers.SCI
	if _, ok := rt.Service.Provider(provider); !ok {
		if ps := rt.Service.Providers(); len(ps) > 0 {
			provider = ps[0].ID()
		}
	}
	var terms ui.Terminals
	if rt.Sandbox != nil {
		terms = ui.FromSandbox(rt.Sandbox)
	}
	if e.accessibleMode() {
		return accessible.Run(e.ctx, accessible.Options{
			Service: rt.Service, Terminals: terms, Provider: provider,
			Badge: rt.Badge[provider], Badges: rt.Badge, Notice: rt.Notice, In: e.stdin, Out: e.stdout,
		})
	}

	// Ask the terminal for its background before Bubble Tea owns stdin, or
	// the reply arrives as keystrokes (tui-notes P10).
	_ = lipgloss.HasDarkBackground()
	m := ui.New(ui.Options{
		Service: rt.Service, Terminals: terms, Provider: provider,
		Badge: rt.Badge[provider], Badges: rt.Badge, Notice: rt.Notice, Context: e.ctx,
	})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(e.ctx),
		tea.WithInput(e.stdin), tea.WithOutput(e.stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return nil
}
