package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/providers"
)

// While the cloud is unreachable, the wait says so once, not on every
// poll, and says when checking works again.
func TestCLIPairWaitReportsANetworkProblemOnce(t *testing.T) {
	w := newCLIWorld(t)
	const failing = 3
	w.fault(t, sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Reset: true, Count: failing})
	stderr := &onLine{marker: "Checking works again", act: func() {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Error(err)
		}
	}}
	var stdout bytes.Buffer
	args := []string{"pair", "--code", w.startCode(t), "--wait", "30s"}
	if code := Execute(context.Background(), Build{}, args, strings.NewReader(""), &stdout, stderr); code != ExitOK {
		t.Fatalf("pair exit %d: %s", code, stderr.String())
	}
	if n := w.sb.RequestCount(providers.SCI, sci.RoutePairingInfo); n <= failing {
		t.Fatalf("%d pairing-info requests: the fault was never outlived", n)
	}
	out := stderr.String()
	if n := strings.Count(out, "Checking for the confirmation failed"); n != 1 {
		t.Errorf("the network problem was reported %d times over %d failed polls:\n%s", n, failing, out)
	}
	if n := strings.Count(out, "Checking works again"); n != 1 {
		t.Errorf("recovery reported %d times:\n%s", n, out)
	}
	if strings.Contains(out, ".).") || strings.Contains(out, "..") {
		t.Errorf("doubled punctuation:\n%s", out)
	}
}

// The problem is reported again when it changes, keyed by what it is, not
// by text that differs on every attempt.
func TestProgressPrinterReportsChanges(t *testing.T) {
	var errb bytes.Buffer
	report := progressPrinter(&env{stderr: &errb}, nil)
	netErr := func(detail string) error {
		return &providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindNetwork, Message: detail}
	}
	report(pairingWarning(netErr("refused on port 1")))
	report(pairingWarning(netErr("refused on port 2")))
	report(pairingWarning(&providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 503}))
	report(pairingWarning(&providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 503}))
	out := errb.String()
	if n := strings.Count(out, "Checking for the confirmation failed"); n != 2 {
		t.Errorf("want one line per distinct problem (2), got %d:\n%s", n, out)
	}
	if !strings.Contains(out, "refused on port 1") || strings.Contains(out, "refused on port 2") || !strings.Contains(out, "had a problem") {
		t.Errorf("wrong lines:\n%s", out)
	}
}

func pairingWarning(err error) pairing.Event {
	return pairing.Event{Type: pairing.EventNetworkWarning, Err: err}
}
