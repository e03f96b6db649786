package evidence

import (
	"bytes"
	"context"
	"html"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/screens"
)

// packProviders are the providers with an evidence pack.
var packProviders = []string{providers.SCI, providers.SmartConnect, providers.Helcim, sumup.ID, square.ID, linkly.ID}

// runPack writes the pack of every provider, with no pictures.
func runPack(t *testing.T, dir string, now time.Time) Result {
	t.Helper()
	return runOptions(t, Options{Out: dir, Now: func() time.Time { return now }})
}

func runOptions(t *testing.T, o Options) Result {
	t.Helper()
	// The playback fails on what is shown, not on speed: a step on a busy
	// machine under -race can take longer than the product's 20 s step
	// timeout, and three whole scripts longer than a fixed 2 minutes. A
	// hang still ends, shortly before the test binary's own deadline.
	if o.StepTimeout == 0 {
		o.StepTimeout = 5 * time.Minute
	}
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if d, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, d.Add(-min(time.Until(d)/10, 30*time.Second)))
	}
	defer cancel()
	res, err := Run(ctx, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// readPack maps slash paths to contents.
func readPack(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutTimestamp drops the lines holding the run's date (index.md's
// "Generated: …" and index.html's).
func withoutTimestamp(b []byte) (string, int) {
	var keep []string
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, TimestampPrefix) {
			n++
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n"), n
}

// Two runs of every provider with the same seed write the same bytes:
// captures, logs, per-provider indexes, and the top index.md and
// index.html but for their date line.
func TestTwoRunsMatch(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	runPack(t, a, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	runPack(t, b, time.Date(2027, 2, 2, 10, 0, 0, 0, time.UTC))
	pa, pb := readPack(t, a), readPack(t, b)
	if len(pa) != len(pb) || len(pa) < 30 {
		t.Fatalf("runs wrote %d and %d files", len(pa), len(pb))
	}
	for _, prov := range packProviders {
		if _, ok := pa[prov+"/index.md"]; !ok {
			t.Errorf("the pack of every provider has no %s/index.md", prov)
		}
	}
	for name, ca := range pa {
		cb, ok := pb[name]
		if !ok {
			t.Errorf("second run has no %s", name)
			continue
		}
		if name == "index.md" || name == "index.html" {
			sa, na := withoutTimestamp(ca)
			sb, nb := withoutTimestamp(cb)
			if na != 1 || nb != 1 {
				t.Errorf("%s has %d and %d timestamp lines, want 1", name, na, nb)
			}
			if bytes.Equal(ca, cb) {
				t.Errorf("%s: the timestamp lines should differ between these runs", name)
			}
			ca, cb = []byte(sa), []byte(sb)
		}
		if !bytes.Equal(ca, cb) {
			t.Errorf("%s differs between runs:\n--- a\n%s\n--- b\n%s", name, ca, cb)
		}
	}
}

var (
	linkRE    = regexp.MustCompile(`\]\((screens/[^)]+\.txt)\)`)
	logLinkRE = regexp.MustCompile(`\]\((requests/[^)]+\.log)\)`)
	pairingID = regexp.MustCompile(`Pairing ID\s+pid_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// shows is, per requirement, what a screenshot (and the scenario's request
// log) must contain to really show it. Written from the reference, not
// from the script.
var showsSCI = map[string]func(screen, log string) bool{
	demo.ReqBranding:     branded,
	demo.ReqSCIPAIRING02: branded,
	demo.ReqCodeField:    func(s, _ string) bool { return strings.Contains(s, "Pairing Code") },
	demo.ReqNicknameField: func(s, _ string) bool {
		return strings.Contains(s, "Pairing Nickname")
	},
	demo.ReqTestButton: func(s, _ string) bool {
		return strings.Contains(s, "[ Test ]") || strings.Contains(s, "[ Test now ]")
	},
	demo.ReqCancelButton: func(s, _ string) bool {
		return strings.Contains(s, "Confirm the pairing") && strings.Contains(s, "[ Cancel ] esc")
	},
	demo.ReqPairedState: func(s, _ string) bool {
		return strings.Contains(s, "Pairing successful") && strings.Contains(s, "Pairing Nickname  Front Counter") && pairingID.MatchString(s)
	},
	demo.ReqUnpairPerRecord: func(s, _ string) bool {
		return strings.Contains(s, "[ Unpair ]") || strings.Contains(s, "yes, unpair")
	},
	demo.ReqErrInvalidCode:  func(s, _ string) bool { return strings.Contains(s, "Pairing not found: Pairing not found") },
	demo.ReqErrConnectivity: func(s, _ string) bool { return strings.Contains(s, screens.TextNetwork) },
	demo.ReqErrUnpairedExtern: func(s, l string) bool {
		return strings.Contains(s, "No active pairings found") && strings.Contains(l, "no_active_pairings_found")
	},
	demo.ReqSCITX01:      func(s, _ string) bool { return strings.Contains(s, "No active pairings found") },
	demo.ReqInstructions: instructions,
	demo.ReqSCIPAIRING09: instructions,
	demo.ReqCredentialsHidden: func(s, _ string) bool {
		lower := strings.ToLower(s)
		return strings.Contains(s, "Pairing Code") && !strings.Contains(lower, "api key") && !strings.Contains(lower, "secret")
	},
	demo.ReqSCIPAIRING07: func(s, l string) bool {
		return strings.Contains(s, "Pairing cancelled") && regexp.MustCompile(`POST /sci-api/\S+/v1/unpair → 204`).MatchString(l)
	},
	demo.ReqSCIPAIRING10: func(s, l string) bool {
		return (strings.Contains(s, "No active pairings found") || strings.Contains(s, "Pairings (")) &&
			strings.Contains(l, "/v1/pairing-info")
	},
	demo.ReqSCIMULTI03: func(s, l string) bool {
		return strings.Contains(s, "Pairings (2)") && strings.Count(l, "/v1/pairing-info") >= 2
	},
}

func branded(s, _ string) bool {
	if !strings.Contains(s, "Simple Cloud Integration") {
		return false
	}
	for _, art := range []string{assets.Logo(), assets.LogoCompact()} {
		for _, l := range strings.Split(art, "\n") {
			if l = strings.TrimSpace(l); len(l) > 3 && strings.Contains(s, l) {
				return true
			}
		}
	}
	return false
}

func instructions(s, _ string) bool {
	return strings.Contains(s, "Manage POS pairing") && strings.Contains(s, "Simple Cloud Integration")
}

func TestEveryRequirementLinksToAScreenshotThatShowsIt(t *testing.T) {
	checks := map[string]map[string]func(screen, log string) bool{
		providers.SCI: showsSCI, providers.SmartConnect: showsSmartConnect(), providers.Helcim: showsHelcim(t), square.ID: showsSquare(),
		sumup.ID:  showsSumUp(t),
		linkly.ID: showsLinkly(t),
	}
	dir := filepath.Join(t.TempDir(), "pack")
	runPack(t, dir, time.Now())
	for _, prov := range packProviders {
		t.Run(prov, func(t *testing.T) { everyRequirementShown(t, filepath.Join(dir, prov), prov, checks[prov]) })
	}
}

// everyRequirementShown reads a provider's index.md in dir.
func everyRequirementShown(t *testing.T, dir, provider string, shows map[string]func(screen, log string) bool) {
	index, err := os.ReadFile(filepath.Join(dir, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := demo.RequirementsFor(provider)
	if len(shows) != len(reqs) {
		t.Errorf("%d checks for %d requirements", len(shows), len(reqs))
	}
	rows := map[string]string{}
	for _, l := range strings.Split(string(index), "\n") {
		for _, r := range reqs {
			if strings.HasPrefix(l, "| "+requirementLabel(r.Text)+" | "+r.Source+" |") {
				rows[r.Key] = l
			}
		}
	}
	for _, r := range reqs {
		check, ok := shows[r.Key]
		if !ok {
			t.Errorf("no check for requirement %s", r.Key)
			continue
		}
		row, ok := rows[r.Key]
		if !ok {
			t.Errorf("index.md has no row for %q", r.Text)
			continue
		}
		var log string
		for _, m := range logLinkRE.FindAllStringSubmatch(row, -1) {
			b, err := os.ReadFile(filepath.Join(dir, m[1]))
			if err != nil {
				t.Errorf("%s links to a missing log: %v", r.Key, err)
			}
			log += string(b)
		}
		links := linkRE.FindAllStringSubmatch(row, -1)
		shown := 0
		for _, m := range links {
			b, err := os.ReadFile(filepath.Join(dir, m[1]))
			if err != nil {
				t.Errorf("%s links to a missing screenshot: %v", r.Key, err)
				continue
			}
			if check(string(b), log) {
				shown++
			} else {
				t.Errorf("%s links to %s, which does not show it:\n%s", r.Key, m[1], b)
			}
		}
		if shown == 0 {
			t.Errorf("requirement %s (%s) has no screenshot that shows it", r.Key, r.Text)
		}
	}
}

func TestPackHoldsNoSecrets(t *testing.T) {
	// Same seed, same credentials: the values the run's sandbox accepted.
	sb := clouds.New(sandbox.Options{Seed: demo.Seed})
	secrets := map[string]string{"restricted Helcim token": helcim.RestrictedAPIToken(sb)}
	for _, c := range sb.SecretCredentials() { // a Public one (a location id) may be shown
		secrets[c.Key] = c.Value
	}
	_ = sb.Close()
	// What a redacted request of each provider looks like in its log: proof
	// that the scan looked at logs that carried a secret.
	redacted := map[string]string{
		providers.SCI:          `"signing_secret_part_b":"` + sandbox.Redacted,
		providers.SmartConnect: "merchantAccessToken=" + sandbox.Redacted,
		providers.Helcim:       "Api-Token: " + sandbox.Redacted,
		square.ID:              "Bearer " + sandbox.Redacted,
		sumup.ID:               "Authorization: Bearer " + sandbox.Redacted,
		linkly.ID:              `"password":"` + sandbox.Redacted,
	}
	dir := filepath.Join(t.TempDir(), "pack")
	runPack(t, dir, time.Now())
	pack := readPack(t, dir)
	// Every Part B is 32 lowercase hex on its own; a longer run (Square's
	// idempotency_key, a SHA-256) is not one.
	partB := regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	// Linkly's session ids are 32 hex digits in their URL path: ids, not
	// secrets.
	linklySession := regexp.MustCompile(`/sessions/[0-9a-f]{32}`)
	for name, b := range pack {
		for what, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains the %s", name, what)
			}
		}
		b := linklySession.ReplaceAll(b, []byte("/sessions/ID"))
		for _, loc := range partB.FindAllIndex(b, -1) {
			// SumUp's trace ids are 32 lowercase hex too, and are shown on
			// purpose (a user quotes them to SumUp support).
			before := html.UnescapeString(string(b[max(0, loc[0]-30):loc[0]]))
			if strings.HasSuffix(flat(before), "trace ID") || strings.HasSuffix(before, `"trace_id":"`) {
				continue
			}
			t.Errorf("%s contains something shaped like a Part B: %s", name, b[loc[0]:loc[1]])
		}
	}
	for _, prov := range packProviders {
		logs := 0
		for name, b := range pack {
			if strings.HasPrefix(name, prov+"/requests/") && bytes.Contains(b, []byte(redacted[prov])) {
				logs++
			}
		}
		if logs == 0 {
			t.Errorf("no %s request log holds %q; the check proved nothing", prov, redacted[prov])
		}
	}
}

// Credentials planted in the sandbox are what the app signs and
// authenticates with: none may reach any file, the report included.
func TestPackHoldsNoPlantedCanary(t *testing.T) {
	canary := sandbox.Credentials{"sci_api_key": "test_pak_CANARYev1dence9Qx", "sci_signing_secret_part_a": "CANARYpartAev1dence7Lm",
		"helcim_api_token": "CANARYhelc1mEv1denceT0k", "square_access_token": "CANARYsquar3Ev1denceT0kenX",
		linkly.InputPassword: "CANARYl1nklyEv1dencePw",
		sumup.CredAPIKey:     "sup_sk_CANARYev1denceSumUpK3y7Qw"}
	dir := filepath.Join(t.TempDir(), "pack")
	res := runOptions(t, Options{Out: dir, Credentials: canary})
	if res.Shots < 40 || len(res.Providers) != len(packProviders) {
		t.Fatalf("the canary run played %d screens of %v", res.Shots, res.Providers)
	}
	pack := readPack(t, dir)
	for name, b := range pack {
		for _, s := range append(slices.Collect(maps.Values(canary)), "CANARY") {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains the canary %q", name, s)
			}
		}
	}
	// The canaries were in use: the Helcim requests were answered (the
	// sandbox refuses any other token), and SCI's pairings were signed.
	if !bytes.Contains(pack["helcim/requests/pair.log"], []byte("/ping → 202")) {
		t.Errorf("Helcim's pairing did not go through with the planted token:\n%s", pack["helcim/requests/pair.log"])
	}
	if !bytes.Contains(pack["sumup/requests/pair.log"], []byte("/readers → 201")) {
		t.Errorf("SumUp's pairing did not go through with the planted key:\n%s", pack["sumup/requests/pair.log"])
	}
	if !bytes.Contains(pack["sci/requests/test.log"], []byte("pairing-info → 200")) {
		t.Errorf("SCI's Test did not go through with the planted key:\n%s", pack["sci/requests/test.log"])
	}
}

func TestRefusesToReplaceOtherDirectories(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Options{Out: dir})
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("Run into a non-pack directory: %v", err)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Fatalf("the refused directory was changed: %v", err)
	}
	// A previous pack is replaced without --force; --force replaces anything.
	runOptions(t, Options{Out: filepath.Join(dir, "pack"), Provider: providers.Helcim})
	runOptions(t, Options{Out: filepath.Join(dir, "pack"), Provider: providers.Helcim})
	runOptions(t, Options{Out: dir, Force: true, Provider: providers.Helcim})
	if _, err := os.Stat(notes); err == nil {
		t.Error("--force left the old contents")
	}
	if _, err := os.Stat(filepath.Join(dir, "index.md")); err != nil {
		t.Errorf("no index.md after --force: %v", err)
	}
}
