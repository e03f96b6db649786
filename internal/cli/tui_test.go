package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// sandboxEnv points the TUI's runtime at a fresh config dir and an
// in-memory keyring.
func sandboxEnv(t *testing.T) {
	t.Helper()
	keystore.MockInit()
	t.Setenv("TILLPAIR_CONFIG_DIR", t.TempDir())
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
}

func TestRootProviderFlagPicksTheInitialProvider(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Simple Cloud Integration — tillpair"},
		{[]string{"--provider", "sci"}, "Simple Cloud Integration — tillpair"},
		{[]string{"--provider", "smartconnect"}, "Smartpay SmartConnect — tillpair"},
		{[]string{"--provider", "helcim"}, "Helcim Payment Hardware — tillpair"},
	}
	for _, c := range cases {
		t.Run(strings.Join(append([]string{"flag"}, c.args...), "_"), func(t *testing.T) {
			sandboxEnv(t)
			args := append([]string{"--accessible", "--sandbox"}, c.args...)
			r := runCLI(context.Background(), "n\n", args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if first, _, _ := strings.Cut(r.stdout, "\n"); !strings.HasPrefix(first, c.want) {
				t.Errorf("opened on %q, want %q", first, c.want)
			}
		})
	}
}

func TestRootProviderFlagRefusesUnknownProvider(t *testing.T) {
	sandboxEnv(t)
	r := runCLI(context.Background(), "", "--accessible", "--sandbox", "--provider", "nosuch")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want %d (usage)\nstderr:\n%s", r.code, ExitUsage, r.stderr)
	}
	for _, want := range []string{`"nosuch"`, "--provider", "sci, smartconnect, helcim, sumup, square or linkly"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("something ran: stdout %q", r.stdout)
	}
}

func TestRootProviderFlagSaysWhatAnUnconfiguredProviderNeeds(t *testing.T) {
	newCLIWorld(t) // SCI configured; Helcim offered without its token
	r := runCLI(context.Background(), "n\n", "--accessible", "--provider", "helcim")
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Helcim Payment Hardware — tillpair", "Helcim Payment Hardware is not set up yet.", "tillpair setup helcim"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// onlyID is a provider as initialProvider sees it: its id.
type onlyID struct {
	providers.Provider
	id string
}

func (p onlyID) ID() string { return p.id }

func TestInitialProvider(t *testing.T) {
	scOnly := []providers.Provider{onlyID{id: providers.SmartConnect}}
	all := []providers.Provider{onlyID{id: providers.SCI}, onlyID{id: providers.SmartConnect}, onlyID{id: providers.Helcim}}
	for _, c := range []struct {
		flag      string
		available []providers.Provider
		want      string
	}{
		{"", all, providers.SCI},
		{"", scOnly, providers.SmartConnect},
		{"helcim", all, providers.Helcim},
		{"smartconnect", scOnly, providers.SmartConnect},
	} {
		if got, err := initialProvider(c.flag, c.available); err != nil || got != c.want {
			t.Errorf("initialProvider(%q, %d providers) = %q, %v; want %q", c.flag, len(c.available), got, err, c.want)
		}
	}
	_, err := initialProvider("helcim", scOnly)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("an unavailable provider: got %v, want a usage error", err)
	}
	for _, want := range []string{"--provider helcim is not configured", "available: smartconnect", "tillpair setup helcim", "--sandbox"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestProviderFlagIsTheRootsOnly(t *testing.T) {
	sandboxEnv(t)
	r := runCLI(context.Background(), "", "status", "--provider", "sci")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "unknown flag: --provider") {
		t.Errorf("status --provider: exit %d, stderr %q; the flag should belong to the root command only", r.code, r.stderr)
	}
}

func TestTUIWithoutATerminalSaysWhatToDo(t *testing.T) {
	sandboxEnv(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for args, wants := range map[string][]string{
		"--sandbox": {"stdin is not", "--accessible", "tillpair pair"},
		"demo":      {"stdin is not", "tillpair evidence --out"},
	} {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), Build{Version: "test"}, []string{args}, devNull, &out, &errb)
		if code != ExitUsage {
			t.Fatalf("%v: exit %d, want %d (usage)\nstderr:\n%s", args, code, ExitUsage, errb.String())
		}
		for _, want := range wants {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errb.String())
			}
		}
		if out.Len() != 0 {
			t.Errorf("%v: the screens drew something: %q", args, out.String())
		}
	}
}

// Quitting while a pairing awaits confirmation cancels it first; when that
// cancel fails the pairing may be left waiting, so the run exits 1
// (interrupted) with the command that removes it, not 0.
func TestTUIQuitExitsNonZeroWhenTheCancelFails(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	if r := runCLI(ctx, "", "pair", "--code", w.startCode(t), "--no-wait"); r.code != ExitOK {
		t.Fatalf("pair --no-wait: exit %d\n%s", r.code, r.stderr)
	}
	if err := w.sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RouteUnpair, Status: 503}); err != nil {
		t.Fatal(err)
	}
	// A real terminal: the screens size themselves from it and read keys
	// from it as they do for a merchant.
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	var out, errb syncbuf.Buffer
	go func() { _, _ = io.Copy(&out, ptmx) }()
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, Build{Version: "test"}, nil, tty, tty, &errb) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Confirm the pairing") {
		if time.Now().After(deadline) {
			t.Fatalf("the screens never resumed the waiting pairing:\n%s", out.String())
		}
		select {
		case code := <-done:
			t.Fatalf("the app ended (exit %d) before showing the pairing:\n%s", code, errb.String())
		case <-time.After(20 * time.Millisecond): // polling the output with a deadline
		}
	}
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	var code int
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("quitting never finished")
	}
	if code != ExitUnexpected {
		t.Errorf("exit %d, want %d (interrupted: the pairing may still wait)\nstderr:\n%s", code, ExitUnexpected, errb.String())
	}
	if !strings.Contains(errb.String(), "Could not cancel pairing") || !strings.Contains(errb.String(), "tillpair unpair ") {
		t.Errorf("stderr does not say how to remove the pairing:\n%s", errb.String())
	}
}
