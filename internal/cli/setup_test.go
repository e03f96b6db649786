package cli

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/keystore"
)

// sciSetupFromStdin mocks the keyring and clears the SCI credentials from
// the environment, so setup sci reads them from stdin.
func sciSetupFromStdin(t *testing.T) {
	t.Helper()
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
}

func TestSetupSCIFromPipedStdin(t *testing.T) {
	sciSetupFromStdin(t)
	const key, partA = "test_pak_c2VjcmV0a2V5==", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	r := runCLI(context.Background(), "  "+key+"\r\n"+partA+"\n", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stdout, "stored") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, key) || strings.Contains(r.stdout+r.stderr, partA) || strings.Contains(r.stdout, "c2Vj") {
		t.Error("a credential was printed")
	}
	for item, want := range map[string]string{keystore.SCIAPIKey: key, keystore.SCISigningPartA: partA} {
		got, err := keyring.Get(testKeyringService, item)
		if err != nil || got != want {
			t.Errorf("keyring %s = %q, %v", item, got, err)
		}
	}
}

func TestSetupSCIRejectsBadInput(t *testing.T) {
	sciSetupFromStdin(t)
	for _, tc := range []struct{ stdin, want string }{
		{"", "API key is missing"},
		{"key\n", "Part A is missing"},
		{"\nparta\n", "API key is empty"},
		{"two words\nparta\n", "contains whitespace"},
	} {
		r := runCLI(context.Background(), tc.stdin, "setup", "sci")
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("stdin %q: exit %d stderr %q; want %q", tc.stdin, r.code, r.stderr, tc.want)
		}
		if strings.Contains(r.stderr, "two words") {
			t.Error("the bad value was echoed")
		}
	}
	if _, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("something was stored: %v", err)
	}
	if r := runCLI(context.Background(), "", "setup", "helcim"); r.code != ExitUsage {
		t.Errorf("setup helcim exit %d", r.code)
	}
}

func TestSetupSCIWithEnvStoresNothing(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "k")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "a")
	r := runCLI(context.Background(), "", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stdout, "nothing needs storing") {
		t.Fatalf("exit %d stdout %q", r.code, r.stdout)
	}
	if _, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("stored anyway: %v", err)
	}
}

func TestSetupSCIKeyringFailureExits6(t *testing.T) {
	keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keystore.MockInit)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	r := runCLI(context.Background(), "key\nparta\n", "setup", "sci")
	if r.code != ExitStore || strings.Contains(r.stderr, "parta") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestPromptKeepsTheShownDefault(t *testing.T) {
	var errb strings.Builder
	e := &env{ctx: context.Background(), stderr: &errb}
	rd := bufio.NewReader(strings.NewReader("\n  New Name \n"))
	if v, err := prompt(e, rd, "Register name", "Main"); err != nil || v != "Main" {
		t.Errorf("Enter = %q, %v; want the default", v, err)
	}
	if v, err := prompt(e, rd, "Business name", "Old"); err != nil || v != "New Name" {
		t.Errorf("typed = %q, %v", v, err)
	}
	if !strings.Contains(errb.String(), "Register name [Main]: ") {
		t.Errorf("prompt %q does not show the default", errb.String())
	}
	var ue usageError
	if _, err := prompt(e, rd, "Vendor name", ""); !errors.As(err, &ue) {
		t.Errorf("EOF: %v", err)
	}
}
