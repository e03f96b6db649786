package pairing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// Finding 10: an SCI pairing whose Part B is gone from this register's
// keyring is reported as exactly that, before any request is sent, rather
// than handed to the client as an empty secret (which it refuses as
// "credentials", and the screens then blame the payment cloud).
func TestSandboxSecretMissingIsTypedAndSendsNothing(t *testing.T) {
	w := newWorld(t, worldOpts{})
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.secrets.Delete(keystore.SCIPartB(p.ID)); err != nil {
		t.Fatal(err)
	}
	sent := func() int {
		return w.sb.RequestCount(providers.SCI, simsci.RoutePairingInfo) + w.sb.RequestCount(providers.SCI, simsci.RouteUnpair)
	}
	before := sent()

	check := func(op string, err error) {
		t.Helper()
		var sm *pairing.SecretMissingError
		if !errors.As(err, &sm) || sm.PairingID != p.ID || sm.Provider != providers.SCI {
			t.Fatalf("%s = %v (%T); want *pairing.SecretMissingError for %s", op, err, err, p.ID)
		}
		pe, ok := providers.AsError(err)
		if !ok || pe.Kind != providers.KindConfig || pe.HTTPStatus != 0 || pe.Err != nil {
			t.Errorf("%s: provider error %+v; want a local KindConfig refusal", op, pe)
		}
		if !strings.Contains(err.Error(), "tillpair unpair "+p.ID+" --forget") {
			t.Errorf("%s: %q does not name the way out", op, err)
		}
	}
	_, err = w.svc.Test(ctx, p.ID)
	check("Test", err)
	_, err = w.svc.AwaitConfirmation(ctx, p.ID, nil)
	check("AwaitConfirmation", err)
	check("Cancel", w.svc.Cancel(ctx, p.ID))
	check("Unpair", w.svc.Unpair(ctx, p.ID))
	res, err := w.svc.Refresh(ctx)
	if err != nil || len(res) != 1 {
		t.Fatalf("Refresh = %+v, %v", res, err)
	}
	check("Refresh", res[0].Err)

	if n := sent() - before; n != 0 {
		t.Errorf("%d requests sent for a pairing with no secret", n)
	}
	if list, _ := w.svc.List(); len(list) != 1 || list[0].Status != providers.StatusAwaitingConfirmation {
		t.Errorf("the record changed: %+v", list)
	}
	// The way out works without the secret.
	if err := w.svc.Forget(ctx, p.ID); err != nil {
		t.Fatalf("Forget = %v", err)
	}
	if list, _ := w.svc.List(); len(list) != 0 {
		t.Errorf("records left after Forget: %+v", list)
	}
}

// A missing Part A is this integration's configuration, not the pairing's
// secret: it must not be mistaken for a missing Part B (whose only fix,
// forgetting the pairing, would not help).
func TestSandboxMissingPartAIsNotSecretMissing(t *testing.T) {
	w := newWorld(t, worldOpts{})
	info := w.sb.Info()
	ctx := testCtx(t)
	p, err := w.svc.Pair(ctx, pairing.PairInput{Provider: "sci", Code: w.startCode(t)})
	if err != nil {
		t.Fatal(err)
	}
	noPartA, err := sci.New(sci.Config{PairingURL: info.URL("sci_pairing_url"),
		APIKey: providers.NewSecret(info.Credential("sci_api_key")), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc := pairing.New(pairing.Config{Providers: []providers.Provider{noPartA}, Secrets: w.secrets, Records: w.records, Clock: w.clock})
	_, err = svc.Test(ctx, p.ID)
	var sm *pairing.SecretMissingError
	if err == nil || errors.As(err, &sm) {
		t.Fatalf("Test without Part A = %v (%T); want the client's refusal, not SecretMissingError", err, err)
	}
	if providers.KindOf(err) != providers.KindCredentials {
		t.Errorf("Test without Part A: kind %v; want credentials", providers.KindOf(err))
	}
}
