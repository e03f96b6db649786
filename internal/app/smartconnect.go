package app

import (
	"fmt"
	"strings"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// SmartConnect environment variables.
const (
	EnvSmartConnectEnv = "TILLPAIR_SMARTCONNECT_ENV"
	EnvSmartConnectURL = "TILLPAIR_SMARTCONNECT_URL"
)

// Sandbox register identity, seeded so the sandbox SmartConnect flow works
// without running setup first.
const (
	SandboxRegisterName = "Register 1"
	SandboxBusinessName = "Sandbox Store"
	SandboxVendorName   = "tillpair"
)

// SmartConnectEnvironment is the environment a configured runtime uses:
// TILLPAIR_SMARTCONNECT_ENV, else the stored setting, else dev.
func SmartConnectEnvironment(getenv func(string) string, stored string) string {
	if getenv != nil {
		if v := strings.TrimSpace(getenv(EnvSmartConnectEnv)); v != "" {
			return strings.ToLower(v)
		}
	}
	if stored != "" {
		return stored
	}
	return smartconnect.EnvDev
}

// configuredSmartConnect: SmartConnect needs no credentials, only the
// register identity, which pairing.Service reads from the records at Pair
// time. So the client is always built; it counts as configured (and can
// select configured mode on its own) only once the identity exists.
func configuredSmartConnect(opts Options, src sources) (providers.Provider, string, error) {
	env := SmartConnectEnvironment(opts.Getenv, src.settings.SmartConnectEnv)
	if env != smartconnect.EnvDev && env != smartconnect.EnvProduction {
		where := EnvSmartConnectEnv
		if strings.TrimSpace(opts.Getenv(EnvSmartConnectEnv)) == "" {
			where = "smartconnect_environment in pairings.json"
		}
		return nil, "", &providers.Error{Provider: providers.SmartConnect, Kind: providers.KindConfig,
			Message: fmt.Sprintf("%s is %q, which is not a SmartConnect environment: use dev or production (`tillpair setup smartconnect --environment dev`).", where, env)}
	}
	c, err := smartconnect.New(smartconnect.Config{
		BaseURL:     opts.Getenv(EnvSmartConnectURL),
		Environment: env,
		HTTPClient:  httpClient(opts),
		Clock:       opts.Clock,
		Timeout:     opts.RequestTimeout,
	})
	if err != nil {
		return nil, "", err
	}
	badge := BadgeDev
	if env == smartconnect.EnvProduction {
		badge = BadgeLive
	}
	if src.settings.Register == nil || src.settings.Register.RegisterID == "" {
		return nil, "", &missingCredentials{provider: "SmartConnect", what: []string{"the register identity"}, of: 1,
			setup:  "Set up this register first: run `tillpair setup smartconnect` (or open Setup in the app).",
			client: c, badge: badge}
	}
	return c, badge, nil
}

func sandboxedSmartConnect(opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error) {
	return smartconnect.New(smartconnect.Config{
		BaseURL:     info.URL("smartconnect_url"),
		Environment: smartconnect.EnvSandbox,
		HTTPClient:  httpClient(opts),
		Clock:       clock,
		Timeout:     opts.RequestTimeout,
	})
}
