package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sandbox"
	"github.com/tillpair/tillpair/providers/sci"
)

// providerSpec knows how to build one provider's client, either from
// configured credentials or pointed at the sandbox. SmartConnect and Helcim
// slot in as further entries.
type providerSpec struct {
	id string
	// configured returns the client and its badge, or a *missingCredentials
	// when the provider has no credentials.
	configured func(opts Options, secrets keystore.Secrets) (providers.Provider, string, error)
	// sandboxed gets the sandbox's clock: SCI signatures carry a created
	// time the sandbox checks against its own clock.
	sandboxed func(opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error)
}

func providerSpecs() []providerSpec {
	return []providerSpec{
		{id: providers.SCI, configured: configuredSCI, sandboxed: sandboxedSCI},
	}
}

// missingCredentials: the provider is not (fully) configured.
type missingCredentials struct {
	provider string
	what     []string // human names of what is missing
	of       int      // how many credentials the provider needs
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
}

// resolveAll builds every provider that has credentials. reason explains,
// for the sandbox notice, why none had (missing items, or an unavailable
// keyring). In ModeConfigured an unavailable keyring is an error; in
// ModeAuto it is a reason to use the sandbox.
func resolveAll(opts Options, secrets keystore.Secrets) ([]resolved, string, error) {
	var found []resolved
	var reasons []string
	for _, spec := range providerSpecs() {
		p, badge, err := spec.configured(opts, secrets)
		var miss *missingCredentials
		var ke *keystore.Error
		switch {
		case err == nil:
			found = append(found, resolved{p, badge})
		case errors.As(err, &miss):
			if miss.partial() {
				reasons = append(reasons, miss.provider+": "+miss.Error())
			}
		case errors.As(err, &ke) && opts.Mode != ModeConfigured:
			opts.Logger.Warn("app: keyring unavailable", "provider", spec.id, "err", err)
			reasons = append(reasons, keyringReason(ke))
		default:
			return nil, "", err
		}
	}
	return found, strings.Join(dedupe(reasons), "; "), nil
}

func keyringReason(ke *keystore.Error) string {
	switch ke.Kind {
	case keystore.KindNoService, keystore.KindUnsupported:
		return "no OS keyring (Secret Service) is available"
	case keystore.KindLocked:
		return "the OS keyring is locked"
	case keystore.KindDenied:
		return "the OS keyring denied access"
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

func noticeFor(reason string) string {
	if reason != "" {
		reason = " (" + reason + ")"
	}
	return fmt.Sprintf(defaultNoticeFormat, reason)
}

func notConfigured(reason string) error {
	msg := "SCI is not configured: run `tillpair setup sci`, or set " + EnvSCIAPIKey + " and " + EnvSCISigningPartA + "."
	if reason != "" {
		msg = "SCI is not configured (" + reason + "): run `tillpair setup sci`, or set " + EnvSCIAPIKey + " and " + EnvSCISigningPartA + "."
	}
	return &providers.Error{Provider: providers.SCI, Kind: providers.KindConfig, Message: msg, Err: ErrNotConfigured}
}

func configuredSCI(opts Options, secrets keystore.Secrets) (providers.Provider, string, error) {
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
		default:
			return nil, "", fmt.Errorf("reading the SCI credentials: %w", c.err)
		}
	}
	if len(miss.what) > 0 {
		return nil, "", miss
	}
	c, err := sci.New(sci.Config{
		PairingURL:         opts.Getenv(EnvSCIPairingURL),
		APIKey:             key,
		SigningSecretPartA: partA,
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
		PairingURL:         info.SCIPairingURL,
		APIKey:             providers.NewSecret(info.Credentials.SCIAPIKey),
		SigningSecretPartA: providers.NewSecret(info.Credentials.SCISigningSecretPartA),
		Clock:              clock,
		Timeout:            opts.RequestTimeout,
	})
}
