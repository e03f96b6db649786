package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/internal/cli"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers/linkly"
)

// canaryCLILinkly pairs a Linkly PIN pad through the CLI with the canary
// password (a pair input, from TILLPAIR_LINKLY_PASSWORD) and scans what it
// printed, logged and kept; the pairing's secret, read from the keyring,
// joins the secrets scanned for.
func canaryCLILinkly(t *testing.T, sc *scanner) {
	keystore.MockInit()
	sb := clouds.New(sandbox.Options{Seed: 37, Credentials: canaryCredentials()})
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	info := sb.Info()
	dir := t.TempDir()
	const service = "tillpair-canary-linkly"
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", service)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	t.Setenv("TILLPAIR_LINKLY_AUTH_URL", info.URL(linkly.EndpointAuth))
	t.Setenv("TILLPAIR_LINKLY_POS_URL", info.URL(linkly.EndpointPOS))
	t.Setenv("TILLPAIR_LINKLY_USERNAME", info.Credential(linkly.InputUsername))
	t.Setenv("TILLPAIR_LINKLY_PASSWORD", canaryLinklyPassword)
	logFile := filepath.Join(dir, "debug.log")
	run := func(name, stdin string, wantCode int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		args = append([]string{"--debug", "--log-file", logFile}, args...)
		code := cli.Execute(ctx, cli.Build{Version: "canary"}, args, strings.NewReader(stdin), &out, &errb)
		sc.add("cli linkly "+name+" stdout", out.String())
		sc.add("cli linkly "+name+" stderr", errb.String())
		if (wantCode >= 0 && code != wantCode) || (wantCode < 0 && (code == 0 || errb.Len() == 0)) {
			t.Fatalf("%s: exit %d, want %d; stderr %s", name, code, wantCode, errb.String())
		}
		return out.String()
	}
	var pad string
	for _, tm := range sb.Terminals() {
		if tm.Provider == linkly.ID {
			pad = tm.ID
		}
	}
	run("setup", "", 0, "setup", "linkly")
	tm, err := sb.StartPairing(pad)
	if err != nil {
		t.Fatal(err)
	}
	// A wrong password typed on stdin: refused, and not echoed either.
	t.Setenv("TILLPAIR_LINKLY_PASSWORD", "")
	run("pair-wrong-password", "CANARYwr0ngPwX4\n", -1, "pair", "--provider", "linkly", "--code", tm.PairingCode)
	sc.secret("Linkly wrong password", "CANARYwr0ngPwX4")
	t.Setenv("TILLPAIR_LINKLY_PASSWORD", canaryLinklyPassword)
	if tm, err = sb.StartPairing(pad); err != nil {
		t.Fatal(err)
	}
	out := run("pair", "", 0, "pair", "--provider", "linkly", "--code", tm.PairingCode, "--nickname", "Canary pad", "--json")
	var id string
	if _, err := fmt.Sscanf(out[strings.Index(out, `"pairing_id":"`)+len(`"pairing_id":"`):], "%36s", &id); err != nil {
		t.Fatalf("no pairing id in %q: %v", out, err)
	}
	secret, err := keyring.Get(service, fmt.Sprintf(linkly.ItemSecret, id))
	if err != nil || secret == "" {
		t.Fatalf("the Linkly secret is not in the keyring: %v", err)
	}
	sc.secret("Linkly pairing secret (CLI)", secret)
	run("test", "", 0, "test", id)
	run("status", "", 0, "status", "--json")
	if _, err := sb.UnpairFromTerminal(pad); err != nil {
		t.Fatal(err)
	}
	run("test-revoked", "", -1, "test", id)
	run("forget", "", 0, "unpair", id, "--forget", "--yes")
	log, err := os.ReadFile(logFile)
	if err != nil || len(log) == 0 {
		t.Fatalf("debug log missing or empty: %v", err)
	}
	sc.add("cli linkly debug log", string(log))
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				return rerr
			}
			sc.add("linkly config dir file "+filepath.Base(path), string(b))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
