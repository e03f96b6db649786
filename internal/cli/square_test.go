package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers/square"
)

// The code_from_pos model on the command line against the sandbox: setup
// stores the token, pair prints the code with its expiry and --json gives
// confirmation_code and expires_at, the Terminal signs in, test makes it
// active, an expired code exits 4 and is forgotten here.
func TestCLICodeFromPOSEndToEnd(t *testing.T) {
	keystore.MockInit()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 13})
	t.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(t))
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	t.Setenv("TILLPAIR_SQUARE_ACCESS_TOKEN", "")
	t.Setenv("TILLPAIR_SQUARE_URL", sb.Info().URL(square.EndpointURL))
	term := testkit.Terminal(t, sb, square.ID)
	ctx := context.Background()
	token := sb.Info().Credential(square.CredAccessToken)

	r := runCLI(ctx, token+"\n", "setup", "square")
	if r.code != ExitOK || strings.Contains(r.stdout+r.stderr, token) {
		t.Fatalf("setup: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if got, err := keyring.Get(testKeyringService, square.KeyringAccessToken); err != nil || got != token {
		t.Fatalf("keyring item = %q, %v", got, err)
	}
	if r := runCLI(ctx, "", "pair", "--provider", "square", "--code", "ABCDEF"); r.code != ExitUsage || !strings.Contains(r.stderr, "takes no --code") {
		t.Errorf("pair --code: exit %d %q", r.code, r.stderr)
	}

	r = runCLI(ctx, "", "pair", "--provider", "square", "--nickname", "Front Bar", "--no-wait", "--json")
	var out pairJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); r.code != ExitOK || err != nil {
		t.Fatalf("pair: exit %d %q %q (%v)", r.code, r.stdout, r.stderr, err)
	}
	exp, err := time.Parse(time.RFC3339, out.ExpiresAt)
	if out.Status != "awaiting_confirmation" || out.ConfirmationCode == "" || err != nil {
		t.Fatalf("pair --json: %+v (%v)", out, err)
	}
	for _, want := range []string{"Device code: " + out.ConfirmationCode, "It expires at " + exp.Local().Format("15:04:05") + " (in 5 minutes)", "Sign in with device code", "tillpair test " + out.PairingID} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("pair stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// --no-wait does not wait: no "keep this screen open".
	if strings.Contains(r.stderr, "keep this screen open") {
		t.Errorf("pair --no-wait says to keep the screen open:\n%s", r.stderr)
	}
	if r := runCLI(ctx, "", "test", "Front Bar"); r.code != ExitNoPairing || !strings.Contains(r.stderr, "sign in with code "+out.ConfirmationCode) {
		t.Errorf("test before sign-in: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := sb.SignIn(term.ID, out.ConfirmationCode); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(ctx, "", "test", "Front Bar"); r.code != ExitOK || !strings.Contains(r.stdout, "is active") {
		t.Fatalf("test after sign-in: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(ctx, "", "unpair", "Front Bar", "--forget", "--yes"); r.code != ExitOK {
		t.Fatalf("forget: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// A waiting pair says it waits for the code to be used on the
	// terminal, and to keep the screen open; the Terminal (logged out
	// first) signs in when the first progress line is out.
	if _, err := sb.UnpairFromTerminal(term.ID); err != nil {
		t.Fatal(err)
	}
	var signErr error
	var stderr *onLine
	stderr = &onLine{marker: "Not signed in yet", act: func() {
		_, after, _ := strings.Cut(stderr.String(), "Device code: ")
		code, _, _ := strings.Cut(after, "\n")
		_, signErr = sb.SignIn(term.ID, code)
	}}
	var stdout strings.Builder
	code := Execute(ctx, Build{Version: "test"}, []string{"pair", "--provider", "square", "--nickname", "Back Bar"}, strings.NewReader(""), &stdout, stderr)
	if code != ExitOK || signErr != nil {
		t.Fatalf("waiting pair: exit %d (sign-in %v) %q %q", code, signErr, stdout.String(), stderr.String())
	}
	for _, want := range []string{"keep this screen open", "Not signed in yet: waiting for the device code to be used on the Square terminal…", "Signed in on the terminal."} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("waiting pair stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "merchant to confirm") {
		t.Errorf("waiting pair speaks of a confirmation:\n%s", stderr.String())
	}
}
