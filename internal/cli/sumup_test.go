package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers/sumup"
)

// SumUp goes through the CLI with no code of its own: setup from its
// descriptor's credentials (the key to the keyring, the merchant code to
// the records file), pair with the code the Solo shows, test, status with
// the reader's health, unpair.
func TestCLISumUpEndToEnd(t *testing.T) {
	keystore.MockInit()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 21})
	info := sb.Info()
	t.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(t))
	t.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	for _, k := range []string{"TILLPAIR_SCI_API_KEY", "TILLPAIR_SCI_SIGNING_SECRET_PART_A", "TILLPAIR_HELCIM_API_TOKEN", "TILLPAIR_SUMUP_API_KEY", "TILLPAIR_SUMUP_MERCHANT_CODE"} {
		t.Setenv(k, "")
	}
	t.Setenv("TILLPAIR_SUMUP_URL", info.URL(sumup.EndpointURL))
	ctx := context.Background()
	key, merchant := info.Credential(sumup.CredAPIKey), info.Credential(sumup.CredMerchant)

	r := runCLI(ctx, key+"\n"+merchant+"\n", "setup", "sumup")
	if r.code != ExitOK || !strings.Contains(r.stdout, "API key stored in the OS keyring") || !strings.Contains(r.stdout, "Merchant code saved") {
		t.Fatalf("setup: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, key) {
		t.Fatal("setup printed the API key")
	}

	solo := testkit.Terminal(t, sb, sumup.ID)
	shown, err := sb.StartPairing(solo.ID)
	if err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(shown.PairingCode[:4] + "-" + shown.PairingCode[4:])
	r = runCLI(ctx, "", "pair", "--provider", "sumup", "--code", typed, "--nickname", "Front counter", "--no-wait", "--json")
	var pj pairJSON
	if err := json.Unmarshal([]byte(r.stdout), &pj); r.code != ExitOK || err != nil || pj.Status != "awaiting_confirmation" {
		t.Fatalf("pair: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Keep it switched on") {
		t.Errorf("pair did not say what the Solo does: %q", r.stderr)
	}
	if _, err := sb.Confirm(solo.ID); err != nil {
		t.Fatal(err)
	}
	r = runCLI(ctx, "", "test", "Front counter")
	if r.code != ExitOK || !strings.Contains(r.stdout, "SumUp Cloud API pairing "+pj.PairingID) {
		t.Fatalf("test: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(ctx, "", "status", "--json")
	p := statusOf(t, r)
	if r.code != ExitOK || p.Serial != solo.TID || p.Health == nil || p.Health.Online == nil || !*p.Health.Online || p.Health.Battery == nil {
		t.Fatalf("status: exit %d %+v %q", r.code, p, r.stdout)
	}
	// The health a script reads: the reader's last activity and model too,
	// under the documented keys.
	if p.Health.LastActivity.IsZero() || p.Model == "" {
		t.Errorf("status lacks the last activity or the model: %+v %+v", p, *p.Health)
	}
	for _, k := range []string{`"online":true`, `"battery_percent":`, `"last_activity":`, `"serial":"` + solo.TID + `"`} {
		if !strings.Contains(strings.ReplaceAll(r.stdout, " ", ""), k) {
			t.Errorf("status --json has no %s: %s", k, r.stdout)
		}
	}
	// The plain table says the same in words, in a HEALTH column.
	r = runCLI(ctx, "", "status")
	if head, _, _ := strings.Cut(r.stdout, "\n"); r.code != ExitOK || !strings.HasSuffix(strings.TrimSpace(head), "HEALTH") ||
		!strings.Contains(r.stdout, "online") || !strings.Contains(r.stdout, "battery ") || !strings.Contains(r.stdout, "last activity ") {
		t.Errorf("status table: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(ctx, "", "unpair", pj.PairingID, "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Unpaired SumUp Cloud API pairing") {
		t.Fatalf("unpair: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if live := testkit.LivePairings(t, sb, solo.ID); len(live) != 0 {
		t.Errorf("the Solo still holds %+v", live)
	}
}
