package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// unconfiguredCLI is a till with nothing set up: an empty keyring (or none
// at all when noKeyring), no credentials in the environment, and a fresh
// config dir, which it returns.
func unconfiguredCLI(t *testing.T, noKeyring bool) string {
	t.Helper()
	keystore.MockInit()
	if noKeyring {
		keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	}
	t.Cleanup(keystore.MockInit)
	dir := t.TempDir()
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	for _, k := range []string{"TILLPAIR_SCI_API_KEY", "TILLPAIR_SCI_SIGNING_SECRET_PART_A", "TILLPAIR_HELCIM_API_TOKEN", "TILLPAIR_SMARTCONNECT_ENV"} {
		t.Setenv(k, "")
	}
	return dir
}

// Bad input is explained before any configuration matter: a mistyped code
// on an unconfigured till names the code, not the missing credentials.
func TestCLIPairExplainsBadInputBeforeConfiguration(t *testing.T) {
	long := strings.Repeat("x", 41)
	cases := []struct {
		name      string
		noKeyring bool
		args      []string
		want      string
	}{
		{"sci letters", false, []string{"pair", "--code", "abc"}, "must be digits only"},
		{"sci letters no keyring", true, []string{"pair", "--code", "abc"}, "must be digits only"},
		{"sci too short", false, []string{"pair", "--code", "12"}, "at least 4 digits — you typed 2"},
		{"sci too long", true, []string{"pair", "--code", "1234567890123"}, "at most 12 digits — you typed 13"},
		{"sci empty", false, []string{"pair", "--code", " "}, "Enter the pairing code"},
		{"sci nickname", true, []string{"pair", "--code", "123456", "--nickname", long}, "nickname is 41 characters long; the limit is 40"},
		{"helcim", true, []string{"pair", "--provider", "helcim", "--code", "12"}, "device code must be 4 characters — you typed 2"},
		{"smartconnect", false, []string{"pair", "--provider", "smartconnect", "--code", "x!"}, "may contain only letters A–Z and digits"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			unconfiguredCLI(t, tc.noKeyring)
			r := runCLI(context.Background(), "", tc.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", r.code, ExitUsage, r.stderr, tc.want)
			}
			for _, s := range []string{"not configured", "keyring", "tillpair setup"} {
				if strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q speaks of configuration (%q) before the bad input", r.stderr, s)
				}
			}
		})
	}
}

// An unreadable records file fails pair with exit 6, but only after the
// code has been found good: a typo is the first thing to fix.
func TestCLIPairChecksTheCodeBeforeTheRecords(t *testing.T) {
	dir := unconfiguredCLI(t, false)
	if err := os.WriteFile(filepath.Join(dir, "pairings.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(context.Background(), "", "pair", "--provider", "helcim", "--code", "DY6")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "device code must be 4 characters") {
		t.Errorf("bad code: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(context.Background(), "", "pair", "--provider", "helcim", "--code", "DY6L")
	if r.code == ExitOK || r.code == ExitUsage || strings.Contains(r.stderr, "device code") {
		t.Errorf("good code, bad records: exit %d stderr %q; want the records failure", r.code, r.stderr)
	}
}

// A good code on an unconfigured till still says how to configure.
func TestCLIPairGoodCodeThenSaysNotConfigured(t *testing.T) {
	unconfiguredCLI(t, false)
	r := runCLI(context.Background(), "", "pair", "--code", "12-34 56")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "tillpair setup sci") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestCLIPairUsageErrors(t *testing.T) {
	unconfiguredCLI(t, false)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pair"}, "--code is required: start pairing on the terminal and pass the code it shows, e.g. tillpair pair --code 123456"},
		{[]string{"pair", "--provider", "helcim"}, "e.g. tillpair pair --provider helcim --code DY6L"},
		{[]string{"pair", "123456"}, "takes its values as flags: tillpair pair --code 123456"},
		{[]string{"pair", "sci"}, "takes its values as flags: tillpair pair --provider sci --code CODE"},
		{[]string{"pair", "Helcim", "DY6L"}, "takes its values as flags: tillpair pair --provider helcim --code DY6L"},
		{[]string{"pair", "--code", "123456", "Front bar"}, `takes its values as flags: tillpair pair --code … --nickname "Front bar"`},
		{[]string{"pair", "1234", "5678"}, `tillpair pair takes no arguments, but got "1234" "5678"; give values with their flags`},
		{[]string{"pair", "--provider", "nosuch", "--code", "1"}, `unknown provider "nosuch"; choose sci, smartconnect, helcim, sumup, square or linkly`},
	} {
		r := runCLI(context.Background(), "", tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "Run 'tillpair pair --help' for usage.") {
			t.Errorf("%q: exit %d stderr %q; want %q and the pair help hint", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// What a descriptor asks at every pairing comes from its environment
// variable, else stdin, and is handed to the pairing, never stored.
func TestPairInputsFromEnvAndStdin(t *testing.T) {
	d := &providers.Descriptor{ID: "x", PairInputs: []providers.Credential{
		{Name: "x_username", Label: "Username"}, {Name: "x_password", Label: "Password", Secret: true}}}
	e := &env{ctx: context.Background(), stdin: strings.NewReader("alice\n"), stderr: io.Discard,
		getenv: func(k string) string {
			if k == "TILLPAIR_X_PASSWORD" {
				return "s3cret"
			}
			return ""
		}}
	got, err := e.pairInputs(d)
	if err != nil || got["x_username"].Reveal() != "alice" || got["x_password"].Reveal() != "s3cret" {
		t.Fatalf("pairInputs = %v, %v", got, err)
	}
	if got, err := e.pairInputs(&providers.Descriptor{ID: "y"}); got != nil || err != nil {
		t.Errorf("no inputs: %v, %v", got, err)
	}
}
