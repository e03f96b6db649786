package pairing_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
)

// squareWorld is the session over the real Square client and the
// sandbox's Square cloud. The sandbox runs on real time; the service and
// the client on a fake clock years from it, so the client's expiry works
// from its own clock (the skew correction) while sign-ins run for real.
type squareWorld struct {
	sb    *sandbox.Sandbox
	term  sandbox.Terminal
	loc   string
	clock *clockwork.FakeClock
	svc   *pairing.Service
}

func newSquareWorld(t *testing.T) *squareWorld {
	t.Helper()
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 19})
	info := sb.Info()
	clk := clockwork.NewFakeClockAt(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	client, err := square.New(square.Config{BaseURL: info.URL(square.EndpointURL),
		AccessToken: providers.NewSecret(info.Credential(square.CredAccessToken)),
		LocationID:  info.Credential(square.CredLocationID), Clock: clk, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &squareWorld{sb: sb, term: testkit.Terminal(t, sb, square.ID), loc: info.Credential(square.CredLocationID), clock: clk,
		svc: pairing.New(pairing.Config{Providers: []providers.Provider{client}, Registry: providers.Registry{square.Descriptor},
			Secrets: keystore.NewMemorySecrets(), Records: recs, Clock: clk})}
}

func (w *squareWorld) drive(ctx context.Context) {
	go func() {
		for w.clock.BlockUntilContext(ctx, 1) == nil {
			w.clock.Advance(time.Second)
		}
	}()
}

// The code_from_pos flow end to end: the session asks Square for a code,
// the operator signs in with it on the Terminal while the session waits,
// and the record learns the Terminal and its location.
func TestSquareSessionSignIn(t *testing.T) {
	w := newSquareWorld(t)
	ctx := testCtx(t)
	s, _ := w.svc.Session(square.ID)
	if s.TakesCode() {
		t.Fatal("a Square session takes a code")
	}
	p, err := s.Pair(ctx, pairing.PairInput{Nickname: "Counter 1"})
	if err != nil || len(p.ConfirmationCode) != 6 || !p.ExpiresAt.Equal(w.clock.Now().Add(5*time.Minute)) || p.Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("Pair = %+v, %v", p, err)
	}
	w.drive(ctx)
	waits := 0
	got, err := s.Await(ctx, func(ev pairing.Event) {
		if ev.Type == pairing.EventWaiting {
			if waits++; waits == 3 {
				if _, err := w.sb.SignIn(w.term.ID, p.ConfirmationCode); err != nil {
					t.Error(err)
				}
			}
		}
	})
	if err != nil || got.Status != providers.StatusActive || got.TID != w.term.TID || got.Serial != w.term.TID ||
		got.Location != w.loc || got.TerminalNickname != "Square Terminal "+w.term.TID[12:] || got.Health == nil || got.Health.Online == nil || !*got.Health.Online {
		t.Fatalf("Await = %+v (health %+v), %v", got, got.Health, err)
	}
	// Test reads the device; Log out on the Terminal leaves it active but
	// offline.
	if _, err := w.sb.UnpairFromTerminal(w.term.ID); err != nil {
		t.Fatal(err)
	}
	tested, err := s.Test(ctx, got.ID)
	if err != nil || tested.Status != providers.StatusActive || tested.Health == nil || tested.Health.State != square.CategoryOffline {
		t.Fatalf("Test after Log out = %+v, %v", tested, err)
	}
	// No API unpair: the service says so, Forget removes it here.
	if err := s.Unpair(ctx, got.ID); providers.KindOf(err) != providers.KindUnpairOnTerminal {
		t.Fatalf("Unpair = %v", err)
	}
	if err := s.Forget(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
}

// Nobody signs in: the wait ends with the code's expiry (by the client's
// clock), as "code used" so the front-end offers a new code, which is a
// new attempt and a new code.
func TestSquareSessionCodeExpires(t *testing.T) {
	w := newSquareWorld(t)
	ctx := testCtx(t)
	s, _ := w.svc.Session(square.ID)
	p, err := s.Pair(ctx, pairing.PairInput{Nickname: "Counter 1"})
	if err != nil {
		t.Fatal(err)
	}
	start := w.clock.Now()
	w.drive(ctx)
	_, err = s.Await(ctx, nil)
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.KindCodeUsed || pe.Code != square.CodeExpired {
		t.Fatalf("Await = %v; want the code expired", err)
	}
	if el := w.clock.Since(start); el != 5*time.Minute {
		t.Errorf("gave up after %v; want the code's 5 minutes", el)
	}
	if err := s.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, err := s.Pair(ctx, pairing.PairInput{Nickname: "Counter 1"})
	if err != nil || fresh.ID == p.ID || fresh.ConfirmationCode == p.ConfirmationCode {
		t.Fatalf("new code = %+v, %v; old %+v", fresh, err, p)
	}
}

// A global confirm window (`pair --wait`) shorter than a shown code's
// life must not drop the code early: the code's expiry ends the wait.
func TestCodeFromPOSWindowNotShortenedGlobally(t *testing.T) {
	svc := pairing.New(pairing.Config{Registry: providers.Registry{square.Descriptor}, ConfirmWindow: 30 * time.Second})
	if got := svc.ConfirmWindowOf(square.ID); got != square.Descriptor.ConfirmWindow {
		t.Errorf("window %v, want the descriptor's %v", got, square.Descriptor.ConfirmWindow)
	}
	svc = pairing.New(pairing.Config{Registry: providers.Registry{square.Descriptor}, ConfirmWindow: time.Hour})
	if got := svc.ConfirmWindowOf(square.ID); got != time.Hour {
		t.Errorf("window %v, want the longer global hour", got)
	}
}
