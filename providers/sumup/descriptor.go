package sumup

import (
	"errors"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Descriptor names, as the sandbox's Info names them: the environment
// variables are TILLPAIR_SUMUP_URL, TILLPAIR_SUMUP_API_KEY and
// TILLPAIR_SUMUP_MERCHANT_CODE (providers.EnvName).
const (
	EndpointURL     = "sumup_url"
	CredAPIKey      = "sumup_api_key"
	CredMerchant    = "sumup_merchant_code"
	KeyringAPIKey   = "sumup/api-key"
	unpairOnSoloTip = "On the Solo also open Connections > API and press Disconnect, so it stops waiting for this account."
)

// Descriptor is everything the front-ends need to offer SumUp.
var Descriptor = &providers.Descriptor{
	ID:     ID,
	Name:   "SumUp Cloud API",
	Vendor: "SumUp",
	Short:  "SumUp",
	// The Solo shows the code and the register sends it [DOC S43].
	Model: providers.CodeFromTerminal,
	// "8 or 9 character alphanumeric string" [DOC S40].
	Code: providers.CodeSpec{Label: "Pairing Code", MinLen: CodeMinLen, MaxLen: CodeMaxLen, Example: "4WLFDSBF"},
	// The reader is processing until the Solo acknowledges it, within the
	// 5-minute pairing window [DOC S40, S43].
	Confirms:      true,
	ConfirmWindow: PairingWindow,
	RemoteUnpair:  true,
	// DELETE of a processing reader withdraws it; the Solo leaves its
	// confirming screen.
	CanCancel: true,
	CanTest:   true,
	// A reader GET and its /status show nothing on the Solo.
	SilentCheck: true,
	Credentials: []providers.Credential{
		{Name: CredAPIKey, Label: "API key", Secret: true, Item: KeyringAPIKey,
			Help: "Create one in the SumUp dashboard under Developers > API keys, for the merchant account the Solo belongs to (a sandbox merchant account has keys of its own)."},
		{Name: CredMerchant, Label: "Merchant code",
			Help: "The merchant account's short code, e.g. MK10CL2A: in the SumUp dashboard's account settings."},
	},
	Endpoints: []providers.Endpoint{{Name: EndpointURL, Label: "SumUp API"}},
	// One API for sandbox and live merchant accounts [DOC S45]; the key's
	// prefix is not a reliable tell [reference §5.2], so no TEST badge.
	Environments: []providers.Environment{
		{Name: EnvironmentLive, Badge: "LIVE", URLs: map[string]string{EndpointURL: DefaultBaseURL}},
	},
	Labels: providers.Labels{
		PairingID:        "Reader ID",
		TID:              "Serial",
		TerminalNickname: "Reader name",
	},
	Branding: providers.Branding{LogoCompact: "SumUp"},
	Steps: providers.Steps{
		Pair: []string{
			"On the Solo make sure no one is logged in (Settings > About > Log out).",
			"Open the menu > Connections, connect to Wi-Fi, then choose API > Connect.",
			"Type the pairing code the Solo shows (8 or 9 letters and digits) here; it lasts 5 minutes.",
			"Give the reader a name (this register's name by default) and choose Pair.",
		},
		PairCompact: "On the Solo: log out, then Connections > API > Connect. Type the code it shows here within 5 minutes.",
		Confirm: []string{
			"The Solo shows a confirmation, then returns to its idle screen.",
			"Keep it switched on and online until tillpair shows the reader as paired.",
		},
		Unpair: unpairOnSoloTip,
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
		BaseURL:      cfg.URLs[EndpointURL],
		APIKey:       cfg.Credentials[CredAPIKey],
		MerchantCode: cfg.Credentials[CredMerchant].Reveal(),
		Environment:  cfg.Environment,
		HTTPClient:   hc,
		Clock:        cfg.Clock,
		Timeout:      cfg.Timeout,
	})
}

// wording words SumUp's errors where the generic catalogue's words would
// mislead (reference §5.12): it switches on Kind and Code, never on text.
// Detail carries SumUp's trace id, which its support asks for.
func wording(e *providers.Error) (providers.Wording, bool) {
	w, ok := baseWording(e)
	if !ok {
		return w, false
	}
	if prob := problemOf(e); prob != nil && prob.TraceID != "" {
		trace := "SumUp trace ID " + prob.TraceID + " (quote it to SumUp support)"
		if w.Detail != "" {
			trace = w.Detail + "; " + trace
		}
		w.Detail = trace
	}
	return w, true
}

func baseWording(e *providers.Error) (providers.Wording, bool) {
	if e == nil || e.Provider != ID {
		return providers.Wording{}, false
	}
	switch e.Kind {
	case providers.KindCredentials:
		title, line, next := "API key not accepted", "SumUp API key is missing, invalid, or lacks reader permission",
			"Set a valid key with `tillpair setup sumup` or TILLPAIR_SUMUP_API_KEY."
		switch e.Code {
		case CodeMerchantNotFound:
			title, line, next = "Merchant code not found", "The SumUp merchant code is not an account of this API key",
				"Check the merchant code and the API key with `tillpair setup sumup`."
		case CodeForbidden:
			title, line, next = "API key lacks permission", "This SumUp API key may not manage readers",
				"Use a key with the readers.write permission: `tillpair setup sumup`."
		}
		return providers.Wording{Title: title, Line: line, Next: next, Setup: true}, true
	case providers.KindNotFound:
		if e.Code == CodeNoPendingReader {
			return providers.Wording{Title: "No reader waiting", Line: "No reader is waiting for that code",
				Next: "Check the code, or press Connect on the Solo for a new one (codes last 5 minutes)."}, true
		}
		return providers.Wording{Title: "Reader gone", Line: "The pending reader no longer exists in SumUp",
			Next: "On the Solo press Connections > API > Connect and pair again."}, true
	case providers.KindCodeUsed:
		if e.Code == CodeReaderExpired {
			return providers.Wording{Title: "Pairing expired", Line: "Pairing expired before the Solo confirmed it",
				Next: "On the Solo press Connect again and enter the new code."}, true
		}
		return providers.Wording{Title: "Reader already pairing", Line: "That reader is already paired or pairing",
			Next: "Unpair it first, or press Connect on the Solo for a new code."}, true
	case providers.KindNotPaired:
		line := "SumUp no longer has this reader paired"
		if e.Code == CodeReaderNotFound {
			line = "Reader no longer exists in SumUp (deleted elsewhere)"
		}
		return providers.Wording{Title: "Reader unpaired", Line: line,
			Next: "Forget it here, then pair the Solo again (Connections > API > Connect).", Forget: true}, true
	case providers.KindInvalidCode:
		w := providers.Wording{Title: "Invalid pairing code", Line: "Pairing code must be 8–9 letters/digits as shown on the Solo",
			Next: "Type the code the Solo shows under Connections > API."}
		if e.HTTPStatus == 0 {
			w.Detail = e.Message // refused here: the message says what was wrong with it
		}
		return w, true
	case providers.KindInvalidInput:
		if e.HTTPStatus == 0 {
			return providers.Wording{}, false
		}
		line := "SumUp rejected the pairing request"
		if prob := problemOf(e); prob != nil && len(prob.Fields) > 0 {
			line += ": " + prob.Fields[0]
		}
		return providers.Wording{Title: "Pairing request rejected", Line: line, Next: "Correct the reader name and try again."}, true
	case providers.KindRateLimited:
		return providers.Wording{Title: "Too many requests", Line: "SumUp is rate-limiting",
			Next: "Wait a moment, then try again.", Detail: e.Message, Retry: true}, true
	case providers.KindNetwork, providers.KindTimeout, providers.KindServer:
		title, line := "SumUp unreachable", "Could not reach SumUp"
		if e.Kind == providers.KindServer {
			title, line = "SumUp problem", "SumUp had a server problem"
		}
		next := "The pairing is kept; try again."
		if e.Op == providers.OpPair {
			// Create has no idempotency key: the reader may exist already.
			next = "Try again; if SumUp then says the reader is already pairing, press Connect on the Solo for a new code."
		}
		return providers.Wording{Title: title, Line: line, Next: next, Retry: true}, true
	}
	return providers.Wording{}, false
}

func problemOf(e *providers.Error) *Problem {
	var prob *Problem
	if errors.As(e, &prob) {
		return prob
	}
	return nil
}
