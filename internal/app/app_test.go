package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// noKeyring fails like a machine without a Secret Service.
type noKeyring struct{}

func (noKeyring) Get(name string) (providers.Secret, error) {
	return providers.Secret{}, &keystore.Error{Kind: keystore.KindNoService, Op: "read secret", Item: name, Service: "tillpair"}
}
func (noKeyring) Set(name string, _ providers.Secret) error {
	return &keystore.Error{Kind: keystore.KindNoService, Op: "store secret", Item: name, Service: "tillpair"}
}
func (noKeyring) Delete(string) error { return nil }

func build(t *testing.T, opts Options) *Runtime {
	t.Helper()
	rt, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

// pairOnce pairs against sb's SCI terminal through rt and confirms it.
func pairOnce(t *testing.T, rt *Runtime, sb *sandbox.Sandbox) providers.Pairing {
	t.Helper()
	termID := testkit.Terminal(t, sb, providers.SCI).ID
	term, err := sb.StartPairing(termID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: "sci", Code: term.PairingCode})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if _, err := sb.Confirm(termID); err != nil {
		t.Fatal(err)
	}
	got, err := rt.Service.Test(context.Background(), p.ID)
	if err != nil || got.Status != providers.StatusActive {
		t.Fatalf("Test = %+v, %v", got, err)
	}
	return got
}

func TestAutoWithoutCredentialsUsesSandbox(t *testing.T) {
	rt := build(t, Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt.Mode != ModeSandbox || rt.Sandbox == nil || rt.Badge["sci"] != BadgeSandbox {
		t.Fatalf("runtime %+v", rt)
	}
	if !strings.Contains(rt.Notice, "Sandbox mode") || !strings.Contains(rt.Notice, "tillpair setup --help") || len(rt.Notice) > maxNoticeLen {
		t.Errorf("notice %q", rt.Notice)
	}
	pairOnce(t, rt, rt.Sandbox)
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestForcedSandboxHasNoNotice(t *testing.T) {
	rt := build(t, Options{ForceSandbox: true, Getenv: envOf(map[string]string{EnvSCIAPIKey: "live_x", EnvSCISigningPartA: "a"})})
	if rt.Mode != ModeSandbox || rt.Notice != "" {
		t.Fatalf("mode %v notice %q", rt.Mode, rt.Notice)
	}
}

// lockedKeyring is a desktop keyring that is locked, as a newcomer's often is.
type lockedKeyring struct{}

func (lockedKeyring) Get(name string) (providers.Secret, error) {
	return providers.Secret{}, &keystore.Error{Kind: keystore.KindLocked, Op: "read secret", Item: name, Service: "tillpair"}
}
func (lockedKeyring) Set(name string, _ providers.Secret) error {
	return &keystore.Error{Kind: keystore.KindLocked, Op: "store secret", Item: name, Service: "tillpair"}
}
func (lockedKeyring) Delete(string) error { return nil }

// Sandbox mode is the expected start: with nothing configured, a keyring
// that is absent or locked does not reach the first screen, which says
// neutrally that nothing is configured. The keyring's state is in the
// --debug log.
func TestAutoWithoutKeyringIsNeutral(t *testing.T) {
	for name, secrets := range map[string]keystore.Secrets{"no keyring": noKeyring{}, "locked": lockedKeyring{}} {
		var log bytes.Buffer
		rt := build(t, Options{Secrets: secrets, Logger: slog.New(slog.NewTextHandler(&log, nil)),
			Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
		if rt.Mode != ModeSandbox || rt.Notice != "Sandbox mode: no provider is configured yet; see `tillpair setup --help`." {
			t.Errorf("%s: mode %v notice %q", name, rt.Mode, rt.Notice)
		}
		if len(rt.Notice) > maxNoticeLen {
			t.Errorf("%s: notice is %d bytes (max %d): %q", name, len(rt.Notice), maxNoticeLen, rt.Notice)
		}
		if !strings.Contains(log.String(), "OS keyring") {
			t.Errorf("%s: the debug log does not say why:\n%s", name, log.String())
		}
	}
	partial := build(t, Options{Secrets: noKeyring{}, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir(), EnvSCIAPIKey: "k"})})
	if partial.Mode != ModeSandbox || len(partial.Notice) > maxNoticeLen || !strings.Contains(partial.Notice, "Sandbox mode") || strings.Contains(partial.Notice, "keyring") {
		t.Errorf("partial credentials: mode %v notice %q", partial.Mode, partial.Notice)
	}
	// Credentials only partly set in a working keyring are named.
	half := build(t, Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir(), EnvSCIAPIKey: "k"})})
	if half.Notice != "Sandbox mode: no provider is fully configured; see `tillpair setup --help`." {
		t.Errorf("partly configured: notice %q", half.Notice)
	}
}

func TestConfiguredNeverFallsBack(t *testing.T) {
	_, err := Build(context.Background(), Options{Mode: ModeConfigured, Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{EnvSCIAPIKey: "k"})})
	if !errors.Is(err, ErrNotConfigured) || providers.KindOf(err) != providers.KindConfig {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "Part A") || !strings.Contains(err.Error(), EnvSCISigningPartA) {
		t.Errorf("message %q does not name what is missing", err)
	}
	// No keyring and nothing in the environment: not configured (exit 2,
	// saying why), still never the sandbox.
	rt, err := Build(context.Background(), Options{Mode: ModeConfigured, Secrets: noKeyring{}, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt != nil || !errors.Is(err, ErrNotConfigured) || providers.KindOf(err) != providers.KindConfig || !strings.Contains(err.Error(), "no OS keyring") {
		t.Fatalf("rt %v err = %v; want not configured because there is no keyring", rt, err)
	}
}

func TestConfiguredFromEnvAgainstSandbox(t *testing.T) {
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 3})
	info := sb.Info()
	dir := t.TempDir()
	secrets := keystore.NewMemorySecrets()
	rt := build(t, Options{Mode: ModeConfigured, Secrets: secrets, Getenv: envOf(map[string]string{
		EnvSCIAPIKey: info.Credential("sci_api_key"), EnvSCISigningPartA: info.Credential("sci_signing_secret_part_a"),
		EnvSCIPairingURL: info.URL("sci_pairing_url"), "TILLPAIR_CONFIG_DIR": dir,
	})})
	if rt.Mode != ModeConfigured || rt.Sandbox != nil || rt.Badge["sci"] != BadgeTest || rt.Notice != "" {
		t.Fatalf("runtime %+v", rt)
	}
	if rt.RecordsPath != filepath.Join(dir, "pairings.json") {
		t.Errorf("records at %q", rt.RecordsPath)
	}
	p := pairOnce(t, rt, sb)
	if _, err := secrets.Get(keystore.SCIPartB(p.ID)); err != nil {
		t.Errorf("Part B not in the given secrets: %v", err)
	}
	recs, _ := keystore.OpenRecords(dir)
	if f, err := recs.Load(); err != nil || len(f.Pairings) != 1 {
		t.Errorf("records file = %+v, %v", f, err)
	}
}

func TestCredentialsFromKeyringItemsAndLiveBadge(t *testing.T) {
	secrets := keystore.NewMemorySecrets()
	for item, v := range map[string]string{keystore.SCIAPIKey: "live_pak_x", keystore.SCISigningPartA: "parta"} {
		if err := secrets.Set(item, providers.NewSecret(v)); err != nil {
			t.Fatal(err)
		}
	}
	rt := build(t, Options{Secrets: secrets, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt.Mode != ModeConfigured || rt.Badge["sci"] != BadgeLive {
		t.Fatalf("mode %v badge %v", rt.Mode, rt.Badge)
	}
}

func TestBadPairingURLIsReported(t *testing.T) {
	_, err := Build(context.Background(), Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{
		EnvSCIAPIKey: "k", EnvSCISigningPartA: "a", EnvSCIPairingURL: "http://example.com/x", "TILLPAIR_CONFIG_DIR": t.TempDir(),
	})})
	if providers.KindOf(err) != providers.KindConfig {
		t.Fatalf("err = %v; want a config error, not a silent sandbox", err)
	}
}
