package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers/linkly"
)

// A provider with pair inputs through the CLI, as its descriptor says:
// setup makes the register's generated id once, pair reads the username
// from stdin and the password from its environment variable, neither is
// printed or stored, and forget is the only way to end the pairing here.
func TestCLILinklyEndToEnd(t *testing.T) {
	keystore.MockInit()
	const password = "CANARY-linkly-cli-pw"
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 21, Credentials: sandbox.Credentials{linkly.InputPassword: password}})
	info := sb.Info()
	dir := newConfigDir(t)
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	t.Setenv("TILLPAIR_LINKLY_AUTH_URL", info.URL(linkly.EndpointAuth))
	t.Setenv("TILLPAIR_LINKLY_POS_URL", info.URL(linkly.EndpointPOS))
	t.Setenv("TILLPAIR_LINKLY_USERNAME", "")
	t.Setenv("TILLPAIR_LINKLY_PASSWORD", "")
	ctx := context.Background()
	user := info.Credential(linkly.InputUsername)

	r := runCLI(ctx, "", "pair", "--provider", "linkly", "--code", "123456")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "tillpair setup linkly") {
		t.Fatalf("pair before setup: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "setup", "linkly")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Linkly POS ID made") {
		t.Fatalf("setup: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	var posID string
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == "POS" && f[1] == "ID:" {
			posID = f[2]
		}
	}
	if u, err := uuid.Parse(posID); err != nil || u.Version() != 4 {
		t.Fatalf("setup printed POS ID %q: %v\n%s", posID, err, r.stdout)
	}
	if r = runCLI(ctx, "", "setup", "linkly", "--environment", "test"); r.code != ExitOK || !strings.Contains(r.stdout, "kept") ||
		!strings.Contains(r.stdout, posID) || !strings.Contains(r.stdout, "Environment:    test") {
		t.Fatalf("setup again: exit %d %q", r.code, r.stdout)
	}
	if r = runCLI(ctx, "", "setup", "linkly", "--environment", "live"); r.code != ExitUsage || !strings.Contains(r.stderr, "production or test") {
		t.Fatalf("setup with an unknown environment: exit %d %q", r.code, r.stderr)
	}

	pad := testkit.Terminal(t, sb, linkly.ID)
	shown, err := sb.StartPairing(pad.ID)
	if err != nil {
		t.Fatal(err)
	}
	// No password anywhere: piped stdin has only the username.
	r = runCLI(ctx, user+"\n", "pair", "--provider", "linkly", "--code", shown.PairingCode)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "Linkly Cloud password is missing") || !strings.Contains(r.stderr, "TILLPAIR_LINKLY_PASSWORD") {
		t.Fatalf("pair without a password: exit %d %q", r.code, r.stderr)
	}
	// A wrong password: Linkly's one answer for every refusal.
	r = runCLI(ctx, user+"\nnot-the-password\n", "pair", "--provider", "linkly", "--code", shown.PairingCode)
	if r.code != ExitRejected || !strings.Contains(r.stderr, "check username, password and pair code") {
		t.Fatalf("pair with a wrong password: exit %d %q", r.code, r.stderr)
	}
	shown, err = sb.StartPairing(pad.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TILLPAIR_LINKLY_PASSWORD", password)
	r = runCLI(ctx, user+"\n", "pair", "--provider", "linkly", "--code", shown.PairingCode, "--nickname", "Front", "--json")
	var pj pairJSON
	decodeOne(t, r.stdout, &pj)
	if r.code != ExitOK || pj.Status != "active" || pj.Provider != linkly.ID || pj.PairingNickname != "Front" {
		t.Fatalf("pair: exit %d %+v %q", r.code, pj, r.stderr)
	}
	r = runCLI(ctx, "", "test", "Front")
	if r.code != ExitOK || !strings.Contains(r.stdout, "is active") {
		t.Fatalf("test: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(ctx, "", "unpair", "Front", "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--forget") {
		t.Fatalf("unpair: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "unpair", "Front", "--forget", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Forgot Linkly Cloud pairing") {
		t.Fatalf("forget: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "pairings.json")); err != nil || strings.Contains(string(b), password) || strings.Contains(string(b), user) {
		t.Fatalf("records file: %v, or it holds a pair input", err)
	}
}
