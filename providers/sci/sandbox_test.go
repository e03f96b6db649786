package sci_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// env is a sandbox on real loopback HTTP and a client configured for it,
// sharing one fake clock so signatures are always fresh.
type env struct {
	sb     *sandbox.Sandbox
	info   sandbox.Info
	clock  *clockwork.FakeClock
	client *sci.Client
	term   string // id of the sandbox's SCI terminal
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2025, 5, 8, 7, 6, 1, 0, time.UTC))
	opts.Clock = clk
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	sb := testkit.StartSandbox(t, opts)
	e := &env{sb: sb, info: sb.Info(), clock: clk}
	e.client = e.newClient(t, func(*sci.Config) {})
	e.term = testkit.Terminal(t, sb, providers.SCI).ID
	return e
}

func (e *env) newClient(t *testing.T, edit func(*sci.Config)) *sci.Client {
	t.Helper()
	cfg := sci.Config{
		PairingURL:         e.info.URL("sci_pairing_url"),
		APIKey:             providers.NewSecret(e.info.Credential("sci_api_key")),
		SigningSecretPartA: providers.NewSecret(e.info.Credential("sci_signing_secret_part_a")),
		Clock:              e.clock,
		Timeout:            5 * time.Second,
	}
	edit(&cfg)
	c, err := sci.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// code makes terminal id show a fresh pairing code.
func (e *env) code(t *testing.T, id string) string {
	t.Helper()
	term, err := e.sb.StartPairing(id)
	if err != nil {
		t.Fatal(err)
	}
	if term.PairingCode == "" {
		t.Fatal("terminal shows no pairing code")
	}
	return term.PairingCode
}

// pair progresses a fresh code on the default terminal.
func (e *env) pair(t *testing.T) (providers.Pairing, providers.Secret) {
	t.Helper()
	p, partB, err := e.client.Pair(context.Background(), providers.PairRequest{Code: e.code(t, e.term), Nickname: "Front Bar"})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	return p, partB
}

func requireKind(t *testing.T, err error, kind providers.Kind) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error of kind %v", err, err, kind)
	}
	if pe.Kind != kind {
		t.Fatalf("err = %v: kind %v, want %v", err, pe.Kind, kind)
	}
	if pe.Provider != providers.SCI || pe.Op == "" {
		t.Fatalf("err = %v: provider %q op %q", err, pe.Provider, pe.Op)
	}
	return pe
}

func (e *env) pairingStatus(t *testing.T, pairingID string) string {
	t.Helper()
	term, err := e.sb.Terminal(e.term)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range term.Pairings {
		if tp.PairingID == pairingID {
			return tp.Status
		}
	}
	t.Fatalf("terminal has no pairing %s", pairingID)
	return ""
}

func TestLifecycleAgainstSandbox(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	code := e.code(t, e.term)

	p, partB, err := e.client.Pair(ctx, providers.PairRequest{Code: code, Nickname: "Front Bar"})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	term, err := e.sb.Terminal(e.term)
	if err != nil {
		t.Fatal(err)
	}
	if p.Provider != providers.SCI || !strings.HasPrefix(p.ID, "pid_") || !strings.HasPrefix(p.KeyID, "kid_") ||
		p.Status != providers.StatusAwaitingConfirmation || p.PairingNickname != "Front Bar" ||
		p.TID != term.TID || p.TerminalNickname != term.Nickname || p.Environment != "test" ||
		!p.CreatedAt.Equal(e.clock.Now()) || !p.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("pairing %+v does not match terminal %+v", p, term)
	}
	if p.ConfirmationCode == "" || p.ConfirmationCode != term.ConfirmationCode {
		t.Fatalf("confirmation code %q, terminal shows %q", p.ConfirmationCode, term.ConfirmationCode)
	}
	if !strings.HasPrefix(p.BaseURL, strings.TrimSuffix(e.info.URL("sci_pairing_url"), "/sci-pairing")) {
		t.Fatalf("base URL %q is not on the sandbox", p.BaseURL)
	}
	if partB.Len() != 32 {
		t.Fatalf("Part B has %d bytes, want 32", partB.Len())
	}

	// Before the merchant confirms, the cloud reports no active pairing.
	stCR, err := e.client.Check(ctx, p, partB)
	st := stCR.Status
	if st != providers.StatusUnpaired {
		t.Fatalf("Check while awaiting confirmation: status %v", st)
	}
	pe := requireKind(t, err, providers.KindNotPaired)
	if pe.HTTPStatus != 401 || pe.Code != "no_active_pairings_found" {
		t.Fatalf("Check while awaiting confirmation: %+v", pe)
	}

	if _, err := e.sb.Confirm(e.term); err != nil {
		t.Fatal(err)
	}
	if st, err := e.client.Check(ctx, p, partB); err != nil || st.Status != providers.StatusActive {
		t.Fatalf("Check after confirmation: %v, %v", st, err)
	}

	if err := e.client.Unpair(ctx, p, partB); err != nil {
		t.Fatalf("Unpair: %v", err)
	}
	if got := e.pairingStatus(t, p.ID); got != string(providers.StatusUnpaired) {
		t.Fatalf("sandbox pairing status %q after Unpair", got)
	}
	stCR, err = e.client.Check(ctx, p, partB)
	st = stCR.Status
	if st != providers.StatusUnpaired {
		t.Fatalf("Check after Unpair: status %v", st)
	}
	requireKind(t, err, providers.KindNotPaired)

	if err := e.client.Unpair(ctx, p, partB); err != nil {
		t.Fatalf("second Unpair (already unpaired) = %v, want success", err)
	}
	if n := e.sb.RequestCount(providers.SCI, simsci.RouteUnpair); n != 2 {
		t.Fatalf("unpair requests = %d, want 2", n)
	}
}

// Cancelling while the merchant has not confirmed yet must unpair too
// (certification SCIPAIRING07).
func TestUnpairWhileAwaitingConfirmation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	p, partB := e.pair(t)
	if err := e.client.Unpair(context.Background(), p, partB); err != nil {
		t.Fatalf("Unpair: %v", err)
	}
	if got := e.pairingStatus(t, p.ID); got != string(providers.StatusUnpaired) {
		t.Fatalf("sandbox pairing status %q after cancelling", got)
	}
	if _, err := e.sb.Confirm(e.term); err == nil {
		t.Fatal("the terminal could still confirm a cancelled pairing")
	}
}

func TestExternalUnpairIsReported(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	p, partB := e.pair(t)
	if _, err := e.sb.Confirm(e.term); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.UnpairFromTerminal(e.term); err != nil {
		t.Fatal(err)
	}
	stCR, err := e.client.Check(context.Background(), p, partB)
	st := stCR.Status
	if st != providers.StatusUnpaired {
		t.Fatalf("status %v", st)
	}
	requireKind(t, err, providers.KindNotPaired)
}

func TestLegacyBaseURLKey(t *testing.T) {
	e := newEnv(t, sandbox.Options{SCILegacyBaseURLKey: true})
	p, partB := e.pair(t)
	if p.BaseURL == "" {
		t.Fatal("no base URL from spi_cloud_api_base_url")
	}
	if _, err := e.sb.Confirm(e.term); err != nil {
		t.Fatal(err)
	}
	if st, err := e.client.Check(context.Background(), p, partB); err != nil || st.Status != providers.StatusActive {
		t.Fatalf("Check via the legacy base URL: %v, %v", st, err)
	}
}

func TestPairErrorsFromSandbox(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()

	t.Run("unknown code", func(t *testing.T) {
		code := e.code(t, e.term)
		unknown := "000000"
		if code == unknown {
			unknown = "000001"
		}
		_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: unknown})
		pe := requireKind(t, err, providers.KindNotFound)
		if pe.HTTPStatus != 404 || pe.Code != "pairing_not_found" || pe.Message != "Pairing not found" || pe.Retryable {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("used code", func(t *testing.T) {
		code := e.code(t, e.term)
		if _, _, err := e.client.Pair(ctx, providers.PairRequest{Code: code}); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: code})
		pe := requireKind(t, err, providers.KindCodeUsed)
		if pe.HTTPStatus != 422 || pe.Code != "pairing_not_initial" {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		code := e.code(t, e.term)
		e.clock.Advance(3 * time.Minute)
		_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: code})
		requireKind(t, err, providers.KindCodeUsed)
	})
	t.Run("invalid request", func(t *testing.T) {
		_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: "12ab56"})
		pe := requireKind(t, err, providers.KindInvalidCode)
		if pe.HTTPStatus != 400 || pe.Code != "invalid_request" {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("bad api key", func(t *testing.T) {
		c := e.newClient(t, func(cfg *sci.Config) { cfg.APIKey = providers.NewSecret("test_pak_wrong==") })
		_, _, err := c.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
		pe := requireKind(t, err, providers.KindCredentials)
		if pe.HTTPStatus != 401 || pe.Code != "api_key_invalid" {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("missing api key sends nothing", func(t *testing.T) {
		before := e.sb.RequestCount(providers.SCI, simsci.RouteProgressPairing)
		c := e.newClient(t, func(cfg *sci.Config) { cfg.APIKey = providers.Secret{} })
		_, _, err := c.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
		pe := requireKind(t, err, providers.KindCredentials)
		if pe.HTTPStatus != 0 || !strings.Contains(pe.Message, "TILLPAIR_SCI_API_KEY") {
			t.Fatalf("%+v", pe)
		}
		if after := e.sb.RequestCount(providers.SCI, simsci.RouteProgressPairing); after != before {
			t.Fatalf("a request was sent without an API key (%d -> %d)", before, after)
		}
	})
	t.Run("test key on live terminal", func(t *testing.T) {
		live, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: providers.SCI, Live: true})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = e.client.Pair(ctx, providers.PairRequest{Code: e.code(t, live.ID)})
		pe := requireKind(t, err, providers.KindWrongEnvironment)
		if pe.HTTPStatus != 403 || pe.Code != "test_api_key_forbidden_for_live_pairing" {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("foreign tenant", func(t *testing.T) {
		other, err := e.sb.AddTerminalWith(sandbox.TerminalOptions{Provider: providers.SCI, ForeignTenant: true})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = e.client.Pair(ctx, providers.PairRequest{Code: e.code(t, other.ID)})
		pe := requireKind(t, err, providers.KindWrongEnvironment)
		if pe.HTTPStatus != 403 || pe.Code != "pairing_route_forbidden" {
			t.Fatalf("%+v", pe)
		}
	})
}

func TestSignedErrorsFromSandbox(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	p, partB := e.pair(t)
	if _, err := e.sb.Confirm(e.term); err != nil {
		t.Fatal(err)
	}

	t.Run("wrong part A", func(t *testing.T) {
		c := e.newClient(t, func(cfg *sci.Config) { cfg.SigningSecretPartA = providers.NewSecret("wrong") })
		stCR, err := c.Check(ctx, p, partB)
		st := stCR.Status
		pe := requireKind(t, err, providers.KindSignature)
		if st != providers.StatusUnknown || pe.HTTPStatus != 401 || pe.Code != "no_valid_signatures_found" {
			t.Fatalf("%v %+v", st, pe)
		}
	})
	t.Run("clock skew", func(t *testing.T) {
		skewed := clockwork.NewFakeClockAt(e.clock.Now().Add(30 * time.Second))
		c := e.newClient(t, func(cfg *sci.Config) { cfg.Clock = skewed })
		_, err := c.Check(ctx, p, partB)
		requireKind(t, err, providers.KindSignature)
	})
	t.Run("missing part A sends nothing", func(t *testing.T) {
		before := e.sb.RequestCount(providers.SCI, simsci.RoutePairingInfo)
		c := e.newClient(t, func(cfg *sci.Config) { cfg.SigningSecretPartA = providers.Secret{} })
		_, err := c.Check(ctx, p, partB)
		requireKind(t, err, providers.KindCredentials)
		if err := c.Unpair(ctx, p, partB); providers.KindOf(err) != providers.KindCredentials {
			t.Fatalf("Unpair without Part A: %v", err)
		}
		if after := e.sb.RequestCount(providers.SCI, simsci.RoutePairingInfo); after != before {
			t.Fatal("a request was sent without Part A")
		}
	})
	t.Run("missing part B", func(t *testing.T) {
		_, err := e.client.Check(ctx, p, providers.Secret{})
		requireKind(t, err, providers.KindCredentials)
	})
	t.Run("still active", func(t *testing.T) {
		if st, err := e.client.Check(ctx, p, partB); err != nil || st.Status != providers.StatusActive {
			t.Fatalf("%v %v", st, err)
		}
	})
}

func TestFaultsFromSandbox(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	p, partB := e.pair(t)
	if _, err := e.sb.Confirm(e.term); err != nil {
		t.Fatal(err)
	}
	fault := func(t *testing.T, f sandbox.Fault) {
		t.Helper()
		f.Provider, f.Count = providers.SCI, 1
		if err := e.sb.SetFault(f); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.sb.ClearFaults)
	}
	pairErr := func(t *testing.T) error {
		_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
		return err
	}

	t.Run("5xx on progress-pairing is not retryable", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RouteProgressPairing, Status: 503})
		pe := requireKind(t, pairErr(t), providers.KindServer)
		if pe.HTTPStatus != 503 || pe.Retryable {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("5xx on pairing-info is retryable", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RoutePairingInfo, Status: 500})
		stCR, err := e.client.Check(ctx, p, partB)
		st := stCR.Status
		pe := requireKind(t, err, providers.KindServer)
		if st != providers.StatusUnknown || !pe.Retryable {
			t.Fatalf("%v %+v", st, pe)
		}
	})
	t.Run("5xx on unpair is retryable", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RouteUnpair, Status: 502})
		pe := requireKind(t, e.client.Unpair(ctx, p, partB), providers.KindServer)
		if !pe.Retryable {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("429", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RoutePairingInfo, Status: 429})
		_, err := e.client.Check(ctx, p, partB)
		if pe := requireKind(t, err, providers.KindRateLimited); !pe.Retryable {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("reset on progress-pairing", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RouteProgressPairing, Reset: true})
		if pe := requireKind(t, pairErr(t), providers.KindNetwork); pe.HTTPStatus != 0 {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("reset on pairing-info is not unpaired", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RoutePairingInfo, Reset: true})
		stCR, err := e.client.Check(ctx, p, partB)
		st := stCR.Status
		requireKind(t, err, providers.KindNetwork)
		if st != providers.StatusUnknown {
			t.Fatalf("status %v after a network failure", st)
		}
	})
	t.Run("malformed progress-pairing", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RouteProgressPairing, Malformed: true})
		if pe := requireKind(t, pairErr(t), providers.KindProtocol); pe.HTTPStatus != 200 {
			t.Fatalf("%+v", pe)
		}
	})
	t.Run("malformed pairing-info", func(t *testing.T) {
		fault(t, sandbox.Fault{Route: simsci.RoutePairingInfo, Malformed: true})
		stCR, err := e.client.Check(ctx, p, partB)
		st := stCR.Status
		requireKind(t, err, providers.KindProtocol)
		if st != providers.StatusUnknown {
			t.Fatalf("status %v", st)
		}
	})
	t.Run("delay beyond the timeout", func(t *testing.T) {
		// The sandbox delays on its fake clock, which nobody advances, so
		// only the client's real per-request deadline can end the wait.
		fault(t, sandbox.Fault{Route: simsci.RoutePairingInfo, DelayMS: 60_000})
		c := e.newClient(t, func(cfg *sci.Config) { cfg.Timeout = 100 * time.Millisecond })
		stCR, err := c.Check(ctx, p, partB)
		st := stCR.Status
		if pe := requireKind(t, err, providers.KindTimeout); !pe.Retryable || st != providers.StatusUnknown {
			t.Fatalf("%v %+v", st, pe)
		}
	})
	t.Run("recovers after faults", func(t *testing.T) {
		if st, err := e.client.Check(ctx, p, partB); err != nil || st.Status != providers.StatusActive {
			t.Fatalf("%v %v", st, err)
		}
	})
}

func TestCallerCancelIsCanceled(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := e.client.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
	requireKind(t, err, providers.KindCanceled)
}

// No failure path may print a credential.
func TestErrorsNeverContainSecrets(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	p, partB := e.pair(t)
	secrets := []string{e.info.Credential("sci_api_key"), e.info.Credential("sci_signing_secret_part_a"), partB.Reveal()}

	var errs []error
	bad := e.newClient(t, func(cfg *sci.Config) { cfg.APIKey = providers.NewSecret(e.info.Credential("sci_api_key") + "x") })
	_, _, err := bad.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
	errs = append(errs, err)
	_, err = e.client.Check(ctx, p, partB) // not confirmed yet
	errs = append(errs, err)
	wrongA := e.newClient(t, func(cfg *sci.Config) {
		cfg.SigningSecretPartA = providers.NewSecret(e.info.Credential("sci_signing_secret_part_a") + "x")
	})
	errs = append(errs, wrongA.Unpair(ctx, p, partB))
	if err := e.sb.SetFault(sandbox.Fault{Provider: providers.SCI, Route: simsci.RouteProgressPairing, Malformed: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.client.Pair(ctx, providers.PairRequest{Code: e.code(t, e.term)})
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d did not fail", i)
		}
		pe, _ := providers.AsError(err)
		text := err.Error() + " " + pe.Message
		if pe.Err != nil {
			text += " " + pe.Err.Error()
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Fatalf("case %d: error %q contains a secret", i, text)
			}
		}
	}
	if s := e.client.String(); strings.Contains(s, e.info.Credential("sci_api_key")) {
		t.Fatalf("String() = %q contains the API key", s)
	}
}
