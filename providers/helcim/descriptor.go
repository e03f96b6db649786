package helcim

import "github.com/tillpair/tillpair/providers"

// Names of Helcim's credential and endpoint: keys of providers.Config, the
// sandbox's Info keys and (capitalised, TILLPAIR_ prefixed) the environment
// variables.
const (
	CredAPIToken = "helcim_api_token"
	URLBase      = "helcim_url"
	// ItemAPIToken is the keyring item of the API token.
	ItemAPIToken = "helcim/api-token"
)

// unpairSteps is the on-terminal unpair, without a final stop.
const unpairSteps = "To stop using the device from this register, switch it back to standalone mode on the terminal (Helcim app menu)"

// Descriptor is everything the front-ends know about Helcim.
var Descriptor = &providers.Descriptor{
	ID:     providers.Helcim,
	Name:   "Helcim Payment Hardware",
	Vendor: "Helcim",
	Short:  "Helcim",
	Model:  providers.DeviceCode,
	Code:   Capabilities().Code,

	// A check is a ping the device shows: only when the user asks.
	CanTest: true,

	Credentials: []providers.Credential{
		{Name: CredAPIToken, Label: "Helcim API token", Secret: true, Item: ItemAPIToken,
			Help: "needs General: Read and Settings: Read, on the account the terminals are registered on"},
	},
	Endpoints: []providers.Endpoint{{Name: URLBase, Label: "Helcim API"}},
	Environments: []providers.Environment{
		// One API for test and live accounts: every configured Helcim is
		// live.
		{Name: EnvironmentLive, Badge: "LIVE", URLs: map[string]string{URLBase: DefaultBaseURL}},
	},

	Labels: providers.Labels{PairingID: "Device Code", TID: "Device ID"},
	Steps: providers.Steps{
		// The device's own "Switch" flow [DOC S23].
		Pair: []string{
			`On the device log in and choose "Switch": it shows its 4-character device code (if not, Options shows it); choose "Continue".`,
			`Card Reader: menu → "Switch to pairing mode".`,
			"Type the device code here and choose Pair.",
		},
		PairCompact: `On the device: log in → "Switch" → Continue (Card Reader: "Switch to pairing mode"). Type the 4-character device code here.`,
		Unpair:      unpairSteps,
	},
	Texts: providers.Texts{
		// The ping is accepted by the cloud at once; the terminal shows it.
		Testing:    "Testing… (pinging the terminal)",
		Tested:     "Ping sent — check the terminal screen",
		JustPaired: "✓ Paired. Check the terminal screen for the ping message.",
		ForgetHelp: "forget this device",
	},
	Wording: wording,

	New: func(c providers.Config) (providers.Provider, error) {
		cl, err := New(Config{
			BaseURL:    c.URLs[URLBase],
			APIToken:   c.Credentials[CredAPIToken],
			HTTPClient: c.HTTPClient,
			Clock:      c.Clock,
			Timeout:    c.Timeout,
		})
		if err != nil {
			return nil, err
		}
		return cl, nil
	},
}

// wording is Helcim's own wording (reference §4.4), by Kind and Code;
// ok false keeps the catalogue's.
func wording(pe *providers.Error) (providers.Wording, bool) {
	switch pe.Kind {
	case providers.KindNotFound:
		return providers.Wording{Title: "Device not found", Line: "Device code not found on this Helcim account",
			Next: "Check the 4-character code on the terminal (Options shows it). The device must belong to the account of this API token."}, true
	case providers.KindNotListening:
		return providers.Wording{Title: "Terminal not listening",
			Line: "The terminal is not listening: wake it, open the Helcim app and switch it to pairing mode",
			Next: "Make sure it is signed in; if it is the wrong terminal, enter the other device's code.", Retry: true}, true
	case providers.KindCredentials:
		if pe.Code == CodeForbidden {
			return providers.Wording{Title: "API token lacks permission", Line: "The Helcim API token lacks permission (or is not accepted)",
				Next: "Give the token General: Read and Settings: Read in Helcim's API Access Configuration, or run `tillpair setup helcim` with another token."}, true
		}
		return providers.Wording{Title: "API token missing or invalid", Line: "The Helcim API token is missing or invalid",
			Next: "Set a valid token with `tillpair setup helcim` or TILLPAIR_HELCIM_API_TOKEN."}, true
	case providers.KindRateLimited:
		return providers.Wording{Title: "Too many requests", Line: "Too many requests — wait a minute",
			Next: "Helcim allows 5 requests at once and 100 a minute per account, across its tills and apps. Wait a minute, then try again.", Retry: true}, true
	case providers.KindNotPaired:
		return providers.Wording{Title: "Device left the account", Line: "This device is no longer on this Helcim account",
			Next: "Forget it here, then pair again with the code the terminal shows.", Forget: true}, true
	case providers.KindInvalidCode:
		return providers.Wording{Title: "Invalid device code", Line: "Helcim rejected the device code",
			Next: "Enter the 4 letters or digits the terminal shows."}, true
	case providers.KindUnpairOnTerminal:
		return providers.Wording{Title: "Unpair on the terminal", Line: "Helcim devices are unpaired on the device",
			Next: unpairSteps + ", then forget it here.", Forget: true}, true
	}
	return providers.Wording{}, false
}
