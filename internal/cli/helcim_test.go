package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// newHelcimCLIWorld points the configured CLI at the sandbox's Helcim only;
// the token comes from `setup helcim` (the mock keyring), not the env.
func newHelcimCLIWorld(t *testing.T) (*sandbox.Sandbox, sandbox.Terminal) {
	t.Helper()
	keystore.MockInit()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 13})
	t.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(t))
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	t.Setenv("TILLPAIR_HELCIM_URL", sb.Info().URL("helcim_url"))
	return sb, testkit.Terminal(t, sb, providers.Helcim)
}

func TestCLIHelcimEndToEnd(t *testing.T) {
	sb, term := newHelcimCLIWorld(t)
	ctx := context.Background()
	token := sb.Info().Credential("helcim_api_token")

	r := runCLI(ctx, "", "pair", "--provider", "helcim", "--code", "ABCD")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "tillpair setup helcim") {
		t.Fatalf("pair before setup: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "  "+token+"\r\n", "setup", "helcim")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Helcim API token stored") {
		t.Fatalf("setup: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, token) {
		t.Fatal("the token was printed")
	}
	if got, err := keyring.Get(testKeyringService, keystore.HelcimAPIToken); err != nil || got != token {
		t.Fatalf("keyring item = %q, %v", got, err)
	}

	// Standalone mode: the device does not listen yet.
	r = runCLI(ctx, "", "pair", "--provider", "helcim", "--code", term.TID)
	if r.code != ExitNetwork || !strings.Contains(r.stderr, "wake it") || !strings.Contains(r.stderr, "pairing mode") {
		t.Fatalf("not listening: exit %d %q", r.code, r.stderr)
	}

	shown, err := sb.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	code := shown.PairingCode
	r = runCLI(ctx, "", "pair", "--provider", "helcim", "--code", strings.ToLower(code))
	want := "Helcim Payment Hardware pairing " + code + ": active. Ping sent — check the terminal screen.\n"
	if r.code != ExitOK || r.stdout != want {
		t.Fatalf("pair: exit %d stdout %q (want %q) stderr %q", r.code, r.stdout, want, r.stderr)
	}
	if now, _ := sb.Terminal(term.ID); now.Screen != "ping" {
		t.Errorf("terminal screen %q; want the ping", now.Screen)
	}

	r = runCLI(ctx, "", "status", "--json")
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitOK || len(sj.Pairings) != 1 || sj.Pairings[0].PairingID != code || sj.Pairings[0].Provider != providers.Helcim {
		t.Fatalf("status: exit %d %+v", r.code, sj)
	}
	r = runCLI(ctx, "", "test", code)
	if r.code != ExitOK || !strings.Contains(r.stdout, "Ping sent — check the terminal screen") {
		t.Fatalf("test: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := sb.Sleep(term.ID); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "test", code)
	if r.code != ExitNetwork || !strings.Contains(r.stderr, "not listening") {
		t.Fatalf("test asleep: exit %d %q", r.code, r.stderr)
	}

	r = runCLI(ctx, "", "unpair", code, "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "standalone") || !strings.Contains(r.stderr, "--forget") {
		t.Fatalf("unpair: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "unpair", code, "--forget", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Forgot Helcim Payment Hardware pairing "+code) || !strings.Contains(r.stderr, "standalone") {
		t.Fatalf("forget: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r = runCLI(ctx, "", "status", "--json", "--no-check"); r.code != ExitNoPairing {
		t.Fatalf("status after forget: exit %d %q", r.code, r.stdout)
	}
}

func TestCLIHelcimBadAndUnknownCodes(t *testing.T) {
	sb, _ := newHelcimCLIWorld(t)
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", sb.Info().Credential("helcim_api_token"))
	ctx := context.Background()
	for _, code := range []string{"AB!D", "ABCDE", "A"} {
		r := runCLI(ctx, "", "pair", "--provider", "helcim", "--code", code)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "device code") {
			t.Errorf("code %q: exit %d %q", code, r.code, r.stderr)
		}
	}
	for _, route := range []string{"device", "ping"} {
		if n := sb.RequestCount(providers.Helcim, route); n != 0 {
			t.Errorf("%d %s requests sent for bad codes", n, route)
		}
	}
	r := runCLI(ctx, "", "pair", "--provider", "helcim", "--code", "ZZ9Z")
	if r.code != ExitRejected || !strings.Contains(r.stderr, "Device code not found on this Helcim account") {
		t.Fatalf("unknown code: exit %d %q", r.code, r.stderr)
	}

	r = runCLI(ctx, "", "setup", "helcim")
	if r.code != ExitOK || !strings.Contains(r.stdout, "TILLPAIR_HELCIM_API_TOKEN is set") {
		t.Errorf("setup with env: exit %d %q", r.code, r.stdout)
	}
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	for _, stdin := range []string{"", "two words\n"} {
		if r := runCLI(ctx, stdin, "setup", "helcim"); r.code != ExitUsage || strings.Contains(r.stderr, "two words") {
			t.Errorf("setup stdin %q: exit %d %q", stdin, r.code, r.stderr)
		}
	}
}

// maxNesting is the deepest bracket nesting in s: a line staff read aloud
// should never put brackets inside brackets.
func maxNesting(s string) int {
	depth, most := 0, 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
			most = max(most, depth)
		case ')', ']':
			depth--
		}
	}
	return most
}

func TestCLIHelcimRateLimitReadsCleanly(t *testing.T) {
	sb, term := newHelcimCLIWorld(t)
	ctx := context.Background()
	if r := runCLI(ctx, sb.Info().Credential("helcim_api_token")+"\n", "setup", "helcim"); r.code != ExitOK {
		t.Fatalf("setup: exit %d %q", r.code, r.stderr)
	}
	shown, err := sb.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.SetFault(sandbox.Fault{Provider: providers.Helcim, Route: helcim.RouteDevice, Status: 429}); err != nil {
		t.Fatal(err)
	}
	r := runCLI(ctx, "", "pair", "--provider", "helcim", "--code", shown.PairingCode)
	line := strings.TrimSpace(r.stderr)
	if r.code == ExitOK {
		t.Fatalf("pair succeeded under a 429: %q", r.stdout)
	}
	for _, want := range []string{"Too many requests", "5 requests at once", "100 a minute", "HTTP 429"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	if n := maxNesting(line); n > 1 {
		t.Errorf("brackets nest %d deep in %q", n, line)
	}
}
