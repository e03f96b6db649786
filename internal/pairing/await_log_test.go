package pairing

import (
	"context"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"log/slog"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// SCI answers a pairing the merchant has not confirmed yet exactly as it
// answers one unpaired on the terminal: StatusUnpaired with a 401
// no_active_pairings_found. While awaiting, the debug log must still say
// awaiting_confirmation, or a support reader thinks the pairing was lost.
func TestAwaitLogsAwaitingWhileNotConfirmed(t *testing.T) {
	var logs syncbuf.Buffer
	f := newFixture(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	p := f.pair(t, "123456", "")
	sciNotYet := checkAnswer{st: providers.StatusUnpaired, err: &providers.Error{Provider: "sci", Op: "check",
		HTTPStatus: 401, Code: "no_active_pairings_found", Kind: providers.KindNotPaired}}
	f.fake.script(sciNotYet, sciNotYet, active)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go drive(ctx, f.clock)
	if _, err := f.svc.AwaitConfirmation(ctx, p.ID, nil); err != nil {
		t.Fatalf("AwaitConfirmation: %v", err)
	}
	waits := 0
	for _, l := range logs.JSONLines(t) {
		if l["msg"] != "await: not confirmed yet" {
			continue
		}
		waits++
		if l["status"] != string(providers.StatusAwaitingConfirmation) {
			t.Errorf("logged status %v; want %s: %v", l["status"], providers.StatusAwaitingConfirmation, l)
		}
		if l["pairing_id"] != p.ID {
			t.Errorf("line names pairing %v; want %s", l["pairing_id"], p.ID)
		}
	}
	if waits != 2 {
		t.Errorf("%d \"not confirmed yet\" lines; want 2 (one per unconfirmed poll)", waits)
	}
}
