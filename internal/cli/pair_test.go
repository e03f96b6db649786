package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/zalando/go-keyring"
)

// cliWorld is a sandbox serving on loopback plus the environment that points
// the configured (non-sandbox) CLI at it, with an in-memory keyring.
type cliWorld struct {
	sb   *sandbox.Sandbox
	term string
	dir  string
}

const testKeyringService = "tillpair-cli-test"

func newCLIWorld(t *testing.T) *cliWorld {
	t.Helper()
	keystore.MockInit()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 11})
	info := sb.Info()
	w := &cliWorld{sb: sb, dir: newConfigDir(t)}
	w.term = testkit.Terminal(t, sb, providers.SCI).ID
	t.Setenv("TILLPAIR_CONFIG_DIR", w.dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", info.Credential("sci_api_key"))
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", info.Credential("sci_signing_secret_part_a"))
	t.Setenv("TILLPAIR_SCI_PAIRING_URL", info.URL("sci_pairing_url"))
	return w
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(ctx context.Context, stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := Execute(ctx, Build{Version: "test"}, args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (w *cliWorld) startCode(t *testing.T) string {
	t.Helper()
	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		t.Fatal(err)
	}
	return term.PairingCode
}

// whenTerminal runs action once the SCI terminal satisfies cond, driven by
// the sandbox's change notifications. The returned func waits for it.
func (w *cliWorld) whenTerminal(t *testing.T, cond func(sandbox.Terminal) bool, action func()) func() {
	t.Helper()
	changes, unsub := w.sb.Changes()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unsub()
		deadline := time.NewTimer(20 * time.Second)
		defer deadline.Stop()
		for {
			term, err := w.sb.Terminal(w.term)
			if err != nil {
				t.Error(err)
				return
			}
			if cond(term) {
				action()
				return
			}
			select {
			case <-changes:
			case <-deadline.C:
				t.Error("terminal never reached the expected state")
				return
			}
		}
	}()
	return func() { <-done }
}

func showsConfirmation(term sandbox.Terminal) bool { return term.ConfirmationCode != "" }

func (w *cliWorld) livePairings(t *testing.T) []sandbox.TerminalPairing {
	t.Helper()
	return testkit.LivePairings(t, w.sb, w.term)
}

func decodeOne(t testing.TB, s string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout %q: %v", s, err)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value: %q", s)
	}
}

func TestCLIFullSCIPairing(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	code := w.startCode(t)
	confirmed := w.whenTerminal(t, showsConfirmation, func() {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Error(err)
		}
	})
	logPath := filepath.Join(t.TempDir(), "debug.log")
	r := runCLI(ctx, "", "pair", "--code", code[:3]+"-"+code[3:], "--nickname", "Front Bar", "--json", "--log-file", logPath)
	confirmed()
	if r.code != ExitOK {
		t.Fatalf("pair exit %d\nstderr: %s", r.code, r.stderr)
	}
	var pj pairJSON
	decodeOne(t, r.stdout, &pj)
	if pj.Provider != "sci" || pj.Status != "active" || pj.PairingNickname != "Front Bar" || pj.TID == "" || pj.ConfirmationCode == "" || !strings.HasPrefix(pj.PairingID, "pid_") {
		t.Errorf("pair JSON %+v", pj)
	}
	if !strings.Contains(r.stderr, "Confirmation code: "+pj.ConfirmationCode+" — check the terminal shows the same code") {
		t.Errorf("stderr %q lacks the confirmation code line", r.stderr)
	}
	partB, err := keyring.Get(testKeyringService, keystore.SCIPartB(pj.PairingID))
	if err != nil || partB == "" {
		t.Fatalf("Part B not in the keyring: %v", err)
	}

	r = runCLI(ctx, "", "status", "--json")
	if r.code != ExitOK {
		t.Fatalf("status exit %d: %s", r.code, r.stderr)
	}
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if len(sj.Pairings) != 1 || sj.Pairings[0].PairingID != pj.PairingID || sj.Pairings[0].Status != "active" || sj.Pairings[0].CheckedAt == nil {
		t.Fatalf("status JSON %+v", sj)
	}
	r = runCLI(ctx, "", "status")
	if r.code != ExitOK || !strings.Contains(r.stdout, pj.PairingID) || !strings.Contains(r.stdout, "Front Bar") {
		t.Errorf("status table exit %d:\n%s", r.code, r.stdout)
	}
	r = runCLI(ctx, "", "test", "front bar")
	if r.code != ExitOK || !strings.Contains(r.stdout, "is active") {
		t.Errorf("test exit %d: %s %s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(ctx, "", "unpair", pj.PairingID[4:12], "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Unpaired") {
		t.Fatalf("unpair exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("terminal still paired: %+v", live)
	}
	if _, err := keyring.Get(testKeyringService, keystore.SCIPartB(pj.PairingID)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("Part B left in the keyring: %v", err)
	}
	r = runCLI(ctx, "", "status", "--json")
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitNoPairing || len(sj.Pairings) != 0 {
		t.Errorf("status after unpair: exit %d %+v", r.code, sj)
	}

	info, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// Windows has no Unix permission bits: the user profile's ACL guards
	// the file there.
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v", info.Mode().Perm())
	}
	logData, _ := os.ReadFile(logPath)
	creds := w.sb.Info()
	if !bytes.Contains(logData, []byte(pj.PairingID)) {
		t.Error("the debug log does not mention the pairing: is it being written?")
	}
	for _, s := range []string{partB, creds.Credential("sci_api_key"), creds.Credential("sci_signing_secret_part_a")} {
		if bytes.Contains(logData, []byte(s)) || strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("a secret reached the log or output")
		}
	}
}

// cancelOn calls cancel once a write contains marker: the test's Ctrl-C,
// pressed at a known point of the command's progress.
type cancelOn struct {
	bytes.Buffer
	marker string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if bytes.Contains(p, []byte(c.marker)) {
		c.cancel()
	}
	return n, err
}

func TestCLIPairCancelledWhileWaiting(t *testing.T) {
	w := newCLIWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C once the command says it is waiting for the confirmation.
	stderr := &cancelOn{marker: "Waiting up to", cancel: cancel}
	var stdout bytes.Buffer
	code := Execute(ctx, Build{}, []string{"pair", "--code", w.startCode(t)}, strings.NewReader(""), &stdout, stderr)
	if code != ExitUnexpected || !strings.Contains(stderr.String(), "Interrupted: the pairing was cancelled") {
		t.Fatalf("exit %d stderr %q", code, stderr.String())
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("pairing left on the terminal: %+v", live)
	}
	r := runCLI(context.Background(), "", "status", "--json", "--no-check")
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitNoPairing || len(sj.Pairings) != 0 {
		t.Errorf("records after cancel: exit %d %+v", r.code, sj)
	}
}

func TestCLIPairNoWaitThenTest(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	r := runCLI(ctx, "", "pair", "--code", w.startCode(t), "--no-wait", "--json")
	if r.code != ExitOK {
		t.Fatalf("pair exit %d: %s", r.code, r.stderr)
	}
	var pj pairJSON
	decodeOne(t, r.stdout, &pj)
	if pj.Status != "awaiting_confirmation" || !strings.Contains(r.stderr, "tillpair test "+pj.PairingID) {
		t.Fatalf("pair %+v stderr %q", pj, r.stderr)
	}
	r = runCLI(ctx, "", "test", pj.PairingID)
	if r.code != ExitNoPairing || !strings.Contains(r.stderr, "not confirmed yet") {
		t.Errorf("test before confirm: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(ctx, "", "status")
	if r.code != ExitNoPairing || !strings.Contains(r.stdout, "awaiting_confirmation") {
		t.Errorf("status before confirm: exit %d %q", r.code, r.stdout)
	}
	plainLine := r.stderr
	r = runCLI(ctx, "", "status", "--json")
	var aj statusJSON
	decodeOne(t, r.stdout, &aj)
	if r.code != ExitNoPairing || len(aj.Pairings) != 1 {
		t.Fatalf("status --json before confirm: exit %d %+v", r.code, aj)
	}
	// --json says what the table says: waiting for the terminal, not unpaired.
	if got := aj.Pairings[0]; got.CheckErrorKind != "not_confirmed" || !strings.Contains(got.CheckError, "not confirmed yet") ||
		!strings.Contains(plainLine, got.CheckError) || strings.Contains(got.CheckError, "No active pairings") {
		t.Errorf("status --json before confirm: %+v; the table said %q", got, plainLine)
	}
	if _, err := w.sb.Confirm(w.term); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "test", pj.PairingID)
	if r.code != ExitOK {
		t.Errorf("test after confirm: exit %d %q", r.code, r.stderr)
	}
	if _, err := w.sb.UnpairFromTerminal(w.term); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "status", "--json")
	var sj statusJSON
	decodeOne(t, r.stdout, &sj)
	if r.code != ExitNoPairing || len(sj.Pairings) != 1 || sj.Pairings[0].Status != "unpaired" || sj.Pairings[0].CheckErrorKind != "not_paired" {
		t.Errorf("status after unpair on terminal: exit %d %+v", r.code, sj)
	}
}

func TestCLIExitCodes(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		setup  func(t *testing.T)
		args   []string
		want   int
		stderr string
	}{
		{name: "bad code", args: []string{"pair", "--code", "12a4"}, want: ExitUsage, stderr: "digits only"},
		{name: "missing code", args: []string{"pair"}, want: ExitUsage, stderr: "code"},
		{name: "wait and no-wait", args: []string{"pair", "--code", "123456", "--wait", "1m", "--no-wait"}, want: ExitUsage, stderr: "cannot be used together"},
		{name: "unknown code", args: []string{"pair", "--code", "000001"}, want: ExitRejected, stderr: "Pairing not found"},
		{name: "unknown pairing", args: []string{"test", "nosuch"}, want: ExitUsage, stderr: "No pairing matches"},
		{name: "unpair unknown", args: []string{"unpair", "nosuch", "--yes"}, want: ExitUsage, stderr: "No pairing matches"},
		{name: "network down", args: []string{"pair", "--code", "123456"}, want: ExitNetwork, stderr: "check network",
			setup: func(t *testing.T) {
				if err := w.sb.SetFault(sandbox.Fault{Provider: "sci", Route: sci.RouteProgressPairing, Reset: true}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(w.sb.ClearFaults)
			}},
		// Nothing configured and nothing recorded: status lists the
		// (empty) records and says to set a provider up first.
		{name: "not configured", args: []string{"status"}, want: ExitNoPairing, stderr: "tillpair setup sci",
			setup: func(t *testing.T) {
				t.Setenv("TILLPAIR_SCI_API_KEY", "")
				t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
			}},
		// No keyring and nothing in the environment is "not configured",
		// not a store failure: nothing here needs the keyring yet.
		{name: "no keyring", want: ExitNoPairing, stderr: "No OS keyring",
			setup: func(t *testing.T) {
				t.Setenv("TILLPAIR_SCI_API_KEY", "")
				keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
				t.Cleanup(keystore.MockInit)
			}, args: []string{"status"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			r := runCLI(ctx, "", tc.args...)
			if r.code != tc.want || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", r.code, tc.want, r.stderr, tc.stderr)
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
				t.Errorf("stderr is not a short message: %q", r.stderr)
			}
		})
	}
}

func TestCLIKeyringWriteFailureRollsBack(t *testing.T) {
	w := newCLIWorld(t)
	keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keystore.MockInit)
	r := runCLI(context.Background(), "", "pair", "--code", w.startCode(t))
	if r.code != ExitStore || !strings.Contains(r.stderr, "undone") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if live := w.livePairings(t); len(live) != 0 {
		t.Errorf("pairing left on the terminal: %+v", live)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "pairings.json")); err == nil {
		data, _ := os.ReadFile(filepath.Join(w.dir, "pairings.json"))
		if bytes.Contains(data, []byte("pid_")) {
			t.Errorf("record written: %s", data)
		}
	}
}

func TestCLIUnpairAsksOrRefuses(t *testing.T) {
	w := newCLIWorld(t)
	ctx := context.Background()
	r := runCLI(ctx, "", "pair", "--code", w.startCode(t), "--no-wait", "--nickname", "Bar", "--json")
	if r.code != ExitOK {
		t.Fatalf("pair: %d %s", r.code, r.stderr)
	}
	r = runCLI(ctx, "y\n", "unpair", "bar")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("unpair without --yes and no terminal: exit %d %q", r.code, r.stderr)
	}
	if live := w.livePairings(t); len(live) != 1 {
		t.Errorf("refused unpair changed the terminal: %+v", live)
	}
}

// A config dir that cannot exist must fail pair before the terminal's
// one-time code reaches the provider.
func TestCLIPairChecksTheConfigDirFirst(t *testing.T) {
	w := newCLIWorld(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(file, "tillpair")
	r := runCLI(context.Background(), "", "--config-dir", bad, "pair", "--code", w.startCode(t))
	if r.code != ExitStore || !strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, "--config-dir") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if n := w.sb.RequestCount(providers.SCI, sci.RouteProgressPairing); n != 0 {
		t.Errorf("the code was sent (%d requests) before the config dir was checked", n)
	}
	missing := filepath.Join(t.TempDir(), "typo", "tillpair")
	r = runCLI(context.Background(), "", "--config-dir", missing, "status")
	if r.code != ExitNoPairing || !strings.Contains(r.stderr, "none recorded in "+filepath.Join(missing, "pairings.json")) || !strings.Contains(r.stderr, "does not exist") {
		t.Errorf("status: exit %d stderr %q; want the path it looked in", r.code, r.stderr)
	}
}

// With no keyring, SCI env credentials work and Part B's storage failure
// says the keyring is needed, not the env vars.
func TestCLINoKeyringPartBAdvice(t *testing.T) {
	w := newCLIWorld(t)
	keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keystore.MockInit)
	r := runCLI(context.Background(), "", "pair", "--code", w.startCode(t))
	if r.code != ExitStore || !strings.Contains(r.stderr, "with-keyring.sh") || strings.Contains(r.stderr, "TILLPAIR_SCI_API_KEY") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(context.Background(), "", "pair", "--provider", "helcim", "--code", "ABCD")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "TILLPAIR_HELCIM_API_TOKEN") || strings.Contains(r.stderr, "Unknown") {
		t.Errorf("helcim: exit %d stderr %q", r.code, r.stderr)
	}
}

// onLine calls act once, when a write to stderr contains marker: the
// merchant confirming on the terminal at a known point of the wait.
type onLine struct {
	bytes.Buffer
	marker string
	act    func()
	once   sync.Once
}

func (o *onLine) Write(p []byte) (int, error) {
	n, err := o.Buffer.Write(p)
	if bytes.Contains(p, []byte(o.marker)) {
		o.once.Do(o.act)
	}
	return n, err
}

// With --debug, the wait's "not confirmed yet" lines say the pairing is
// awaiting confirmation, though SCI answers those polls as unpaired.
func TestCLIDebugLogSaysAwaitingWhileNotConfirmed(t *testing.T) {
	w := newCLIWorld(t)
	logPath := filepath.Join(t.TempDir(), "debug.log")
	stderr := &onLine{marker: "Not confirmed yet", act: func() {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Error(err)
		}
	}}
	var stdout bytes.Buffer
	args := []string{"--debug", "--log-file", logPath, "pair", "--code", w.startCode(t), "--json"}
	if code := Execute(context.Background(), Build{}, args, strings.NewReader(""), &stdout, stderr); code != ExitOK {
		t.Fatalf("pair exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	waits := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if l["msg"] != "await: not confirmed yet" {
			continue
		}
		waits++
		if l["status"] != "awaiting_confirmation" {
			t.Errorf("logged status %v while awaiting confirmation: %s", l["status"], sc.Text())
		}
	}
	if waits == 0 {
		t.Fatal(`no "await: not confirmed yet" line in the debug log`)
	}
}

// While the cloud is unreachable, the wait says so once, not on every
// poll, and says when checking works again.
func TestCLIPairWaitReportsANetworkProblemOnce(t *testing.T) {
	w := newCLIWorld(t)
	const failing = 3
	w.fault(t, sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Reset: true, Count: failing})
	stderr := &onLine{marker: "Checking works again", act: func() {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Error(err)
		}
	}}
	var stdout bytes.Buffer
	args := []string{"pair", "--code", w.startCode(t), "--wait", "30s"}
	if code := Execute(context.Background(), Build{}, args, strings.NewReader(""), &stdout, stderr); code != ExitOK {
		t.Fatalf("pair exit %d: %s", code, stderr.String())
	}
	if n := w.sb.RequestCount(providers.SCI, sci.RoutePairingInfo); n <= failing {
		t.Fatalf("%d pairing-info requests: the fault was never outlived", n)
	}
	out := stderr.String()
	if n := strings.Count(out, "Checking for the confirmation failed"); n != 1 {
		t.Errorf("the network problem was reported %d times over %d failed polls:\n%s", n, failing, out)
	}
	if n := strings.Count(out, "Checking works again"); n != 1 {
		t.Errorf("recovery reported %d times:\n%s", n, out)
	}
	if strings.Contains(out, ".).") || strings.Contains(out, "..") {
		t.Errorf("doubled punctuation:\n%s", out)
	}
}

// The problem is reported again when it changes, keyed by what it is, not
// by text that differs on every attempt.
func TestProgressPrinterReportsChanges(t *testing.T) {
	var errb bytes.Buffer
	report := progressPrinter(&env{stderr: &errb}, nil)
	netErr := func(detail string) error {
		return &providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindNetwork, Message: detail}
	}
	report(pairingWarning(netErr("refused on port 1")))
	report(pairingWarning(netErr("refused on port 2")))
	report(pairingWarning(&providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 503}))
	report(pairingWarning(&providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 503}))
	out := errb.String()
	if n := strings.Count(out, "Checking for the confirmation failed"); n != 2 {
		t.Errorf("want one line per distinct problem (2), got %d:\n%s", n, out)
	}
	if !strings.Contains(out, "refused on port 1") || strings.Contains(out, "refused on port 2") || !strings.Contains(out, "had a problem") {
		t.Errorf("wrong lines:\n%s", out)
	}
}

func pairingWarning(err error) pairing.Event {
	return pairing.Event{Type: pairing.EventNetworkWarning, Err: err}
}
