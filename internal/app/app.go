// Package app wires a runtime for the TUI and the command line: it decides
// between the built-in sandbox and configured provider credentials, builds
// the provider clients, the stores and the pairing service.
package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// Mode says where a runtime's clouds are.
type Mode int

const (
	// ModeAuto (Options only): configured when any provider has
	// credentials, else the sandbox, with Runtime.Notice saying why. The
	// TUI uses it.
	ModeAuto Mode = iota
	// ModeSandbox: the in-process sandbox, in-memory records and secrets;
	// nothing is left behind.
	ModeSandbox
	// ModeConfigured: real credentials, the records file and the OS
	// keyring. As an Options value it never falls back to the sandbox: the
	// CLI uses it, because a pairing made in an in-memory sandbox would
	// vanish when the command exits.
	ModeConfigured
)

func (m Mode) String() string {
	switch m {
	case ModeSandbox:
		return "sandbox"
	case ModeConfigured:
		return "configured"
	}
	return "auto"
}

// Badge values.
const (
	BadgeSandbox = "SANDBOX"
	BadgeTest    = "TEST"
	BadgeLive    = "LIVE"
	BadgeDev     = "DEV"
)

// Environment variables read by Build.
const (
	EnvKeyringService  = "TILLPAIR_KEYRING_SERVICE"
	EnvSCIAPIKey       = "TILLPAIR_SCI_API_KEY"
	EnvSCISigningPartA = "TILLPAIR_SCI_SIGNING_SECRET_PART_A"
	EnvSCIPairingURL   = "TILLPAIR_SCI_PAIRING_URL"
)

// maxNoticeLen keeps the sandbox notice on one status line of a narrow
// terminal; the how-to lives in `tillpair setup --help` and the README.
const maxNoticeLen = 90

// ErrNotConfigured is wrapped by Build's error in ModeConfigured when no
// provider has credentials.
var ErrNotConfigured = errors.New("no provider credentials configured")

// Options configures Build.
type Options struct {
	ConfigDir    string // from --config-dir ("" = default resolution)
	ForceSandbox bool   // same as Mode: ModeSandbox
	Mode         Mode
	Getenv       func(string) string // nil: no environment
	Logger       *slog.Logger        // nil: discard
	Sandbox      sandbox.Options     // for tests: seed and clock

	// Clock drives the pairing service and the provider clients (nil:
	// real). The sandbox uses Sandbox.Clock, or this one if that is nil.
	Clock clockwork.Clock
	// Secrets replaces the OS keyring in configured mode (tests).
	Secrets keystore.Secrets
	// ConfirmWindow overrides pairing.Config.ConfirmWindow (0: default).
	ConfirmWindow time.Duration
	// RequestTimeout is the per-request deadline of provider clients (0:
	// each client's default).
	RequestTimeout time.Duration
	// AllowUnconfigured, with ModeConfigured, builds a runtime on the
	// records file even when no provider is configured yet (those that
	// can run unconfigured are listed in NeedsSetup): `tillpair setup
	// smartconnect` uses it to store the register identity.
	AllowUnconfigured bool
	// RecordsOnly builds a runtime that can only read and edit the records:
	// no credential is resolved, so the OS keyring (and D-Bus) is never
	// asked, and no provider client exists. For commands that only list
	// (status --no-check). ModeConfigured only.
	RecordsOnly bool
}

// Runtime is what the TUI and the CLI run on.
type Runtime struct {
	Service *pairing.Service
	Sandbox *sandbox.Sandbox  // nil unless sandbox mode
	Mode    Mode              // ModeSandbox | ModeConfigured
	Badge   map[string]string // provider id -> BadgeSandbox | BadgeTest | BadgeLive | BadgeDev
	// Notice says why sandbox mode was chosen, for the UI ("" if forced or
	// configured).
	Notice string
	// RecordsPath is where pairings are kept ("" in sandbox mode).
	RecordsPath string
	// RecordsNotice warns that the records file or its dir is open to
	// other users ("" when private, and in sandbox mode).
	RecordsNotice string
	// Providers lists the provider ids the Service offers, SCI first.
	Providers []string
	// NeedsSetup maps a provider that is offered but not configured yet
	// (SmartConnect without a register identity, Helcim without a token)
	// to the sentence saying how to set it up. Its Pair fails with that
	// advice; its pairings can still be listed and forgotten. A provider
	// with no client at all (SCI without credentials) is listed here too,
	// but not in Providers.
	NeedsSetup map[string]string
	// RecordsOnly: built with Options.RecordsOnly, so Providers and
	// NeedsSetup say nothing about what is configured.
	RecordsOnly bool

	closeOnce sync.Once
	closeErr  error
}

// Build decides the mode and wires the runtime. Call Close when done.
func Build(ctx context.Context, opts Options) (*Runtime, error) {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	mode := opts.Mode
	if opts.ForceSandbox {
		mode = ModeSandbox
	}
	if mode == ModeSandbox {
		return buildSandbox(opts, "")
	}
	if opts.RecordsOnly {
		return buildRecordsOnly(opts)
	}
	secrets := opts.Secrets
	if secrets == nil {
		secrets = keystore.NewKeyring(opts.Getenv(EnvKeyringService))
	}
	recs, settings, recErr := openSettings(opts)
	found, extra, missing, reason, err := resolveAll(opts, sources{secrets: secrets, settings: settings})
	if err != nil {
		return nil, err
	}
	if recErr != nil {
		opts.Logger.Warn("app: records unreadable", "err", recErr)
		if len(found) > 0 || mode == ModeConfigured && opts.AllowUnconfigured {
			return nil, recErr // pairings and settings cannot be kept
		}
		reason = joinReasons(recordsUnreadable+" ("+recErr.Error()+")", reason)
	}
	if len(found) == 0 {
		if mode == ModeConfigured && opts.AllowUnconfigured {
			return buildConfigured(opts, secrets, recs, found, extra, missing)
		}
		if mode == ModeConfigured {
			return nil, notConfigured(reason)
		}
		opts.Logger.Info("app: no credentials; using the sandbox", "reason", reason)
		return buildSandbox(opts, noticeFor(reason))
	}
	return buildConfigured(opts, secrets, recs, found, extra, missing)
}

// buildRecordsOnly is the runtime of Options.RecordsOnly: the records and
// a service with no provider, built without asking the keyring.
func buildRecordsOnly(opts Options) (*Runtime, error) {
	dir, err := keystore.ConfigDir(opts.Getenv, opts.ConfigDir)
	if err != nil {
		return nil, err
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		return nil, err
	}
	rt := &Runtime{Mode: ModeConfigured, Badge: map[string]string{}, NeedsSetup: map[string]string{},
		RecordsPath: recs.Path(), RecordsNotice: recs.Notice(), RecordsOnly: true}
	rt.Service = pairing.New(pairing.Config{Records: recs, Logger: opts.Logger, Clock: opts.Clock})
	opts.Logger.Info("app: records only", "records", recs.Path())
	return rt, nil
}

// openSettings opens the records file and reads its settings: the
// SmartConnect register identity decides whether SmartConnect is
// configured.
func openSettings(opts Options) (*keystore.FileRecords, keystore.Settings, error) {
	dir, err := keystore.ConfigDir(opts.Getenv, opts.ConfigDir)
	if err != nil {
		return nil, keystore.Settings{}, err
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		return nil, keystore.Settings{}, err
	}
	st, err := recs.LoadSettings()
	if err != nil {
		return nil, keystore.Settings{}, err
	}
	return recs, st, nil
}

func joinReasons(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

// Close stops the sandbox, if any. It is safe to call more than once.
func (r *Runtime) Close() error {
	r.closeOnce.Do(func() {
		if r.Sandbox != nil {
			r.closeErr = r.Sandbox.Close()
		}
	})
	return r.closeErr
}

func buildSandbox(opts Options, notice string) (*Runtime, error) {
	so := opts.Sandbox
	if so.Clock == nil {
		so.Clock = opts.Clock
	}
	if so.Logger == nil {
		so.Logger = opts.Logger.With("component", "sandbox")
	}
	sb := clouds.New(so)
	if err := sb.Start(""); err != nil {
		return nil, err
	}
	info := sb.Info()
	rt := &Runtime{Sandbox: sb, Mode: ModeSandbox, Badge: map[string]string{}, Notice: notice, NeedsSetup: map[string]string{}}
	var provs []providers.Provider
	for _, d := range descriptors() {
		if _, ok := sb.Cloud(d.ID); !ok {
			continue // no simulator for it yet
		}
		p, err := sandboxed(d, opts, info, so.Clock)
		if err != nil {
			_ = sb.Close()
			return nil, err
		}
		provs = append(provs, codeRedacting{p})
		rt.Providers = append(rt.Providers, d.ID)
		rt.Badge[d.ID] = BadgeSandbox
	}
	records := keystore.NewMemoryRecords()
	if err := records.Update(func(f *keystore.File) error {
		f.Settings.Register = &providers.RegisterIdentity{
			RegisterID:   sandboxRegisterID(opts.Sandbox.Seed),
			RegisterName: SandboxRegisterName, BusinessName: SandboxBusinessName, VendorName: SandboxVendorName,
		}
		return nil
	}); err != nil {
		_ = sb.Close()
		return nil, fmt.Errorf("seeding the sandbox register identity: %w", err)
	}
	rt.Service = pairing.New(pairing.Config{
		Providers:     provs,
		Secrets:       keystore.NewMemorySecrets(),
		Records:       records,
		Logger:        opts.Logger,
		Clock:         opts.Clock,
		ConfirmWindow: opts.ConfirmWindow,
	})
	opts.Logger.Info("app: sandbox mode", "control_url", info.ControlURL())
	return rt, nil
}

func buildConfigured(opts Options, secrets keystore.Secrets, recs *keystore.FileRecords, found, extra []resolved, missing []unconfigured) (*Runtime, error) {
	rt := &Runtime{Mode: ModeConfigured, Badge: map[string]string{}, NeedsSetup: map[string]string{}, RecordsPath: recs.Path(),
		RecordsNotice: recs.Notice()}
	all := append(append([]resolved(nil), found...), extra...)
	// Keep the registry's order (the lead provider first) whatever was
	// configured.
	order := map[string]int{}
	for i, d := range descriptors() {
		order[d.ID] = i
	}
	slices.SortStableFunc(all, func(a, b resolved) int { return order[a.provider.ID()] - order[b.provider.ID()] })
	provs := make([]providers.Provider, 0, len(all))
	for _, f := range all {
		provs = append(provs, codeRedacting{f.provider})
		rt.Providers = append(rt.Providers, f.provider.ID())
		rt.Badge[f.provider.ID()] = f.badge
		if f.setup != "" {
			rt.NeedsSetup[f.provider.ID()] = f.setup
		}
	}
	// Providers with no client still get their sentence, so asking for
	// one by name says how to configure it rather than "unknown".
	unconf := map[string]string{}
	for _, m := range missing {
		rt.NeedsSetup[m.id] = m.setup
		unconf[m.id] = m.setup
	}
	rt.Service = pairing.New(pairing.Config{
		Unconfigured:  unconf,
		Providers:     provs,
		Secrets:       secrets,
		Records:       recs,
		Logger:        opts.Logger,
		Clock:         opts.Clock,
		ConfirmWindow: opts.ConfirmWindow,
	})
	opts.Logger.Info("app: configured mode", "records", recs.Path(), "providers", rt.Providers)
	return rt, nil
}

// seededIDs makes version 4 UUIDs for provider id's client in a seeded
// sandbox, the same sequence on every run, so demos and evidence packs
// repeat exactly; nil (crypto-random) when the sandbox is not seeded.
func seededIDs(seed int64, id string) func() string {
	if seed == 0 {
		return nil
	}
	sum := sha256.Sum256([]byte("https://tillpair.invalid/sandbox/ids/" + id + "/" + strconv.FormatInt(seed, 10)))
	var mu sync.Mutex
	rng := rand.New(rand.NewChaCha8(sum))
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		var b [16]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		u, _ := uuid.NewRandomFromReader(bytes.NewReader(b[:])) // 16 bytes are enough
		return u.String()
	}
}

// sandboxRegisterID is the register ID of a sandbox runtime (SmartConnect's
// register ID, Linkly's POS ID): a version 4 UUID, as setup makes and
// Linkly requires; random, like a real installation's, unless the sandbox
// is seeded, when its bits are derived from the seed so demos and evidence
// packs repeat exactly.
func sandboxRegisterID(seed int64) string {
	if seed == 0 {
		return uuid.NewString()
	}
	sum := sha256.Sum256([]byte("https://tillpair.invalid/sandbox/register/" + strconv.FormatInt(seed, 10)))
	id, err := uuid.NewRandomFromReader(bytes.NewReader(sum[:]))
	if err != nil { // 32 bytes are always enough
		return uuid.NewString()
	}
	return id.String()
}
