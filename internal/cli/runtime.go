package cli

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/keystore"
)

// openRuntime builds the configured runtime for pair/status/test/unpair.
// These commands never fall back to the in-process sandbox: a pairing made
// there would vanish when the command exits. Without credentials they fail
// with a message saying how to configure (exit 2); a keyring failure exits 6.
// window is the confirm window (0: default). Call the returned func when done.
func (e *env) openRuntime(window time.Duration) (*app.Runtime, func(), error) {
	return e.buildRuntime(app.Options{ConfirmWindow: window})
}

// openRecordsRuntime builds a configured runtime even when no provider has
// credentials: listing and forgetting pairings need only the records file,
// so a till whose keyring or environment is gone can still see and clear
// them. Commands reaching a provider get its setup advice per pairing.
func (e *env) openRecordsRuntime() (*app.Runtime, func(), error) {
	return e.buildRuntime(app.Options{AllowUnconfigured: true})
}

// buildRuntime builds a configured runtime from opts plus the globals.
func (e *env) buildRuntime(opts app.Options) (*app.Runtime, func(), error) {
	// Resolved first, and as a usage error: without $HOME (a service, a
	// bare container) the fix is a flag or a variable, not a bug report.
	if _, err := keystore.ConfigDir(e.getenv, e.g.configDir); err != nil {
		return nil, func() {}, withExit(ExitUsage, &userError{msg: err.Error() + ".", err: err})
	}
	log, closeLog, err := e.openLogger()
	if err != nil {
		return nil, func() {}, err
	}
	opts.ConfigDir, opts.Mode, opts.Getenv, opts.Logger, opts.Clock = e.g.configDir, app.ModeConfigured, e.getenv, log, e.clock
	rt, err := app.Build(e.ctx, opts)
	if err != nil {
		log.Info("cli: runtime not built", "err", err)
		_ = closeLog()
		return nil, func() {}, describe(err)
	}
	if n := rt.RecordsNotice; n != "" {
		// The dir is never chmod-ed behind the user's back (it may be one
		// they chose and share on purpose), so the least we owe them is
		// saying so, once per command.
		log.Warn("cli: records permissions", "notice", n)
		fmt.Fprintf(e.stderr, "tillpair: warning: %s.\n", n)
	}
	return rt, func() { _ = rt.Close(); _ = closeLog() }, nil
}

// stdinIsTerminal reports whether prompts can be answered interactively.
func (e *env) stdinIsTerminal() (int, bool) {
	f, ok := e.stdin.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}
