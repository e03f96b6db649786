package reliability

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/transport"
)

// TestLoadConcurrentPairingFlows runs many whole SCI flows (pair → confirm
// on the terminal → await → test → unpair) at once through one pairing
// service, one records store and one sandbox, for several rounds: no
// errors, no goroutine left behind, and the heap in use after a GC stays
// flat from round to round.
func TestLoadConcurrentPairingFlows(t *testing.T) {
	flows, rounds := 50, 5
	if testing.Short() {
		flows, rounds = 10, 3
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	sb := clouds.New(sandbox.Options{Seed: 5, Credentials: canaryCredentials(), PairingCodeTTL: time.Hour})
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	httpClient := transport.NewClient()
	defer httpClient.CloseIdleConnections()
	c, err := sci.New(sci.Config{PairingURL: sb.Info().URL("sci_pairing_url"), APIKey: providers.NewSecret(canaryAPIKey),
		SigningSecretPartA: providers.NewSecret(canaryPartA), HTTPClient: httpClient, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// In-memory records: the records file's fsyncs would make this a disk
	// benchmark; its concurrency is proven by the multi-process test.
	recs := keystore.NewMemoryRecords()
	svc := pairing.New(pairing.Config{Providers: []providers.Provider{c}, Secrets: keystore.NewMemorySecrets(), Records: recs,
		PollInterval: 5 * time.Millisecond, PollMaxInterval: 20 * time.Millisecond, ConfirmWindow: 30 * time.Second})
	terms := make([]string, flows)
	for i := range terms {
		tm, err := sb.AddTerminal(providers.SCI)
		if err != nil {
			t.Fatal(err)
		}
		terms[i] = tm.ID
	}

	flow := func(ctx context.Context, term string, i int) error {
		tm, err := sb.StartPairing(term)
		if err != nil {
			return err
		}
		p, err := svc.Pair(ctx, pairing.PairInput{Provider: providers.SCI, Code: tm.PairingCode, Nickname: fmt.Sprintf("load %d", i)})
		if err != nil {
			return fmt.Errorf("pair: %w", err)
		}
		if _, err := sb.Confirm(term); err != nil {
			return err
		}
		if _, err := svc.AwaitConfirmation(ctx, p.ID, nil); err != nil {
			return fmt.Errorf("await: %w", err)
		}
		if got, err := svc.Test(ctx, p.ID); err != nil || got.Status != providers.StatusActive {
			return fmt.Errorf("test: %v %v", got.Status, err)
		}
		if err := svc.Unpair(ctx, p.ID); err != nil {
			return fmt.Errorf("unpair: %w", err)
		}
		return nil
	}

	heap := make([]uint64, rounds)
	var took []time.Duration
	for r := range rounds {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, flows)
		for i, term := range terms {
			wg.Go(func() {
				if err := flow(ctx, term, i); err != nil {
					errs <- fmt.Errorf("flow %d: %w", i, err)
				}
			})
		}
		wg.Wait()
		cancel()
		took = append(took, time.Since(start))
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			t.FailNow()
		}
		if f, err := recs.Load(); err != nil || len(f.Pairings) != 0 {
			t.Fatalf("round %d left %d records (%v)", r, len(f.Pairings), err)
		}
		if n := livePairings(sb); n != 0 {
			t.Fatalf("round %d left %d pairings in the cloud", r, n)
		}
		httpClient.CloseIdleConnections()
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap[r] = ms.HeapInuse
	}
	// Round 0 warms caches and pools; from round 1 on the heap must stay
	// flat: the last round within 1.5× round 1, plus 2 MiB of slack for
	// GC timing on small heaps.
	base, last := heap[1], heap[rounds-1]
	if limit := base + base/2 + 2<<20; last > limit {
		t.Errorf("heap in use grew from %d KiB (round 1) to %d KiB (round %d); limit %d KiB", base>>10, last>>10, rounds-1, limit>>10)
	}
	kib := make([]uint64, rounds)
	for i, h := range heap {
		kib[i] = h >> 10
	}
	t.Logf("FIGURE load: %d rounds × %d concurrent SCI flows (pair, confirm, await, test, unpair), 0 errors; round times %v; heap in use after GC per round (KiB) %v", rounds, flows, roundDurations(took), kib)
}

func roundDurations(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Millisecond).String()
	}
	return out
}
