package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// scCLIWorld points the configured CLI at the sandbox's SmartConnect only.
// The sandbox and the CLI's clients run on separate fake clocks, advanced
// together while the CLI waits between status polls (the sandbox refuses
// polls less than 2 s apart on its clock).
type scCLIWorld struct {
	sb       *sandbox.Sandbox
	term     string
	sbClock  *clockwork.FakeClock
	cliClock *clockwork.FakeClock
}

func newSCCLIWorld(t *testing.T) *scCLIWorld {
	t.Helper()
	keystore.MockInit()
	w := &scCLIWorld{sbClock: clockwork.NewFakeClock(), cliClock: clockwork.NewFakeClock()}
	w.sb = testkit.StartSandbox(t, sandbox.Options{Seed: 12, Clock: w.sbClock})
	w.term = testkit.Terminal(t, w.sb, providers.SmartConnect).ID
	t.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(t))
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	t.Setenv("TILLPAIR_SMARTCONNECT_ENV", "")
	t.Setenv("TILLPAIR_SMARTCONNECT_URL", w.sb.Info().URL("smartconnect_url"))
	return w
}

// run runs the CLI with the fake client clock, advancing both clocks by
// one poll interval each time a client waits (check deadline + poll timer).
func (w *scCLIWorld) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		for w.cliClock.BlockUntilContext(ctx, 2) == nil {
			w.sbClock.Advance(smartconnect.MinPollInterval)
			w.cliClock.Advance(smartconnect.MinPollInterval)
		}
	}()
	var out, errb bytes.Buffer
	e := &env{ctx: ctx, build: Build{Version: "test"}, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		g: &globals{}, getenv: osGetenv, clock: w.cliClock}
	code := execute(e, args)
	return result{code, out.String(), errb.String()}
}

var uuidRE = regexp.MustCompile(`Register ID:\s+([0-9a-f-]{36})`)

func TestCLISmartConnectEndToEnd(t *testing.T) {
	w := newSCCLIWorld(t)

	r := w.run(t, "", "setup", "smartconnect", "--register-name", "Main Register")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--business-name, --vendor-name") {
		t.Fatalf("setup with missing flags: exit %d stderr %q", r.code, r.stderr)
	}
	r = w.run(t, "", "pair", "--provider", "smartconnect", "--code", "12345678")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "tillpair setup smartconnect") {
		t.Fatalf("pair before setup: exit %d stderr %q", r.code, r.stderr)
	}

	r = w.run(t, "", "setup", "smartconnect", "--register-name", "Main Register", "--business-name", "Toys Shop", "--vendor-name", "Till2Go")
	m := uuidRE.FindStringSubmatch(r.stdout)
	if r.code != ExitOK || m == nil || !strings.Contains(r.stdout, "Environment:    dev") || r.stderr != "" {
		t.Fatalf("setup: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	regID := m[1]

	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		t.Fatal(err)
	}
	r = w.run(t, "", "pair", "--provider", "smartconnect", "--code", term.PairingCode, "--json")
	if r.code != ExitOK {
		t.Fatalf("pair: exit %d stderr %q", r.code, r.stderr)
	}
	var pj pairJSON
	decodeOne(t, r.stdout, &pj)
	if pj.Provider != providers.SmartConnect || pj.PairingID != regID || pj.Status != "active" || pj.PairingNickname != "Main Register" {
		t.Fatalf("pair JSON %+v; want register ID %s", pj, regID)
	}
	if r.stderr != "" {
		t.Errorf("pair printed progress %q; SmartConnect has no waiting step", r.stderr)
	}

	r = w.run(t, "", "status", "--json")
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitOK || len(sj.Pairings) != 1 || sj.Pairings[0].PairingID != regID || sj.Pairings[0].Status != "active" || sj.Pairings[0].CheckedAt == nil {
		t.Fatalf("status: exit %d %+v stderr %q", r.code, sj, r.stderr)
	}
	r = w.run(t, "", "test", regID[:8])
	if r.code != ExitOK || !strings.Contains(r.stdout, "is active: the terminal answered") {
		t.Fatalf("test: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	r = w.run(t, "", "unpair", regID)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "MENU → CONFIG → POS INTEGRATIONS") ||
		!strings.Contains(r.stderr, "tillpair unpair "+regID+" --forget") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("unpair: exit %d stderr %q", r.code, r.stderr)
	}
	if r = w.run(t, "", "status", "--json", "--no-check"); !strings.Contains(r.stdout, regID) {
		t.Fatalf("unpair without --forget removed the pairing: %q", r.stdout)
	}

	r = w.run(t, "", "setup", "smartconnect", "--business-name", "Toys & Games")
	if r.code != ExitOK || !strings.Contains(r.stderr, "Warning: The business name changed") || !strings.Contains(r.stdout, regID) {
		t.Fatalf("setup change: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	r = w.run(t, "", "unpair", regID, "--forget")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("forget without --yes and no terminal: exit %d %q", r.code, r.stderr)
	}
	r = w.run(t, "", "unpair", regID, "--forget", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Forgot Smartpay SmartConnect pairing") || !strings.Contains(r.stderr, "Reminder: SmartConnect has no unpair") {
		t.Fatalf("forget: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = w.run(t, "", "status", "--json")
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitNoPairing || len(sj.Pairings) != 0 {
		t.Fatalf("status after forget: exit %d %+v", r.code, sj)
	}
}

func TestCLISmartConnectBadCodeAndEnvironment(t *testing.T) {
	w := newSCCLIWorld(t)
	r := w.run(t, "", "setup", "smartconnect", "--register-name", "R", "--business-name", "B", "--vendor-name", "V", "--environment", "staging")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "dev or production") {
		t.Fatalf("bad environment: exit %d %q", r.code, r.stderr)
	}
	r = w.run(t, "", "setup", "smartconnect", "--register-name", "R", "--business-name", "B", "--vendor-name", "V\x1b[2J")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "vendor name contains a control character") {
		t.Fatalf("control char: exit %d %q", r.code, r.stderr)
	}
	r = w.run(t, "", "setup", "smartconnect", "--register-name", "R", "--business-name", "B", "--vendor-name", "V", "--environment", "production")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Environment:    production") {
		t.Fatalf("production: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	t.Setenv("TILLPAIR_SMARTCONNECT_ENV", "dev")
	r = w.run(t, "", "setup", "smartconnect")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Environment:    dev") || !strings.Contains(r.stderr, "overrides the stored environment") {
		t.Fatalf("env override: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// A code the cloud never issued: the vendor's refusal, with the hint
	// that codes refresh.
	r = w.run(t, "", "pair", "--provider", "smartconnect", "--code", "99999999")
	if r.code != ExitRejected || !strings.Contains(r.stderr, "codes refresh on the terminal") {
		t.Fatalf("unknown code: exit %d %q", r.code, r.stderr)
	}
	before := w.sb.RequestCount(providers.SmartConnect, "pairing")
	r = w.run(t, "", "pair", "--provider", "smartconnect", "--code", "12")
	if r.code != ExitUsage || w.sb.RequestCount(providers.SmartConnect, "pairing") != before {
		t.Fatalf("short code: exit %d %q (requests %d → %d)", r.code, r.stderr, before, w.sb.RequestCount(providers.SmartConnect, "pairing"))
	}
}

// On a SmartConnect-only till the status hint must name a provider that is
// configured: plain `pair --code` means SCI, which is not.
func TestCLIStatusHintNamesAConfiguredProvider(t *testing.T) {
	w := newSCCLIWorld(t)
	if r := w.run(t, "", "setup", "smartconnect", "--register-name", "R", "--business-name", "B", "--vendor-name", "V"); r.code != ExitOK {
		t.Fatalf("setup: exit %d %q", r.code, r.stderr)
	}
	r := w.run(t, "", "status")
	if r.code != ExitNoPairing || !strings.Contains(r.stderr, "tillpair pair --provider smartconnect --code CODE") || !strings.Contains(r.stderr, "pairings.json") {
		t.Errorf("status: exit %d stderr %q", r.code, r.stderr)
	}
}
