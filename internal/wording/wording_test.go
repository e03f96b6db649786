package wording

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// Each certification text is written once, here: every front-end takes it
// from this package. The simulated clouds (internal/sandbox) are the
// vendors' side, written from the reference on purpose, and tests may
// quote it.
func TestCertificationTextsAppearOnce(t *testing.T) {
	root := filepath.Join("..", "..")
	texts := []string{TextNetwork, TextNoActive, TextNotFoundStart}
	count := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || path == filepath.Join(root, "internal", "sandbox")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := strings.ToLower(string(b))
		for _, text := range texts {
			if n := strings.Count(src, strings.ToLower(strings.TrimSpace(text))); n > 0 {
				count[text] = append(count[text], path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range texts {
		if got := count[text]; len(got) != 1 || filepath.Base(got[0]) != "wording.go" {
			t.Errorf("%q is written in %v; want only internal/wording", text, got)
		}
	}
}

func TestSentenceAndSaid(t *testing.T) {
	reg := registry.All()
	pe := &providers.Error{Provider: "sci", Op: providers.OpCheck, Kind: providers.KindNetwork, Message: "connection refused"}
	w := Describe(reg, pe)
	if got, want := Sentence(w, Said(pe, w)), TextNetwork+" (connection refused). "+w.Next; got != want {
		t.Errorf("network: %q, want %q", got, want)
	}
	// A client quoting the cloud after its advice: only the cloud's words.
	pe = &providers.Error{Provider: "helcim", Kind: providers.KindServer, HTTPStatus: 500,
		Message: "Helcim had a server problem; try again shortly (Helcim: upstream timeout)"}
	w = Describe(reg, pe)
	if got := Said(pe, w); got != "upstream timeout, HTTP 500" {
		t.Errorf("Said = %q", got)
	}
	// What the line already quotes is not repeated.
	pe = &providers.Error{Provider: "sci", Kind: providers.KindNotFound, HTTPStatus: 404, Message: "Pairing not found"}
	w = Describe(reg, pe)
	if got := Said(pe, w); got != "HTTP 404" {
		t.Errorf("Said = %q", got)
	}
}

func TestTextsOf(t *testing.T) {
	d := &providers.Descriptor{ID: "x", Texts: providers.Texts{Tested: "Ping sent"}}
	tx := TextsOf(d)
	if tx.Tested != "Ping sent" || tx.Testing == "" || tx.JustPaired == "" || tx.ForgetHelp == "" {
		t.Errorf("TextsOf = %+v", tx)
	}
	at := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	if got := Tested(&providers.Descriptor{}, at); !strings.Contains(got, "15:04:05") {
		t.Errorf("Tested = %q", got)
	}
	if UnpairSteps(&providers.Descriptor{}) != "" || UnpairSteps(&providers.Descriptor{Steps: providers.Steps{Unpair: "Do it"}}) != "Do it, then forget it here." ||
		UnpairSteps(&providers.Descriptor{RemoteUnpair: true, Steps: providers.Steps{Unpair: "A tip"}}) != "" {
		t.Error("UnpairSteps")
	}
}

// Health words: only what the provider said, as rows for the paired
// screen and as one line for the command line and accessible mode.
func TestHealthWords(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 30, 0, 0, time.UTC)
	on, batt := true, 83.6
	h := &providers.Health{Online: &on, Battery: &batt, State: "IDLE", LastActivity: now.Add(-5 * time.Minute), Detail: "token valid for 30 minutes"}
	if got, want := HealthLine(h, now), "online (idle), battery 84%, last activity 10:25:00 (5 min ago), token valid for 30 minutes"; got != want {
		t.Errorf("HealthLine = %q, want %q", got, want)
	}
	if got := HealthLine(nil, now); got != "" {
		t.Errorf("HealthLine(nil) = %q", got)
	}
	if got := HealthLine(&providers.Health{Model: "solo"}, now); got != "" {
		t.Errorf("a model alone is not health: %q", got)
	}
	if rows := HealthRows(h, now); len(rows) != 4 || rows[0] != [2]string{"Connection", "online (idle)"} {
		t.Errorf("HealthRows = %q", rows)
	}
	for ago, want := range map[time.Duration]string{
		-time.Minute:     "10:31:00",
		30 * time.Second: "10:29:30 (30s ago)",
		3 * time.Hour:    "07:30:00 (3 h ago)",
		50 * time.Hour:   "2026-12-02 08:30",
	} {
		if got := LastActivity(now.Add(-ago), now); got != want {
			t.Errorf("LastActivity(%v ago) = %q, want %q", ago, got, want)
		}
	}
}
