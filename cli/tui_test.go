package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/providers"
)

// sandboxEnv points the TUI's runtime at a fresh config dir and an
// in-memory keyring.
func sandboxEnv(t *testing.T) {
	t.Helper()
	keyring.MockInit()
	t.Setenv("TILLPAIR_CONFIG_DIR", t.TempDir())
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
}

func TestRootProviderFlagPicksTheInitialProvider(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Simple Cloud Integration — tillpair"},
		{[]string{"--provider", "sci"}, "Simple Cloud Integration — tillpair"},
		{[]string{"--provider", "smartconnect"}, "Smartpay SmartConnect — tillpair"},
		{[]string{"--provider", "helcim"}, "Helcim Payment Hardware — tillpair"},
	}
	for _, c := range cases {
		t.Run(strings.Join(append([]string{"flag"}, c.args...), "_"), func(t *testing.T) {
			sandboxEnv(t)
			args := append([]string{"--accessible", "--sandbox"}, c.args...)
			r := runCLI(context.Background(), "n\n", args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if first, _, _ := strings.Cut(r.stdout, "\n"); !strings.HasPrefix(first, c.want) {
				t.Errorf("opened on %q, want %q", first, c.want)
			}
		})
	}
}

func TestRootProviderFlagRefusesUnknownProvider(t *testing.T) {
	sandboxEnv(t)
	r := runCLI(context.Background(), "", "--accessible", "--sandbox", "--provider", "square")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want %d (usage)\nstderr:\n%s", r.code, ExitUsage, r.stderr)
	}
	for _, want := range []string{`"square"`, "--provider", "sci, smartconnect or helcim"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("something ran: stdout %q", r.stdout)
	}
}

func TestRootProviderFlagSaysWhatAnUnconfiguredProviderNeeds(t *testing.T) {
	newCLIWorld(t) // SCI configured; Helcim offered without its token
	r := runCLI(context.Background(), "n\n", "--accessible", "--provider", "helcim")
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Helcim Payment Hardware — tillpair", "Helcim Payment Hardware is not set up yet.", "tillpair setup helcim"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// onlyID is a provider as initialProvider sees it: its id.
type onlyID struct {
	providers.Provider
	id string
}

func (p onlyID) ID() string { return p.id }

func TestInitialProvider(t *testing.T) {
	scOnly := []providers.Provider{onlyID{id: providers.SmartConnect}}
	all := []providers.Provider{onlyID{id: providers.SCI}, onlyID{id: providers.SmartConnect}, onlyID{id: providers.Helcim}}
	for _, c := range []struct {
		flag      string
		available []providers.Provider
		want      string
	}{
		{"", all, providers.SCI},
		{"", scOnly, providers.SmartConnect},
		{"helcim", all, providers.Helcim},
		{"smartconnect", scOnly, providers.SmartConnect},
	} {
		if got, err := initialProvider(c.flag, c.available); err != nil || got != c.want {
			t.Errorf("initialProvider(%q, %d providers) = %q, %v; want %q", c.flag, len(c.available), got, err, c.want)
		}
	}
	_, err := initialProvider("helcim", scOnly)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("an unavailable provider: got %v, want a usage error", err)
	}
	for _, want := range []string{"--provider helcim is not configured", "available: smartconnect", "tillpair setup helcim", "--sandbox"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestProviderFlagIsTheRootsOnly(t *testing.T) {
	sandboxEnv(t)
	r := runCLI(context.Background(), "", "status", "--provider", "sci")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "unknown flag: --provider") {
		t.Errorf("status --provider: exit %d, stderr %q; the flag should belong to the root command only", r.code, r.stderr)
	}
}

func TestTUIWithoutATerminalSaysWhatToDo(t *testing.T) {
	sandboxEnv(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for args, wants := range map[string][]string{
		"--sandbox": {"stdin is not", "--accessible", "tillpair pair"},
		"demo":      {"stdin is not", "tillpair evidence --out"},
	} {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), Build{Version: "test"}, []string{args}, devNull, &out, &errb)
		if code != ExitUsage {
			t.Fatalf("%v: exit %d, want %d (usage)\nstderr:\n%s", args, code, ExitUsage, errb.String())
		}
		for _, want := range wants {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errb.String())
			}
		}
		if out.Len() != 0 {
			t.Errorf("%v: the screens drew something: %q", args, out.String())
		}
	}
}
