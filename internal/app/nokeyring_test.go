package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
)

// A machine without a Secret Service: the SCI keyring lookup must not stop
// the providers configured without the keyring, and SCI must say how to
// configure it there.
func TestNoKeyringLeavesEnvCredentialsWorking(t *testing.T) {
	sb := startSandbox(t)
	info := sb.Info()
	rt := build(t, Options{Mode: ModeConfigured, Secrets: noKeyring{}, Getenv: envOf(map[string]string{
		EnvHelcimAPIToken: info.Credential("helcim_api_token"), EnvHelcimURL: info.URL("helcim_url"), "TILLPAIR_CONFIG_DIR": t.TempDir(),
	})})
	if rt.Mode != ModeConfigured || rt.Sandbox != nil || !slices.Equal(rt.Providers, []string{providers.SmartConnect, providers.Helcim, sumup.ID, square.ID}) {
		t.Fatalf("mode %v providers %v", rt.Mode, rt.Providers)
	}
	setup := rt.NeedsSetup[providers.SCI]
	for _, want := range []string{"No OS keyring", EnvSCIAPIKey, EnvSCISigningPartA, "scripts/with-keyring.sh"} {
		if !strings.Contains(setup, want) {
			t.Errorf("NeedsSetup[sci] = %q lacks %q", setup, want)
		}
	}
	ctx := context.Background()
	term, err := sb.StartPairing(testkit.Terminal(t, sb, providers.Helcim).ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Service.Pair(ctx, pairing.PairInput{Provider: providers.Helcim, Code: term.PairingCode}); err != nil {
		t.Fatalf("Helcim pair with the token in the environment: %v", err)
	}
	_, err = rt.Service.Pair(ctx, pairing.PairInput{Provider: providers.SCI, Code: "123456"})
	if providers.KindOf(err) != providers.KindConfig || !strings.Contains(err.Error(), setup) {
		t.Errorf("SCI pair: %v; want the NeedsSetup sentence", err)
	}
	_, err = rt.Service.Pair(ctx, pairing.PairInput{Provider: "nope", Code: "123456"})
	if providers.KindOf(err) != providers.KindInvalidInput || !strings.Contains(err.Error(), "sci, smartconnect, helcim") {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestNoKeyringHelcimNeedsSetupSaysWhy(t *testing.T) {
	sb := startSandbox(t)
	info := sb.Info()
	rt := build(t, Options{Mode: ModeConfigured, Secrets: noKeyring{}, Getenv: envOf(map[string]string{
		EnvSCIAPIKey: info.Credential("sci_api_key"), EnvSCISigningPartA: info.Credential("sci_signing_secret_part_a"),
		EnvSCIPairingURL: info.URL("sci_pairing_url"), "TILLPAIR_CONFIG_DIR": t.TempDir(),
	})})
	if !slices.Equal(rt.Providers, []string{providers.SCI, providers.SmartConnect, providers.Helcim, sumup.ID, square.ID}) {
		t.Fatalf("providers %v; Helcim must stay offered so asking for it says what to set", rt.Providers)
	}
	if s := rt.NeedsSetup[providers.Helcim]; !strings.Contains(s, "No OS keyring") || !strings.Contains(s, EnvHelcimAPIToken) {
		t.Errorf("NeedsSetup[helcim] = %q", s)
	}
	_, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.Helcim, Code: "ABCD"})
	if !strings.Contains(err.Error(), EnvHelcimAPIToken) || strings.Contains(err.Error(), "Unknown") {
		t.Errorf("Helcim pair: %v", err)
	}
}

// `tillpair pair` builds with AllowUnconfigured so each provider can say
// what it needs, even with no keyring and nothing configured.
func TestNoKeyringNothingConfiguredStillSaysWhatEachNeeds(t *testing.T) {
	rt := build(t, Options{Mode: ModeConfigured, AllowUnconfigured: true, Secrets: noKeyring{}, Getenv: envOf(map[string]string{"TILLPAIR_CONFIG_DIR": t.TempDir()})})
	if rt.Sandbox != nil || rt.Mode != ModeConfigured {
		t.Fatalf("mode %v: ModeConfigured never falls back to the sandbox", rt.Mode)
	}
	_, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.SmartConnect, Code: "12345678"})
	if providers.KindOf(err) != providers.KindConfig || !strings.Contains(err.Error(), "Set up this register first") {
		t.Errorf("SmartConnect: %v", err)
	}
}
