package pairing

import (
	"context"
	"fmt"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// steadyPolling is how long AwaitConfirmation polls at PollInterval before
// backing off: merchants usually confirm within seconds, so the first 15 s
// get a snappy response.
const steadyPolling = 15 * time.Second

// backoffFactor grows the interval after steadyPolling, towards
// PollMaxInterval.
const backoffFactor = 1.5

// nextPollInterval is the polling schedule: PollInterval (1 s) for the first
// 15 s, then ×1.5 per poll up to PollMaxInterval (5 s): 1 s ×15, 1.5, 2.25,
// 3.4, 5, 5 … The first poll also waits one interval, and every interval is
// at least PollInterval, so the average rate never exceeds one request per
// second; over the default 2-minute window it is about 40 requests. A hand-written schedule rather than backoff/v5
// because it must be deterministic under a fake clock and has no jitter to
// speak of for a single client.
func (s *Service) nextPollInterval(elapsed, prev time.Duration) time.Duration {
	if elapsed < steadyPolling || prev <= 0 {
		return s.cfg.PollInterval
	}
	next := time.Duration(float64(prev) * backoffFactor)
	return min(max(next, s.cfg.PollInterval), s.cfg.PollMaxInterval)
}

// AwaitConfirmation polls the provider until the merchant confirms the
// pairing on the terminal, the confirm window (Config.ConfirmWindow) passes,
// or ctx ends.
//
//   - not confirmed yet (KindNotPaired, or a non-active status) → EventWaiting;
//   - retryable failure (network, timeout, 5xx, rate limited) →
//     EventNetworkWarning, and waiting goes on: a network failure never ends
//     or fails the pairing;
//   - active → the record becomes active, EventActive, return;
//   - any other error is returned as is;
//   - the window passes → *providers.Error of KindTimeout; the record stays
//     awaiting_confirmation and the caller decides (Cancel or keep waiting);
//   - ctx ends → *providers.Error of KindCanceled; the record is unchanged.
//
// notify may be nil; it is called from the calling goroutine.
func (s *Service) AwaitConfirmation(ctx context.Context, pairingID string, notify func(Event)) (providers.Pairing, error) {
	if notify == nil {
		notify = func(Event) {}
	}
	rec, err := s.Find(pairingID)
	if err != nil {
		return providers.Pairing{}, err
	}
	prov, ok := s.Provider(rec.Provider)
	if !ok {
		return rec, s.unknownProvider(rec.Provider)
	}
	secret, err := s.loadSecret(rec)
	if err != nil {
		return rec, err
	}
	log := s.log.With("provider", rec.Provider, "pairing_id", rec.ID)
	window := s.ConfirmWindowOf(rec.Provider)
	start := s.clock.Now()
	deadline := start.Add(window)
	if !rec.ExpiresAt.IsZero() && rec.ExpiresAt.Before(deadline) {
		// The code lapses first (a Square device code's pair_by): waiting
		// longer cannot succeed.
		deadline = rec.ExpiresAt
		window = max(deadline.Sub(start), 0)
	}
	var interval time.Duration
	for attempt := 1; ; attempt++ {
		// Wait before every poll, the first included: the merchant has only
		// just been shown the code, and waiting first keeps the average at
		// or under one request per second over any stretch of the window.
		interval = s.nextPollInterval(s.clock.Since(start), interval)
		select {
		case <-ctx.Done():
			return rec, canceled(rec, ctx.Err())
		case <-s.clock.After(min(interval, max(deadline.Sub(s.clock.Now()), 0))):
		}
		// The attempt number reaches each poll's --debug request line.
		cr, err := prov.Check(transport.WithAttempt(ctx, attempt), rec, secret)
		st := cr.Status
		elapsed := s.clock.Since(start)
		ev := Event{PairingID: rec.ID, Attempt: attempt, Elapsed: elapsed}
		switch {
		case ctx.Err() != nil:
			return rec, canceled(rec, ctx.Err())
		case err == nil && st == providers.StatusActive:
			now := s.clock.Now()
			updated, uerr := s.updateRecord(rec, func(p *providers.Pairing) {
				learn(p, cr)
				p.Status = providers.StatusActive
				p.CheckedAt = now
			})
			if uerr != nil {
				log.Error("await: confirmed, but saving the status failed", "err", uerr)
				return rec, fmt.Errorf("the pairing is confirmed, but saving its status failed: %w", uerr)
			}
			log.Info("await: confirmed", "attempt", attempt, "elapsed", elapsed)
			ev.Type = EventActive
			notify(ev)
			return updated, nil
		case err == nil || providers.KindOf(err) == providers.KindNotPaired:
			// The record's status, not the check's: SCI answers an
			// unconfirmed pairing as unpaired (401 no_active_pairings_found),
			// which while awaiting only means not confirmed yet.
			log.Debug("await: not confirmed yet", "attempt", attempt, "status", rec.Status, "err", err)
			ev.Type = EventWaiting
			notify(ev)
		case retryable(err):
			log.Warn("await: check failed; still waiting", "attempt", attempt, "err", err)
			ev.Type, ev.Err = EventNetworkWarning, err
			notify(ev)
		default:
			log.Info("await: check failed", "attempt", attempt, "err", err)
			return rec, err
		}

		remaining := deadline.Sub(s.clock.Now())
		if remaining <= 0 {
			log.Info("await: window passed", "window", window, "attempts", attempt)
			msg := fmt.Sprintf("The pairing was not confirmed on the terminal within %s — cancel and start again.", Duration(window))
			if rec.ConfirmationCode != "" {
				msg = fmt.Sprintf("The terminal was not confirmed within %s. Check the terminal shows the confirmation code %s, then confirm on the terminal — or cancel and start again.", Duration(window), rec.ConfirmationCode)
			}
			return rec, &providers.Error{Provider: rec.Provider, Op: providers.OpCheck, Kind: providers.KindTimeout, Message: msg}
		}
	}
}

// retryable reports failures that may pass if the same request is repeated
// later: they never change a pairing's status.
func retryable(err error) bool {
	pe, ok := providers.AsError(err)
	if !ok {
		return false
	}
	if pe.Retryable {
		return true
	}
	switch pe.Kind {
	case providers.KindNetwork, providers.KindTimeout, providers.KindServer, providers.KindRateLimited:
		return true
	}
	return false
}

func canceled(p providers.Pairing, cause error) error {
	return &providers.Error{Provider: p.Provider, Op: providers.OpCheck, Kind: providers.KindCanceled,
		Message: "Stopped waiting for the terminal confirmation.", Err: cause}
}
