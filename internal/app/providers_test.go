package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
)

func startSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	return testkit.StartSandbox(t, sandbox.Options{Seed: 4})
}

func TestSandboxHasAllProvidersAndASeededRegister(t *testing.T) {
	rt := build(t, Options{ForceSandbox: true})
	if want := []string{providers.SCI, providers.SmartConnect, providers.Helcim, sumup.ID, square.ID, linkly.ID}; !slices.Equal(rt.Providers, want) {
		t.Fatalf("providers %v; want %v", rt.Providers, want)
	}
	for _, id := range rt.Providers {
		if rt.Badge[id] != BadgeSandbox {
			t.Errorf("badge[%s] = %q", id, rt.Badge[id])
		}
		if _, ok := rt.Service.Provider(id); !ok {
			t.Errorf("service lacks %s", id)
		}
	}
	reg, ok, err := rt.Service.Register()
	if !ok || err != nil || reg.RegisterName != SandboxRegisterName || reg.BusinessName != SandboxBusinessName || reg.VendorName != SandboxVendorName || reg.RegisterID == "" {
		t.Fatalf("register %+v %v %v", reg, ok, err)
	}
	ctx := context.Background()
	sc, err := rt.Sandbox.StartPairing(testkit.Terminal(t, rt.Sandbox, providers.SmartConnect).ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rt.Service.Pair(ctx, pairing.PairInput{Provider: providers.SmartConnect, Code: sc.PairingCode})
	if err != nil || p.ID != reg.RegisterID || p.Environment != "sandbox" {
		t.Fatalf("SmartConnect pair = %+v, %v", p, err)
	}
	hc, err := rt.Sandbox.StartPairing(testkit.Terminal(t, rt.Sandbox, providers.Helcim).ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err = rt.Service.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: hc.PairingCode})
	if err != nil || p.ID != hc.PairingCode {
		t.Fatalf("Helcim pair = %+v, %v", p, err)
	}
}

func TestNoticeNamesEverySetupCommand(t *testing.T) {
	rt := build(t, Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt.Mode != ModeSandbox {
		t.Fatalf("mode %v", rt.Mode)
	}
	if !strings.Contains(rt.Notice, "tillpair setup --help") {
		t.Errorf("notice %q does not point at the setup help", rt.Notice)
	}
	_, err := Build(context.Background(), Options{Mode: ModeConfigured, Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), "tillpair setup helcim") || !strings.Contains(err.Error(), EnvHelcimAPIToken) {
		t.Errorf("configured without anything: %v", err)
	}
}

func TestConfiguredWithOnlyAHelcimToken(t *testing.T) {
	sb := startSandbox(t)
	info := sb.Info()
	rt := build(t, Options{Mode: ModeConfigured, Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{
		EnvHelcimAPIToken: info.Credential("helcim_api_token"), EnvHelcimURL: info.URL("helcim_url"), "TILLPAIR_CONFIG_DIR": t.TempDir(),
	})})
	if rt.Mode != ModeConfigured || rt.Badge[providers.Helcim] != BadgeLive {
		t.Fatalf("runtime mode %v badges %v", rt.Mode, rt.Badge)
	}
	// SCI has no credentials; SmartConnect, SumUp and Square are offered
	// but need setup.
	if want := []string{providers.SmartConnect, providers.Helcim, sumup.ID, square.ID}; !slices.Equal(rt.Providers, want) {
		t.Fatalf("providers %v; want %v", rt.Providers, want)
	}
	if _, ok := rt.NeedsSetup[providers.Helcim]; ok || !strings.Contains(rt.NeedsSetup[providers.SmartConnect], "setup smartconnect") {
		t.Errorf("needs setup %v", rt.NeedsSetup)
	}
	term, err := sb.StartPairing(testkit.Terminal(t, sb, providers.Helcim).ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.Helcim, Code: term.PairingCode}); err != nil {
		t.Fatalf("Helcim pair via TILLPAIR_HELCIM_URL: %v", err)
	}
	_, err = rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.SmartConnect, Code: "12345678"})
	if providers.KindOf(err) != providers.KindConfig || !strings.Contains(err.Error(), "Set up this register first") {
		t.Errorf("SmartConnect without identity: %v", err)
	}
}

func TestHelcimTokenFromKeyring(t *testing.T) {
	secrets := keystore.NewMemorySecrets()
	if err := secrets.Set(keystore.HelcimAPIToken, providers.NewSecret("tok")); err != nil {
		t.Fatal(err)
	}
	rt := build(t, Options{Secrets: secrets, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt.Mode != ModeConfigured || rt.Badge[providers.Helcim] != BadgeLive {
		t.Fatalf("mode %v badges %v", rt.Mode, rt.Badge)
	}
}

// writeIdentity stores a register identity (and environment) the way
// `tillpair setup smartconnect` does.
func writeIdentity(t *testing.T, dir, env string) providers.RegisterIdentity {
	t.Helper()
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := pairing.New(pairing.Config{Records: recs, Secrets: keystore.NewMemorySecrets()})
	ch, err := svc.SaveRegister(pairing.RegisterInput{RegisterName: "Main", BusinessName: "Shop", VendorName: "Vendor"})
	if err != nil {
		t.Fatal(err)
	}
	if env != "" {
		if err := svc.SetSmartConnectEnvironment(env); err != nil {
			t.Fatal(err)
		}
	}
	return ch.Identity
}

func TestSmartConnectConfiguredByIdentityAlone(t *testing.T) {
	sb := startSandbox(t)
	dir := t.TempDir()
	id := writeIdentity(t, dir, "")
	// No keyring at all: a SmartConnect-only till needs none.
	rt := build(t, Options{Secrets: noKeyring{}, Getenv: envOf(map[string]string{
		"TILLPAIR_CONFIG_DIR": dir, EnvSmartConnectURL: sb.Info().URL("smartconnect_url"),
	})})
	// Helcim stays offered (without a token, as with a keyring) so asking
	// for it says what to set; SCI has no client but says the same. Linkly
	// sends the same register id as its POS ID: it is set up too.
	if rt.Mode != ModeConfigured || rt.Badge[providers.SmartConnect] != BadgeDev || !slices.Equal(rt.Providers, []string{providers.SmartConnect, providers.Helcim, sumup.ID, square.ID, linkly.ID}) {
		t.Fatalf("mode %v badges %v providers %v notice %q", rt.Mode, rt.Badge, rt.Providers, rt.Notice)
	}
	if _, ok := rt.NeedsSetup[providers.SmartConnect]; ok || rt.NeedsSetup[providers.Helcim] == "" || rt.NeedsSetup[providers.SCI] == "" {
		t.Errorf("needs setup %v", rt.NeedsSetup)
	}
	term, err := sb.StartPairing(testkit.Terminal(t, sb, providers.SmartConnect).ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.SmartConnect, Code: term.PairingCode})
	if err != nil || p.ID != id.RegisterID || p.Environment != "dev" {
		t.Fatalf("pair = %+v, %v", p, err)
	}
}

func TestSmartConnectEnvironmentAndOverrides(t *testing.T) {
	for _, tc := range []struct {
		stored, envVar, badge string
		wantErr               bool
	}{
		{"", "", BadgeDev, false},
		{"production", "", BadgeLive, false},
		{"production", "dev", BadgeDev, false},
		{"", "PRODUCTION", BadgeLive, false},
		{"", "staging", "", true},
	} {
		dir := t.TempDir()
		writeIdentity(t, dir, tc.stored)
		rt, err := Build(context.Background(), Options{Mode: ModeConfigured, Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{
			"TILLPAIR_CONFIG_DIR": dir, EnvSmartConnectEnv: tc.envVar,
		})})
		if tc.wantErr {
			if providers.KindOf(err) != providers.KindConfig || !strings.Contains(err.Error(), EnvSmartConnectEnv) {
				t.Errorf("env %q: err = %v; want a config error naming %s", tc.envVar, err, EnvSmartConnectEnv)
			}
			continue
		}
		if err != nil {
			t.Fatalf("stored %q env %q: %v", tc.stored, tc.envVar, err)
		}
		if rt.Badge[providers.SmartConnect] != tc.badge {
			t.Errorf("stored %q env %q: badge %q; want %q", tc.stored, tc.envVar, rt.Badge[providers.SmartConnect], tc.badge)
		}
		_ = rt.Close()
	}
}

func TestAllowUnconfiguredOpensTheRecords(t *testing.T) {
	dir := t.TempDir()
	rt := build(t, Options{Mode: ModeConfigured, AllowUnconfigured: true, Secrets: noKeyring{}, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": dir})})
	if rt.Mode != ModeConfigured || rt.RecordsPath == "" || rt.NeedsSetup[providers.SmartConnect] == "" {
		t.Fatalf("runtime %+v", rt)
	}
	if _, err := rt.Service.SaveRegister(pairing.RegisterInput{RegisterName: "a", BusinessName: "b", VendorName: "c"}); err != nil {
		t.Fatal(err)
	}
	again := build(t, Options{Mode: ModeConfigured, Secrets: noKeyring{}, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": dir})})
	if _, ok := again.NeedsSetup[providers.SmartConnect]; ok || again.Badge[providers.SmartConnect] != BadgeDev {
		t.Errorf("after setup: needs %v badges %v", again.NeedsSetup, again.Badge)
	}
}

func TestSeededSandboxRegisterIDRepeats(t *testing.T) {
	id := func(seed int64) string {
		rt := build(t, Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: seed}})
		reg, ok, err := rt.Service.Register()
		if err != nil || !ok {
			t.Fatalf("seed %d: no register identity (%v)", seed, err)
		}
		return reg.RegisterID
	}
	if a, b := id(7), id(7); a != b {
		t.Fatalf("seed 7 gave register IDs %s and %s; a seeded sandbox must repeat", a, b)
	}
	if a, b := id(7), id(8); a == b {
		t.Fatalf("seeds 7 and 8 share register ID %s", a)
	}
	if a, b := id(0), id(0); a == b {
		t.Fatalf("unseeded sandboxes share register ID %s; it should be random", a)
	}
}

// A provider that sends a generated register id (Linkly's POS ID) and
// needs no credential is not configured before setup made the id: else
// every till would count as configured and never start in the sandbox.
func TestGeneratedIDProviderNeedsSetup(t *testing.T) {
	dir := t.TempDir()
	rt, err := Build(context.Background(), Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": dir})})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if rt.Mode != ModeSandbox {
		t.Fatalf("mode %v providers %v; want the sandbox", rt.Mode, rt.Providers)
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pairing.New(pairing.Config{Records: recs, Secrets: keystore.NewMemorySecrets()}).EnsureRegisterID(); err != nil {
		t.Fatal(err)
	}
	rt = build(t, Options{Secrets: keystore.NewMemorySecrets(), Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": dir})})
	if rt.Mode != ModeConfigured || !slices.Contains(rt.Providers, linkly.ID) || rt.Badge[linkly.ID] != BadgeLive {
		t.Fatalf("after setup: mode %v providers %v badges %v", rt.Mode, rt.Providers, rt.Badge)
	}
}
