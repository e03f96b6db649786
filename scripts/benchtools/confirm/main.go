// Command confirm measures, on the real clock, how long the pairing service
// takes to see a pairing active after the merchant confirms it on the
// terminal, and how many pairing-info requests the wait costs.
//
// It pairs -n registers at once with the in-process sandbox over loopback
// HTTP (one virtual SCI terminal each), has each terminal confirm at a
// random moment within -within of the wait starting, and prints one
// "key=value" line for scripts/bench.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

type outcome struct {
	latency time.Duration // Confirm on the terminal → AwaitConfirmation sees active
	waited  time.Duration // the whole wait
	polls   int           // pairing-info requests during the wait
	err     error
}

func main() {
	n := flag.Int("n", 24, "pairings, run concurrently")
	within := flag.Duration("within", 10*time.Second, "confirm at a random offset up to this long after the wait starts")
	flag.Parse()
	if *n < 1 || *within <= 0 {
		fmt.Fprintln(os.Stderr, "confirm: -n must be at least 1 and -within positive")
		os.Exit(2)
	}

	sb := clouds.New(sandbox.Options{})
	if err := sb.Start(""); err != nil {
		fail(err)
	}
	defer sb.Close()
	info := sb.Info()
	client, err := sci.New(sci.Config{
		PairingURL:         info.URL("sci_pairing_url"),
		APIKey:             providers.NewSecret(info.Credential("sci_api_key")),
		SigningSecretPartA: providers.NewSecret(info.Credential("sci_signing_secret_part_a")),
	})
	if err != nil {
		fail(err)
	}
	svc := pairing.New(pairing.Config{
		Providers: []providers.Provider{client},
		Secrets:   keystore.NewMemorySecrets(),
		Records:   keystore.NewMemoryRecords(),
	})
	ctx, cancel := context.WithTimeout(context.Background(), *within+time.Minute)
	defer cancel()

	before := sb.RequestCount(sci.Descriptor.ID, simsci.RoutePairingInfo)
	results := make([]outcome, *n)
	var wg sync.WaitGroup
	for i := range results {
		term, err := sb.AddTerminal(sci.Descriptor.ID)
		if err != nil {
			fail(err)
		}
		delay := time.Duration(rand.Int64N(int64(*within)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = pairOne(ctx, sb, svc, term.ID, delay)
		}()
	}
	wg.Wait()
	total := sb.RequestCount(sci.Descriptor.ID, simsci.RoutePairingInfo) - before

	var lat []time.Duration
	var waited time.Duration
	polls := 0
	for _, r := range results {
		if r.err != nil {
			fail(r.err)
		}
		lat = append(lat, r.latency)
		waited += r.waited
		polls += r.polls
	}
	slices.Sort(lat)
	// Two rates: every request over the time spent waiting, and the
	// requests after the immediate first one, which is the rate the poll
	// interval sets (n requests span n-1 intervals).
	fmt.Printf("confirm n=%d p50_ms=%.0f p90_ms=%.0f max_ms=%.0f requests_per_pairing=%.2f req_per_s=%.2f req_per_s_after_first=%.2f sandbox_requests=%d\n",
		*n, ms(lat[len(lat)/2]), ms(lat[len(lat)*9/10]), ms(lat[len(lat)-1]),
		float64(total)/float64(*n), float64(polls)/waited.Seconds(), float64(polls-*n)/waited.Seconds(), total)
}

// pairOne pairs through the service, waits for confirmation and confirms
// on the terminal after delay.
func pairOne(ctx context.Context, sb *sandbox.Sandbox, svc *pairing.Service, termID string, delay time.Duration) outcome {
	shown, err := sb.StartPairing(termID)
	if err != nil {
		return outcome{err: err}
	}
	p, err := svc.Pair(ctx, pairing.PairInput{Provider: sci.Descriptor.ID, Code: shown.PairingCode})
	if err != nil {
		return outcome{err: fmt.Errorf("pair: %w", err)}
	}
	// Written by the timer, read by notify: the sandbox's HTTP replies
	// order them, but not in a way the race detector can see.
	var confirmedAt atomic.Int64
	confirmed := make(chan error, 1)
	timer := time.AfterFunc(delay, func() {
		confirmedAt.Store(time.Now().UnixNano())
		_, err := sb.Confirm(termID)
		confirmed <- err
	})
	defer timer.Stop()

	start := time.Now()
	var out outcome
	_, err = svc.AwaitConfirmation(ctx, p.ID, func(ev pairing.Event) {
		out.polls = ev.Attempt
		if ev.Type == pairing.EventActive {
			out.latency = time.Since(time.Unix(0, confirmedAt.Load()))
		}
	})
	out.waited = time.Since(start)
	if err != nil {
		return outcome{err: fmt.Errorf("await: %w", err)}
	}
	if err := <-confirmed; err != nil {
		return outcome{err: fmt.Errorf("confirm: %w", err)}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "confirm:", err)
	os.Exit(1)
}
