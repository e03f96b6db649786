package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/keystore"
)

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
