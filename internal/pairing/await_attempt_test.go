package pairing_test

import (
	"log/slog"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Each confirmation poll's --debug request line carries its attempt
// number, so the polls of one wait can be told apart in a report.
func TestAwaitPollsCarryTheirAttemptInTheRequestLog(t *testing.T) {
	var logs syncbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := newWorld(t, worldOpts{http: transport.WithLogger(nil, log)})
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: providers.SCI, Code: w.startCode(t)})
	if err != nil {
		t.Fatal(err)
	}
	w.drive(ctx)
	if _, err := w.svc.AwaitConfirmation(ctx, p.ID, func(e pairing.Event) {
		if e.Type == pairing.EventWaiting && e.Attempt == 2 {
			if _, err := w.sb.Confirm(w.term); err != nil {
				t.Error(err)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	var attempts []float64
	for _, l := range logs.JSONLines(t) {
		if l["msg"] == transport.LogMessage && l["op"] == string(providers.OpCheck) {
			n, _ := l["attempt"].(float64)
			attempts = append(attempts, n)
		}
	}
	if len(attempts) != 3 || attempts[0] != 1 || attempts[1] != 2 || attempts[2] != 3 {
		t.Errorf("poll attempts in the request log = %v, want [1 2 3]", attempts)
	}
}
