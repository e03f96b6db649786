package smartconnect

import "github.com/tillpair/tillpair/providers"

// Names of SmartConnect's settings and endpoint: keys of providers.Config,
// the sandbox's Info keys and (capitalised, TILLPAIR_ prefixed) the
// environment variables.
const (
	// SettingEnvironment picks dev or production; stored in the records
	// file, TILLPAIR_SMARTCONNECT_ENV overrides it.
	SettingEnvironment = "smartconnect_env"
	URLBase            = "smartconnect_url"
)

// Register identity fields, asked by setup and kept in the records file.
const (
	FieldRegisterName = "register_name"
	FieldBusinessName = "business_name"
	FieldVendorName   = "vendor_name"
)

// unpairSteps is the on-terminal unpair, without a final stop.
const unpairSteps = "SmartConnect has no unpair from the register: unpair on the terminal (MENU → CONFIG → POS INTEGRATIONS; PAX A920: Smartpay/SmartConnect app → Settings)"

// Descriptor is everything the front-ends know about SmartConnect.
var Descriptor = &providers.Descriptor{
	ID:     providers.SmartConnect,
	Name:   "Smartpay SmartConnect",
	Vendor: "Smartpay",
	Short:  "SmartConnect",
	Model:  providers.CodeFromTerminal,
	Code:   Capabilities().Code,

	CanTest: true,
	// Terminal.GetStatus runs a status transaction on the terminal: it is
	// only sent when the user asks (Test), never on entry, as the TUI and
	// accessible mode have always done (SilentCheck false).
	// SmartConnect routes by register identity: one terminal per register.
	OnePerRegister: true,

	Credentials: []providers.Credential{
		{Name: SettingEnvironment, Label: "Environment", Optional: true,
			Help: "dev (testing, Virtual Terminal; the default) or production"},
	},
	Register: &providers.RegisterSpec{
		Fields: []providers.Credential{
			{Name: FieldRegisterName, Label: "Register name", Help: "shown on the terminal so staff can tell registers apart"},
			{Name: FieldBusinessName, Label: "Business name", Help: "the store's name (changing it needs a new pairing)"},
			{Name: FieldVendorName, Label: "Vendor name", Help: "the POS software vendor (changing it needs a new pairing)"},
		},
		GeneratedID: "register_id",
		Required:    true,
	},
	Endpoints: []providers.Endpoint{{Name: URLBase, Label: "SmartConnect API (ending in /POS)"}},
	Environments: []providers.Environment{
		{Name: EnvDev, Badge: "DEV", URLs: map[string]string{URLBase: DevURL}},
		{Name: EnvProduction, Badge: "LIVE", URLs: map[string]string{URLBase: ProductionURL}},
	},

	Labels: providers.Labels{PairingID: "Register ID", TerminalNickname: "Terminal Nickname"},
	Steps: providers.Steps{
		// The code entry comes right after the code appears because codes
		// refresh within a minute or two (reference §4.5).
		Pair: []string{
			"On the terminal start pairing: Smartpay/SmartConnect app → Settings → Pair with POS (or MENU → CONFIG → POS INTEGRATIONS → AUTHORISE POS).",
			"Type the code it shows here promptly: codes refresh every minute or two.",
			"Optionally add a Pairing Nickname.",
			"Choose Pair.",
		},
		PairCompact: "On the terminal: Settings → Pair with POS (or MENU → CONFIG → POS INTEGRATIONS → AUTHORISE POS). Type the code at once: it refreshes every minute or two.",
		Unpair:      unpairSteps,
	},
	Texts: providers.Texts{
		// Terminal.GetStatus is answered by the terminal, polled every 2 s
		// or more.
		Testing:    "Testing… (asking the terminal)",
		Tested:     "Terminal reachable — checked %s",
		JustPaired: "✓ Paired — this register is paired with the terminal",
		ForgetHelp: "forget on this register",
	},
	Wording: wording,

	New: func(c providers.Config) (providers.Provider, error) {
		env := c.Environment
		if v := c.Credentials[SettingEnvironment].Reveal(); env == "" && v != "" {
			env = v
		}
		cl, err := New(Config{
			BaseURL:     c.URLs[URLBase],
			Environment: env,
			HTTPClient:  c.HTTPClient,
			Clock:       c.Clock,
			Timeout:     c.Timeout,
		})
		if err != nil {
			return nil, err
		}
		return cl, nil
	},
}

// wording is SmartConnect's own wording of the Kinds it reports in its
// own terms (reference §4.3); ok false keeps the catalogue's.
func wording(pe *providers.Error) (providers.Wording, bool) {
	switch pe.Kind {
	case providers.KindInvalidCode, providers.KindCodeUsed, providers.KindNotFound:
		return providers.Wording{Title: "Code not accepted",
			Line: "That pairing code was not accepted — codes refresh on the terminal: enter the one it shows now",
			Next: "If it keeps failing, check the register's business name in " + providers.SetupRef + "."}, true
	case providers.KindNotListening:
		return providers.Wording{Title: "Terminal offline", Line: "The terminal did not answer: it is offline or busy",
			Next: "Turn it on, connect it to the network and go to its idle screen, then try again.", Retry: true}, true
	case providers.KindNotPaired:
		return providers.Wording{Title: "Not paired", Line: "This register is not paired to a terminal",
			Next: "It was unpaired on the terminal, or the register identity changed. Forget it here, then pair again.", Forget: true}, true
	case providers.KindConfig:
		return providers.Wording{Title: "Register not set up", Line: "This register has no SmartConnect identity yet",
			Next: "Set the register, business and vendor names in Setup, then pair.", Setup: true}, true
	case providers.KindUnpairOnTerminal:
		return providers.Wording{Title: "Unpair on the terminal", Line: "SmartConnect pairings are removed on the terminal",
			Next: unpairSteps + ", then forget it here.", Forget: true}, true
	case providers.KindRateLimited:
		return providers.Wording{Title: "Too many requests", Line: "Too many requests — wait a minute",
			Next: "SmartConnect asks for at least 2 seconds between status polls.", Retry: true}, true
	}
	return providers.Wording{}, false
}
