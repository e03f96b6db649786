package reliability

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/cli"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	simsumup "github.com/tillpair/tillpair/internal/sandbox/sumup"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/ui"
)

// scanner collects every text that must be free of secrets, then checks
// them all against every secret value.
type scanner struct {
	mu      sync.Mutex
	texts   map[string]string // where → text
	secrets map[string]string // what → value
}

func newScanner() *scanner {
	s := &scanner{texts: map[string]string{}, secrets: map[string]string{}}
	s.secret("SCI API key", canaryAPIKey)
	s.secret("SCI signing secret Part A", canaryPartA)
	s.secret("Helcim API token", canaryToken)
	s.secret("Square access token", canarySquareToken)
	s.secret("SumUp API key", canarySumUp)
	s.secret("Linkly password", canaryLinklyPassword)
	return s
}

func (s *scanner) secret(what, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[what+" "+value[:4]+"…"] = value
}

func (s *scanner) add(where, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts[where] += text
}

// hits lists every secret found, whole or as a 12-character piece (a
// truncated or wrapped leak is still a leak).
func (s *scanner) hits() (hits []string, sources, bytesScanned int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for where, text := range s.texts {
		bytesScanned += len(text)
		for what, secret := range s.secrets {
			for i := 0; i+12 <= len(secret); i += 4 {
				if strings.Contains(text, secret[i:i+12]) {
					hits = append(hits, what+" leaked into "+where)
					break
				}
			}
		}
	}
	return hits, len(s.texts), bytesScanned
}

func TestScannerFindsPlantedSecrets(t *testing.T) {
	sc := newScanner()
	sc.add("clean", "nothing to see: test_pak_[redacted]")
	sc.add("wrapped", "key="+canaryPartA[3:17]+"\n")
	hits, _, _ := sc.hits()
	if len(hits) != 1 || !strings.Contains(hits[0], "wrapped") {
		t.Fatalf("hits %v, want exactly the planted piece", hits)
	}
}

// TestSecretCanary runs the CLI and the TUI with canary credentials and
// scans everything they produce, every golden file in the repo and every
// error text of the fault matrix: zero hits.
func TestSecretCanary(t *testing.T) {
	sc := newScanner()
	t.Run("cli", func(t *testing.T) { canaryCLI(t, sc) })
	t.Run("tui", func(t *testing.T) { canaryTUI(t, sc) })
	t.Run("cli_sumup", func(t *testing.T) { canaryCLISumUp(t, sc) })
	t.Run("cli_linkly", func(t *testing.T) { canaryCLILinkly(t, sc) })
	t.Run("matrix_errors", func(t *testing.T) {
		// The matrix runs in this package; run it here too if it was
		// filtered out, so the error texts exist.
		errorTexts.Lock()
		n := len(errorTexts.all)
		errorTexts.Unlock()
		if n == 0 {
			TestFaultMatrix(t)
		}
		errorTexts.Lock()
		defer errorTexts.Unlock()
		if len(errorTexts.all) == 0 {
			t.Fatal("the fault matrix produced no error texts to scan")
		}
		sc.add("fault matrix error texts", strings.Join(errorTexts.all, "\n"))
	})
	goldens := 0
	root := filepath.Join("..", "..") // the module root: every golden in the repo
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".golden") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			goldens++
			sc.add(path, string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if goldens == 0 {
		t.Fatal("found no golden files to scan")
	}
	// Goldens are made with seeded sandboxes, not canaries: their
	// credentials are the seeds' and must not appear either (the public
	// ones, such as a SumUp merchant code, are configuration and may).
	for seed := int64(1); seed <= 100; seed++ {
		sb := clouds.New(sandbox.Options{Seed: seed})
		creds := sb.SecretCredentials()
		_ = sb.Close()
		for _, c := range creds {
			sc.secret("seeded "+c.Key, c.Value)
		}
	}
	hits, n, size := sc.hits()
	for _, h := range hits {
		t.Error(h)
	}
	t.Logf("FIGURE canary: %d sources (%d golden files), %d bytes scanned, %d secret values, 0 hits required", n, goldens, size, len(sc.secrets))
}

func canaryCLI(t *testing.T, sc *scanner) {
	keystore.MockInit()
	sb := clouds.New(sandbox.Options{Seed: 31, Credentials: canaryCredentials()})
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	info := sb.Info()
	dir := t.TempDir()
	const service = "tillpair-canary"
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", service)
	t.Setenv("TILLPAIR_SCI_API_KEY", canaryAPIKey)
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", canaryPartA)
	t.Setenv("TILLPAIR_SCI_PAIRING_URL", info.URL("sci_pairing_url"))
	logFile := filepath.Join(dir, "debug.log")
	var term string
	for _, tm := range sb.Terminals() {
		if tm.Provider == providers.SCI {
			term = tm.ID
		}
	}
	run := func(name string, wantCode int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		args = append([]string{"--debug", "--log-file", logFile}, args...)
		code := cli.Execute(ctx, cli.Build{Version: "canary"}, args, strings.NewReader(""), &out, &errb)
		sc.add("cli "+name+" stdout", out.String())
		sc.add("cli "+name+" stderr", errb.String())
		// wantCode -1: any failure (the exit code table is the CLI's own
		// business; here only "it failed, and said so" matters).
		if (wantCode >= 0 && code != wantCode) || (wantCode < 0 && (code == 0 || errb.Len() == 0)) {
			t.Fatalf("%s: exit %d, want %d; stderr %s", name, code, wantCode, errb.String())
		}
		return out.String()
	}
	tm, err := sb.StartPairing(term)
	if err != nil {
		t.Fatal(err)
	}
	run("pair", 0, "pair", "--provider", "sci", "--code", tm.PairingCode, "--nickname", "Canary till", "--no-wait", "--json")
	tm, err = sb.Confirm(term)
	if err != nil || len(tm.Pairings) != 1 {
		t.Fatalf("confirm: %+v %v", tm, err)
	}
	id := tm.Pairings[0].PairingID
	partB, err := keyring.Get(service, keystore.SCIPartB(id))
	if err != nil || partB == "" {
		t.Fatalf("Part B not in the keyring: %v", err)
	}
	sc.secret("SCI Part B (CLI)", partB)
	run("test", 0, "test", id)
	run("status", 0, "status", "--json")
	run("status-plain", 0, "status")
	// Failures print error texts: a 503 and a reset on the SCI API.
	if err := sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Status: 503}); err != nil {
		t.Fatal(err)
	}
	run("test-503", -1, "test", id)
	sb.ClearFaults()
	if err := sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RouteUnpair, Reset: true}); err != nil {
		t.Fatal(err)
	}
	run("unpair-reset", -1, "unpair", id, "--yes")
	sb.ClearFaults()
	run("unpair", 0, "unpair", id, "--yes")
	run("pair-bad-code", -1, "pair", "--provider", "sci", "--code", "000000", "--no-wait")
	// Square: the register shows the code; the token is a Bearer header.
	t.Setenv("TILLPAIR_SQUARE_ACCESS_TOKEN", canarySquareToken)
	t.Setenv("TILLPAIR_SQUARE_URL", info.URL("square_url"))
	run("pair-square", 0, "pair", "--provider", "square", "--nickname", "Canary square", "--no-wait", "--json")
	run("test-square-waiting", -1, "test", "Canary square")
	run("forget-square", 0, "unpair", "Canary square", "--forget", "--yes")
	run("version", 0, "version")
	log, err := os.ReadFile(logFile)
	if err != nil || len(log) == 0 {
		t.Fatalf("debug log missing or empty: %v", err)
	}
	sc.add("cli debug log", string(log))
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				return rerr
			}
			sc.add("config dir file "+filepath.Base(path), string(b))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func canaryTUI(t *testing.T, sc *scanner) {
	w := newWorld(t, providers.SCI, worldOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := ui.New(ui.Options{Service: w.op, Terminals: app.Terminals(w.sb), Badge: "SANDBOX", Context: ctx})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	var seen bytes.Buffer
	waitText := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen.Write(b) // WaitFor drains: b is what was drawn since the last wait
			return bytes.Contains(b, []byte(text))
		}, teatest.WithDuration(2*time.Minute), teatest.WithCheckInterval(20*time.Millisecond))
	}
	keys := func(s string) {
		for _, r := range s {
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	waitText("Pairing Code")
	code := w.code()
	keys(code)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText("Confirm the pairing")
	if _, err := w.sb.Confirm(w.term); err != nil {
		t.Fatal(err)
	}
	waitText("Pairing successful")
	for _, s := range w.vault.issuedSecrets() {
		sc.secret("SCI Part B (TUI)", s)
	}
	if len(w.vault.issuedSecrets()) == 0 {
		t.Fatal("the TUI pairing stored no Part B")
	}
	// An error line, then a good test, then unpair.
	if err := w.sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Status: 502}); err != nil {
		t.Fatal(err)
	}
	keys("t")
	waitText("The payment cloud had a problem")
	w.sb.ClearFaults()
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc}) // back from the error screen
	waitText("Pairing ID")
	keys("u")
	keys("y")
	waitText("Unpaired")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(2*time.Minute))
	rest, _ := io.ReadAll(tm.Output())
	seen.Write(rest)
	sc.add("tui output", seen.String())
	sc.add("tui final view", fm.View())
	if len(w.records()) != 0 {
		t.Errorf("records after unpair in the TUI: %+v", w.records())
	}
	sc.add("tui records file", string(w.recordsBytes()))
}

// canaryCLISumUp runs SumUp through the CLI with the canary API key from
// the environment and --debug: setup, pair, confirm on the Solo, test,
// status, a refused key, a 502 with a trace id, unpair.
func canaryCLISumUp(t *testing.T, sc *scanner) {
	keystore.MockInit()
	sb := clouds.New(sandbox.Options{Seed: 32, Credentials: canaryCredentials()})
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	info := sb.Info()
	dir := t.TempDir()
	t.Setenv("TILLPAIR_CONFIG_DIR", dir)
	t.Setenv("TILLPAIR_KEYRING_SERVICE", "tillpair-canary-sumup")
	t.Setenv("TILLPAIR_SUMUP_URL", info.URL(sumup.EndpointURL))
	t.Setenv("TILLPAIR_SUMUP_API_KEY", "")
	t.Setenv("TILLPAIR_SUMUP_MERCHANT_CODE", info.Credential(sumup.CredMerchant))
	logFile := filepath.Join(dir, "debug.log")
	run := func(name, stdin string, ok bool, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		args = append([]string{"--debug", "--log-file", logFile}, args...)
		code := cli.Execute(ctx, cli.Build{Version: "canary"}, args, strings.NewReader(stdin), &out, &errb)
		sc.add("cli sumup "+name+" stdout", out.String())
		sc.add("cli sumup "+name+" stderr", errb.String())
		if ok != (code == 0) {
			t.Fatalf("%s: exit %d; stdout %s stderr %s", name, code, out.String(), errb.String())
		}
		return out.String()
	}
	// The key through setup's prompt (stdin), as a merchant types it.
	run("setup", canarySumUp+"\n"+info.Credential(sumup.CredMerchant)+"\n", true, "setup", "sumup")
	var solo string
	for _, tm := range sb.Terminals() {
		if tm.Provider == sumup.ID {
			solo = tm.ID
		}
	}
	tm, err := sb.StartPairing(solo)
	if err != nil {
		t.Fatal(err)
	}
	run("pair", "", true, "pair", "--provider", "sumup", "--code", tm.PairingCode, "--nickname", "Canary till", "--no-wait", "--json")
	tm, err = sb.Confirm(solo)
	if err != nil || len(tm.Pairings) != 1 {
		t.Fatalf("confirm: %+v %v", tm, err)
	}
	id := tm.Pairings[0].PairingID
	run("test", "", true, "test", id)
	run("status", "", true, "status", "--json")
	run("status-plain", "", true, "status")
	if err := sb.SetFault(sandbox.Fault{Provider: sumup.ID, Route: simsumup.RouteGet, Status: 502}); err != nil {
		t.Fatal(err)
	}
	run("test-502", "", false, "test", id)
	sb.ClearFaults()
	// A wrong key in the environment beats the keyring's: SumUp answers
	// 401 with a trace id, and the canary key must not be echoed.
	t.Setenv("TILLPAIR_SUMUP_API_KEY", canarySumUp+"x")
	run("test-wrong-key", "", false, "test", id)
	t.Setenv("TILLPAIR_SUMUP_API_KEY", "")
	run("unpair", "", true, "unpair", id, "--yes")
	log, err := os.ReadFile(logFile)
	if err != nil || len(log) == 0 {
		t.Fatalf("debug log missing or empty: %v", err)
	}
	sc.add("cli sumup debug log", string(log))
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				return rerr
			}
			sc.add("sumup config dir file "+filepath.Base(path), string(b))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
