package app

import (
	"fmt"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
)

// Helcim environment variables.
const (
	EnvHelcimAPIToken = "TILLPAIR_HELCIM_API_TOKEN"
	EnvHelcimURL      = "TILLPAIR_HELCIM_URL"
)

// configuredHelcim: configured when the API token is in the environment or
// the keyring. Without it the client is still built (it refuses Pair and
// Check with a KindCredentials error naming `tillpair setup helcim`), so
// existing Helcim pairings stay listed and can be forgotten.
func configuredHelcim(opts Options, src sources) (providers.Provider, string, error) {
	token, err := keystore.Credential(opts.Getenv, src.secrets, EnvHelcimAPIToken, keystore.HelcimAPIToken)
	missing, noKeyring := false, false
	switch {
	case err == nil:
	case keystore.IsNotFound(err):
		missing = true
	case keyringUnavailable(err):
		missing, noKeyring = true, true
	default:
		return nil, "", fmt.Errorf("reading the Helcim API token: %w", err)
	}
	c, cerr := helcim.New(helcim.Config{
		BaseURL:    opts.Getenv(EnvHelcimURL),
		APIToken:   token,
		HTTPClient: httpClient(opts),
		Clock:      opts.Clock,
		Timeout:    opts.RequestTimeout,
	})
	if cerr != nil {
		return nil, "", cerr
	}
	// Helcim has one API for test and live accounts: every configured
	// Helcim is live.
	badge := BadgeLive
	if missing {
		m := &missingCredentials{provider: "Helcim", what: []string{"the API token"}, of: 1,
			setup:  "Run `tillpair setup helcim`, or set " + EnvHelcimAPIToken + ".",
			client: c, badge: badge}
		if noKeyring {
			m.reason = keyringReason(keystoreErr(err))
			m.setup = noKeyringSetup("the Helcim API token", EnvHelcimAPIToken)
		}
		return nil, "", m
	}
	return c, badge, nil
}

func sandboxedHelcim(opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error) {
	return helcim.New(helcim.Config{
		BaseURL:    info.URL("helcim_url"),
		APIToken:   providers.NewSecret(info.Credential("helcim_api_token")),
		HTTPClient: httpClient(opts),
		Clock:      clock,
		Timeout:    opts.RequestTimeout,
	})
}
