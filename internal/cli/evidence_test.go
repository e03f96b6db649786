package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

// playbackContext bounds a command that plays whole scripts: they take
// seconds, but minutes on a busy 2-core machine under -race, so the bound
// is the test binary's own deadline (go test -timeout) less a margin to
// report, not a fixed wall-clock budget load can exceed.
func playbackContext(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	d, ok := t.Deadline()
	if !ok {
		return context.WithCancel(context.Background())
	}
	return context.WithDeadline(context.Background(), d.Add(-min(time.Until(d)/10, 30*time.Second)))
}

func TestEvidenceCommandWritesAPack(t *testing.T) {
	ctx, cancel := playbackContext(t)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "pack")
	res := runCLI(ctx, "", "evidence", "--out", dir, "--pictures=false")
	if res.code != ExitOK {
		t.Fatalf("evidence exited %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{filepath.Join(dir, "index.html"), "sci, smartconnect, helcim", "pictures skipped: not asked for"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q: %q", want, res.stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "sci", "index.md"))
	if err != nil || !strings.Contains(string(b), "SCIPAIRING07") {
		t.Fatalf("sci/index.md: %v\n%s", err, b)
	}
	b, err = os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(b), "tillpair test (") {
		t.Errorf("index.html does not name the build: %v", err)
	}
}

// Without a browser the pack is written all the same, and both stdout and
// the report say the pictures were skipped and why.
func TestEvidenceCommandWithoutChromium(t *testing.T) {
	ctx, cancel := playbackContext(t)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "pack")
	missing := filepath.Join(t.TempDir(), "no-chromium")
	res := runCLI(ctx, "", "evidence", "--provider", "helcim", "--out", dir, "--chromium", missing)
	if res.code != ExitOK {
		t.Fatalf("evidence exited %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"pictures skipped: the browser " + missing + " cannot be run", "--chromium"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q: %q", want, res.stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(b), "skipped — the browser "+missing) {
		t.Errorf("index.html does not say the pictures were skipped: %v", err)
	}
	if pngs, _ := filepath.Glob(filepath.Join(dir, "*", "screens", "*.png")); len(pngs) != 0 {
		t.Errorf("pictures were made: %v", pngs)
	}
	if txts, _ := filepath.Glob(filepath.Join(dir, "helcim", "screens", "*.txt")); len(txts) < 10 {
		t.Errorf("only %d text captures", len(txts))
	}
}

func TestEvidenceCommandBadInput(t *testing.T) {
	ctx := context.Background()
	if res := runCLI(ctx, "", "evidence"); res.code != ExitUsage || !strings.Contains(res.stderr, "--out") {
		t.Errorf("no --out: exit %d, %q", res.code, res.stderr)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(ctx, "", "evidence", "--out", dir)
	if res.code != ExitUsage || !strings.Contains(res.stderr, "--force") || !strings.Contains(res.stderr, dir) {
		t.Errorf("non-pack dir: exit %d, %q", res.code, res.stderr)
	}
	if res := runCLI(ctx, "", "demo", "--provider", "nope"); res.code != ExitUsage || !strings.Contains(res.stderr, "sci") || !strings.Contains(res.stderr, "helcim") {
		t.Errorf("unknown provider: exit %d, %q", res.code, res.stderr)
	}
	if res := runCLI(ctx, "", "demo", "--pace", "0s"); res.code != ExitUsage || !strings.Contains(res.stderr, "--pace") {
		t.Errorf("zero pace: exit %d, %q", res.code, res.stderr)
	}
}

func TestEvidenceCommandProviderPacks(t *testing.T) {
	ctx, cancel := playbackContext(t)
	defer cancel()
	for prov, want := range map[string][]string{
		"smartconnect": {"Smartpay SmartConnect", "register ID shown read-only", "Terminal.GetStatus"},
		"helcim":       {"Helcim Payment Hardware", "Device code not found on this Helcim account", "Check the terminal screen for the ping message"},
	} {
		t.Run(prov, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "pack")
			res := runCLI(ctx, "", "evidence", "--provider", prov, "--out", dir, "--pictures=false")
			if res.code != ExitOK {
				t.Fatalf("evidence --provider %s exited %d: %s", prov, res.code, res.stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, prov, "index.md"))
			if err != nil {
				t.Fatal(err)
			}
			if others, _ := filepath.Glob(filepath.Join(dir, "sci")); len(others) != 0 {
				t.Errorf("--provider %s wrote SCI's scenarios too", prov)
			}
			for _, w := range want {
				if !strings.Contains(string(b), w) {
					t.Errorf("index.md lacks %q:\n%s", w, b)
				}
			}
			if strings.Contains(string(b), "SCIPAIRING") {
				t.Errorf("the %s pack lists SCI requirements", prov)
			}
		})
	}
	res := runCLI(ctx, "", "evidence", "--provider", "nosuch", "--out", filepath.Join(t.TempDir(), "pack"))
	if res.code != ExitUsage || !strings.Contains(res.stderr, "smartconnect") || !strings.Contains(res.stderr, "helcim") {
		t.Errorf("unknown provider: exit %d, %q", res.code, res.stderr)
	}
}

func TestDemoCommandQuitsOnQ(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for prov, brand := range map[string]string{
		"smartconnect": fmt.Sprintf("1/%d · SmartConnect", len(demo.SmartConnectScript().Scenarios)),
		"helcim":       fmt.Sprintf("1/%d · Helcim", len(demo.HelcimScript().Scenarios)),
	} {
		t.Run(prov, func(t *testing.T) {
			res := runCLI(ctx, "q", "demo", "--provider", prov)
			if res.code != ExitOK {
				t.Fatalf("demo --provider %s, q: exit %d: %s", prov, res.code, res.stderr)
			}
			if !strings.Contains(res.stdout, brand) {
				t.Errorf("demo did not show %s:\n%s", brand, res.stdout)
			}
		})
	}
}

// An --out that cannot be written is a setting to change: exit 2 with the
// path and the OS's reason, before any scenario plays.
func TestEvidenceCommandUnwritableOutIsUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{filepath.Join(file, "pack"): file + " is not a directory"}
	if runtime.GOOS == "linux" {
		// procfs takes no new directories, whoever runs the test (root too).
		cases["/proc/tillpair-evidence"] = "nothing can be created in /proc (no such file or directory)"
	}
	for out, why := range cases {
		res := runCLI(context.Background(), "", "evidence", "--out", out)
		if res.code != ExitUsage || res.stdout != "" {
			t.Errorf("--out %s: exit %d stdout %q stderr %q; want %d", out, res.code, res.stdout, res.stderr, ExitUsage)
		}
		for _, want := range []string{out, why, "--out"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("--out %s: stderr lacks %q: %q", out, want, res.stderr)
			}
		}
	}
}
