package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// StopSignals end a run the way Ctrl-C does: SIGINT, SIGTERM (a supervisor
// or kill), SIGHUP (the terminal window or SSH session closed) and SIGQUIT
// (Ctrl-\). None of them may kill tillpair outright: a pairing awaiting
// confirmation would be left in the cloud and in the records (SCIPAIRING07).
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// NotifyStop returns a copy of parent that is cancelled at the first of
// StopSignals; every front-end (pair --wait, the screens, accessible mode)
// treats that cancellation as "cancel what is half made, then exit". Later
// signals are swallowed until stop is called: a closing terminal may send
// SIGHUP twice (the kernel, then the shell), and the second must not kill
// the process while it cancels. The cancel is bounded by pairing.CancelTimeout.
func NotifyStop(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, StopSignals...)
}
