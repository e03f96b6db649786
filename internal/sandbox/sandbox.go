package sandbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
)

// Options configures a Sandbox.
type Options struct {
	Clock          clockwork.Clock // nil: real clock
	Seed           int64           // 0: random; non-zero: deterministic ids, codes, credentials
	Logger         *slog.Logger    // nil: discard
	PairingCodeTTL time.Duration   // SCI/SmartConnect code lifetime on the terminal (default 2m)
	// SCILegacyBaseURLKey makes progress-pairing name the base URL
	// "spi_cloud_api_base_url" (the pairing page's example) instead of
	// "sci_api_base_url" (the FAQ and every observed client), so tests can
	// prove a client accepts both.
	SCILegacyBaseURLKey bool
	// Credentials, when set, replaces the generated credentials (each empty
	// field keeps its generated value), so a test can plant recognisable
	// canary values and prove they never leak. The random source is used
	// exactly as without it, so seeded ids and codes do not change.
	Credentials *Credentials
	// RequestLog, when set, is called once per request the sandbox served,
	// after it was answered, with secrets already redacted (see Entry). It
	// runs on the serving goroutine, so it must be quick and safe for
	// concurrent use.
	RequestLog func(Entry)
}

// Info tells a client where the simulated clouds are and which credentials
// they accept. The credentials are sandbox-only values, safe to print.
type Info struct {
	SCIPairingURL   string      `json:"sci_pairing_url"`
	SmartConnectURL string      `json:"smartconnect_url"`
	HelcimURL       string      `json:"helcim_url"`
	ControlURL      string      `json:"control_url"`
	Credentials     Credentials `json:"credentials"`
}

// Credentials are the vendor credentials the sandbox clouds accept.
type Credentials struct {
	SCIAPIKey             string `json:"sci_api_key"`
	SCISigningSecretPartA string `json:"sci_signing_secret_part_a"`
	HelcimAPIToken        string `json:"helcim_api_token"`
}

// Path prefixes of the clouds and the control API on the one listener.
const (
	prefixSCIPairing   = "/sci-pairing"
	prefixSCIAPI       = "/sci-api"
	prefixSmartConnect = "/smartconnect/POS"
	prefixHelcim       = "/helcim/v2"
	prefixControl      = "/control"
)

// shutdownGrace bounds how long Close waits for in-flight requests.
const shutdownGrace = 5 * time.Second

// Sandbox simulates the payment clouds and their virtual terminals.
type Sandbox struct {
	clock  clockwork.Clock
	log    *slog.Logger
	ttl    time.Duration
	legacy bool
	creds  Credentials
	tenant string // SCI tenant of ordinary (test) terminals
	sci    *sciCloud
	helcim *helcimCloud
	sc     *smartConnectCloud

	handler http.Handler

	mu        sync.Mutex
	rng       *rng
	terminals map[string]*terminal
	order     []string // terminal ids in creation order
	nextTerm  map[string]int
	codes     map[string]*pairingCode
	byKeyID   map[string]*pairing
	faults    map[routeKey]*Fault
	counts    map[routeKey]int
	subs      map[int]chan struct{}
	nextSub   int
	baseURL   string // "http://127.0.0.1:P" once started
	srv       *http.Server
	served    chan struct{}
}

// New builds a sandbox with one virtual terminal per simulated provider. It does not listen
// until Start; Handler can be mounted anywhere without Start.
func New(opts Options) *Sandbox {
	s := &Sandbox{
		clock:     opts.Clock,
		log:       opts.Logger,
		ttl:       opts.PairingCodeTTL,
		legacy:    opts.SCILegacyBaseURLKey,
		rng:       newRNG(opts.Seed),
		terminals: map[string]*terminal{},
		nextTerm:  map[string]int{},
		codes:     map[string]*pairingCode{},
		byKeyID:   map[string]*pairing{},
		faults:    map[routeKey]*Fault{},
		counts:    map[routeKey]int{},
		subs:      map[int]chan struct{}{},
	}
	if s.clock == nil {
		s.clock = clockwork.NewRealClock()
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.ttl <= 0 {
		s.ttl = 2 * time.Minute
	}
	s.creds = Credentials{
		SCIAPIKey:             "test_pak_" + s.rng.base64(16),
		SCISigningSecretPartA: s.rng.alnum(32),
		HelcimAPIToken:        s.rng.alnum(40),
	}
	if c := opts.Credentials; c != nil {
		s.creds.SCIAPIKey = cmp.Or(c.SCIAPIKey, s.creds.SCIAPIKey)
		s.creds.SCISigningSecretPartA = cmp.Or(c.SCISigningSecretPartA, s.creds.SCISigningSecretPartA)
		s.creds.HelcimAPIToken = cmp.Or(c.HelcimAPIToken, s.creds.HelcimAPIToken)
	}
	s.tenant = "t" + s.rng.hex(4)
	s.sci = &sciCloud{s: s}
	s.helcim = newHelcimCloud(s, opts.Seed)
	s.sc = newSmartConnectCloud(s)
	s.handler = s.routes()
	if opts.RequestLog != nil {
		s.handler = s.logRequests(s.handler, opts.RequestLog)
	}
	if _, err := s.AddTerminal(providers.SCI); err != nil {
		// Unreachable: SCI is always simulated.
		panic(err)
	}
	if _, err := s.AddTerminal(providers.Helcim); err != nil {
		panic(err) // unreachable: Helcim is always simulated
	}
	if _, err := s.AddTerminal(providers.SmartConnect); err != nil {
		panic(err) // unreachable: SmartConnect is always simulated
	}
	return s
}

// routes mounts each provider's handler under its prefix on one mux, so
// SmartConnect and Helcim can be added as sibling handlers later.
func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	sci := s.sci.handler()
	mux.Handle(prefixSCIPairing+"/", sci)
	mux.Handle(prefixSCIAPI+"/", sci)
	mux.Handle(prefixSmartConnect+"/", s.sc.handler())
	mux.Handle(prefixHelcim+"/", s.helcim.handler())
	mux.Handle(prefixControl+"/", http.StripPrefix(prefixControl, s.controlHandler()))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf(
			"no sandbox route %s; the sandbox serves %s, %s, %s, %s and %s",
			r.URL.Path, prefixSCIPairing, prefixSCIAPI, prefixSmartConnect, prefixHelcim, prefixControl)})
	})
	return mux
}

// Handler serves the clouds and the control API.
func (s *Sandbox) Handler() http.Handler { return s.handler }

// Start listens on addr ("" means 127.0.0.1:0) and serves in the
// background until Close.
func (s *Sandbox) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.mu.Lock()
	started := s.baseURL != ""
	s.mu.Unlock()
	if started {
		return errors.New("sandbox: already started; Close it and make a new one")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	served := make(chan struct{})
	s.mu.Lock()
	if s.baseURL != "" { // lost a race with another Start
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("sandbox: already started")
	}
	s.srv = srv
	s.served = served
	s.baseURL = "http://" + ln.Addr().String()
	s.mu.Unlock()
	s.log.Info("sandbox listening", "addr", ln.Addr().String())
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox server stopped", "err", err)
		}
	}()
	return nil
}

// Info reports the URLs and credentials. The URLs are empty before Start.
func (s *Sandbox) Info() Info {
	s.mu.Lock()
	base := s.baseURL
	s.mu.Unlock()
	info := Info{Credentials: s.creds}
	if base != "" {
		info.SCIPairingURL = base + prefixSCIPairing
		info.SmartConnectURL = base + prefixSmartConnect
		info.HelcimURL = base + prefixHelcim
		info.ControlURL = base + prefixControl
	}
	return info
}

// Close shuts the server down gracefully and stops the terminals' timers.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	srv, served := s.srv, s.served
	s.srv = nil // a second Close is a no-op
	for _, t := range s.terminals {
		t.stopTimer()
	}
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(ctx)
	<-served
	return err
}

// Changes returns a channel that receives a value (coalesced) whenever any
// terminal changes, and a func that unsubscribes. The channel is closed on
// unsubscribe and on Close.
func (s *Sandbox) Changes() (<-chan struct{}, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	ch := make(chan struct{}, 1)
	s.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if c, ok := s.subs[id]; ok {
				close(c)
				delete(s.subs, id)
			}
		})
	}
}

// notifyLocked wakes every subscriber without blocking; a pending wake-up
// already covers this change. Callers hold s.mu.
func (s *Sandbox) notifyLocked() {
	for _, ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
