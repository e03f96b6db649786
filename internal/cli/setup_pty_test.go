//go:build unix

package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/keystore"
)

// ptyWait bounds every wait on a terminal; generous for -race and slow CI.
const ptyWait = 20 * time.Second

// ptyScreen is what a program wrote to its terminal, read from the pty
// master as it arrives.
type ptyScreen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // one pending wake-up is enough
}

func watchPty(ptmx *os.File) *ptyScreen { return watchPtyAnswering(ptmx, false) }

// terminalReplies are what a real terminal (xterm, VTE) answers at once to
// the queries termenv makes (background colour, cursor position, device
// attributes); unanswered, each costs termenv's 5-second timeout.
var terminalReplies = []struct{ query, reply string }{
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[c", "\x1b[?62;22c"},
}

// watchPtyAnswering is watchPty that, when answer is set, also replies to
// the program's terminal queries as a real terminal would.
func watchPtyAnswering(ptmx *os.File, answer bool) *ptyScreen {
	s := &ptyScreen{changed: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		answered := make([]int, len(terminalReplies))
		for {
			n, err := ptmx.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			for i, r := range terminalReplies {
				for answer && bytes.Count(s.buf.Bytes(), []byte(r.query)) > answered[i] {
					answered[i]++
					_, _ = ptmx.WriteString(r.reply)
				}
			}
			s.mu.Unlock()
			select {
			case s.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *ptyScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor returns once want has been written to the terminal.
func (s *ptyScreen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.NewTimer(ptyWait)
	defer deadline.Stop()
	for !strings.Contains(s.String(), want) {
		select {
		case <-s.changed:
		case <-deadline.C:
			t.Fatalf("the terminal never showed %q; it shows:\n%s", want, s.String())
		}
	}
}

// typeKeys writes to the terminal as a user's keystrokes.
func typeKeys(t *testing.T, ptmx *os.File, keys string) {
	t.Helper()
	if _, err := ptmx.WriteString(keys); err != nil {
		t.Fatal(err)
	}
}

// echoIsOn checks that the terminal echoes again: the line discipline echoes
// input with ECHO set whether or not anything reads it. A prompt left with
// echo off would leave the user's shell typing blind.
func echoIsOn(t *testing.T, ptmx *os.File, screen *ptyScreen) {
	t.Helper()
	typeKeys(t, ptmx, "echo-is-back\n")
	screen.waitFor(t, "echo-is-back")
}

// runOnPty runs the command in-process with a pty as its terminal, as a
// user at a shell has it: stdin, stdout and stderr all on the tty.
func runOnPty(t *testing.T, ctx context.Context, args ...string) (ptmx *os.File, screen *ptyScreen, exit <-chan int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	// Closing both ends ends the reads a cancelled prompt leaves behind.
	t.Cleanup(func() { tty.Close(); ptmx.Close() })
	code := make(chan int, 1)
	go func() { code <- Execute(ctx, Build{Version: "test"}, args, tty, tty, tty) }()
	return ptmx, watchPty(ptmx), code
}

func waitExit(t *testing.T, exit <-chan int, screen *ptyScreen) int {
	t.Helper()
	select {
	case c := <-exit:
		return c
	case <-time.After(ptyWait):
		t.Fatalf("the command did not end; the terminal shows:\n%s", screen.String())
		return -1
	}
}

func nothingStoredForSCI(t *testing.T) {
	t.Helper()
	for _, item := range []string{keystore.SCIAPIKey, keystore.SCISigningPartA} {
		if _, err := keyring.Get(testKeyringService, item); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("keyring %s: %v; want nothing stored", item, err)
		}
	}
}

// Ctrl-C at the hidden Part A prompt, with the key already typed, ends setup
// at once with nothing stored, and puts the terminal's echo back.
func TestSetupSCICtrlCAtTheHiddenPromptStoresNothing(t *testing.T) {
	sciSetupFromStdin(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ptmx, screen, exit := runOnPty(t, ctx, "setup", "sci")
	screen.waitFor(t, "SCI Pairing API key: ")
	typeKeys(t, ptmx, "test_pak_typedkey==\n")
	screen.waitFor(t, "SCI signing secret Part A: ")
	if strings.Contains(screen.String(), "typedkey") {
		t.Fatal("the API key was echoed")
	}
	cancel() // what main's signal.NotifyContext does on Ctrl-C
	if code := waitExit(t, exit, screen); code != ExitUnexpected {
		t.Errorf("exit %d, want %d", code, ExitUnexpected)
	}
	screen.waitFor(t, "Cancelled; nothing was stored.")
	nothingStoredForSCI(t)
	echoIsOn(t, ptmx, screen)
}

// Ctrl-D at an empty hidden prompt is the end of input: a usage error
// saying so, with nothing stored.
func TestSetupSCICtrlDAtTheHiddenPromptIsEndOfInput(t *testing.T) {
	sciSetupFromStdin(t)
	ptmx, screen, exit := runOnPty(t, context.Background(), "setup", "sci")
	screen.waitFor(t, "SCI Pairing API key: ")
	typeKeys(t, ptmx, "\x04")
	if code := waitExit(t, exit, screen); code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	screen.waitFor(t, "nothing was stored")
	if s := screen.String(); !strings.Contains(s, "The input ended (Ctrl-D) before the SCI Pairing API key was entered") || !strings.Contains(s, "Run `tillpair setup sci` again") || strings.Contains(s, "EOF") {
		t.Errorf("the message does not say the input ended:\n%s", s)
	}
	nothingStoredForSCI(t)
	echoIsOn(t, ptmx, screen)
}

func TestSetupHelcimFromATerminalStoresWithoutEcho(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	t.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(t))
	ptmx, screen, exit := runOnPty(t, context.Background(), "setup", "helcim")
	screen.waitFor(t, "Helcim API token: ")
	typeKeys(t, ptmx, "hc-typed-token\n")
	if code := waitExit(t, exit, screen); code != ExitOK {
		t.Fatalf("exit %d; the terminal shows:\n%s", code, screen.String())
	}
	if strings.Contains(screen.String(), "typed-token") {
		t.Error("the token was echoed")
	}
	if got, err := keyring.Get(testKeyringService, keystore.HelcimAPIToken); err != nil || got != "hc-typed-token" {
		t.Errorf("stored %q, %v", got, err)
	}
	echoIsOn(t, ptmx, screen)
}

// The echoed prompts of setup smartconnect honour Ctrl-C too: an answer
// already given is not saved.
func TestSetupSmartConnectCtrlCAtAPromptSavesNothing(t *testing.T) {
	dir := newConfigDir(t)
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_SMARTCONNECT_ENV", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ptmx, screen, exit := runOnPty(t, ctx, "setup", "smartconnect")
	screen.waitFor(t, "Register name: ")
	typeKeys(t, ptmx, "Main Till\n")
	screen.waitFor(t, "Business name: ")
	cancel()
	if code := waitExit(t, exit, screen); code != ExitUnexpected {
		t.Errorf("exit %d, want %d", code, ExitUnexpected)
	}
	screen.waitFor(t, "Cancelled; nothing was stored.")
	b, err := os.ReadFile(filepath.Join(dir, "pairings.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Main Till") {
		t.Errorf("the answer was saved:\n%s", b)
	}
}

// helperEnv names the command line TestSetupPtyHelperProcess runs.
const helperEnv = "TILLPAIR_CLI_PTY_HELPER"

// TestSetupPtyHelperProcess is the child of TestSetupSCIRealCtrlC and the
// stop-signal tests: the tillpair main (main.go) in the test binary,
// keyring in memory.
func TestSetupPtyHelperProcess(t *testing.T) {
	args := os.Getenv(helperEnv)
	if args == "" {
		t.Skip("only runs as TestSetupSCIRealCtrlC's child process")
	}
	keystore.MockInit()
	ctx, stop := app.NotifyStop(context.Background())
	code := Execute(ctx, Build{Version: "test"}, strings.Fields(args), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// The acceptance repro: a real Ctrl-C typed on the terminal (the line
// discipline sends SIGINT, as in a user's shell) at the hidden prompt. The
// typed values that follow must never be stored.
func TestSetupSCIRealCtrlC(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSetupPtyHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=setup sci",
		"TILLPAIR_SCI_API_KEY=", "TILLPAIR_SCI_SIGNING_SECRET_PART_A=", "TILLPAIR_CONFIG_DIR="+newConfigDir(t))
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		ptmx.Close()
	})
	screen := watchPtyAnswering(ptmx, true) // as a real terminal, which answers at once
	screen.waitFor(t, "SCI Pairing API key: ")
	typeKeys(t, ptmx, "\x03")
	screen.waitFor(t, "Cancelled; nothing was stored.")
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitUnexpected {
			t.Errorf("exit: %v; want status %d", err, ExitUnexpected)
		}
	case <-time.After(ptyWait):
		t.Fatalf("still running after Ctrl-C; the terminal shows:\n%s", screen.String())
	}
	if s := screen.String(); strings.Contains(s, "stored in the OS keyring") {
		t.Errorf("credentials stored after Ctrl-C:\n%s", s)
	}
}
