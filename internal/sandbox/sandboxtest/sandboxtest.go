// Package sandboxtest is the test harness the sandbox core and its cloud
// sub-packages share: a sandbox on real loopback HTTP driven by a fake
// clock, and raw HTTP helpers for the clouds and the control API. It
// imports only the core, so a cloud's own (internal) tests can use it with
// just that cloud. Only _test.go files import it.
package sandboxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// Epoch is where the fake clock starts: the SCI reference §1.5
// test-vector time, so signatures made "now" are easy to reason about.
var Epoch = time.Unix(1715151961, 0)

// Harness is a started sandbox with a fake clock and an HTTP client.
type Harness struct {
	T      *testing.T
	SB     *sandbox.Sandbox
	Clock  *clockwork.FakeClock
	Info   sandbox.Info
	Client *http.Client
}

// New starts a sandbox simulating clouds on loopback, with a fake clock at
// Epoch and Seed 42 unless opts sets one; it closes at the end of the test.
func New(t *testing.T, opts sandbox.Options, clouds ...sandbox.Cloud) *Harness {
	t.Helper()
	fc := clockwork.NewFakeClockAt(Epoch)
	opts.Clock = fc
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	sb := sandbox.New(opts, clouds)
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	// Cleanups run last-registered first: drop the client's idle
	// connections before Close, or a connection the transport dialled and
	// never used (concurrent requests race their dials) holds the server's
	// graceful shutdown until its deadline. Once closed, the transport
	// also closes any dial that completes afterwards.
	t.Cleanup(client.CloseIdleConnections)
	return &Harness{T: t, SB: sb, Clock: fc, Info: sb.Info(), Client: client}
}

// Response is a received answer, body read through a cap.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object, failing the test if it is not one.
func (r Response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
	return m
}

// ErrorText is the {"error":"…"} message of a control API (or
// SmartConnect) error, failing the test if the body has none.
func (r Response) ErrorText(t *testing.T) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == "" {
		t.Fatalf("body %q is not {\"error\":\"…\"} (%v)", r.Body, err)
	}
	return e.Error
}

// Send sends req and reads the answer.
func (h *Harness) Send(req *http.Request) Response {
	h.T.Helper()
	res, err := h.Client.Do(req)
	if err != nil {
		h.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		h.T.Fatalf("reading %s %s: %v", req.Method, req.URL, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// NewRequest builds a request with a deadline far from any cost.
func (h *Harness) NewRequest(method, u string, body []byte) *http.Request {
	h.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.T.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		h.T.Fatal(err)
	}
	return req
}

// Control calls the control API; path is relative to /control.
func (h *Harness) Control(method, path, body string) Response {
	h.T.Helper()
	return h.Send(h.NewRequest(method, h.Info.ControlURL()+path, []byte(body)))
}

// ControlTerminal calls a control route that answers a Terminal and
// checks the status.
func (h *Harness) ControlTerminal(method, path string, want int) sandbox.Terminal {
	h.T.Helper()
	return h.ControlTerminalWith(method, path, "", want)
}

// ControlTerminalWith is ControlTerminal with a body.
func (h *Harness) ControlTerminalWith(method, path, body string, want int) sandbox.Terminal {
	h.T.Helper()
	res := h.Control(method, path, body)
	if res.Status != want {
		h.T.Fatalf("%s %s %s = %d %s, want %d", method, path, body, res.Status, res.Body, want)
	}
	var term sandbox.Terminal
	if err := json.Unmarshal(res.Body, &term); err != nil {
		h.T.Fatal(err)
	}
	return term
}

// Delayed sends a request held by a delay fault of d: send runs on its own
// goroutine; once the request waits on the fake clock (it must be the
// clock's only waiter), Delayed checks no answer came early, advances the
// clock by d and returns the answer. Its waits are far from any cost.
func (h *Harness) Delayed(d time.Duration, send func() Response) Response {
	h.T.Helper()
	done := make(chan Response, 1)
	go func() { done <- send() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Clock.BlockUntilContext(ctx, 1); err != nil {
		h.T.Fatalf("the delayed request never waited on the clock: %v", err)
	}
	select {
	case res := <-done:
		h.T.Fatalf("answered before the delay passed: %d %s", res.Status, res.Body)
	default:
	}
	h.Clock.Advance(d)
	select {
	case res := <-done:
		return res
	case <-ctx.Done():
		h.T.Fatal("no answer after advancing the clock")
	}
	return Response{}
}

// FirstTerminal is the sandbox's first terminal of provider (the start-up
// one), failing the test if there is none.
func (h *Harness) FirstTerminal(provider string) sandbox.Terminal {
	h.T.Helper()
	for _, term := range h.SB.Terminals() {
		if term.Provider == provider {
			return term
		}
	}
	h.T.Fatalf("no %s terminal", provider)
	return sandbox.Terminal{}
}

// MustParseURL parses s or fails the test.
func MustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
