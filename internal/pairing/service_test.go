package pairing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// failingSecrets is the real in-memory store with Set failing the way a
// locked keyring does.
type failingSecrets struct {
	*keystore.MemorySecrets
}

func (f failingSecrets) Set(name string, _ providers.Secret) error {
	return &keystore.Error{Kind: keystore.KindLocked, Op: "store secret", Item: name, Service: "test"}
}

// failingRecords refuses every write, like a read-only config dir.
type failingRecords struct{ keystore.Records }

func (f failingRecords) Update(func(*keystore.File) error) error {
	return &keystore.Error{Kind: keystore.KindReadOnly, Op: "write records", Path: "/ro/pairings.json"}
}

type fixture struct {
	svc     *Service
	fake    *fakeProvider
	clock   *clockwork.FakeClock
	secrets *keystore.MemorySecrets
	records keystore.Records
}

func newFixture(t *testing.T, mutate func(*Config)) *fixture {
	t.Helper()
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{fake: newFake(), clock: clockwork.NewFakeClockAt(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)),
		secrets: keystore.NewMemorySecrets(), records: recs}
	cfg := Config{Providers: []providers.Provider{f.fake}, Secrets: f.secrets, Records: recs, Clock: f.clock}
	if mutate != nil {
		mutate(&cfg)
	}
	f.svc = New(cfg)
	return f
}

func (f *fixture) pair(t *testing.T, code, nick string) providers.Pairing {
	t.Helper()
	p, err := f.svc.Pair(context.Background(), PairInput{Provider: "sci", Code: code, Nickname: nick})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	return p
}

// drive advances the fake clock one second at a time whenever the waiter
// is blocked on it, until ctx ends.
func drive(ctx context.Context, c *clockwork.FakeClock) {
	for c.BlockUntilContext(ctx, 1) == nil {
		c.Advance(time.Second)
	}
}

func TestPairStoresSecretThenRecord(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, " 12-34 56 ", "  Front Bar ")
	if p.Status != providers.StatusAwaitingConfirmation || p.PairingNickname != "Front Bar" || p.Provider != "sci" {
		t.Fatalf("pairing = %+v", p)
	}
	if !strings.HasSuffix(p.ID, "-123456") {
		t.Errorf("provider got code from id %q; want normalised 123456", p.ID)
	}
	sec, err := f.secrets.Get(keystore.SCIPartB(p.ID))
	if err != nil || sec.Reveal() != "partb-"+p.ID {
		t.Errorf("secret = %v, %v", sec.Reveal(), err)
	}
	list, err := f.svc.List()
	if err != nil || len(list) != 1 || list[0].ID != p.ID || list[0].Status != providers.StatusAwaitingConfirmation {
		t.Errorf("List = %+v, %v", list, err)
	}
}

func TestPairRejectsBadInputBeforeCallingProvider(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.svc.Pair(context.Background(), PairInput{Provider: "sci", Code: "12345"})
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.KindInvalidCode || pe.Provider != "sci" || !strings.Contains(err.Error(), "you typed 5") {
		t.Fatalf("err = %v", err)
	}
	_, err = f.svc.Pair(context.Background(), PairInput{Provider: "helcim", Code: "123456"})
	if providers.KindOf(err) != providers.KindInvalidInput || !strings.Contains(err.Error(), "sci") {
		t.Fatalf("unknown provider err = %v", err)
	}
	if f.fake.n != 0 {
		t.Errorf("provider called %d times", f.fake.n)
	}
}

func TestPairRollsBackWhenSecretCannotBeStored(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Secrets = failingSecrets{keystore.NewMemorySecrets()} })
	_, err := f.svc.Pair(context.Background(), PairInput{Provider: "sci", Code: "123456"})
	var ke *keystore.Error
	if !errors.As(err, &ke) || ke.Kind != keystore.KindLocked {
		t.Fatalf("err = %v; want the keystore error in the chain", err)
	}
	if got := f.fake.unpairedIDs(); len(got) != 1 {
		t.Errorf("remote unpairs = %v; want the rollback", got)
	}
	if list, _ := f.svc.List(); len(list) != 0 {
		t.Errorf("records = %+v; want none", list)
	}
	if !strings.Contains(err.Error(), "undone") {
		t.Errorf("message %q does not say the pairing was undone", err)
	}
}

func TestPairRollsBackWhenRecordCannotBeStored(t *testing.T) {
	f := newFixture(t, nil)
	svc := New(Config{Providers: []providers.Provider{f.fake}, Secrets: f.secrets, Records: failingRecords{f.records}, Clock: f.clock})
	// A cancelled caller must not stop the rollback.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.fake.caps.NeedsConfirmation = true
	_, err := svc.Pair(ctx, PairInput{Provider: "sci", Code: "654321"})
	var ke *keystore.Error
	if !errors.As(err, &ke) || ke.Kind != keystore.KindReadOnly {
		t.Fatalf("err = %v", err)
	}
	ids := f.fake.unpairedIDs()
	if len(ids) != 1 {
		t.Fatalf("remote unpairs = %v", ids)
	}
	if _, err := f.secrets.Get(keystore.SCIPartB(ids[0])); !keystore.IsNotFound(err) {
		t.Errorf("secret left behind: %v", err)
	}
}

func TestPairRollbackFailureIsReported(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Secrets = failingSecrets{keystore.NewMemorySecrets()} })
	f.fake.unpairErr = netDown.err
	_, err := f.svc.Pair(context.Background(), PairInput{Provider: "sci", Code: "123456"})
	var re *RollbackError
	if !errors.As(err, &re) || re.Remote == nil || !strings.Contains(err.Error(), "unpair it on the terminal") {
		t.Fatalf("err = %v", err)
	}
	var se interface{ StoreError() bool }
	if !errors.As(err, &se) {
		t.Error("store error not in chain")
	}
}

func TestAwaitConfirmationReachesActiveThroughNetworkFailures(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "123456", "")
	f.fake.script(notPaired, netDown, netDown, notPaired, active)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go drive(ctx, f.clock)
	var events []EventType
	got, err := f.svc.AwaitConfirmation(ctx, p.ID, func(e Event) { events = append(events, e.Type) })
	if err != nil {
		t.Fatalf("AwaitConfirmation: %v", err)
	}
	want := []EventType{EventWaiting, EventNetworkWarning, EventNetworkWarning, EventWaiting, EventActive}
	if len(events) != len(want) {
		t.Fatalf("events = %v; want %v", events, want)
	}
	for i := range want {
		if events[i] != want[i] {
			t.Fatalf("events = %v; want %v", events, want)
		}
	}
	if got.Status != providers.StatusActive || got.CheckedAt.IsZero() {
		t.Errorf("pairing = %+v", got)
	}
	if list, _ := f.svc.List(); list[0].Status != providers.StatusActive {
		t.Errorf("stored status = %v", list[0].Status)
	}
}

func TestAwaitConfirmationWindowExpires(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "123456", "")
	f.fake.script(notPaired)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go drive(ctx, f.clock)
	start := f.clock.Now()
	polls := 0
	_, err := f.svc.AwaitConfirmation(ctx, p.ID, func(Event) { polls++ })
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.KindTimeout || !strings.Contains(pe.Message, "within 2 minutes.") {
		t.Fatalf("err = %v; want timeout", err)
	}
	if el := f.clock.Since(start); el != DefaultConfirmWindow {
		t.Errorf("gave up after %v; want %v", el, DefaultConfirmWindow)
	}
	// 1 s for 15 s, then backing off to 5 s: ≤ 1 request/s and well under 120.
	if polls < 30 || polls > 50 {
		t.Errorf("%d polls in 2 minutes; want about 40", polls)
	}
	if list, _ := f.svc.List(); list[0].Status != providers.StatusAwaitingConfirmation {
		t.Errorf("status after timeout = %v; want still awaiting", list[0].Status)
	}
}

func TestAwaitConfirmationStopsOnCancelAndOnHardError(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "123456", "")
	f.fake.script(notPaired)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go drive(ctx, f.clock)
	n := 0
	_, err := f.svc.AwaitConfirmation(ctx, p.ID, func(Event) {
		if n++; n == 3 {
			cancel()
		}
	})
	if providers.KindOf(err) != providers.KindCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want canceled", err)
	}
	f.fake.script(checkAnswer{err: &providers.Error{Kind: providers.KindSignature, HTTPStatus: 401}})
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go drive(ctx2, f.clock) // every poll, the first included, waits an interval
	_, err = f.svc.AwaitConfirmation(ctx2, p.ID, nil)
	if providers.KindOf(err) != providers.KindSignature {
		t.Fatalf("err = %v; want the signature error", err)
	}
}

func TestPollScheduleAveragesAtMostOnePerSecond(t *testing.T) {
	s := New(Config{})
	var elapsed, prev time.Duration
	var seen []time.Duration
	polls := 0
	for elapsed < DefaultConfirmWindow {
		prev = s.nextPollInterval(elapsed, prev)
		seen = append(seen, prev)
		elapsed += prev
		polls++
	}
	if rate := float64(polls) / elapsed.Seconds(); rate > 1 {
		t.Errorf("rate %.2f/s", rate)
	}
	if seen[0] != time.Second || seen[14] != time.Second || seen[15] <= time.Second || seen[len(seen)-1] != 5*time.Second {
		t.Errorf("schedule %v", seen)
	}
}

func TestCancelRemovesEverythingOrKeepsOnNetworkFailure(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "123456", "")
	f.fake.unpairErr = netDown.err
	if err := f.svc.Cancel(context.Background(), p.ID); providers.KindOf(err) != providers.KindNetwork {
		t.Fatalf("Cancel with network down = %v", err)
	}
	if list, _ := f.svc.List(); len(list) != 1 || list[0].Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("record after failed cancel = %+v", list)
	}
	// The cloud already forgot it: still a successful cancel.
	f.fake.unpairErr = notPaired.err
	if err := f.svc.Cancel(context.Background(), p.ID); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if list, _ := f.svc.List(); len(list) != 0 {
		t.Errorf("records left: %+v", list)
	}
	if _, err := f.secrets.Get(keystore.SCIPartB(p.ID)); !keystore.IsNotFound(err) {
		t.Errorf("secret left: %v", err)
	}
}

func TestTestUpdatesStatus(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "123456", "")
	// Awaiting + 401: not confirmed yet, not "unpaired".
	f.fake.script(notPaired)
	if _, err := f.svc.Test(context.Background(), p.ID); providers.KindOf(err) != providers.KindNotPaired {
		t.Fatalf("Test = %v", err)
	}
	if list, _ := f.svc.List(); list[0].Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("status = %v", list[0].Status)
	}
	f.fake.script(active)
	got, err := f.svc.Test(context.Background(), p.ID)
	if err != nil || got.Status != providers.StatusActive || !got.CheckedAt.Equal(f.clock.Now()) {
		t.Fatalf("Test = %+v, %v", got, err)
	}
	f.fake.script(netDown)
	if _, err := f.svc.Test(context.Background(), p.ID); providers.KindOf(err) != providers.KindNetwork {
		t.Fatalf("Test = %v", err)
	}
	if list, _ := f.svc.List(); list[0].Status != providers.StatusActive {
		t.Fatalf("network failure changed status to %v", list[0].Status)
	}
	f.fake.script(notPaired)
	got, err = f.svc.Test(context.Background(), p.ID)
	if providers.KindOf(err) != providers.KindNotPaired || got.Status != providers.StatusUnpaired {
		t.Fatalf("Test = %+v, %v", got, err)
	}
}

func TestUnpairAndForget(t *testing.T) {
	f := newFixture(t, nil)
	a := f.pair(t, "111111", "a")
	b := f.pair(t, "222222", "b")
	if err := f.svc.Unpair(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.fake.unpairedIDs(); len(got) != 1 || got[0] != a.ID {
		t.Errorf("remote unpairs = %v", got)
	}
	if err := f.svc.Forget(context.Background(), "B"); err != nil {
		t.Fatal(err)
	}
	if got := f.fake.unpairedIDs(); len(got) != 1 {
		t.Errorf("Forget called the cloud: %v", got)
	}
	if list, _ := f.svc.List(); len(list) != 0 {
		t.Errorf("left: %+v", list)
	}
	_ = b
}

func TestUnpairWithoutRemoteUnpairKeepsRecord(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "111111", "")
	f.fake.caps.RemoteUnpair = false
	f.fake.unpairErr = &providers.Error{Kind: providers.KindUnpairOnTerminal, Message: "Unpair on the terminal"}
	if err := f.svc.Unpair(context.Background(), p.ID); providers.KindOf(err) != providers.KindUnpairOnTerminal {
		t.Fatalf("Unpair = %v", err)
	}
	if list, _ := f.svc.List(); len(list) != 1 {
		t.Errorf("record deleted")
	}
}

func TestRefresh(t *testing.T) {
	f := newFixture(t, nil)
	awaiting := f.pair(t, "111111", "waiting")
	gone := f.pair(t, "222222", "gone")
	flaky := f.pair(t, "333333", "flaky")
	f.fake.script(active)
	for _, p := range []providers.Pairing{gone, flaky} {
		if _, err := f.svc.Test(context.Background(), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Answers per pairing are needed, so the scripted fake is replaced by a
	// per-id one for this round.
	byID := map[string]checkAnswer{awaiting.ID: notPaired, gone.ID: notPaired, flaky.ID: netDown}
	svc := New(Config{Providers: []providers.Provider{perID{f.fake, byID}}, Secrets: f.secrets, Records: f.records, Clock: f.clock})
	res, err := svc.Refresh(context.Background())
	if err != nil || len(res) != 3 {
		t.Fatalf("Refresh = %v, %v", res, err)
	}
	want := map[string]providers.Status{awaiting.ID: providers.StatusAwaitingConfirmation, gone.ID: providers.StatusUnpaired, flaky.ID: providers.StatusActive}
	for i, r := range res {
		if r.Pairing.Status != want[r.Pairing.ID] {
			t.Errorf("%s: status %v; want %v", r.Pairing.PairingNickname, r.Pairing.Status, want[r.Pairing.ID])
		}
		if i > 0 && res[i-1].Pairing.CreatedAt.After(r.Pairing.CreatedAt) {
			t.Error("not sorted by CreatedAt")
		}
	}
	if res[2].Err == nil || providers.KindOf(res[2].Err) != providers.KindNetwork {
		t.Errorf("flaky err = %v", res[2].Err)
	}
	list, _ := svc.List()
	for _, p := range list {
		if p.Status != want[p.ID] {
			t.Errorf("stored %s = %v", p.PairingNickname, p.Status)
		}
	}
}

// slowCheck answers as its fake does, after took on the fake clock.
type slowCheck struct {
	*fakeProvider
	clock *clockwork.FakeClock
	took  time.Duration
}

func (p slowCheck) Check(ctx context.Context, pr providers.Pairing, s providers.Secret) (providers.CheckResult, error) {
	p.clock.Advance(p.took)
	return p.fakeProvider.Check(ctx, pr, s)
}

// A check result says how long the provider took (fleet health exports
// it), and 0 when no check could be sent.
func TestRefreshReportsTheCheckDuration(t *testing.T) {
	f := newFixture(t, nil)
	p := f.pair(t, "111111", "")
	svc := New(Config{Providers: []providers.Provider{slowCheck{f.fake, f.clock, 1500 * time.Millisecond}}, Secrets: f.secrets, Records: f.records, Clock: f.clock})
	res, err := svc.Refresh(context.Background())
	if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Duration != 1500*time.Millisecond {
		t.Fatalf("Refresh = %+v, %v", res, err)
	}
	if err := f.secrets.Delete(svc.secretItem(p)); err != nil {
		t.Fatal(err)
	}
	res, err = svc.Refresh(context.Background())
	if err != nil || len(res) != 1 || providers.KindOf(res[0].Err) != providers.KindConfig || res[0].Duration != 0 {
		t.Errorf("Refresh without the secret = %+v, %v", res, err)
	}
}

type perID struct {
	*fakeProvider
	answers map[string]checkAnswer
}

func (p perID) Check(_ context.Context, pr providers.Pairing, _ providers.Secret) (providers.CheckResult, error) {
	a := p.answers[pr.ID]
	return providers.CheckResult{Status: a.st}, a.err
}

func TestFind(t *testing.T) {
	f := newFixture(t, nil)
	a := f.pair(t, "111111", "Front Bar")
	b := f.pair(t, "111112", "Back Bar")
	c := f.pair(t, "222222", "")
	for ref, want := range map[string]string{a.ID: a.ID, "front bar": a.ID, "0002": b.ID, "0003-222222": c.ID, "222222": c.ID, "BACK BAR": b.ID} {
		got, err := f.svc.Find(ref)
		if err != nil || got.ID != want {
			t.Errorf("Find(%q) = %q, %v; want %q", ref, got.ID, err, want)
		}
	}
	_, err := f.svc.Find("pid_")
	if providers.KindOf(err) != providers.KindInvalidInput || !strings.Contains(err.Error(), "matches 3 pairings") || !strings.Contains(err.Error(), "(Front Bar)") {
		t.Errorf("ambiguous: %v", err)
	}
	_, err = f.svc.Find("nope")
	if !errors.Is(err, ErrUnknownPairing) || !strings.Contains(err.Error(), "tillpair status") {
		t.Errorf("none: %v", err)
	}
	if _, err := f.svc.Find("pid"); !errors.Is(err, ErrUnknownPairing) {
		t.Errorf("3-char fragment matched: %v", err)
	}
}

func TestConcurrentPairsShareOneConfigDir(t *testing.T) {
	dir := t.TempDir()
	fake := newFake()
	secrets := keystore.NewMemorySecrets()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		recs, err := keystore.OpenRecords(dir)
		if err != nil {
			t.Fatal(err)
		}
		svc := New(Config{Providers: []providers.Provider{fake}, Secrets: secrets, Records: recs})
		wg.Go(func() {
			_, errs[i] = svc.Pair(context.Background(), PairInput{Provider: "sci", Code: []string{"111111", "222222"}[i]})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, _ := keystore.OpenRecords(dir)
	f, err := recs.Load()
	if err != nil || len(f.Pairings) != 2 {
		t.Fatalf("records = %+v, %v", f.Pairings, err)
	}
}

func TestFindTooShortSaysHowMuchToType(t *testing.T) {
	f := newFixture(t, nil)
	f.pair(t, "111111", "Front Bar")
	_, err := f.svc.Find("pid")
	if !errors.Is(err, ErrUnknownPairing) {
		t.Fatalf("Find(pid) = %v, want ErrUnknownPairing", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "at least 4 characters") || !strings.Contains(msg, "nickname") || !strings.Contains(msg, `"pid"`) {
		t.Errorf("Find(pid) = %q; want it to say at least 4 characters of the id, or the nickname, are needed", msg)
	}
	// Four characters or more that match nothing are simply unknown.
	_, err = f.svc.Find("zzzz")
	if !errors.Is(err, ErrUnknownPairing) || strings.Contains(err.Error(), "at least 4") || !strings.Contains(err.Error(), `No pairing matches "zzzz"`) {
		t.Errorf("Find(zzzz) = %v", err)
	}
}

// The rollback message says the pairing was undone and how to go on, once:
// store errors already end with their fix.
func TestRollbackErrorSaysPairAgainOnce(t *testing.T) {
	for _, c := range []struct{ cause, wantFix string }{
		{"no OS keyring is available: install gnome-keyring, then pair again", ""},
		{"disk full.", " Fix the problem, then pair again."},
	} {
		msg := (&RollbackError{Cause: errors.New(c.cause), PairingID: "pid_1"}).Error()
		if n := strings.Count(strings.ToLower(msg), "pair again"); n != 1 {
			t.Errorf("%q says pair again %d times, want once", msg, n)
		}
		if !strings.Contains(msg, "The pairing was undone, so nothing is left half-made.") || !strings.HasSuffix(msg, "half-made."+c.wantFix) {
			t.Errorf("rollback message %q", msg)
		}
		if strings.Contains(msg, "..") {
			t.Errorf("doubled full stop in %q", msg)
		}
	}
}

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
