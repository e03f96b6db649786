package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Options configures a Sandbox.
type Options struct {
	Clock  clockwork.Clock // nil: real clock
	Seed   int64           // 0: random; non-zero: deterministic ids, codes, credentials
	Logger *slog.Logger    // nil: discard
	// PairingCodeTTL, when set, is how long every code a terminal shows
	// lives; 0 leaves each cloud its default (SCI and SmartConnect 2m).
	PairingCodeTTL time.Duration
	// SCILegacyBaseURLKey (read by the SCI cloud) makes progress-pairing
	// name the base URL "spi_cloud_api_base_url" (the pairing page's
	// example) instead of "sci_api_base_url" (the FAQ and every observed
	// client), so tests can prove a client accepts both.
	SCILegacyBaseURLKey bool
	// Credentials, when set, replaces generated credentials by Info key
	// (e.g. "sci_api_key"), so a test can plant recognisable canary values
	// and prove they never leak. The random source is used exactly as
	// without it, so seeded ids and codes do not change. A key no cloud
	// accepts panics in New: a canary that is silently ignored proves
	// nothing.
	Credentials Credentials
	// RequestLog, when set, is called once per request the sandbox served,
	// after it was answered, with secrets already redacted (see Entry). It
	// runs on the serving goroutine, so it must be quick and safe for
	// concurrent use.
	RequestLog func(Entry)
}

// Credentials are credential values by Info key, e.g. "sci_api_key".
type Credentials map[string]string

// prefixControl is where the control API is served.
const prefixControl = "/control"

// shutdownGrace bounds how long Close waits for in-flight requests.
const shutdownGrace = 5 * time.Second

// Sandbox simulates the payment clouds and their virtual terminals.
type Sandbox struct {
	opts    Options
	clock   clockwork.Clock
	log     *slog.Logger
	clouds  []*mounted // in the order New was given them
	byID    map[string]*mounted
	creds   []NamedValue
	secrets []NamedValue // the credentials the request log redacts (all but Public)
	handler http.Handler

	mu        sync.Mutex
	rng       *RNG
	terminals map[string]*Term
	order     []string // terminal ids in creation order
	nextTerm  map[string]int
	faults    map[routeKey]*Fault
	counts    map[routeKey]int
	subs      map[int]chan struct{}
	nextSub   int
	baseURL   string // "http://127.0.0.1:P" once started
	srv       *http.Server
	served    chan struct{}
}

// mounted is one cloud in a sandbox.
type mounted struct {
	cloud   Cloud
	spec    Spec
	host    *Host
	handler http.Handler
	rng     *RNG // the cloud's own stream (Spec.Salt), or nil
}

func (m *mounted) action(name string) (Action, bool) {
	i := slices.IndexFunc(m.spec.Actions, func(a Action) bool { return a.Name == name })
	if i < 0 {
		return Action{}, false
	}
	return m.spec.Actions[i], true
}

func (m *mounted) takesOption(name string) bool {
	return slices.ContainsFunc(m.spec.Options, func(o OptionSpec) bool { return o.Name == name })
}

func (m *mounted) optionList() string {
	if len(m.spec.Options) == 0 {
		return "no options"
	}
	names := make([]string, len(m.spec.Options))
	for i, o := range m.spec.Options {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

func (m *mounted) actionNames() []string {
	names := make([]string, len(m.spec.Actions))
	for i, a := range m.spec.Actions {
		names[i] = a.Name
	}
	return names
}

// New builds a sandbox simulating clouds (in that order: it is the order
// of the Info URLs and of the start-up terminals, one per cloud), usually
// clouds.All(); clouds.New does both. It does not listen until Start;
// Handler can be mounted anywhere without Start. It panics on a mistake in
// the clouds' specs (two with one id, prefix or key) or in
// Options.Credentials: those are programming errors, not input.
func New(opts Options, clouds []Cloud) *Sandbox {
	s := &Sandbox{
		opts:      opts,
		clock:     opts.Clock,
		log:       opts.Logger,
		byID:      map[string]*mounted{},
		rng:       newRNG(opts.Seed),
		terminals: map[string]*Term{},
		nextTerm:  map[string]int{},
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
	s.opts.Clock, s.opts.Logger = s.clock, s.log
	for _, c := range clouds {
		m := &mounted{cloud: c, spec: c.Spec()}
		m.host = &Host{s: s, m: m}
		s.clouds = append(s.clouds, m)
	}
	if err := checkSpecs(s.clouds); err != nil {
		panic("sandbox: " + err.Error())
	}
	for _, m := range s.clouds {
		s.byID[m.spec.ID] = m
	}
	// Every credential before any Setup: Setup may draw from the shared
	// random source, and the credentials' seeded values must not depend on
	// which clouds come before.
	for _, m := range s.clouds {
		r := s.rng
		if m.spec.Salt != 0 {
			m.rng = m.host.NewRNG(m.spec.Salt)
			r = m.rng
		}
		for _, c := range m.spec.Credentials {
			v := c.Generate(r)
			if p := opts.Credentials[c.Key]; p != "" {
				v = p
			}
			s.creds = append(s.creds, NamedValue{c.Key, v})
			if !c.Public && v != "" {
				s.secrets = append(s.secrets, NamedValue{c.Key, v})
			}
		}
	}
	for key := range opts.Credentials {
		if !slices.ContainsFunc(s.creds, func(c NamedValue) bool { return c.Key == key }) {
			panic(fmt.Sprintf("sandbox: Options.Credentials names %q, which no simulated cloud accepts; valid keys: %s", key, strings.Join(keys(s.creds), ", ")))
		}
	}
	for _, m := range s.clouds {
		m.handler = m.cloud.Setup(m.host)
	}
	s.handler = s.routes()
	if opts.RequestLog != nil {
		s.handler = s.logRequests(s.handler, opts.RequestLog)
	}
	for _, m := range s.clouds {
		if _, err := s.AddTerminal(m.spec.ID); err != nil {
			panic(fmt.Sprintf("sandbox: the start-up %s terminal: %v", m.spec.ID, err))
		}
	}
	return s
}

// checkSpecs refuses clouds that would collide on the listener, in Info or
// in the control API.
func checkSpecs(clouds []*mounted) error {
	seen := map[string]string{} // what → which cloud claimed it
	claim := func(id, kind, v string) error {
		k := kind + " " + v
		if v == "" {
			return fmt.Errorf("cloud %q has an empty %s", id, kind)
		}
		if other, ok := seen[k]; ok {
			return fmt.Errorf("clouds %q and %q both claim %s", other, id, k)
		}
		seen[k] = id
		return nil
	}
	seen["prefix "+prefixControl] = "the control API"
	seen["url control_url"] = "the control API"
	for _, m := range clouds {
		sp := m.spec
		errs := []error{claim(sp.ID, "id", sp.ID), claim(sp.ID, "name", sp.Name)}
		for _, p := range sp.Prefixes {
			if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
				errs = append(errs, fmt.Errorf("cloud %q: prefix %q must start with / and not end with one", sp.ID, p))
			}
			errs = append(errs, claim(sp.ID, "prefix", p))
		}
		for _, u := range sp.URLs {
			if !slices.Contains(sp.Prefixes, u.Prefix) {
				errs = append(errs, fmt.Errorf("cloud %q: URL %s is on %q, not one of its prefixes", sp.ID, u.Key, u.Prefix))
			}
			errs = append(errs, claim(sp.ID, "url", u.Key))
		}
		for _, c := range sp.Credentials {
			errs = append(errs, claim(sp.ID, "credential", c.Key))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sandbox) providerIDs() []string {
	ids := make([]string, len(s.clouds))
	for i, m := range s.clouds {
		ids[i] = m.spec.ID
	}
	return ids
}

// Cloud returns the cloud simulating provider, for a cloud package's own
// helpers (e.g. helcim.RestrictedAPIToken) to reach its instance.
func (s *Sandbox) Cloud(provider string) (Cloud, bool) {
	m, ok := s.byID[provider]
	if !ok {
		return nil, false
	}
	return m.cloud, true
}

// routes mounts each cloud's handler under its prefixes on one mux, with
// the control API under /control.
func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	var prefixes []string
	for _, m := range s.clouds {
		for _, p := range m.spec.Prefixes {
			mux.Handle(p+"/", m.handler)
			prefixes = append(prefixes, p)
		}
	}
	prefixes = append(prefixes, prefixControl)
	mux.Handle(prefixControl+"/", http.StripPrefix(prefixControl, s.controlHandler()))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf(
			"no sandbox route %s; the sandbox serves %s", r.URL.Path, joinAnd(prefixes))})
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
	url := func(prefix string) string {
		if base == "" {
			return ""
		}
		return base + prefix
	}
	var info Info
	for _, m := range s.clouds {
		for _, u := range m.spec.URLs {
			info.URLs = append(info.URLs, NamedValue{u.Key, url(u.Prefix)})
		}
	}
	info.URLs = append(info.URLs, NamedValue{ControlURLKey, url(prefixControl)})
	info.Credentials = slices.Clone(s.creds)
	return info
}

// SecretCredentials are the Info credentials that are secrets: all but the
// Public ones (see CredentialSpec). They never reach the request log; a
// leak scan looks for these.
func (s *Sandbox) SecretCredentials() []NamedValue { return slices.Clone(s.secrets) }

// Close shuts the server down gracefully and stops the terminals' timers.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	srv, served := s.srv, s.served
	s.srv = nil // a second Close is a no-op
	for _, t := range s.terminals {
		t.StopTimer()
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
