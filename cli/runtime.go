package cli

import (
	"os"
	"time"

	"golang.org/x/term"

	"github.com/tillpair/tillpair/app"
)

// openRuntime builds the configured runtime for pair/status/test/unpair.
// These commands never fall back to the in-process sandbox: a pairing made
// there would vanish when the command exits. Without credentials they fail
// with a message saying how to configure (exit 2); a keyring failure exits 6.
// window is the confirm window (0: default). Call the returned func when done.
func (e *env) openRuntime(window time.Duration) (*app.Runtime, func(), error) {
	return e.buildRuntime(app.Options{ConfirmWindow: window})
}

// buildRuntime builds a configured runtime from opts plus the globals.
func (e *env) buildRuntime(opts app.Options) (*app.Runtime, func(), error) {
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
