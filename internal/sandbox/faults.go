package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault makes the next Count requests (0: all, until cleared) to one
// provider route misbehave. Delay combines with any other effect; Status,
// Reset and Malformed are mutually exclusive.
type Fault struct {
	Provider  string `json:"provider"`
	Route     string `json:"route"` // one of the cloud's Spec.Routes, e.g. SCI pairing-info
	Status    int    `json:"status"`
	DelayMS   int    `json:"delay_ms"`
	Reset     bool   `json:"reset"`     // drop the connection without a response
	Malformed bool   `json:"malformed"` // answer 200 with a body that is not valid JSON
	Count     int    `json:"count"`     // how many requests it applies to; 0 = until cleared
}

// maxFaultDelay keeps a mistyped delay from hanging a test for hours.
const maxFaultDelay = 60 * time.Second

type routeKey struct{ provider, route string }

// SetFault installs f, replacing any fault on the same provider route.
func (s *Sandbox) SetFault(f Fault) error {
	if err := s.validateFault(f); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[routeKey{f.Provider, f.Route}] = &f
	return nil
}

func (s *Sandbox) validateFault(f Fault) error {
	m, ok := s.byID[f.Provider]
	if !ok {
		return fmt.Errorf("%w: unknown provider %q; valid providers: %s", ErrInvalidFault, f.Provider, strings.Join(s.providerIDs(), ", "))
	}
	routes := m.spec.Routes
	if !slices.Contains(routes, f.Route) {
		return fmt.Errorf("%w: unknown route %q for %s; valid routes: %s", ErrInvalidFault, f.Route, f.Provider, strings.Join(routes, ", "))
	}
	if f.Status != 0 && (f.Status < 300 || f.Status > 599) {
		return fmt.Errorf("%w: status %d out of range; use 300-599", ErrInvalidFault, f.Status)
	}
	if f.DelayMS < 0 || time.Duration(f.DelayMS)*time.Millisecond > maxFaultDelay {
		return fmt.Errorf("%w: delay_ms %d out of range; use 0-%d", ErrInvalidFault, f.DelayMS, maxFaultDelay.Milliseconds())
	}
	if f.Count < 0 {
		return fmt.Errorf("%w: count %d is negative; use 0 for until cleared", ErrInvalidFault, f.Count)
	}
	effects := 0
	for _, on := range []bool{f.Status != 0, f.Reset, f.Malformed} {
		if on {
			effects++
		}
	}
	if effects > 1 {
		return fmt.Errorf("%w: status, reset and malformed are mutually exclusive; set one", ErrInvalidFault)
	}
	if effects == 0 && f.DelayMS == 0 {
		return fmt.Errorf("%w: no effect; set status, delay_ms, reset or malformed", ErrInvalidFault)
	}
	return nil
}

// ClearFaults removes every fault.
func (s *Sandbox) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// RequestCount is how many requests reached provider's route, faulted or
// not, since New.
func (s *Sandbox) RequestCount(provider, route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[routeKey{provider, route}]
}

// takeFault counts the request and returns the fault it is subject to,
// using up one of the fault's Count.
func (s *Sandbox) takeFault(provider, route string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := routeKey{provider, route}
	s.counts[k]++
	f, ok := s.faults[k]
	if !ok {
		return nil
	}
	applied := *f
	if f.Count > 0 {
		f.Count--
		if f.Count == 0 {
			delete(s.faults, k)
		}
	}
	return &applied
}

// arrivalKey keys, in a request's context, when the sandbox received it.
type arrivalKey struct{}

// arrivedAt is when the sandbox received r, or now for a request that did
// not come through route.
func (s *Sandbox) arrivedAt(r *http.Request) time.Time {
	if t, ok := r.Context().Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return s.clock.Now()
}

// route wraps a cloud's handler with request counting and fault injection.
// An injected status is answered in the cloud's own envelope (WriteFault).
// A delay fault models a slow cloud, not a client whose clock is off: the
// request is stamped with its arrival time before the delay, and checks of
// the request itself (the signature's created window) use that stamp, so
// the client sees a slow answer rather than a clock-skew rejection.
func (s *Sandbox) route(m *mounted, route string, h http.HandlerFunc) http.HandlerFunc {
	provider := m.spec.ID
	return func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), arrivalKey{}, s.clock.Now()))
		f := s.takeFault(provider, route)
		s.log.Debug("sandbox request", "provider", provider, "route", route, "method", r.Method, "path", r.URL.Path)
		if f == nil {
			h(w, r)
			return
		}
		s.log.Debug("sandbox fault", "provider", provider, "route", route, "fault", *f)
		if f.DelayMS > 0 {
			// Read the body first: net/http only notices a client hanging
			// up once the body is consumed, and the delay must end then.
			if body, err := ReadBody(r); err == nil {
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			t := s.clock.NewTimer(time.Duration(f.DelayMS) * time.Millisecond)
			select {
			case <-t.Chan():
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case f.Reset:
			resetConn(w)
		case f.Status != 0:
			m.cloud.WriteFault(w, f.Status, fmt.Sprintf("injected fault: status %d on %s %s", f.Status, provider, route))
		case f.Malformed:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"data":{"pairing_id":"pid_`))
		default:
			h(w, r)
		}
	}
}

// resetConn drops the connection with no response at all.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 or a test recorder: aborting the handler is the closest.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
