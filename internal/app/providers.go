package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// providerSpec knows how to build one provider's client, either from
// configured credentials or pointed at the sandbox.
type providerSpec struct {
	id string
	// configured returns the client and its badge, or a *missingCredentials
	// when the provider is not configured. A missingCredentials may still
	// carry a usable client (one that needs no credentials to be built),
	// which joins a configured runtime so its Pair can say what to set up.
	configured func(opts Options, src sources) (providers.Provider, string, error)
	// sandboxed gets the sandbox's clock: SCI signatures carry a created
	// time, and SmartConnect polls are rate limited, both on the sandbox's
	// own clock.
	sandboxed func(opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error)
}

// sources is what configured builders read credentials and settings from.
type sources struct {
	secrets  keystore.Secrets
	settings keystore.Settings
}

// providerSpecs lists the providers, SCI (the lead provider) first.
func providerSpecs() []providerSpec {
	return []providerSpec{
		{id: providers.SCI, configured: configuredSCI, sandboxed: sandboxedSCI},
		{id: providers.SmartConnect, configured: configuredSmartConnect, sandboxed: sandboxedSmartConnect},
		{id: providers.Helcim, configured: configuredHelcim, sandboxed: sandboxedHelcim},
	}
}

// missingCredentials: the provider is not (fully) configured.
type missingCredentials struct {
	provider string
	what     []string // human names of what is missing
	of       int      // how many credentials the provider needs
	// setup is the sentence saying how to configure the provider.
	setup string
	// client, when set, works without the credentials for listing and
	// forgetting pairings, and its Pair says what to set up.
	client providers.Provider
	badge  string
	// reason, when set, is why the credentials could not even be looked
	// up (no OS keyring), for the sandbox notice.
	reason string
}

func (m *missingCredentials) Error() string {
	verb := "is"
	if len(m.what) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s missing", strings.Join(m.what, " and "), verb)
}

// partial: some credentials are there, so saying which are missing helps.
func (m *missingCredentials) partial() bool { return len(m.what) < m.of }

type resolved struct {
	provider providers.Provider
	badge    string
	// setup is "" when configured, else how to configure it.
	setup string
}

// unconfigured is a provider that has no client in the runtime, with the
// sentence saying how to configure it.
type unconfigured struct {
	id, setup string
}

// resolveAll builds every provider that has credentials (found), those
// that can run unconfigured (extra), and names those that have no client at
// all (missing), each with how to configure it. reason explains, for the
// sandbox notice, why none was configured. A keyring that is unavailable
// (no Secret Service) only means the providers whose credentials live there
// are not configured: env-var credentials and a SmartConnect-only till need
// no keyring. Any other keyring failure is only fatal when nothing else is
// configured and the caller insists on ModeConfigured.
func resolveAll(opts Options, src sources) (found, extra []resolved, missing []unconfigured, reason string, err error) {
	var reasons []string
	var keyErr error
	for _, spec := range providerSpecs() {
		p, badge, err := spec.configured(opts, src)
		var miss *missingCredentials
		var ke *keystore.Error
		switch {
		case err == nil:
			found = append(found, resolved{provider: p, badge: badge})
		case errors.As(err, &miss):
			if miss.reason != "" {
				opts.Logger.Warn("app: keyring unavailable", "provider", spec.id)
				reasons = append(reasons, miss.reason)
			} else if miss.partial() {
				reasons = append(reasons, miss.provider+": "+miss.Error())
			}
			if miss.client != nil {
				extra = append(extra, resolved{provider: miss.client, badge: miss.badge, setup: miss.setup})
			} else if miss.setup != "" {
				missing = append(missing, unconfigured{id: spec.id, setup: miss.setup})
			}
		case errors.As(err, &ke):
			opts.Logger.Warn("app: keyring unusable", "provider", spec.id, "err", err)
			reasons = append(reasons, keyringReason(ke))
			missing = append(missing, unconfigured{id: spec.id, setup: capitalize(keyringReason(ke)) + ": " + ke.Fix() + "."})
			if keyErr == nil {
				keyErr = err
			}
		default:
			return nil, nil, nil, "", err
		}
	}
	if len(found) == 0 && keyErr != nil && opts.Mode == ModeConfigured && !opts.AllowUnconfigured {
		return nil, nil, nil, "", keyErr
	}
	return found, extra, missing, strings.Join(dedupe(reasons), "; "), nil
}

// keyringUnavailable: there is no OS keyring to ask at all, so a credential
// kept there is simply not configured on this machine.
func keyringUnavailable(err error) bool {
	ke, ok := keystore.AsError(err)
	return ok && (ke.Kind == keystore.KindNoService || ke.Kind == keystore.KindUnsupported)
}

// noKeyringSetup is the NeedsSetup sentence of a provider whose credentials
// could not be looked up because there is no OS keyring.
func noKeyringSetup(what, envVars string) string {
	return "No OS keyring is available to hold " + what + ": set " + envVars +
		", or run tillpair where a keyring is available (a desktop session with gnome-keyring or KeePassXC, or on a server scripts/with-keyring.sh)."
}

func keyringReason(ke *keystore.Error) string {
	switch ke.Kind {
	case keystore.KindNoService, keystore.KindUnsupported:
		return "no OS keyring (Secret Service) is available"
	case keystore.KindLocked:
		return "the OS keyring is locked"
	case keystore.KindDenied:
		return "the OS keyring denied access"
	case keystore.KindTimeout:
		return "the OS keyring did not answer (an unlock prompt nobody answered?)"
	}
	return "the OS keyring could not be read"
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

const recordsUnreadable = "the records file could not be read"

// noticeFor turns resolveAll's reason into the one short line the UI shows
// when it falls back to the sandbox. Sandbox mode is the expected start, so
// a keyring with nothing to give (none, locked, denied, unreadable) is not
// the newcomer's problem and the line says neutrally that nothing is
// configured; the keyring's state is in the --debug log (Build logs the
// reason) and `tillpair setup` reports it with its fix. An unreadable
// records file, or credentials only partly set, are named.
func noticeFor(reason string) string {
	if strings.Contains(reason, recordsUnreadable) {
		return "Sandbox mode: no provider is configured (" + recordsUnreadable + ")."
	}
	for _, r := range strings.Split(reason, "; ") {
		if r != "" && !isKeyringReason(r) {
			return "Sandbox mode: no provider is fully configured; see `tillpair setup --help`."
		}
	}
	return "Sandbox mode: no provider is configured yet; see `tillpair setup --help`."
}

// isKeyringReason reports a reason keyringReason wrote.
func isKeyringReason(r string) bool {
	for _, k := range []keystore.ErrorKind{keystore.KindNoService, keystore.KindLocked, keystore.KindDenied, keystore.KindTimeout, keystore.KindUnknown} {
		if r == keyringReason(&keystore.Error{Kind: k}) {
			return true
		}
	}
	return false
}

// setupHint names every way to configure a provider.
const setupHint = "run `tillpair setup sci`, `tillpair setup smartconnect` or `tillpair setup helcim` " +
	"(or set " + EnvSCIAPIKey + " and " + EnvSCISigningPartA + ", or " + EnvHelcimAPIToken + ")"

func notConfigured(reason string) error {
	msg := "No provider is configured: " + setupHint + "."
	if reason != "" {
		msg = "No provider is configured (" + reason + "): " + setupHint + "."
	}
	return &providers.Error{Kind: providers.KindConfig, Message: msg, Err: ErrNotConfigured}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func keystoreErr(err error) *keystore.Error {
	ke, _ := keystore.AsError(err)
	return ke
}

func configuredSCI(opts Options, src sources) (providers.Provider, string, error) {
	secrets := src.secrets
	key, kerr := keystore.Credential(opts.Getenv, secrets, EnvSCIAPIKey, keystore.SCIAPIKey)
	partA, aerr := keystore.Credential(opts.Getenv, secrets, EnvSCISigningPartA, keystore.SCISigningPartA)
	miss := &missingCredentials{provider: "SCI", of: 2}
	for _, c := range []struct {
		err  error
		what string
	}{{kerr, "the Pairing API key"}, {aerr, "the signing secret Part A"}} {
		switch {
		case c.err == nil:
		case keystore.IsNotFound(c.err):
			miss.what = append(miss.what, c.what)
		case keyringUnavailable(c.err):
			miss.what = append(miss.what, c.what)
			miss.reason = keyringReason(keystoreErr(c.err))
		default:
			return nil, "", fmt.Errorf("reading the SCI credentials: %w", c.err)
		}
	}
	if len(miss.what) > 0 {
		miss.setup = capitalize(miss.Error()) + ": run `tillpair setup sci`, or set " + EnvSCIAPIKey + " and " + EnvSCISigningPartA + "."
		if miss.reason != "" {
			miss.setup = noKeyringSetup("the SCI credentials", EnvSCIAPIKey+" and "+EnvSCISigningPartA)
		}
		return nil, "", miss
	}
	c, err := sci.New(sci.Config{
		PairingURL:         opts.Getenv(EnvSCIPairingURL),
		APIKey:             key,
		SigningSecretPartA: partA,
		HTTPClient:         httpClient(opts),
		Clock:              opts.Clock,
		Timeout:            opts.RequestTimeout,
	})
	if err != nil {
		return nil, "", err
	}
	badge := BadgeTest
	if strings.HasPrefix(key.Reveal(), "live_") {
		badge = BadgeLive
	}
	return c, badge, nil
}

func sandboxedSCI(opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error) {
	return sci.New(sci.Config{
		PairingURL:         info.URL("sci_pairing_url"),
		APIKey:             providers.NewSecret(info.Credential("sci_api_key")),
		SigningSecretPartA: providers.NewSecret(info.Credential("sci_signing_secret_part_a")),
		HTTPClient:         httpClient(opts),
		Clock:              clock,
		Timeout:            opts.RequestTimeout,
	})
}
