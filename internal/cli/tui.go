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
	"github.com/tillpair/tillpair/internal/pairing"
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
		notice = providerName(provider) + " is not set up yet. " + setup
	}
	var terms ui.Terminals
	if rt.Sandbox != nil {
		terms = app.Terminals(rt.Sandbox)
	}
	if e.accessibleMode() {
		return accessible.Run(e.ctx, accessible.Options{
			Service: rt.Service, Terminals: terms, Provider: provider,
			Badge: rt.Badge[provider], Badges: rt.Badge, Notice: notice, In: e.stdin, Out: e.stdout,
			Getenv: e.getenv,
		})
	}

	// Ask the terminal for its background before Bubble Tea owns stdin, or
	// the reply arrives as keystrokes (tui-notes P10).
	_ = lipgloss.HasDarkBackground()
	m := ui.New(ui.Options{
		Service: rt.Service, Terminals: terms, Provider: provider,
		Badge: rt.Badge[provider], Badges: rt.Badge, Notice: notice, Context: e.ctx,
	})
	// Stop signals reach the program through e.ctx (app.NotifyStop), which
	// kills it; Bubble Tea's own handler would quit it on SIGTERM without
	// the model knowing, so it is off.
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(e.ctx), tea.WithoutSignalHandler(),
		tea.WithInput(e.stdin), tea.WithOutput(e.stdout))
	_, runErr := p.Run()
	// A stop signal or a lost terminal (SIGHUP, then EIO on input) ends the
	// program without the model's quit, which would have cancelled a
	// pairing awaiting confirmation: cancel it here, as pair --wait does.
	if id := m.HalfMade(); id != "" {
		return cancelOnStop(e, rt.Service, id)
	}
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) {
		return runErr
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

// cancelOnStop cancels pairing id, left awaiting confirmation by screens
// that were stopped, and says so on stderr; the run exits 1 (interrupted)
// either way, with the command that removes the pairing if the cancel failed.
func cancelOnStop(e *env, svc *pairing.Service, id string) error {
	if err := svc.CancelUnconfirmed(e.ctx, id); err != nil {
		return withExit(ExitUnexpected, &userError{err: err, msg: fmt.Sprintf(
			"Interrupted, and cancelling pairing %s failed: %s It is kept awaiting confirmation; run `tillpair unpair %s` when that is fixed.", id, messageOf(err), id)})
	}
	return withExit(ExitUnexpected, &userError{msg: fmt.Sprintf(
		"Interrupted: pairing %s was cancelled (unpaired in the cloud and removed here). Start pairing on the terminal again.", id)})
}

// checkProviderFlag refuses an unknown --provider before anything is opened.
func checkProviderFlag(id string) error {
	if _, ok := lookup(id); ok || id == "" {
		return nil
	}
	return usagef("unknown provider %q for --provider; choose %s (e.g. tillpair --provider %s)", id, providerChoices(), lastProvider().ID)
}

// initialProvider is the provider the screens open on: --provider when it is
// available in this runtime, else the lead provider, else the first
// available one.
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
	if lead := leadProvider().ID; slices.Contains(ids, lead) || len(ids) == 0 {
		return lead, nil
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
