package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// newConfigDir is a config dir that does not exist yet, as on a fresh
// install: tillpair creates it 0700. t.TempDir's own dirs are 0755 under
// the usual umask, which tillpair rightly reports as too open.
func newConfigDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "tillpair")
}

// pairSCI pairs the world's terminal with --no-wait and returns its id;
// confirm says whether the merchant then confirms on the terminal.
func (w *cliWorld) pairSCI(t *testing.T, confirm bool) string {
	t.Helper()
	r := runCLI(context.Background(), "", "pair", "--code", w.startCode(t), "--no-wait", "--json")
	if r.code != ExitOK {
		t.Fatalf("pair: exit %d %q", r.code, r.stderr)
	}
	var pj pairJSON
	decodeOne(t, r.stdout, &pj)
	if confirm {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Fatal(err)
		}
		if r := runCLI(context.Background(), "", "test", pj.PairingID); r.code != ExitOK {
			t.Fatalf("test after confirm: exit %d %q", r.code, r.stderr)
		}
	}
	return pj.PairingID
}

func (w *cliWorld) fault(t *testing.T, f sandbox.Fault) {
	t.Helper()
	if err := w.sb.SetFault(f); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.sb.ClearFaults)
}

func statusOf(t *testing.T, r result) statusPairing {
	t.Helper()
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if len(sj.Pairings) != 1 {
		t.Fatalf("want one pairing, got %+v (stderr %q)", sj, r.stderr)
	}
	return sj.Pairings[0]
}

// Listing and forgetting need only the records file: a till whose keyring
// or environment lost the credentials can still see and clear its pairings.
func TestCLIStatusAndForgetWithoutCredentials(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	id := w.pairSCI(t, true)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")

	r := runCLI(ctx, "", "status", "--no-check", "--json")
	if p := statusOf(t, r); r.code != ExitOK || p.PairingID != id || p.Status != "active" || p.CheckErrorKind != "" {
		t.Errorf("status --no-check: exit %d %+v stderr %q", r.code, p, r.stderr)
	}
	r = runCLI(ctx, "", "status", "--no-check")
	if r.code != ExitOK || !strings.Contains(r.stdout, id) {
		t.Errorf("status --no-check table: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Live: listed, each pairing reported as not checked, not refused.
	r = runCLI(ctx, "", "status", "--json")
	if p := statusOf(t, r); r.code != ExitUsage || p.CheckErrorKind != "config" || !strings.Contains(p.CheckError, "tillpair setup sci") || p.Status != "active" {
		t.Errorf("live status: exit %d %+v stderr %q", r.code, p, r.stderr)
	}
	r = runCLI(ctx, "", "status")
	if r.code != ExitUsage || !strings.Contains(r.stdout, id) || !strings.Contains(r.stderr, id+": ") || !strings.Contains(r.stderr, "--no-check") {
		t.Errorf("live status table: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Unpair cannot reach the cloud: say so, and how to clear it here.
	r = runCLI(ctx, "", "unpair", id, "--yes")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "tillpair setup sci") || !strings.Contains(r.stderr, "tillpair unpair "+id+" --forget") ||
		!strings.Contains(r.stderr, "Nothing was changed") {
		t.Errorf("unpair: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "unpair", id, "--forget", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Forgot Simple Cloud Integration pairing "+id) ||
		!strings.Contains(r.stderr, "may still be active") || !strings.Contains(r.stderr, "Manage POS pairing") {
		t.Fatalf("forget: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(ctx, "", "status")
	if r.code != ExitNoPairing || !strings.Contains(r.stderr, "No pairings on this register") || !strings.Contains(r.stderr, "tillpair setup sci") {
		t.Errorf("status after forget: exit %d %q", r.code, r.stderr)
	}
}

// Exit 0 means this run confirmed a pairing active; a stored "active"
// that could not be checked is not that.
func TestCLIStatusExitFollowsTheLiveChecks(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	id := w.pairSCI(t, true)

	if r := runCLI(ctx, "", "status", "--json"); r.code != ExitOK || statusOf(t, r).CheckErrorKind != "" {
		t.Fatalf("healthy status: exit %d %q", r.code, r.stderr)
	}
	cases := []struct {
		name  string
		fault *sandbox.Fault
		env   map[string]string
		want  int
		kind  string
	}{
		{name: "server error", fault: &sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Status: 503}, want: ExitNetwork, kind: "server"},
		{name: "network", fault: &sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Reset: true}, want: ExitNetwork, kind: "network"},
		// A wrong Part A makes every signature wrong: the cloud refuses.
		{name: "refused", env: map[string]string{"TILLPAIR_SCI_SIGNING_SECRET_PART_A": "wrong-part-a-0123456789abcdefghij"}, want: ExitRejected, kind: "signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault != nil {
				w.fault(t, *tc.fault)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			r := runCLI(ctx, "", "status", "--json")
			p := statusOf(t, r)
			if r.code != tc.want || p.CheckErrorKind != tc.kind || p.Status != "active" {
				t.Errorf("live: exit %d (want %d) %+v stderr %q", r.code, tc.want, p, r.stderr)
			}
			if !strings.Contains(r.stderr, "No pairing could be confirmed active") {
				t.Errorf("no summary line: %q", r.stderr)
			}
			// --no-check keeps the stored-status meaning.
			if r := runCLI(ctx, "", "status", "--no-check"); r.code != ExitOK || !strings.Contains(r.stdout, id) {
				t.Errorf("--no-check: exit %d %q", r.code, r.stderr)
			}
		})
	}
}

// An SCI 5xx is transient: exit 5, and one sentence with the vendor's
// words once.
func TestCLIServerErrorsAreTransient(t *testing.T) {
	w := newCLIWorld(t)
	w.fault(t, sandbox.Fault{Provider: providers.SCI, Route: sci.RouteProgressPairing, Status: 503, Count: 1})
	r := runCLI(context.Background(), "", "pair", "--code", w.startCode(t))
	line := strings.TrimSpace(r.stderr)
	if r.code != ExitNetwork || !strings.Contains(line, "The payment cloud had a problem (") || !strings.Contains(line, "HTTP 503") {
		t.Fatalf("pair under 503: exit %d %q", r.code, line)
	}
	if strings.Count(line, "Try again") != 1 || maxNesting(line) > 1 {
		t.Errorf("the vendor detail or the advice is repeated: %q", line)
	}
}

// pairedHelcim is a Helcim world with its token set and its device
// paired; it returns the device code (the pairing id).
func pairedHelcim(t *testing.T) (*sandbox.Sandbox, sandbox.Terminal, string) {
	t.Helper()
	sb, term := newHelcimCLIWorld(t)
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", sb.Info().Credential("helcim_api_token"))
	shown, err := sb.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(context.Background(), "", "pair", "--provider", "helcim", "--code", shown.PairingCode); r.code != ExitOK {
		t.Fatalf("pair: exit %d %q", r.code, r.stderr)
	}
	return sb, term, shown.PairingCode
}

func TestCLIHelcimServerErrorReadsCleanly(t *testing.T) {
	sb, term, code := pairedHelcim(t)
	ctx := context.Background()
	if err := sb.SetFault(sandbox.Fault{Provider: providers.Helcim, Route: helcim.RoutePing, Status: 500}); err != nil {
		t.Fatal(err)
	}
	r := runCLI(ctx, "", "test", code)
	line := strings.TrimSpace(r.stderr)
	want := "tillpair: The payment cloud had a problem (injected fault: status 500 on helcim ping, HTTP 500). Try again in a few minutes."
	if r.code != ExitNetwork || line != want {
		t.Errorf("test under 500: exit %d\n got %q\nwant %q", r.code, line, want)
	}
	r = runCLI(ctx, "", "status", "--json")
	if p := statusOf(t, r); r.code != ExitNetwork || p.CheckErrorKind != "server" || p.Status != "active" {
		t.Errorf("status under 500: exit %d %+v", r.code, p)
	}
	if _, err := sb.Sleep(term.ID); err != nil {
		t.Fatal(err)
	}
	sb.ClearFaults()
	if r := runCLI(ctx, "", "status", "--json"); r.code != ExitNetwork || statusOf(t, r).CheckErrorKind != "not_listening" {
		t.Errorf("status asleep: exit %d %q", r.code, r.stdout)
	}
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "")
	if r := runCLI(ctx, "", "status", "--json"); r.code == ExitOK || statusOf(t, r).CheckErrorKind != "credentials" {
		t.Errorf("status without a token: exit %d %q", r.code, r.stdout)
	}
}

// A pairing awaiting confirmation is not "unpaired externally": the
// summary must not use that certification wording, and the check that
// answered "not confirmed yet" did run.
func TestCLIStatusAwaitingConfirmation(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	before := time.Now()
	id := w.pairSCI(t, false)

	r := runCLI(ctx, "", "status", "--json")
	p := statusOf(t, r)
	if r.code != ExitNoPairing || p.Status != "awaiting_confirmation" || p.CheckErrorKind != "not_confirmed" {
		t.Fatalf("status: exit %d %+v", r.code, p)
	}
	if p.CheckedAt == nil || p.CheckedAt.Before(before) {
		t.Errorf("checked_at %v: the check ran after %v", p.CheckedAt, before)
	}
	for _, args := range [][]string{{"status"}, {"status", "--no-check"}} {
		r := runCLI(ctx, "", args...)
		last := lastLine(r.stderr)
		if r.code != ExitNoPairing || strings.Contains(r.stderr, "No active pairings found") || !strings.Contains(last, "1 awaits confirmation on the terminal") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	r = runCLI(ctx, "", "status")
	if strings.Contains(r.stdout, "never") || !strings.Contains(r.stdout, id) {
		t.Errorf("the table says the pairing was never checked:\n%s", r.stdout)
	}
	if r := runCLI(ctx, "", "status", "--no-check"); !strings.Contains(lastLine(r.stderr), "not checked live") {
		t.Errorf("--no-check does not say the statuses are unchecked: %q", r.stderr)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// The cloud refusing an SCI unpair leaves a pairing only the terminal can
// end: unpair says how and names --forget; --forget warns it may live on.
func TestCLISCIUnpairRefusedThenForget(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	id := w.pairSCI(t, true)
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "wrong-part-a-0123456789abcdefghij")

	r := runCLI(ctx, "", "unpair", id, "--yes")
	if r.code != ExitRejected || !strings.Contains(r.stderr, "tillpair unpair "+id+" --forget") || !strings.Contains(r.stderr, "Manage POS pairing") ||
		!strings.Contains(r.stderr, "The pairing is kept") {
		t.Fatalf("refused unpair: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "unpair", id, "--yes", "--forget")
	if r.code != ExitOK || !strings.Contains(r.stderr, "may still be active") || !strings.Contains(r.stderr, "Manage POS pairing") {
		t.Fatalf("forget: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if live := w.livePairings(t); len(live) != 1 {
		t.Errorf("the terminal should still hold the pairing the cloud kept: %+v", live)
	}
	// A transient failure is retried, not forgotten: no --forget advice.
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", w.sb.Info().Credential("sci_signing_secret_part_a"))
	id = w.pairSCI(t, true)
	w.fault(t, sandbox.Fault{Provider: providers.SCI, Route: sci.RouteUnpair, Status: 503})
	r = runCLI(ctx, "", "unpair", id, "--yes")
	if r.code != ExitNetwork || strings.Contains(r.stderr, "--forget") {
		t.Errorf("unpair under 503: exit %d %q", r.code, r.stderr)
	}
}

func TestCLIForgetRefusalWording(t *testing.T) {
	w := newCLIWorld(t)
	id := w.pairSCI(t, false)
	r := runCLI(context.Background(), "", "unpair", id, "--forget")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "before it forgets the pairing") || !strings.Contains(r.stderr, "--yes to forget") ||
		strings.Contains(r.stderr, "unpairing") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
}

// Without $HOME (%APPDATA% on Windows) there is no default config dir: a
// configuration problem (exit 2) whose fix is --config-dir or
// TILLPAIR_CONFIG_DIR.
func TestCLINoHomeIsAUsageError(t *testing.T) {
	t.Setenv("HOME", "")
	t.Setenv("APPDATA", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("TILLPAIR_CONFIG_DIR", "")
	for _, args := range [][]string{{"status"}, {"--debug", "status", "--no-check"}, {"unpair", "x", "--forget", "--yes"}} {
		r := runCLI(context.Background(), "", args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--config-dir") || !strings.Contains(r.stderr, "TILLPAIR_CONFIG_DIR") {
			t.Errorf("%v: exit %d %q", args, r.code, r.stderr)
		}
	}
}

// A config dir or records file other users can read is reported once per
// command, on stderr and in the debug log, and never changed.
func TestCLIReportsLoosePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits to be loose: the user profile's ACL guards the config dir")
	}
	keystore.MockInit()
	dir := newConfigDir(t)
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	// A token, though nothing here contacts Helcim: this test is about
	// the notice, not about running unconfigured.
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "unused")
	recsPath := recordHelcimPairing(t, dir, "CWF0")
	ctx := context.Background()
	if r := runCLI(ctx, "", "status", "--no-check"); r.code != ExitOK || strings.Contains(r.stderr, "warning") {
		t.Fatalf("private dir: exit %d %q", r.code, r.stderr)
	}

	if err := os.Chmod(recsPath, 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "debug.log")
	r := runCLI(ctx, "", "--log-file", logPath, "status", "--no-check", "--json")
	if r.code != ExitOK || strings.Count(r.stderr, "warning:") != 1 || !strings.Contains(r.stderr, "records file "+recsPath) ||
		!strings.Contains(r.stderr, "mode 0644") || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("records file 0644: exit %d %q", r.code, r.stderr)
	}
	if data, err := os.ReadFile(logPath); err != nil || !strings.Contains(string(data), "records file "+recsPath) {
		t.Errorf("the debug log lacks the notice (%v): %s", err, data)
	}

	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "unpair", "CWF0", "--forget", "--yes")
	if r.code != ExitOK || strings.Count(r.stderr, "warning:") != 1 || !strings.Contains(r.stderr, "config dir "+dir) || !strings.Contains(r.stderr, "chmod 700") {
		t.Errorf("config dir 0755: exit %d %q", r.code, r.stderr)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the dir's mode was changed: %v %v", fi.Mode(), err)
	}
}

// recordHelcimPairing writes an active Helcim pairing straight into the
// records in dir, for tests about what commands do with records alone, and
// returns the records file's path.
func recordHelcimPairing(t *testing.T, dir, code string) string {
	t.Helper()
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := recs.Update(func(f *keystore.File) error {
		f.Pairings = append(f.Pairings, providers.Pairing{Provider: providers.Helcim, ID: code, Status: providers.StatusActive, CreatedAt: now, UpdatedAt: now})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return recs.Path()
}

// metricFamilies parses status's metrics output (either format).
func metricFamilies(t *testing.T, out string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(out))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, out)
	}
	return mfs
}

// sampleOf is the value of the named family's one series for pairing id
// (ok false when there is none), with the series' labels.
func sampleOf(mfs map[string]*dto.MetricFamily, name, id string) (v float64, labels map[string]string, ok bool) {
	for _, m := range mfs[name].GetMetric() {
		ls := map[string]string{}
		for _, l := range m.GetLabel() {
			ls[l.GetName()] = l.GetValue()
		}
		if ls["pairing_id"] == id {
			return m.GetGauge().GetValue(), ls, true
		}
	}
	return 0, nil, false
}

// status --format and --textfile through a pairing's life on the sandbox:
// awaiting confirmation, active, the till offline (still paired, check
// failed: network), and unpaired on the terminal (up 0, check answered).
// The exit codes stay status's own, and the textfile is written each time.
func TestCLIStatusMetrics(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	dir := t.TempDir()
	textfile := filepath.Join(dir, "tillpair.prom")
	// No pairings yet: exit 3, and a textfile that says only which
	// tillpair wrote it.
	if r := runCLI(ctx, "", "status", "--textfile", dir); r.code != ExitNoPairing {
		t.Errorf("no pairings: exit %d %q", r.code, r.stderr)
	}
	if data, err := os.ReadFile(textfile); err != nil || strings.Contains(string(data), "tillpair_pairing_") || !strings.Contains(string(data), `tillpair_build_info{goversion="go`) {
		t.Errorf("textfile without pairings (%v):\n%s", err, data)
	}
	id := w.pairSCI(t, false)
	info := w.sb.Info()

	type want struct {
		exit                  int
		up, awaiting, success float64
		kind                  string // "" no tillpair_pairing_check_error series
	}
	check := func(t *testing.T, r result, mfs map[string]*dto.MetricFamily, w want) {
		t.Helper()
		if r.code != w.exit {
			t.Errorf("exit %d, want %d; stderr %q", r.code, w.exit, r.stderr)
		}
		for name, v := range map[string]float64{"tillpair_pairing_up": w.up, "tillpair_pairing_awaiting_confirmation": w.awaiting, "tillpair_pairing_check_success": w.success} {
			if got, _, ok := sampleOf(mfs, name, id); !ok || got != v {
				t.Errorf("%s = %v (present %v), want %v", name, got, ok, v)
			}
		}
		_, ls, ok := sampleOf(mfs, "tillpair_pairing_check_error", id)
		if (w.kind != "") != ok || ls["kind"] != w.kind {
			t.Errorf("check error kind %q (present %v), want %q", ls["kind"], ok, w.kind)
		}
		if _, ls, ok := sampleOf(mfs, "tillpair_pairing_up", id); !ok || ls["provider"] != "sci" || ls["tid"] == "" {
			t.Errorf("labels %v", ls)
		}
		if v, _, ok := sampleOf(mfs, "tillpair_pairing_check_duration_seconds", id); !ok || v <= 0 {
			t.Errorf("check duration %v (present %v)", v, ok)
		}
		if v := mfs["tillpair_build_info"].GetMetric(); len(v) != 1 || v[0].GetGauge().GetValue() != 1 {
			t.Errorf("build info %v", v)
		}
	}
	textfileRun := func(t *testing.T) (result, map[string]*dto.MetricFamily) {
		t.Helper()
		r := runCLI(ctx, "", "status", "--textfile", dir)
		if r.stdout != "" {
			t.Errorf("--textfile printed %q", r.stdout)
		}
		data, err := os.ReadFile(textfile)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{info.Credential("sci_api_key"), info.Credential("sci_signing_secret_part_a")} {
			if strings.Contains(string(data), secret) {
				t.Fatalf("a credential is in the textfile:\n%s", data)
			}
		}
		return r, metricFamilies(t, string(data))
	}

	t.Run("awaiting confirmation", func(t *testing.T) {
		r := runCLI(ctx, "", "status", "--format", "openmetrics")
		if !strings.HasSuffix(r.stdout, "# EOF\n") {
			t.Errorf("not OpenMetrics:\n%s", r.stdout)
		}
		check(t, r, metricFamilies(t, r.stdout), want{exit: ExitNoPairing, awaiting: 1, success: 1})
		term, err := w.sb.Terminal(w.term)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.stdout, term.ConfirmationCode) {
			t.Errorf("the confirmation code %s is in the metrics", term.ConfirmationCode)
		}
	})
	t.Run("active", func(t *testing.T) {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Fatal(err)
		}
		before := time.Now()
		r, mfs := textfileRun(t)
		check(t, r, mfs, want{exit: ExitOK, up: 1, success: 1})
		if v, _, _ := sampleOf(mfs, "tillpair_pairing_last_check_success_timestamp_seconds", id); v < float64(before.Unix()) {
			t.Errorf("last success %v, before %v", v, before.Unix())
		}
		if fi, err := os.Stat(textfile); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
			t.Errorf("textfile mode %v %v", fi.Mode(), err)
		}
	})
	t.Run("network down", func(t *testing.T) {
		w.fault(t, sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Reset: true})
		r, mfs := textfileRun(t)
		check(t, r, mfs, want{exit: ExitNetwork, up: 1, success: 0, kind: "network"})
		if !strings.Contains(r.stderr, id+": ") {
			t.Errorf("stderr does not say why: %q", r.stderr)
		}
	})
	t.Run("unpaired on the terminal", func(t *testing.T) {
		if _, err := w.sb.UnpairFromTerminal(w.term); err != nil {
			t.Fatal(err)
		}
		r, mfs := textfileRun(t)
		check(t, r, mfs, want{exit: ExitNoPairing, up: 0, success: 1})
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the textfile dir holds %v", entries)
	}
}

// Bad flags and an unusable directory are refused before any terminal is
// asked anything.
func TestCLIStatusMetricsUsage(t *testing.T) {
	w := newCLIWorld(t)
	w.pairSCI(t, true)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--format", "json"}, "--format openmetrics"},
		{[]string{"--format", "openmetrics", "--json"}, "give one of them"},
		{[]string{"--format", "openmetrics", "--textfile", t.TempDir()}, "give one of them"},
		{[]string{"--textfile", t.TempDir(), "--no-check"}, "drop --no-check"},
		{[]string{"--textfile", filepath.Join(t.TempDir(), "missing")}, "it does not exist"},
		{[]string{"--textfile", file}, "not a directory"},
	}
	// Root writes anywhere, and on Windows mode 0500 on a directory does
	// not stop writes into it.
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"--textfile", readOnly}, "nothing can be created in it"})
	}
	before := w.sb.RequestCount(providers.SCI, sci.RoutePairingInfo)
	for _, tc := range cases {
		r := runCLI(context.Background(), "", append([]string{"status"}, tc.args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%v: exit %d %q %q", tc.args, r.code, r.stdout, r.stderr)
		}
	}
	if n := w.sb.RequestCount(providers.SCI, sci.RoutePairingInfo); n != before {
		t.Errorf("%d checks were sent", n-before)
	}
}

// A Helcim device that does not answer its ping is reported offline; one
// that answers is not reported either way (the adapter in package metrics
// knows only "did not answer" until checks carry terminal health).
func TestCLIStatusMetricsTerminalOffline(t *testing.T) {
	sb, term, id := pairedHelcim(t)
	ctx := context.Background()
	r := runCLI(ctx, "", "status", "--format", "prometheus")
	mfs := metricFamilies(t, r.stdout)
	if _, _, ok := sampleOf(mfs, "tillpair_terminal_online", id); r.code != ExitOK || ok {
		t.Errorf("answering device: exit %d, online reported %v\n%s", r.code, ok, r.stdout)
	}
	if _, err := sb.Sleep(term.ID); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "status", "--format", "prometheus")
	mfs = metricFamilies(t, r.stdout)
	online, _, ok := sampleOf(mfs, "tillpair_terminal_online", id)
	up, _, _ := sampleOf(mfs, "tillpair_pairing_up", id)
	_, ls, _ := sampleOf(mfs, "tillpair_pairing_check_error", id)
	if r.code != ExitNetwork || !ok || online != 0 || up != 1 || ls["kind"] != "not_listening" || ls["provider"] != "helcim" {
		t.Errorf("asleep: exit %d online %v (%v) up %v kind %q\n%s", r.code, online, ok, up, ls["kind"], r.stdout)
	}
}

// A live check's health and the device's serial and model reach --json
// for any provider whose check reports them.
func TestStatusJSONCarriesHealth(t *testing.T) {
	online, battery := true, 82.5
	var out bytes.Buffer
	e := &env{stdout: &out}
	p := providers.Pairing{Provider: "x", ID: "rdr_1", Status: providers.StatusActive, Serial: "S1", Model: "solo",
		Health: &providers.Health{Online: &online, Battery: &battery, State: "IDLE"}}
	if err := printStatusJSON(e, []pairing.CheckResult{{Pairing: p}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"serial":"S1"`, `"model":"solo"`, `"health":{"online":true,"battery_percent":82.5,"state":"IDLE"}`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s lacks %s", out.String(), want)
		}
	}
}

// The plain table grows a HEALTH column only when a check reported
// health; a table of providers that report none keeps its columns.
func TestStatusTableHealthColumn(t *testing.T) {
	online, battery := false, 40.0
	plain := providers.Pairing{Provider: "x", ID: "p_1", Status: providers.StatusActive}
	withHealth := providers.Pairing{Provider: "y", ID: "rdr_1", Status: providers.StatusActive,
		Health: &providers.Health{Online: &online, Battery: &battery, State: "OFFLINE"}}
	for _, tc := range []struct {
		name  string
		rows  []providers.Pairing
		heads int
		want  []string
	}{
		{"none", []providers.Pairing{plain}, 7, nil},
		{"some", []providers.Pairing{plain, withHealth}, 8, []string{"offline, battery 40%"}},
	} {
		var out bytes.Buffer
		e := &env{stdout: &out, stderr: &out}
		var rs []pairing.CheckResult
		for _, p := range tc.rows {
			rs = append(rs, pairing.CheckResult{Pairing: p})
		}
		if err := printStatusTable(e, rs); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if got := len(strings.Fields(strings.ReplaceAll(lines[0], "PAIRING ID", "PAIRING_ID"))); got != tc.heads {
			t.Errorf("%s: %d columns in %q, want %d", tc.name, got, lines[0], tc.heads)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: table lacks %q:\n%s", tc.name, w, out.String())
			}
		}
		if tc.name == "some" && !strings.HasSuffix(strings.TrimSpace(lines[1]), "-") {
			t.Errorf("a pairing without health shows no dash: %q", lines[1])
		}
	}
}
