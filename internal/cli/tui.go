package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"github.com/tillpair/tillpair/internal/accessible"
	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
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
	if err := checkProviderFlag(e.g.provider); err != nil {
		return err
	}
	if !e.accessibleMode() && notATerminal(e.stdin) {
		// Bubble Tea would fail deep inside its input reader; say what to do.
		return errNoTerminal("the pairing screens", "run tillpair in a terminal, use --accessible for plain line prompts, or script it with tillpair pair, status, test and unpair")
	}
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

	provider, err := initialProvider(e.g.provider, rt.Service.Providers())
	if err != nil {
		return err
	}
	notice := rt.Notice
	if setup := rt.NeedsSetup[provider]; setup != "" && notice == "" && e.g.provider != "" {
		// Asked for by name: say at once what pairing it will need.
		notice = screens.ProductName(provider) + " is not set up yet. " + setup
	}
	var terms ui.Terminals
	if rt.Sandbox != nil {
		terms = app.Terminals(rt.Sandbox)
	}
	if e.accessibleMode() {
		return accessible.Run(e.ctx, accessible.Options{
			Service: rt.Service, Terminals: terms, Provider: provider,
			Badge: rt.Badge[provider], Badges: rt.Badge, Notice: notice, In: e.stdin, Out: e.stdout,
		})
	}

	// Ask the terminal for its background before Bubble Tea owns stdin, or
	// the reply arrives as keystrokes (tui-notes P10).
	_ = lipgloss.HasDarkBackground()
	m := ui.New(ui.Options{
		Service: rt.Service, Terminals: terms, Provider: provider,
		Badge: rt.Badge[provider], Badges: rt.Badge, Notice: notice, Context: e.ctx,
	})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(e.ctx),
		tea.WithInput(e.stdin), tea.WithOutput(e.stdout))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	// The alt screen takes the last status line with it; what quitting did
	// to a pairing awaiting confirmation must outlive it.
	note := m.QuitNote()
	if m.QuitLeftWaiting() {
		// A pairing may be left awaiting confirmation: the run was
		// interrupted, not finished (README's exit codes).
		return withExit(ExitUnexpected, errors.New(note))
	}
	if note != "" {
		fmt.Fprintf(e.stderr, "tillpair: %s\n", note)
	}
	return nil
}

// checkProviderFlag refuses an unknown --provider before anything is opened.
func checkProviderFlag(id string) error {
	switch id {
	case "", providers.SCI, providers.SmartConnect, providers.Helcim:
		return nil
	}
	return usagef("unknown provider %q for --provider; choose sci, smartconnect or helcim (e.g. tillpair --provider helcim)", id)
}

// initialProvider is the provider the screens open on: --provider when it is
// available in this runtime, else sci, else the first available one.
func initialProvider(flag string, available []providers.Provider) (string, error) {
	ids := make([]string, 0, len(available))
	for _, p := range available {
		ids = append(ids, p.ID())
	}
	if flag != "" {
		if slices.Contains(ids, flag) {
			return flag, nil
		}
		return "", usagef("--provider %s is not configured here (available: %s); run 'tillpair setup %s' to configure it, or add --sandbox to try it against the built-in sandbox",
			flag, strings.Join(ids, ", "), flag)
	}
	if slices.Contains(ids, providers.SCI) || len(ids) == 0 {
		return providers.SCI, nil
	}
	return ids[0], nil
}

// notATerminal reports stdin that is a file but not a terminal (/dev/null,
// a pipe, a regular file): Bubble Tea cannot read keys from it and fails
// with a low-level error. Readers that are not files (tests) are let through.
func notATerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && !term.IsTerminal(int(f.Fd()))
}

func errNoTerminal(what, next string) error {
	return usagef("%s need a terminal, but stdin is not one: %s", what, next)
}
