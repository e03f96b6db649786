package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultStatusAndCountExhaustion(t *testing.T) {
	h := newHarness(t, Options{})
	_, p := h.startAndProgress("")
	h.controlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RoutePairingInfo, Status: 503, Count: 2}); err != nil {
		t.Fatal(err)
	}
	before := h.sb.RequestCount("sci", RoutePairingInfo)
	for i := range 2 {
		res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil)
		if res.status != 503 || res.apiCode(t) != "sandbox_fault" {
			t.Fatalf("request %d = %d %s, want 503 sandbox_fault", i, res.status, res.body)
		}
	}
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.status != 200 {
		t.Fatalf("after count ran out = %d %s", res.status, res.body)
	}
	if got := h.sb.RequestCount("sci", RoutePairingInfo) - before; got != 3 {
		t.Errorf("RequestCount grew by %d, want 3 (faulted requests count too)", got)
	}
	if got := h.sb.RequestCount("sci", RouteUnpair); got != 0 {
		t.Errorf("RequestCount(unpair) = %d, want 0", got)
	}
}

func TestFaultMalformedUntilCleared(t *testing.T) {
	h := newHarness(t, Options{})
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteProgressPairing, Malformed: true}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		res := h.progress(h.info.Credentials.SCIAPIKey, `{"pairing_code":"123456"}`)
		var v any
		if res.status != 200 || json.Unmarshal(res.body, &v) == nil {
			t.Fatalf("malformed fault = %d %q, want 200 with invalid JSON", res.status, res.body)
		}
	}
	h.sb.ClearFaults()
	if res := h.progress(h.info.Credentials.SCIAPIKey, `{"pairing_code":"1234567"}`); res.status != 404 {
		t.Fatalf("after ClearFaults = %d %s", res.status, res.body)
	}
}

func TestFaultReset(t *testing.T) {
	h := newHarness(t, Options{})
	_, p := h.startAndProgress("")
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteUnpair, Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	req := h.newRequest(http.MethodPost, p.SCIAPIBaseURL+"/v1/unpair", nil)
	h.signerFor(p).sign(req, nil)
	res, err := h.client.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("reset fault answered %d", res.StatusCode)
	}
	if res := h.sci(h.signerFor(p), http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", nil); res.status != 204 {
		t.Fatalf("unpair after the reset = %d %s", res.status, res.body)
	}
}

func TestFaultDelay(t *testing.T) {
	h := newHarness(t, Options{}) // no pairing started: the delay is the clock's only waiter
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteProgressPairing, DelayMS: 3000, Status: 502, Count: 1}); err != nil {
		t.Fatal(err)
	}
	done := make(chan response, 1)
	go func() { done <- h.progress("", `{}`) }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatalf("the delayed request never waited on the clock: %v", err)
	}
	select {
	case res := <-done:
		t.Fatalf("answered before the delay passed: %d %s", res.status, res.body)
	default:
	}
	h.clock.Advance(3 * time.Second)
	select {
	case res := <-done:
		if res.status != 502 || res.apiCode(t) != "sandbox_fault" {
			t.Fatalf("delayed fault = %d %s", res.status, res.body)
		}
	case <-ctx.Done():
		t.Fatal("no answer after advancing the clock")
	}

	// A delay on its own lets the request through; a client that gives up
	// ends the handler (Close would otherwise wait out its grace period).
	if err := h.sb.SetFault(Fault{Provider: "sci", Route: RouteProgressPairing, DelayMS: 10000}); err != nil {
		t.Fatal(err)
	}
	go func() { done <- h.progress("", `{}`) }()
	if err := h.clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(10 * time.Second)
	if res := <-done; res.status != 401 || res.apiCode(t) != "api_key_missing" {
		t.Fatalf("delay-only fault = %d %s, want the real answer", res.status, res.body)
	}
	short, cancelShort := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(short, http.MethodPost, h.info.SCIPairingURL+"/v1/progress-pairing", nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		res, err := h.client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	if err := h.clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancelShort()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled request got an answer")
	}
	closed := make(chan error, 1)
	go func() { closed <- h.sb.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close with an abandoned delayed request: %v", err)
		}
	case <-time.After(20 * time.Second): // Close would give up after shutdownGrace and return an error
		t.Fatal("Close waited on a handler whose client had gone")
	}
}

// A delay fault is a slow cloud: a request signed the moment it was sent
// must be judged as it arrived, so a delay longer than the ±5 s created
// window still gets the real answer, late, on every signed route.
func TestFaultDelayJudgesSignatureOnArrival(t *testing.T) {
	h := newHarness(t, Options{})
	_, p := h.startAndProgress("")
	h.controlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	const delay = 6 * time.Second // past maxClockSkew
	delayed := func(route, method, path string, stale time.Duration) response {
		t.Helper()
		if err := h.sb.SetFault(Fault{Provider: "sci", Route: route, DelayMS: int(delay.Milliseconds()), Count: 1}); err != nil {
			t.Fatal(err)
		}
		sg := h.signerFor(p)
		sg.created -= int64(stale.Seconds())
		done := make(chan response, 1)
		go func() { done <- h.sci(sg, method, p.SCIAPIBaseURL, path, nil) }()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := h.clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatalf("%s never waited on the clock: %v", route, err)
		}
		select {
		case res := <-done:
			t.Fatalf("%s answered before the delay passed: %d %s", route, res.status, res.body)
		default:
		}
		h.clock.Advance(delay)
		select {
		case res := <-done:
			return res
		case <-ctx.Done():
			t.Fatalf("%s: no answer after advancing the clock", route)
		}
		return response{}
	}

	if res := delayed(RoutePairingInfo, http.MethodGet, "/v1/pairing-info", 0); res.status != http.StatusOK || res.json(t)["data"].(map[string]any)["status"] != "active" {
		t.Fatalf("delayed pairing-info = %d %s, want 200 active", res.status, res.body)
	}
	// Arrival time is not a pass: a request already stale when it arrived
	// is still refused, delay or not.
	res := delayed(RoutePairingInfo, http.MethodGet, "/v1/pairing-info", delay)
	if res.status != http.StatusUnauthorized || res.apiCode(t) != codeNoValidSignatures || !strings.Contains(string(res.body), "6s away") {
		t.Fatalf("pairing-info stale on arrival = %d %s, want 401 naming the 6s skew", res.status, res.body)
	}
	if res := delayed(RouteUnpair, http.MethodPost, "/v1/unpair", 0); res.status != http.StatusNoContent {
		t.Fatalf("delayed unpair = %d %s, want 204", res.status, res.body)
	}
	if got := h.controlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); got.Pairings[0].Status != "unpaired" {
		t.Fatalf("after the delayed unpair the terminal lists %+v", got.Pairings)
	}
}
