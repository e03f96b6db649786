// Command confirm measures, on the real clock, how long after the merchant
// confirms a pairing on the terminal the register shows it, and how many
// pairing-info requests the wait costs.
//
// It pairs -n registers at once with the in-process sandbox over loopback
// HTTP (one virtual SCI terminal each), has each terminal confirm at a
// random moment within -within of the wait starting, and prints one
// "key=value" line for scripts/bench.sh. By default a register is the
// pairing service and the latency ends when it sees the pairing active;
// with -tui a register is the TUI (the root model in a Bubble Tea program
// with its renderer, at 80×24, typed at like a user) and the latency ends
// when the paired frame is written to its screen: what the user sees.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/ui"
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
	tui := flag.Bool("tui", false, "drive the TUI and time the paired frame on screen")
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
			if *tui {
				results[i] = pairOneTUI(ctx, sb, svc, term.ID, delay)
			} else {
				results[i] = pairOne(ctx, sb, svc, term.ID, delay)
			}
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
	if *tui {
		polls = total // the TUI's polls are counted by the sandbox only
	}
	slices.Sort(lat)
	// Two rates: every request over the time spent waiting, and the
	// requests after the immediate first one, which is the rate the poll
	// interval sets (n requests span n-1 intervals).
	what := "service"
	if *tui {
		what = "screen"
	}
	fmt.Printf("confirm to=%s n=%d p50_ms=%.0f p90_ms=%.0f max_ms=%.0f requests_per_pairing=%.2f req_per_s=%.2f req_per_s_after_first=%.2f sandbox_requests=%d\n",
		what, *n, ms(lat[len(lat)/2]), ms(lat[len(lat)*9/10]), ms(lat[len(lat)-1]),
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

// pairOneTUI pairs as a user of the TUI does: types the terminal's code
// and Enter, waits on the confirming screen, and after delay confirms on
// the terminal; the latency ends when the renderer writes the paired frame.
// Pairing-info requests are counted for all registers together (polls is
// left 0; main counts the sandbox's), so the wait is what it reports.
func pairOneTUI(ctx context.Context, sb *sandbox.Sandbox, svc *pairing.Service, termID string, delay time.Duration) outcome {
	shown, err := sb.StartPairing(termID)
	if err != nil {
		return outcome{err: err}
	}
	scr := &screen{}
	m := ui.New(ui.Options{Service: svc, Provider: sci.Descriptor.ID, Context: ctx})
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(scr), tea.WithoutSignalHandler(), tea.WithContext(ctx))
	ran := make(chan error, 1)
	go func() { _, err := p.Run(); ran <- err }()
	defer func() { p.Quit(); <-ran }()
	p.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if _, err := scr.wait(ctx, "Pairing Code", 0); err != nil {
		return outcome{err: err}
	}
	for _, r := range shown.PairingCode {
		p.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	p.Send(tea.KeyMsg{Type: tea.KeyEnter})
	start, err := scr.wait(ctx, "Confirm the pairing", 0)
	if err != nil {
		return outcome{err: err}
	}
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return outcome{err: ctx.Err()}
	}
	from := scr.size()
	confirmedAt := time.Now()
	if _, err := sb.Confirm(termID); err != nil {
		return outcome{err: fmt.Errorf("confirm: %w", err)}
	}
	end, err := scr.wait(ctx, "Pairing successful", from)
	if err != nil {
		return outcome{err: err}
	}
	return outcome{latency: end.Sub(confirmedAt), waited: end.Sub(start)}
}

// screen is a terminal that keeps what the renderer wrote and when text
// first appeared in it.
type screen struct {
	mu      sync.Mutex
	out     []byte
	waiters []*waiter
}

type waiter struct {
	text string
	from int
	seen chan time.Time
}

func (s *screen) Write(b []byte) (int, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out = append(s.out, b...)
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if s.has(w) {
			w.seen <- now
			continue
		}
		kept = append(kept, w)
	}
	s.waiters = kept
	return len(b), nil
}

func (s *screen) has(w *waiter) bool {
	return bytes.Contains(s.out[min(w.from, len(s.out)):], []byte(w.text))
}

func (s *screen) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out)
}

// wait returns when text was first written at or after offset from.
func (s *screen) wait(ctx context.Context, text string, from int) (time.Time, error) {
	w := &waiter{text: text, from: from, seen: make(chan time.Time, 1)}
	s.mu.Lock()
	if s.has(w) {
		s.mu.Unlock()
		return time.Now(), nil
	}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	select {
	case t := <-w.seen:
		return t, nil
	case <-ctx.Done():
		return time.Time{}, fmt.Errorf("%q never appeared on the screen: %w", text, ctx.Err())
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "confirm:", err)
	os.Exit(1)
}
