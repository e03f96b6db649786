package cli

import (
	"context"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// BenchmarkStatusChecks is `status` checking 100 SCI pairings live against
// the sandbox over loopback, against what one check costs: `status
// --no-check` (listing) plus `test` of one pairing, taken in turns within
// each iteration so a busy machine slows both. It reports each in ms/op and
// the ratio, and fails when status costs more than twice listing plus one
// check (issue 17's goal: checks concurrent, one records write).
func BenchmarkStatusChecks(b *testing.B) {
	const n = 100
	keystore.MockInit()
	sb := testkit.StartSandbox(b, sandbox.Options{Seed: 17})
	info := sb.Info()
	b.Setenv("TILLPAIR_CONFIG_DIR", newConfigDir(b))
	b.Setenv("TILLPAIR_KEYRING_SERVICE", testKeyringService)
	b.Setenv("TILLPAIR_SCI_API_KEY", info.Credential("sci_api_key"))
	b.Setenv("TILLPAIR_SCI_SIGNING_SECRET_PART_A", info.Credential("sci_signing_secret_part_a"))
	b.Setenv("TILLPAIR_SCI_PAIRING_URL", info.URL("sci_pairing_url"))
	ctx := context.Background()
	var id string
	for range n {
		term := testkit.Terminal(b, sb, providers.SCI)
		shown, err := sb.StartPairing(term.ID)
		if err != nil {
			b.Fatal(err)
		}
		r := runCLI(ctx, "", "pair", "--code", shown.PairingCode, "--no-wait", "--json")
		if r.code != ExitOK {
			b.Fatalf("pair: exit %d %s", r.code, r.stderr)
		}
		var pj pairJSON
		decodeOne(b, r.stdout, &pj)
		if _, err := sb.Confirm(term.ID); err != nil {
			b.Fatal(err)
		}
		id = pj.PairingID
	}
	timed := func(args ...string) time.Duration {
		start := time.Now()
		if r := runCLI(ctx, "", args...); r.code != ExitOK {
			b.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
		return time.Since(start)
	}
	timed("status") // the first records all active
	var live, list, one time.Duration
	for b.Loop() {
		live += timed("status")
		list += timed("status", "--no-check")
		one += timed("test", id)
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
	ratio := float64(live) / float64(list+one)
	b.ReportMetric(per(live), "status-ms/op")
	b.ReportMetric(per(list), "list-ms/op")
	b.ReportMetric(per(one), "check-ms/op")
	b.ReportMetric(ratio, "status/(list+check)")
	if ratio > 2 {
		b.Fatalf("status with %d live checks took %.1f ms, %.2f× listing (%.1f ms) plus one check (%.1f ms); the goal is ≤ 2×",
			n, per(live), ratio, per(list), per(one))
	}
}
