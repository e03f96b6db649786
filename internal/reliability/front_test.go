package reliability

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	sblinkly "github.com/tillpair/tillpair/internal/sandbox/linkly"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/sandbox/smartconnect"
	simsquare "github.com/tillpair/tillpair/internal/sandbox/square"
	simsumup "github.com/tillpair/tillpair/internal/sandbox/sumup"
)

// frontFault is a fault the sandbox's fault API does not inject itself; the
// front injects it in front of the real sandbox handler, on loopback.
type frontFault int

const (
	ffNone frontFault = iota
	// ffTruncate runs the cloud, then sends half the body (or, for an
	// empty body, nothing) and closes the connection: the response was
	// lost after the cloud acted.
	ffTruncate
	// ffOversize answers 200 with a body over the clients' 1 MiB cap; the
	// cloud never sees the request.
	ffOversize
	// ffHTML answers 200 text/html, like a captive portal or a proxy's
	// error page; the cloud never sees the request.
	ffHTML
	// ffRedirect answers 307 to the same path on a plain-http twin of the
	// sandbox; the cloud never sees the request unless the client follows.
	ffRedirect
)

// oversizeBytes is comfortably over transport.DefaultMaxBody (1 MiB).
const oversizeBytes = 2<<20 + 17

// front serves the sandbox on loopback (plain or TLS with an untrusted
// test certificate) and injects frontFaults on one route.
type front struct {
	srv       *httptest.Server
	plain     *httptest.Server // redirect target
	plainHits atomic.Int64

	mu     sync.Mutex
	fault  frontFault
	route  string
	count  int // faults left; 0 = until disarmed
	hits   int // faults injected
	modify func(route string, body []byte) []byte
}

func newFront(h http.Handler, useTLS bool) *front {
	f := &front{}
	f.plain = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.plainHits.Add(1)
		h.ServeHTTP(w, r)
	}))
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.serve(h, w, r) })
	f.srv = httptest.NewUnstartedServer(wrapped)
	// Handshakes refused by an untrusting client are the point of some
	// cells; they are not worth a log line each.
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		f.srv.StartTLS()
	} else {
		f.srv.Start()
	}
	return f
}

func (f *front) Close() {
	f.srv.Close()
	f.plain.Close()
}

func (f *front) URL() string { return f.srv.URL }

func (f *front) arm(ff frontFault, route string, count int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.route, f.count, f.hits = ff, route, count, 0
}

func (f *front) disarm() { f.arm(ffNone, "", 0) }

// injected is how many requests the armed fault hit.
func (f *front) injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

// setModify installs a response rewrite (nil: none), for the transport
// tests that need the cloud to answer something specific.
func (f *front) setModify(fn func(route string, body []byte) []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.modify = fn
}

func (f *front) take(route string) (frontFault, func(string, []byte) []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fault == ffNone || route != f.route {
		return ffNone, f.modify
	}
	ff := f.fault
	f.hits++
	if f.count > 0 {
		f.count--
		if f.count == 0 {
			f.fault = ffNone
		}
	}
	return ff, f.modify
}

func (f *front) serve(h http.Handler, w http.ResponseWriter, r *http.Request) {
	route := routeOf(r)
	ff, modify := f.take(route)
	switch ff {
	case ffOversize:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"data":"`))
		_, _ = w.Write(bytes.Repeat([]byte("A"), oversizeBytes))
		_, _ = w.Write([]byte(`"}`))
		return
	case ffHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<!doctype html><html><body><h1>Welcome</h1><p>Please sign in to use this network.</p></body></html>"))
		return
	case ffRedirect:
		http.Redirect(w, r, f.plain.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		return
	}
	https := r.TLS != nil
	if ff == ffNone && !https && modify == nil {
		h.ServeHTTP(w, r)
		return
	}
	// Capture the cloud's answer to rewrite or cut it.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	if https {
		// The sandbox names its own origin as http://Host; behind a TLS
		// front that origin is https.
		body = bytes.ReplaceAll(body, []byte("http://"+r.Host), []byte("https://"+r.Host))
	}
	if modify != nil {
		body = modify(route, body)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if ff == ffTruncate {
		if len(body) > 0 {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body[:len(body)/2])
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
		}
		// Abort: the server closes the connection mid-response.
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// routeOf names the sandbox fault route a request belongs to, so front
// faults target the same routes as the sandbox's own.
func routeOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/sci-pairing/") && strings.HasSuffix(p, "/v1/progress-pairing"):
		return sci.RouteProgressPairing
	case strings.HasPrefix(p, "/sci-api/") && strings.HasSuffix(p, "/v1/pairing-info"):
		return sci.RoutePairingInfo
	case strings.HasPrefix(p, "/sci-api/") && strings.HasSuffix(p, "/v1/unpair"):
		return sci.RouteUnpair
	case strings.HasPrefix(p, "/smartconnect/POS/Pairing/"):
		return smartconnect.RoutePairing
	case p == "/smartconnect/POS/Transaction":
		return smartconnect.RouteTransaction
	case strings.HasPrefix(p, "/smartconnect/POS/Transaction/"):
		return smartconnect.RoutePoll
	case strings.HasPrefix(p, "/helcim/v2/devices/") && strings.HasSuffix(p, "/ping"):
		return helcim.RoutePing
	case strings.HasPrefix(p, "/helcim/v2/devices/"):
		return helcim.RouteDevice
	case strings.HasPrefix(p, "/sumup/"):
		return sumupRoute(r.Method, p)
	case strings.HasPrefix(p, simsquare.Prefix+"/v2/devices"):
		return squareRoute(r.Method, strings.TrimPrefix(p, simsquare.Prefix+"/v2/devices"))
	case p == "/linkly-auth/v1/pairing/cloudpos":
		return sblinkly.RoutePair
	case p == "/linkly-auth/v1/tokens/cloudpos":
		return sblinkly.RouteToken
	case strings.HasPrefix(p, "/linkly-pos/v2/sessions/") && strings.HasSuffix(p, "/status"):
		return sblinkly.RouteStatus
	case strings.HasPrefix(p, "/linkly-pos/v2/sessions/") && strings.HasSuffix(p, "/result"):
		return sblinkly.RouteResult
	}
	return ""
}

// squareRoute names a Square Devices API request's route from the path
// after /square/v2/devices: /codes[/{id}] or [/{device_id}].
func squareRoute(method, rest string) string {
	switch {
	case rest == "/codes" && method == http.MethodPost:
		return simsquare.RouteCreateCode
	case rest == "/codes":
		return simsquare.RouteListCodes
	case strings.HasPrefix(rest, "/codes/"):
		return simsquare.RouteGetCode
	case rest == "" || rest == "/":
		return simsquare.RouteListDevices
	}
	return simsquare.RouteGetDevice
}

// sumupRoute names a SumUp readers request's route:
// /sumup/v0.1/merchants/{code}/readers[/{id}[/status]].
func sumupRoute(method, p string) string {
	_, rest, ok := strings.Cut(p, "/readers")
	switch {
	case !ok:
		return ""
	case rest == "" || rest == "/":
		if method == http.MethodPost {
			return simsumup.RouteCreate
		}
		return simsumup.RouteList
	case strings.HasSuffix(rest, "/status"):
		return simsumup.RouteStatus
	case method == http.MethodDelete:
		return simsumup.RouteDelete
	case method == http.MethodPatch:
		return simsumup.RouteUpdate
	}
	return simsumup.RouteGet
}
