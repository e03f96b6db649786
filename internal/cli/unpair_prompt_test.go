//go:build linux

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/tillpair/tillpair/keystore"
)

// buildBinary builds tillpair itself: signal handling lives in main.go, so
// only the real binary on a real terminal shows what Ctrl-C does.
func buildBinary(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build tillpair: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "tillpair")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = "../.." // the module root, where main.go is
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ptyOutput collects what the program writes to its terminal and reports
// when a marker has appeared.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
	ch  chan struct{} // signalled after every read
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func (o *ptyOutput) waitFor(t *testing.T, marker string, deadline <-chan time.Time) {
	t.Helper()
	for !strings.Contains(o.String(), marker) {
		select {
		case <-o.ch:
		case <-deadline:
			t.Fatalf("%q never appeared; the terminal shows %q", marker, o.String())
		}
	}
}

// Ctrl-C at the y/N question ends the command at once, without Enter, and
// leaves the pairing and the terminal as they were.
func TestUnpairPromptCtrlCCancelsAtOnce(t *testing.T) {
	bin := buildBinary(t)
	dir := newConfigDir(t)
	recordHelcimPairing(t, dir, "CWF0")

	cmd := exec.Command(bin, "unpair", "CWF0", "--forget")
	// Credentials from the environment and no session bus: the test never
	// touches the machine's keyring.
	cmd.Env = append(os.Environ(), "TILLPAIR_CONFIG_DIR="+dir, "TILLPAIR_KEYRING_SERVICE="+testKeyringService,
		"TILLPAIR_SCI_API_KEY=test_unused", "TILLPAIR_SCI_SIGNING_SECRET_PART_A=unused", "TILLPAIR_HELCIM_API_TOKEN=unused",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := &ptyOutput{ch: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 256)
		for {
			n, err := tty.Read(b)
			out.mu.Lock()
			out.buf.Write(b[:n])
			out.mu.Unlock()
			select {
			case out.ch <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(20 * time.Second)
	out.waitFor(t, "[y/N]", deadline)

	if _, err := tty.Write([]byte{0x03}); err != nil { // Ctrl-C, as typed
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitUnexpected {
			t.Errorf("exit: %v; want exit %d", err, ExitUnexpected)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("Ctrl-C did not end the prompt without Enter; the terminal shows %q", out.String())
	}
	out.waitFor(t, "Cancelled", deadline)
	if strings.Contains(out.String(), "Forgot") {
		t.Errorf("the pairing was forgotten: %q", out.String())
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := recs.Load()
	if err != nil || len(f.Pairings) != 1 {
		t.Errorf("records after Ctrl-C: %+v %v", f.Pairings, err)
	}
	// The prompt never leaves cooked mode, so the shell gets back a
	// terminal that echoes and reads lines.
	tios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tios.Lflag&(unix.ECHO|unix.ICANON|unix.ISIG) != unix.ECHO|unix.ICANON|unix.ISIG {
		t.Errorf("terminal left without echo or line mode: lflag %#x", tios.Lflag)
	}
}
