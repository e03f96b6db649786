package square

import (
	"errors"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Descriptor names, as the sandbox's Info names them: the environment
// variables are TILLPAIR_SQUARE_URL, TILLPAIR_SQUARE_ACCESS_TOKEN and
// TILLPAIR_SQUARE_LOCATION_ID (providers.EnvName).
const (
	EndpointURL        = "square_url"
	CredAccessToken    = "square_access_token"
	CredLocationID     = "square_location_id"
	KeyringAccessToken = "square/access-token"
)

// signOutSteps is how a Terminal leaves a pairing: there is no API for it.
const signOutSteps = "On the Square Terminal open Settings and choose Log out, so it no longer takes checkouts for this register"

// Descriptor is everything the front-ends need to offer Square Terminal.
// The front-ends show its code_from_pos model with screens.ShowCode.
var Descriptor = &providers.Descriptor{
	ID:     ID,
	Name:   "Square Terminal API",
	Vendor: "Square",
	Short:  "Square",
	// The register asks Square for a device code and shows it; the
	// operator signs in with it on the Terminal [DOC S53].
	Model: providers.CodeFromPOS,
	// The code shown, displayed verbatim: 6 letters in every example,
	// once 12 digits [reference §6.4, §6.8].
	Code: providers.CodeSpec{Label: "Device code", MinLen: CodeMinLen, MaxLen: CodeMaxLen, Example: "EBCARJ"},
	// The pairing awaits the sign-in until the code's expiry (ExpiresAt,
	// five minutes after it was made), which ends the wait; the window
	// is only a bound above it, a minute longer so that the code's own
	// expiry, not a window started a moment late, decides.
	Confirms:      true,
	ConfirmWindow: ConfirmWindow,
	// No API to revoke a code or unpair a Terminal [DOC S50; OBS T53]:
	// unpairing is signing out on the Terminal, cancelling is letting the
	// code expire.
	RemoteUnpair: false,
	CanCancel:    false,
	CanTest:      true,
	// GET of a code or a device shows nothing on the Terminal.
	SilentCheck: true,
	Credentials: []providers.Credential{
		{Name: CredAccessToken, Label: "Access token", Secret: true, Item: KeyringAccessToken,
			Help: "A personal access token (Square Developer Console > your application > Credentials) or an OAuth token with DEVICE_CREDENTIAL_MANAGEMENT and DEVICES_READ, for the environment you pair in: a sandbox token does not work in production."},
		{Name: CredLocationID, Label: "Location ID", Optional: true,
			Help: "The location the Terminal takes payments for (Square Dashboard > Account & Settings > Locations, e.g. B5E4484SHHNYH); empty: the account's main location."},
	},
	Endpoints: []providers.Endpoint{{Name: EndpointURL, Label: "Square API"}},
	Environments: []providers.Environment{
		{Name: EnvironmentProduction, Badge: "LIVE", URLs: map[string]string{EndpointURL: DefaultBaseURL}},
		// Square's own sandbox cannot sign a Terminal in [OBS T50, T51];
		// tillpair's built-in sandbox can.
		{Name: EnvironmentSquareSandbox, Badge: "TEST", URLs: map[string]string{EndpointURL: SandboxBaseURL}},
	},
	Labels: providers.Labels{
		PairingID:        "Device code ID",
		TID:              "Device ID",
		TerminalNickname: "Terminal name",
		Confirmation:     "Device code",
	},
	Branding: providers.Branding{LogoCompact: "Square"},
	Steps: providers.Steps{
		Pair: []string{
			"When you pair, tillpair asks Square for a device code and shows it, large, with how long it lasts (5 minutes).",
			"On the Square Terminal sign out first if someone is signed in (Settings > Log out).",
			"On its sign-in screen choose Sign in with device code.",
			"Type the code shown here. Codes from the Square Dashboard do not work: use this one.",
		},
		PairCompact: "Choose Pair for a device code. On the Square Terminal: Settings > Log out, then Sign in with device code, and type the code shown here within 5 minutes.",
		Confirm: []string{
			"On the Square Terminal: Settings > Log out (if signed in), then Sign in with device code.",
			"Type the code shown here; it lasts until the time shown.",
		},
		Waiting: "tillpair notices the sign-in by itself; keep this screen open.",
		Unpair:  signOutSteps,
	},
	Texts: providers.Texts{
		Testing:    "Testing… (asking Square for the Terminal's status)",
		JustPaired: "Paired: the Square Terminal signed in with the code.",
		ForgetHelp: "forget (after Log out on the Terminal)",
	},
	Wording: wording,
	New:     newFromConfig,
}

// newFromConfig builds a Client from resolved settings.
func newFromConfig(cfg providers.Config) (providers.Provider, error) {
	hc := cfg.HTTPClient
	if cfg.Logger != nil {
		hc = transport.WithLogger(hc, cfg.Logger)
	}
	return New(Config{
		BaseURL:     cfg.URLs[EndpointURL],
		AccessToken: cfg.Credentials[CredAccessToken],
		LocationID:  cfg.Credentials[CredLocationID].Reveal(),
		Environment: cfg.Environment,
		HTTPClient:  hc,
		Clock:       cfg.Clock,
		Timeout:     cfg.Timeout,
	})
}

// wording words Square's errors where the generic catalogue's would
// mislead (reference §6.12). It switches on Kind and Code, never on text;
// Detail carries Square's own error code and field for support.
func wording(e *providers.Error) (providers.Wording, bool) {
	if e == nil || e.Provider != ID {
		return providers.Wording{}, false
	}
	w, ok := baseWording(e)
	if !ok {
		return w, false
	}
	var errs Errors
	if errors.As(e, &errs) && len(errs) > 0 && w.Detail == "" {
		w.Detail = "Square: " + errs[0].Code
		if errs[0].Field != "" {
			w.Detail += " (" + errs[0].Field + ")"
		}
	}
	return w, true
}

func baseWording(e *providers.Error) (providers.Wording, bool) {
	switch e.Kind {
	case providers.KindCredentials:
		if e.Code == CodeForbidden || scopeCodes[e.Code] {
			return providers.Wording{Title: "Token lacks permission", Line: "The Square access token lacks Device Credential Management (or Devices Read) permission",
				Next: "Use a token with DEVICE_CREDENTIAL_MANAGEMENT and DEVICES_READ: `tillpair setup square`.", Setup: true}, true
		}
		return providers.Wording{Title: "Access token not accepted", Line: "Square access token invalid, expired or for the other environment (sandbox vs production)",
			Next: "Set a valid token with `tillpair setup square` or TILLPAIR_SQUARE_ACCESS_TOKEN.", Setup: true}, true
	case providers.KindConfig:
		if e.Code != CodeBadLocation {
			return providers.Wording{}, false
		}
		return providers.Wording{Title: "Location not accepted", Line: "Square did not accept the location ID",
			Next: "Check it with `tillpair setup square` (Square Dashboard > Locations), or leave it empty.", Setup: true}, true
	case providers.KindCodeUsed:
		if e.Code == CodeStateUnknown {
			return providers.Wording{Title: "Code state unknown", Line: "Square could not report the device code's state",
				Next: "Create a new code and sign in with that one.", Retry: true}, true
		}
		return providers.Wording{Title: "Code expired", Line: "Code expired (codes last 5 minutes)",
			Next: "Create a new code and type it on the Terminal within 5 minutes.", Retry: true}, true
	case providers.KindNotFound:
		return providers.Wording{Title: "Code not found", Line: "Square does not know this device code (other account or environment?)",
			Next: "Check the access token's environment, then create a new code."}, true
	case providers.KindNotPaired:
		return providers.Wording{Title: "Terminal signed in elsewhere", Line: "The Square Terminal has since signed in with another device code",
			Next: "Forget this pairing here; pair again with a new code if needed.", Forget: true}, true
	case providers.KindUnpairOnTerminal:
		return providers.Wording{Title: "Unpair on the Terminal", Line: "Square has no way to unpair a Terminal from here",
			Next: signOutSteps + ", then forget it here.", Forget: true}, true
	case providers.KindInvalidInput:
		if e.HTTPStatus == 0 {
			return providers.Wording{}, false
		}
		return providers.Wording{Title: "Name not accepted", Line: "Square rejected the terminal nickname",
			Next: "Shorten the nickname (at most 128 characters) and try again."}, true
	case providers.KindRateLimited:
		return providers.Wording{Title: "Too many requests", Line: "Square is rate-limiting; slowing down",
			Next: "Wait a moment; tillpair keeps trying.", Detail: e.Message, Retry: true}, true
	case providers.KindNetwork, providers.KindTimeout, providers.KindServer:
		title, line := "Square unreachable", "Could not reach Square"
		if e.Kind == providers.KindServer {
			title, line = "Square problem", "Square had a server problem"
		}
		next := "Still waiting; tillpair keeps trying until the code expires."
		if e.Op != providers.OpCheck {
			next = "Try again; a repeated request makes no second code."
		}
		return providers.Wording{Title: title, Line: line, Next: next, Retry: true}, true
	}
	return providers.Wording{}, false
}
