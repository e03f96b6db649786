package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/keystore"
)

func TestSetupSCIWarnsAboutAThirdLine(t *testing.T) {
	sciSetupFromStdin(t)
	const key, partA, third = "test_pak_c2VjcmV0a2V5==", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "live_pak_dGhpcmQ=="
	r := runCLI(context.Background(), key+"\n"+partA+"\n"+third+"\n", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stderr, "Warning: stdin held more than two lines") || !strings.Contains(r.stderr, "ignored") {
		t.Fatalf("exit %d stderr %q; want a warning about the third line", r.code, r.stderr)
	}
	if out := r.stdout + r.stderr; strings.Contains(out, third) || strings.Contains(out, "dGhp") {
		t.Error("the ignored line was echoed")
	}
	if got, err := keyring.Get(testKeyringService, keystore.SCISigningPartA); err != nil || got != partA {
		t.Errorf("Part A = %q, %v; the second line must be stored", got, err)
	}
	// Two lines, or a trailing blank line, are what was asked for: no warning.
	for _, stdin := range []string{key + "\n" + partA + "\n", key + "\n" + partA + "\n\n  \n", key + "\n" + partA} {
		if r := runCLI(context.Background(), stdin, "setup", "sci"); r.code != ExitOK || strings.Contains(r.stderr, "held more") {
			t.Errorf("stdin %q: exit %d stderr %q", stdin, r.code, r.stderr)
		}
	}
}

func TestSetupRejectsAnOverlongLine(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	r := runCLI(context.Background(), strings.Repeat("a", maxCredentialLine+10)+"\n", "setup", "helcim")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "longer than") || strings.Contains(r.stderr, "aaaa") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}
