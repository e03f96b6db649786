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
	"github.com/tillpair/tillpair/providers/registry"
)

// Config wires a Service.
type Config struct {
	Providers []providers.Provider
	// Registry describes the providers (nil: registry.All()). A provider
	// missing from it is described by its Capabilities alone.
	Registry providers.Registry
	// Unconfigured maps a known provider that has no client here to the
	// sentence saying how to configure it: Pair names that next step
	// instead of calling the provider unknown.
	Unconfigured map[string]string
	Secrets      keystore.Secrets
	Records      keystore.Records
	Logger       *slog.Logger    // nil: discard
	Clock        clockwork.Clock // nil: real clock

	// ConfirmWindow bounds AwaitConfirmation for every provider. 0: the
	// provider's Descriptor.ConfirmWindow, else DefaultConfirmWindow.
	ConfirmWindow time.Duration
	// PollInterval is the first interval between pairing-info polls
	// (default 1 s); it backs off towards PollMaxInterval (default 5 s).
	PollInterval    time.Duration
	PollMaxInterval time.Duration
}

// PairInput is what the user typed.
type PairInput struct {
	Provider string
	// Code is what the user typed; ignored for a provider whose pairing
	// model is providers.CodeFromPOS (the cloud makes the code).
	Code     string
	Nickname string
	// Inputs are the descriptor's PairInputs by name, for this pairing
	// only: never stored.
	Inputs map[string]providers.Secret
	// Attempt names the pairing attempt (providers.PairRequest.Attempt):
	// a Pair repeated after a failure with the same Attempt cannot make a
	// second code where the provider's create is idempotent (Square).
	// Session.Pair fills it in; "" lets the provider make one per call.
	Attempt string
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
	// Checked: EntryCheck re-checked this pairing live; false for a
	// pairing it only listed, whose Status is the stored one.
	Checked bool
}

// Defaults for Config's zero values.
const (
	DefaultConfirmWindow   = 2 * time.Minute
	DefaultPollInterval    = time.Second
	DefaultPollMaxInterval = 5 * time.Second
	// CancelTimeout bounds every undo of a half-made pairing: cancelling
	// one that was never confirmed (SCIPAIRING07: on Cancel, on the end of
	// the wait, on Ctrl-C or quitting, in every front-end) and the rollback
	// of one that could not be stored. Both run even when the caller's
	// context is already cancelled. An undo is one unpair request, which
	// each client bounds at 15 s (providers' DefaultTimeout): the undo gets
	// exactly that one request's time. Longer only keeps a merchant who
	// pressed Cancel or Ctrl-C waiting on a cloud that is not answering
	// (the pairing is then kept, visible, to cancel again); shorter would
	// cut off the request the client still allows. It replaces the TUI's
	// 15 s, the CLI's 20 s and accessible mode's 30 s.
	CancelTimeout = 15 * time.Second
	// maxConcurrentChecks bounds Refresh's parallel checks: enough that 100
	// pairings cost a few round trips, few enough not to flood a cloud.
	maxConcurrentChecks = 16
)

// Service runs the pairing flows. It is safe for concurrent use; the records
// store serialises writes (across processes too).
type Service struct {
	cfg       Config
	log       *slog.Logger
	clock     clockwork.Clock
	providers []providers.Provider
	byID      map[string]providers.Provider
	registry  providers.Registry
}

// New builds a Service. Providers arrive already holding their credentials.
func New(cfg Config) *Service {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.PollMaxInterval < cfg.PollInterval {
		cfg.PollMaxInterval = max(DefaultPollMaxInterval, cfg.PollInterval)
	}
	s := &Service{cfg: cfg, log: cfg.Logger, clock: cfg.Clock, byID: map[string]providers.Provider{}, registry: cfg.Registry}
	if s.registry == nil {
		s.registry = registry.All()
	}
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

// ConfirmWindow is how long AwaitConfirmation waits for the lead
// provider's confirmation (see ConfirmWindowOf).
func (s *Service) ConfirmWindow() time.Duration {
	if len(s.registry) == 0 {
		return s.ConfirmWindowOf("")
	}
	return s.ConfirmWindowOf(s.registry[0].ID)
}

// ConfirmWindowOf is how long AwaitConfirmation waits for a pairing of
// provider id: Config.ConfirmWindow when set, else the descriptor's
// window (SumUp's 5 minutes), else DefaultConfirmWindow. A code_from_pos
// provider never waits less than its descriptor says: its code's expiry
// ends the wait.
func (s *Service) ConfirmWindowOf(id string) time.Duration {
	d, ok := s.registry.Lookup(id)
	if ok && d.Model == providers.CodeFromPOS && d.ConfirmWindow > s.cfg.ConfirmWindow {
		// The code's own expiry ends the wait (AwaitConfirmation): a
		// shorter global window would drop a code the operator can still
		// type.
		return d.ConfirmWindow
	}
	if s.cfg.ConfirmWindow > 0 {
		return s.cfg.ConfirmWindow
	}
	if ok && d.ConfirmWindow > 0 {
		return d.ConfirmWindow
	}
	return DefaultConfirmWindow
}

// Registry lists the known providers' descriptors in display order.
func (s *Service) Registry() providers.Registry { return s.registry }

// Now is the service's clock (a fake one in tests), for front-ends that
// say how long ago something happened.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Descriptor describes provider id: its registry entry, else (a provider
// built outside the registry, such as a test double) one made from its
// Capabilities. ok is false when id is neither registered nor configured.
func (s *Service) Descriptor(id string) (*providers.Descriptor, bool) {
	if d, ok := s.registry.Lookup(id); ok {
		return d, true
	}
	prov, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	c := prov.Capabilities()
	return &providers.Descriptor{ID: id, Name: id, Short: id, Model: providers.CodeFromTerminal, Code: c.Code,
		Confirms: c.NeedsConfirmation, RemoteUnpair: c.RemoteUnpair, CanCancel: c.RemoteUnpair, CanTest: c.CanTest}, true
}

// describe is Descriptor for a provider known to exist.
func (s *Service) describe(id string) *providers.Descriptor {
	if d, ok := s.Descriptor(id); ok {
		return d
	}
	return &providers.Descriptor{ID: id, Name: id, Short: id, Model: providers.CodeFromTerminal}
}
