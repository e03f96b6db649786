// Package pairing is the domain service shared by the TUI and the command
// line: it validates input, drives a provider through pair → confirm → test →
// unpair, and keeps the keyring and the records file consistent with the
// cloud. It imports no UI package; progress reaches callers as Events.
package pairing

import (
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// Config wires a Service.
type Config struct {
	Providers []providers.Provider
	// Unconfigured maps a known provider that has no client here to the
	// sentence saying how to configure it: Pair names that next step
	// instead of calling the provider unknown.
	Unconfigured map[string]string
	Secrets      keystore.Secrets
	Records      keystore.Records
	Logger       *slog.Logger    // nil: discard
	Clock        clockwork.Clock // nil: real clock

	// ConfirmWindow bounds AwaitConfirmation (default 2 minutes).
	ConfirmWindow time.Duration
	// PollInterval is the first interval between pairing-info polls
	// (default 1 s); it backs off towards PollMaxInterval (default 5 s).
	PollInterval    time.Duration
	PollMaxInterval time.Duration
}

// PairInput is what the user typed.
type PairInput struct {
	Provider string
	Code     string
	Nickname string
}

// EventType names a step of a long-running flow.
type EventType int

const (
	// EventWaiting: a pairing-info poll said "not confirmed yet".
	EventWaiting EventType = iota + 1
	// EventNetworkWarning: a poll failed for a retryable reason (network,
	// timeout, 5xx); waiting goes on. Err holds the failure.
	EventNetworkWarning
	// EventActive: the pairing is confirmed and active.
	EventActive
)

// Event reports progress of AwaitConfirmation.
type Event struct {
	Type      EventType
	PairingID string
	Attempt   int           // polls so far
	Elapsed   time.Duration // since waiting began
	Err       error         // EventNetworkWarning only
}

// CheckResult is one pairing's outcome in Refresh.
type CheckResult struct {
	Pairing providers.Pairing
	// Err is the check's failure, if any (network failures leave the status
	// as it was; they never mean "unpaired").
	Err error
	// Duration is how long the provider took to answer the check (or to
	// fail); 0 when no check was sent (no client or secret for it).
	Duration time.Duration
}

// Defaults for Config's zero values.
const (
	DefaultConfirmWindow   = 2 * time.Minute
	DefaultPollInterval    = time.Second
	DefaultPollMaxInterval = 5 * time.Second
	// rollbackTimeout bounds the remote unpair that undoes a pairing whose
	// secret or record could not be stored. It runs even when the caller's
	// context is cancelled, so a half-made pairing is not left in the cloud.
	rollbackTimeout = 15 * time.Second
	// maxConcurrentChecks bounds Refresh's parallel checks.
	maxConcurrentChecks = 4
)

// Service runs the pairing flows. It is safe for concurrent use; the records
// store serialises writes (across processes too).
type Service struct {
	cfg       Config
	log       *slog.Logger
	clock     clockwork.Clock
	providers []providers.Provider
	byID      map[string]providers.Provider
}

// New builds a Service. Providers arrive already holding their credentials.
func New(cfg Config) *Service {
	if cfg.ConfirmWindow <= 0 {
		cfg.ConfirmWindow = DefaultConfirmWindow
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.PollMaxInterval < cfg.PollInterval {
		cfg.PollMaxInterval = max(DefaultPollMaxInterval, cfg.PollInterval)
	}
	s := &Service{cfg: cfg, log: cfg.Logger, clock: cfg.Clock, byID: map[string]providers.Provider{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = clockwork.NewRealClock()
	}
	for _, p := range cfg.Providers {
		if _, dup := s.byID[p.ID()]; dup {
			continue
		}
		s.byID[p.ID()] = p
		s.providers = append(s.providers, p)
	}
	return s
}

// Providers lists the configured providers in configuration order.
func (s *Service) Providers() []providers.Provider {
	return append([]providers.Provider(nil), s.providers...)
}

// Provider returns the provider with the given id.
func (s *Service) Provider(id string) (providers.Provider, bool) {
	p, ok := s.byID[id]
	return p, ok
}

// ConfirmWindow is how long AwaitConfirmation waits.
func (s *Service) ConfirmWindow() time.Duration { return s.cfg.ConfirmWindow }
