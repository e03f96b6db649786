package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/keystore"
	"github.com/zalando/go-keyring"
)

// sciSetupFromStdin mocks the keyring and clears the SCI credentials from
// the environment, so setup sci reads them from stdin.
func sciSetupFromStdin(t *testing.T) {
	t.Helper()
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
}

func TestSetupSCIFromPipedStdin(t *testing.T) {
	sciSetupFromStdin(t)
	const key, partA = "test_pak_c2VjcmV0a2V5==", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	r := runCLI(context.Background(), "  "+key+"\r\n"+partA+"\n", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stdout, "stored") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, key) || strings.Contains(r.stdout+r.stderr, partA) || strings.Contains(r.stdout, "c2Vj") {
		t.Error("a credential was printed")
	}
	for item, want := range map[string]string{keystore.SCIAPIKey: key, keystore.SCISigningPartA: partA} {
		got, err := keyring.Get(testKeyringService, item)
		if err != nil || got != want {
			t.Errorf("keyring %s = %q, %v", item, got, err)
		}
	}
}

func TestSetupSCIRejectsBadInput(t *testing.T) {
	sciSetupFromStdin(t)
	for _, tc := range []struct{ stdin, want string }{
		{"", "API key is missing"},
		{"key\n", "Part A is missing"},
		{"\nparta\n", "API key is empty"},
		{"two words\nparta\n", "contains whitespace"},
	} {
		r := runCLI(context.Background(), tc.stdin, "setup", "sci")
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("stdin %q: exit %d stderr %q; want %q", tc.stdin, r.code, r.stderr, tc.want)
		}
		if strings.Contains(r.stderr, "two words") {
			t.Error("the bad value was echoed")
		}
	}
	if _, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("something was stored: %v", err)
	}
	if r := runCLI(context.Background(), "", "setup", "helcim"); r.code != ExitUsage {
		t.Errorf("setup helcim exit %d", r.code)
	}
}

func TestSetupSCIWithEnvStoresNothing(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "k")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "a")
	r := runCLI(context.Background(), "", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stdout, "nothing needs storing") {
		t.Fatalf("exit %d stdout %q", r.code, r.stdout)
	}
	if _, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("stored anyway: %v", err)
	}
}

func TestSetupSCIKeyringFailureExits6(t *testing.T) {
	keystore.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keystore.MockInit)
	t.Setenv("TILLPAIR_SCI_API_KEY", "")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "")
	r := runCLI(context.Background(), "key\nparta\n", "setup", "sci")
	if r.code != ExitStore || strings.Contains(r.stderr, "parta") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestPromptKeepsTheShownDefault(t *testing.T) {
	var errb strings.Builder
	e := &env{ctx: context.Background(), stderr: &errb}
	rd := bufio.NewReader(strings.NewReader("\n  New Name \n"))
	if v, err := prompt(e, rd, "Register name", "Main"); err != nil || v != "Main" {
		t.Errorf("Enter = %q, %v; want the default", v, err)
	}
	if v, err := prompt(e, rd, "Business name", "Old"); err != nil || v != "New Name" {
		t.Errorf("typed = %q, %v", v, err)
	}
	if !strings.Contains(errb.String(), "Register name [Main]: ") {
		t.Errorf("prompt %q does not show the default", errb.String())
	}
	var ue usageError
	if _, err := prompt(e, rd, "Vendor name", ""); !errors.As(err, &ue) {
		t.Errorf("EOF: %v", err)
	}
}

// With the environment supplying the credentials, piped values are not
// read: setup must say so, not just "nothing needs storing".
func TestSetupWithEnvSaysPipedValuesWereIgnored(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "test_pak_env==")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "envparta")
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "envtoken")
	for _, tc := range []struct {
		provider, stdin, variable string
	}{
		{"sci", "test_pak_Q1ZZ==\nQ2ZZparta\n", "TILLPAIR_SCI_API_KEY and TILLPAIR_SCI_SIGNING_SECRET_PART_A"},
		{"helcim", "Q3ZZtoken\n", "TILLPAIR_HELCIM_API_TOKEN"},
	} {
		r := runCLI(context.Background(), tc.stdin, "setup", tc.provider)
		if r.code != ExitOK || !strings.Contains(r.stdout, "nothing needs storing") {
			t.Errorf("setup %s: exit %d stdout %q", tc.provider, r.code, r.stdout)
		}
		for _, want := range []string{"stdin was not read", "ignored", "nothing was stored", "unset " + tc.variable} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("setup %s: stderr lacks %q:\n%s", tc.provider, want, r.stderr)
			}
		}
		if strings.Contains(r.stdout+r.stderr, "ZZ") {
			t.Errorf("setup %s: a piped value was echoed", tc.provider)
		}
		// Nothing piped: nothing to warn about.
		if r := runCLI(context.Background(), "", "setup", tc.provider); strings.Contains(r.stderr, "stdin was not read") {
			t.Errorf("setup %s with empty stdin: %q", tc.provider, r.stderr)
		}
	}
	for _, item := range []string{keystore.SCIAPIKey, keystore.HelcimAPIToken} {
		if _, err := keyring.Get(testKeyringService, item); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("%s stored: %v", item, err)
		}
	}
}

// Whether stdin may hold piped input is decided without reading it.
func TestMayHoldInput(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	dir := t.TempDir()
	n := 0
	file := func(content string) *os.File {
		// Numbered, not named after the content: Windows forbids a
		// newline in a file name.
		n++
		p := filepath.Join(dir, fmt.Sprintf("f%d", n))
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, tc := range map[string]struct {
		in   io.Reader
		want bool
	}{
		"/dev/null":        {devNull, false},
		"empty file":       {file(""), false},
		"file with lines":  {file("k\n"), true},
		"pipe":             {r, true},
		"empty reader":     {strings.NewReader(""), false},
		"reader with data": {strings.NewReader("k\n"), true},
	} {
		if got := mayHoldInput(tc.in); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

// Provider names are accepted in any case wherever they are read.
func TestProviderNamesInAnyCase(t *testing.T) {
	keystore.MockInit()
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	t.Setenv("TILLPAIR_SCI_API_KEY", "test_pak_env==")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "envparta")
	t.Setenv("TILLPAIR_HELCIM_API_TOKEN", "envtoken")
	dir := newConfigDir(t)
	for _, args := range [][]string{
		{"setup", "SCI"},
		{"setup", "Helcim"},
		{"--debug", "--config-dir", dir, "setup", "SCI"},
		// The flag's value is the same word: only the provider changes.
		{"setup", "--config-dir", "SCI", "SCI"},
	} {
		r := runCLI(context.Background(), "", args...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "nothing needs storing") {
			t.Errorf("%q: exit %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := runCLI(context.Background(), "", "--config-dir", dir, "setup", "SmartConnect", "--register-name", "R", "--business-name", "B", "--vendor-name", "V", "--environment", "dev")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Register name:  R") {
		t.Errorf("setup SmartConnect: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(context.Background(), "", "setup", "Nosuch"); r.code != ExitUsage || !strings.Contains(r.stderr, `unknown provider "Nosuch"`) {
		t.Errorf("setup Nosuch: exit %d stderr %q", r.code, r.stderr)
	}

	// pair --provider: past the name, on to the code's own rules.
	unconfiguredCLI(t, false)
	r = runCLI(context.Background(), "", "pair", "--provider", "HELCIM", "--code", "DY6L!")
	if r.code != ExitUsage || strings.Contains(r.stderr, "unknown provider") || !strings.Contains(strings.ToLower(r.stderr), "code") {
		t.Errorf("pair --provider HELCIM: exit %d stderr %q", r.code, r.stderr)
	}

	// The root's --provider opens that provider's screens.
	sandboxEnv(t)
	r = runCLI(context.Background(), "n\n", "--accessible", "--sandbox", "--provider", "SmartConnect")
	if first, _, _ := strings.Cut(r.stdout, "\n"); r.code != ExitOK || !strings.HasPrefix(first, "Smartpay SmartConnect") {
		t.Errorf("--provider SmartConnect: exit %d, opened on %q, stderr %q", r.code, first, r.stderr)
	}
}

// Every command's --provider, whoever defines it, lower-cases its value.
func TestEveryProviderFlagIsCaseInsensitive(t *testing.T) {
	root := newRootCmd(&env{g: &globals{}})
	lowerProviderFlags(root)
	found := 0
	for _, c := range append(root.Commands(), root) {
		f := c.LocalFlags().Lookup("provider")
		if f == nil {
			continue
		}
		found++
		if err := f.Value.Set(" HeLcIm "); err != nil {
			t.Errorf("%s --provider: %v", c.CommandPath(), err)
		}
		if got := f.Value.String(); got != "helcim" {
			t.Errorf("%s --provider HeLcIm = %q", c.CommandPath(), got)
		}
	}
	// root, pair, demo and evidence read a provider name today.
	if found < 4 {
		t.Errorf("only %d commands have --provider", found)
	}
}

// A prompt waits on a read that cannot be stopped: awaitInput must return
// on the context's end with the read still blocked (stdin is a pipe whose
// writer stays open), and never hand back input that arrives afterwards.
func TestAwaitInputEndsOnCancelWithTheReadStillBlocked(t *testing.T) {
	readLine, w := stdinPipe(t)

	ctx, cancel := context.WithCancel(context.Background())
	type got struct {
		line string
		err  error
	}
	done := make(chan got, 1)
	go func() {
		line, err := awaitInput(ctx, readLine)
		done <- got{line, err}
	}()
	cancel()
	select {
	case g := <-done:
		if !errors.Is(g.err, promptInterrupted{}) || g.line != "" {
			t.Fatalf("after cancel: %q, %v; want promptInterrupted", g.line, g.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("awaitInput still waiting for stdin after the context ended")
	}
	// The abandoned read takes this line; nobody may receive it.
	if _, err := io.WriteString(w, "typed after Ctrl-C\n"); err != nil {
		t.Fatal(err)
	}
}

func TestAwaitInputReturnsTheLineAndPrefersAnInterrupt(t *testing.T) {
	readLine, w := stdinPipe(t)
	if _, err := io.WriteString(w, "first\nsecond\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if line, err := awaitInput(ctx, readLine); err != nil || line != "first\n" {
		t.Fatalf("got %q, %v; want the first line", line, err)
	}
	// Input already waiting does not win over Ctrl-C pressed before it
	// was read: what was typed after it must not be used.
	cancel()
	if line, err := awaitInput(ctx, readLine); !errors.Is(err, promptInterrupted{}) || line != "" {
		t.Fatalf("cancelled with a line waiting: %q, %v; want promptInterrupted", line, err)
	}
}

// The keys of a raw-mode terminal, as readHiddenLine must read them.
func TestReadHiddenLineKeys(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		want        []string // lines, in order
		thenErr     error    // after them
	}{
		{"enter", "abc\r", []string{"abc"}, io.EOF},
		{"pasted LF lines", "key\npartA\n", []string{"key", "partA"}, io.EOF},
		{"pasted CRLF lines", "key\r\npartA\r\n", []string{"key", "partA"}, io.EOF},
		{"backspace and delete", "abx\x7fc\x08d\r", []string{"abd"}, io.EOF},
		{"ctrl-u", "wrong\x15right\r", []string{"right"}, io.EOF},
		{"ctrl-d on an empty line", "\x04abc\r", nil, io.EOF},
		{"ctrl-d after text is ignored", "ab\x04c\r", []string{"abc"}, io.EOF},
		{"ctrl-c", "abc\x03def\r", nil, promptInterrupted{}},
		{"no enter before the end", "abc", nil, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := strings.NewReader(tc.typed)
			for _, want := range tc.want {
				if got, err := readHiddenLine(r); err != nil || string(got) != want {
					t.Fatalf("got %q, %v; want %q", got, err, want)
				}
			}
			if got, err := readHiddenLine(r); !errors.Is(err, tc.thenErr) || got != nil {
				t.Fatalf("then %q, %v; want %v", got, err, tc.thenErr)
			}
		})
	}
	long := strings.NewReader(strings.Repeat("a", maxCredentialLine+1) + "\r")
	if _, err := readHiddenLine(long); !errors.Is(err, tooLongError{}) {
		t.Errorf("overlong line: %v", err)
	}
}

// stdinPipe is stdin as a pipe: a read of one line, and the pipe's
// writer, which stays open until the test ends (so a read can block).
func stdinPipe(t *testing.T) (func() (string, error), *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	rd := bufio.NewReader(r)
	return func() (string, error) { return rd.ReadString('\n') }, w
}

func TestSetupSCIWarnsAboutAKeyWithoutAnEnvironmentPrefix(t *testing.T) {
	const partA = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	for _, tc := range []struct {
		name, key, part, want string
	}{
		{"part A pasted as key", "a1b2c3d4e5f60718293a4b5c6d7e8f90", partA, "the SCI Pairing API key does not look like an SCI API key (they start with test_ or live_): check you pasted the Pairing API key, not the signing secret Part A"},
		{"docs-style key", "pak_c2VjcmV0a2V5==", partA, "does not look like an SCI API key"},
		{"swapped", partA, "live_pak_c2VjcmV0a2V5==", "the two look swapped"},
		{"test key", "test_pak_c2VjcmV0a2V5==", partA, ""},
		{"live key", "live_pak_c2VjcmV0a2V5==", partA, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unconfiguredCLI(t, false)
			r := runCLI(context.Background(), tc.key+"\n"+tc.part+"\n", "setup", "sci")
			if r.code != ExitOK || !strings.Contains(r.stdout, "SCI credentials stored") {
				t.Fatalf("exit %d stdout %q stderr %q; a warning must not stop the setup", r.code, r.stdout, r.stderr)
			}
			if got, err := keyring.Get(testKeyringService, keystore.SCIAPIKey); err != nil || got != tc.key {
				t.Errorf("stored key %q, %v", got, err)
			}
			if tc.want == "" {
				if strings.Contains(r.stderr, "Warning") {
					t.Errorf("warned about a good key: %q", r.stderr)
				}
			} else if !strings.Contains(r.stderr, "Warning: ") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q; want %q", r.stderr, tc.want)
			}
			for _, secret := range []string{tc.key, tc.part, tc.key[:6], tc.part[:6], "c2Vj"} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("output shows part of a credential (%q): %q %q", secret, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestSetupSCIWarnsAboutTheEnvKeyToo(t *testing.T) {
	unconfiguredCLI(t, false)
	t.Setenv("TILLPAIR_SCI_API_KEY", "0123456789abcdef")
	t.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", "fedcba9876543210")
	r := runCLI(context.Background(), "", "setup", "sci")
	if r.code != ExitOK || !strings.Contains(r.stderr, "Warning: TILLPAIR_SCI_API_KEY does not look like an SCI API key") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "012345") || strings.Contains(r.stdout+r.stderr, "fedcba") {
		t.Errorf("a credential was printed: %q %q", r.stdout, r.stderr)
	}
}
