package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/keystore"
)

func TestSetupSCIWarnsAboutAKeyWithoutAnEnvironmentPrefix(t *testing.T) {
	const partA = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	for _, tc := range []struct {
		name, key, part, want string
	}{
		{"part A pasted as key", "a1b2c3d4e5f60718293a4b5c6d7e8f90", partA, "the SCI Pairing API key does not look like an SCI API key (they start with test_ or live_): check you pasted the Pairing API key, not the signing secret Part A"},
		{"docs-style key", "pak_c2VjcmV0a2V5==", partA, "does not look like an SCI API key"},
		{"swapped", partA, "live_pak_c2VjcmV0a2V5==", "the two look swapped"},
		{"test key", "test_pak_c2VjcmV0a2V5==", partA, ""},
		{"live key", "live_pak_c2VjcmV0a2V5==", partA, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unconfiguredCLI(t, false)
			r := runCLI(context.Background(), tc.key+"\n"+tc.part+"\n", "setup", "sci")
			if r.code != ExitOK || !strings.Contains(r.stdout, "SCI credentials stored") {
				t.Fatalf("exit %d stdout %q stderr %q; a warning must not stop the setup", r.code, r.stdout, r.stderr)
			}
			if got, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); err != nil || got != tc.key {
				t.Errorf("stored key %q, %v", got, err)
			}
			if tc.want == "" {
				if strings.Contains(r.stderr, "Warning") {
					t.Errorf("warned about a good key: %q", r.stderr)
				}
			} else if !strings.Contains(r.stderr, "Warning: ") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q; want %q", r.stderr, tc.want)
			}
			for _, secret := range []string{tc.key, tc.part, tc.key[:6], tc.part[:6], "c2Vj"} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("output shows part of a credential (%q): %q %q", secret, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestSetupSCIWarnsAboutTheEnvKeyToo(t *testing.T) {
	unconfiguredCLI(t, false)
	t.Setenv("TILLPAIR_SCI_API_KEY", "0123456789abcdef")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "fedcba9876543210")
	r := runCLI(context.Background(), "", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stderr, "Warning: TILLPAIR_SCI_API_KEY does not look like an SCI API key") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "012345") || strings.Contains(r.stdout+r.stderr, "fedcba") {
		t.Errorf("a credential was printed: %q %q", r.stdout, r.stderr)
	}
}
