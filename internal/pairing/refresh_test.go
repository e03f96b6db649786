package pairing

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// countingRecords counts the writes of the records.
type countingRecords struct {
	keystore.Records
	updates atomic.Int32
}

func (c *countingRecords) Update(fn func(*keystore.File) error) error {
	c.updates.Add(1)
	return c.Records.Update(fn)
}

// gatedProvider holds every check until want of them are in flight at once,
// and records the most that ever were.
type gatedProvider struct {
	*fakeProvider
	want     int
	mu       sync.Mutex
	inflight int
	most     int
	open     chan struct{}
	opened   bool
}

func (g *gatedProvider) Check(ctx context.Context, p providers.Pairing, s providers.Secret) (providers.CheckResult, error) {
	g.mu.Lock()
	g.inflight++
	g.most = max(g.most, g.inflight)
	if g.inflight == g.want && !g.opened {
		close(g.open)
		g.opened = true
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(10 * time.Second): // only when fewer than want ever run at once
	}
	defer func() { g.mu.Lock(); g.inflight--; g.mu.Unlock() }()
	return g.fakeProvider.Check(ctx, p, s)
}

// Refresh checks the pairings concurrently, at most maxConcurrentChecks at
// once, and records all outcomes in one write (issue 17: 100 checks were 100
// rewrites of the whole file).
func TestRefreshChecksConcurrentlyAndWritesOnce(t *testing.T) {
	const n = 40
	var counting *countingRecords
	gate := &gatedProvider{want: maxConcurrentChecks, open: make(chan struct{})}
	f := newFixture(t, func(c *Config) {
		counting = &countingRecords{Records: c.Records}
		c.Records = counting
		gate.fakeProvider = c.Providers[0].(*fakeProvider)
		c.Providers = []providers.Provider{gate}
	})
	for i := range n {
		f.pair(t, fmt.Sprintf("%06d", 100000+i), "")
	}
	before := counting.updates.Load()
	res, err := f.svc.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := counting.updates.Load() - before; got != 1 {
		t.Errorf("Refresh of %d pairings wrote the records %d times, want 1", n, got)
	}
	if gate.most != maxConcurrentChecks {
		t.Errorf("at most %d checks ran at once, want %d", gate.most, maxConcurrentChecks)
	}
	stored, err := f.svc.List()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.Pairing.Status != providers.StatusActive || !r.Pairing.CheckedAt.Equal(f.clock.Now()) {
			t.Errorf("result %d = %+v, %v", i, r.Pairing, r.Err)
		}
	}
	for _, p := range stored {
		if p.Status != providers.StatusActive {
			t.Errorf("stored %s is %s, want active", p.ID, p.Status)
		}
	}
}

// Outcomes of a refresh are applied together: an unpaired-externally result
// and a network failure in one batch, and a failed write reported on every
// pairing it would have changed.
func TestRefreshBatchOutcomes(t *testing.T) {
	f := newFixture(t, nil)
	f.pair(t, "111111", "A")
	f.pair(t, "222222", "B")
	f.fake.script(checkAnswer{st: providers.StatusActive})
	if _, err := f.svc.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	netErr := &providers.Error{Kind: providers.KindNetwork, Message: "down"}
	gone := &providers.Error{Kind: providers.KindNotPaired, Message: "gone"}
	f.fake.script(checkAnswer{st: providers.StatusUnknown, err: gone}, checkAnswer{st: providers.StatusUnknown, err: netErr})
	res, err := f.svc.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := f.svc.List()
	statuses := map[string]providers.Status{}
	for _, p := range stored {
		statuses[p.ID] = p.Status
	}
	unpaired, failed := 0, 0
	for _, r := range res {
		switch providers.KindOf(r.Err) {
		case providers.KindNotPaired:
			unpaired++
			if r.Pairing.Status != providers.StatusUnpaired || statuses[r.Pairing.ID] != providers.StatusUnpaired {
				t.Errorf("unpaired externally: result %s, stored %s", r.Pairing.Status, statuses[r.Pairing.ID])
			}
		case providers.KindNetwork:
			failed++
			if statuses[r.Pairing.ID] != providers.StatusActive {
				t.Errorf("a network failure changed the status to %s", statuses[r.Pairing.ID])
			}
		}
	}
	if unpaired != 1 || failed != 1 {
		t.Fatalf("unpaired %d, failed %d; results %+v", unpaired, failed, res)
	}

	// A write that fails is reported on each pairing it would have changed.
	f.svc.cfg.Records = failingRecords{f.svc.cfg.Records}
	f.fake.script(checkAnswer{st: providers.StatusActive})
	res, err = f.svc.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if ke, ok := keystore.AsError(r.Err); !ok || ke.Kind != keystore.KindReadOnly {
			t.Errorf("%s: err %v, want the failed write", r.Pairing.ID, r.Err)
		}
	}
}
