//go:build unix

package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/providers"
)

// A stop reaches a front-end as a signal from kill or a supervisor, or as
// the terminal closing (hangup: the kernel sends SIGHUP and input fails).
type stopCase struct {
	name string
	sig  syscall.Signal // 0: close the terminal instead
}

var stopCases = []stopCase{
	{"SIGINT", syscall.SIGINT},
	{"SIGTERM", syscall.SIGTERM},
	{"SIGHUP", syscall.SIGHUP},
	{"SIGQUIT", syscall.SIGQUIT},
	{"terminal closed", 0},
}

// child is tillpair (main.go's signal handling, via
// TestSetupPtyHelperProcess) running on its own pseudo-terminal, which is
// its controlling terminal, as in a merchant's shell or SSH session.
type child struct {
	cmd    *exec.Cmd
	ptmx   *os.File
	screen *ptyScreen
	exited chan error
}

func startChild(t *testing.T, args string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSetupPtyHelperProcess$", "-test.count=1")
	// TERM: the screens need one that can redraw (dumb means accessible).
	cmd.Env = append(os.Environ(), helperEnv+"="+args, "TERM=xterm-256color", "ACCESSIBLE=")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	c := &child{cmd: cmd, ptmx: ptmx, screen: watchPtyAnswering(ptmx, true), exited: make(chan error, 1)}
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		err := <-c.exited
		c.exited <- err
		ptmx.Close()
	})
	return c
}

// stop delivers the stop and returns the exit status once the child has
// ended; -1 means a signal killed it.
func (c *child) stop(t *testing.T, sc stopCase) int {
	t.Helper()
	if sc.sig == 0 {
		c.ptmx.Close()
	} else if err := c.cmd.Process.Signal(sc.sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.exited:
		c.exited <- err // for the cleanup
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		default:
			t.Fatalf("wait: %v", err)
		}
	case <-time.After(ptyWait):
		t.Fatalf("still running %s after %s; the terminal shows:\n%s", ptyWait, sc.name, c.screen.String())
	}
	return -1
}

// nothingHalfMade fails unless no pairing is left in the cloud or in the
// records.
func (w *cliWorld) nothingHalfMade(t *testing.T, what string) {
	t.Helper()
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("%s: pairing left on the terminal: %+v", what, live)
	}
	r := runCLI(context.Background(), "", "status", "--json", "--no-check")
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitNoPairing || len(sj.Pairings) != 0 {
		t.Errorf("%s: records left: exit %d %+v", what, r.code, sj)
	}
}

// checkStopped: the run ended by itself with 1 (interrupted), saying so
// when the terminal is still there to show it, and left nothing half made.
func (w *cliWorld) checkStopped(t *testing.T, c *child, sc stopCase, code int, says string) {
	t.Helper()
	w.nothingHalfMade(t, sc.name)
	if code != ExitUnexpected {
		t.Fatalf("%s: exit %d, want %d (a signal killed it if -1); the terminal shows:\n%s", sc.name, code, ExitUnexpected, c.screen.String())
	}
	if sc.sig != 0 {
		c.screen.waitFor(t, says)
	}
}

// pair --wait: every stop cancels the pairing awaiting confirmation in the
// cloud and in the records, as Ctrl-C does, then exits 1.
func TestPairWaitStopSignalsCancelThePairing(t *testing.T) {
	w := newCLIWorld(t)
	for _, sc := range stopCases {
		t.Run(sc.name, func(t *testing.T) {
			c := startChild(t, "pair --code "+w.startCode(t))
			c.screen.waitFor(t, "Waiting up to")
			code := c.stop(t, sc)
			w.checkStopped(t, c, sc, code, "Interrupted: the pairing was cancelled")
		})
	}
}

// The screens: a stop while a pairing awaits confirmation cancels it, in
// the cloud and in the records, then exits 1 with what happened on stderr.
func TestTUIStopSignalsCancelThePairing(t *testing.T) {
	w := newCLIWorld(t)
	for _, sc := range stopCases {
		t.Run(sc.name, func(t *testing.T) {
			code := w.startCode(t)
			c := startChild(t, "--provider sci")
			c.screen.waitFor(t, "Pairing Code")
			typeKeys(t, c.ptmx, code+"\r")
			c.screen.waitFor(t, "Confirm the pairing")
			exit := c.stop(t, sc)
			w.checkStopped(t, c, sc, exit, "Interrupted: pairing ")
		})
	}
}

// Accessible mode: a stop while it waits for the confirmation cancels the
// pairing, in the cloud and in the records, then exits 1.
func TestAccessibleStopSignalsCancelThePairing(t *testing.T) {
	w := newCLIWorld(t)
	for _, sc := range stopCases {
		t.Run(sc.name, func(t *testing.T) {
			code := w.startCode(t)
			c := startChild(t, "--accessible --provider sci")
			c.screen.waitFor(t, "Pair a terminal now? [Y/n] ")
			typeKeys(t, c.ptmx, "y\r")
			c.screen.waitFor(t, "Pairing Code: ")
			typeKeys(t, c.ptmx, code+"\r")
			c.screen.waitFor(t, "Pairing Nickname (optional): ")
			typeKeys(t, c.ptmx, "\r")
			c.screen.waitFor(t, "Waiting for confirmation")
			if strings.Contains(c.screen.String(), "Pairing cancelled") {
				t.Fatalf("cancelled before the stop:\n%s", c.screen.String())
			}
			exit := c.stop(t, sc)
			w.checkStopped(t, c, sc, exit, "Pairing cancelled; nothing is left paired on the terminal.")
		})
	}
}

// A stop while the screens are already cancelling before quitting (q
// pressed, the cloud slow to answer the unpair) ends the program before
// that cancel answers; the pairing must still be cancelled.
func TestTUIStopWhileCancellingBeforeQuit(t *testing.T) {
	w := newCLIWorld(t)
	code := w.startCode(t)
	c := startChild(t, "--provider sci")
	c.screen.waitFor(t, "Pairing Code")
	typeKeys(t, c.ptmx, code+"\r")
	c.screen.waitFor(t, "Confirm the pairing")
	// The first unpair is held until the client hangs up; the next is not.
	if err := w.sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RouteUnpair, DelayMS: 60000, Count: 1}); err != nil {
		t.Fatal(err)
	}
	typeKeys(t, c.ptmx, "q")
	c.screen.waitFor(t, "Cancelling the pairing before quitting")
	sc := stopCase{"SIGTERM", syscall.SIGTERM}
	exit := c.stop(t, sc)
	w.checkStopped(t, c, sc, exit, "Interrupted: pairing ")
}
