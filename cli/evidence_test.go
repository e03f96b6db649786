package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEvidenceCommandWritesAPack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "pack")
	res := runCLI(ctx, "", "evidence", "--out", dir)
	if res.code != ExitOK {
		t.Fatalf("evidence exited %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, filepath.Join(dir, "index.md")) {
		t.Errorf("stdout does not say where the pack is: %q", res.stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.md"))
	if err != nil || !strings.Contains(string(b), "SCIPAIRING07") {
		t.Fatalf("index.md: %v\n%s", err, b)
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
	if res.code == ExitOK || !strings.Contains(res.stderr, "--force") || !strings.Contains(res.stderr, dir) {
		t.Errorf("non-pack dir: exit %d, %q", res.code, res.stderr)
	}
	if res := runCLI(ctx, "", "demo", "--provider", "nope"); res.code != ExitUsage || !strings.Contains(res.stderr, "sci") {
		t.Errorf("unknown provider: exit %d, %q", res.code, res.stderr)
	}
	if res := runCLI(ctx, "", "demo", "--pace", "0s"); res.code != ExitUsage || !strings.Contains(res.stderr, "--pace") {
		t.Errorf("zero pace: exit %d, %q", res.code, res.stderr)
	}
}
