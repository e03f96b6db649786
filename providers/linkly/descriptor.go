package linkly

import (
	"cmp"
	"fmt"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Descriptor names, as the sandbox's Info names them: the environment
// variables are TILLPAIR_LINKLY_AUTH_URL, TILLPAIR_LINKLY_POS_URL,
// TILLPAIR_LINKLY_USERNAME, TILLPAIR_LINKLY_PASSWORD (providers.EnvName).
const (
	EndpointAuth = "linkly_auth_url"
	EndpointPOS  = "linkly_pos_url"
	// InputUsername and InputPassword are the pair inputs (PairRequest.
	// Inputs): asked at every pairing, used once, never stored. The
	// password is asked without echo, or read from TILLPAIR_LINKLY_PASSWORD.
	InputUsername = "linkly_username"
	InputPassword = "linkly_password"
	// SettingEnvironment picks production or test (Linkly's own sandbox);
	// TILLPAIR_LINKLY_ENV overrides it.
	SettingEnvironment = "linkly_env"
	// GeneratedPosID is this register's posId: a version 4 UUID made once
	// per register and kept (like SmartConnect's register id), passed to
	// New as Config.Credentials[GeneratedPosID].
	GeneratedPosID = "linkly_pos_id"
	// ItemSecret is a pairing's secret in the keyring, %s the pairing id.
	ItemSecret = "linkly/%s/secret"
)

// unpairSteps is the PIN pad side of ending a pairing, without a final
// stop.
const unpairSteps = "Linkly Cloud has no unpair from the register: unpair the PIN pad in its Linkly Cloud settings if no other register should use it"

// environments are Linkly's, production first (the default); the
// built-in sandbox is the extra environment "sandbox".
var environments = []providers.Environment{
	{Name: EnvironmentProduction, Badge: "LIVE", URLs: map[string]string{EndpointAuth: ProductionAuthURL, EndpointPOS: ProductionPOSURL}},
	{Name: EnvironmentTest, Badge: "TEST", URLs: map[string]string{EndpointAuth: TestAuthURL, EndpointPOS: TestPOSURL}},
}

// Descriptor is everything the front-ends need to offer Linkly Cloud.
var Descriptor = &providers.Descriptor{
	ID:     ID,
	Name:   "Linkly Cloud",
	Vendor: "Linkly",
	Short:  "Linkly",
	// The PIN pad shows a pair code and the POS sends it [DOC S63].
	Model: providers.CodeFromTerminal,
	// Opaque: 6 digits in every example, "testcode" in a vendor test;
	// no format check beyond non-empty [reference §7.9].
	Code: providers.CodeSpec{Label: "Pair Code", KeepCase: true, MinLen: 1, MaxLen: maxCodeLen, Example: "123456"},
	// The 200 with the secret is the whole handshake [CODE S60, S61].
	Confirms:     false,
	RemoteUnpair: false,
	CanTest:      true,
	// A Test sends a status request to the PIN pad: only on demand.
	SilentCheck: false,
	Credentials: []providers.Credential{
		{Name: SettingEnvironment, Label: "Environment", Optional: true,
			Help: "production (the default) or test (Linkly's sandbox, with its Virtual PIN pad); Linkly issues a username and password for each"},
	},
	PairInputs: []providers.Credential{
		{Name: InputUsername, Label: "Linkly Cloud username",
			Help: "the Cloud EFT Client username Linkly issued for this environment"},
		{Name: InputPassword, Label: "Linkly Cloud password", Secret: true,
			Help: "typed without echo (or TILLPAIR_LINKLY_PASSWORD); used for this pairing only and never stored"},
	},
	// The posId: no fields to ask, and not Required, so a pairing does
	// not wait for SmartConnect's register names. The pairing service
	// passes the register identity when there is one (its RegisterID, a
	// version 4 UUID, is the posId); else Config.PosID; else the client
	// answers KindConfig no_pos_id.
	Register: &providers.RegisterSpec{GeneratedID: GeneratedPosID, IDLabel: "POS ID"},
	Endpoints: []providers.Endpoint{
		{Name: EndpointAuth, Label: "Linkly Auth API"},
		{Name: EndpointPOS, Label: "Linkly POS API"},
	},
	Environments:  environments,
	PairingSecret: ItemSecret,
	Labels: providers.Labels{
		PairingID:        "Pairing ID",
		TID:              "TID",
		TerminalNickname: "PIN pad",
	},
	Branding: providers.Branding{LogoCompact: "Linkly"},
	Steps: providers.Steps{
		Pair: []string{
			"On the PIN pad start Linkly Cloud pairing (Linkly's Cloud setup guide) until it shows a pair code.",
			"Enter your Linkly Cloud username and password here; the password is not shown and never stored.",
			"Type the pair code the PIN pad shows; it lasts about 3 minutes.",
			"Choose Pair.",
		},
		PairCompact: "Start Linkly Cloud pairing on the PIN pad, then enter your Linkly Cloud username, password and the pair code it shows (valid about 3 minutes).",
		Unpair:      unpairSteps,
	},
	Texts: providers.Texts{
		Testing:    "Testing… (asking the PIN pad)",
		Tested:     "PIN pad answered — checked %s",
		JustPaired: "✓ Paired — this register can use the PIN pad",
		ForgetHelp: "forget on this register",
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
	env := cfg.Environment
	if v := cfg.Credentials[SettingEnvironment].Reveal(); env == "" && v != "" {
		env = v
	}
	auth, pos := cfg.URLs[EndpointAuth], cfg.URLs[EndpointPOS]
	for _, e := range environments {
		if e.Name == env {
			auth, pos = cmp.Or(auth, e.URLs[EndpointAuth]), cmp.Or(pos, e.URLs[EndpointPOS])
		}
	}
	return New(Config{
		AuthURL: auth, POSURL: pos,
		PosID:       cfg.Credentials[GeneratedPosID].Reveal(),
		Environment: env,
		HTTPClient:  hc,
		Clock:       cfg.Clock,
		Timeout:     cfg.Timeout,
		NewID:       cfg.NewID,
	})
}

// wording words Linkly's errors [reference §7.11]: it switches on Kind
// and Code, never on text. What Linkly's body said, if anything, is only
// the detail line.
func wording(e *providers.Error) (providers.Wording, bool) {
	if e == nil || e.Provider != ID {
		return providers.Wording{}, false
	}
	w, ok := baseWording(e)
	if !ok {
		return w, false
	}
	if r := ReplyOf(e); r != nil && w.Detail == "" {
		w.Detail = fmt.Sprintf("Linkly answered HTTP %d", r.Status)
		if r.Body != "" {
			w.Detail += ": " + r.Body
		} else {
			w.Detail += " with no body"
		}
	}
	return w, true
}

func baseWording(e *providers.Error) (providers.Wording, bool) {
	switch e.Kind {
	case providers.KindInvalidCode:
		if e.Code == CodePairingRefused {
			return providers.Wording{Title: "Pairing failed", Line: msgPairRefused,
				Next: "Generate a new pair code on the PIN pad, check the username and password, and try again."}, true
		}
		return providers.Wording{Title: "Pair code needed", Line: cmp.Or(e.Message, "The pair code is missing or not valid"), Next: "Type the pair code the PIN pad shows."}, true
	case providers.KindInvalidInput:
		return providers.Wording{Title: "Linkly Cloud login needed", Line: cmp.Or(e.Message, "The Linkly Cloud username and password are needed to pair"),
			Next: "Enter the username and password Linkly issued for this environment."}, true
	case providers.KindNotPaired:
		return providers.Wording{Title: "Pairing lost", Line: msgLost,
			Next: "Forget it here, start pairing on the PIN pad and pair again.", Forget: true}, true
	case providers.KindConfig:
		switch e.Code {
		case CodeIdentityRejected:
			return providers.Wording{Title: "Register identity rejected", Line: msgIdentity,
				Next: "Check this register's Linkly POS id in " + providers.SetupRef + "; report it if it persists.", Setup: true}, true
		case CodeNoPosID:
			return providers.Wording{Title: "Register not set up", Line: "This register has no valid Linkly POS id",
				Next: "Open " + providers.SetupRef + " to make one, then pair.", Setup: true}, true
		case CodeNoSecret:
			return providers.Wording{Title: "Pairing secret missing", Line: "This pairing's Linkly secret is not in the keyring",
				Next: "Forget it here and pair the PIN pad again.", Forget: true}, true
		}
	case providers.KindProtocol:
		if e.Code == CodeNoSecret {
			return providers.Wording{Title: "No pairing secret", Line: msgNoSecret,
				Next: "Generate a new pair code on the PIN pad and pair again.", Retry: true}, true
		}
	case providers.KindNotListening:
		switch e.Code {
		case CodePinPadBusy:
			return providers.Wording{Title: "PIN pad busy", Line: msgBusy, Next: "Wait for it to finish, then Test again.", Retry: true}, true
		case CodeNoAnswer:
			return providers.Wording{Title: "PIN pad not responding", Line: msgNoAnswer,
				Next: "Switch it on, connect it to the network and wake it, then Test again.", Retry: true}, true
		case CodeStatusFailed:
			return providers.Wording{Title: "PIN pad refused the test", Line: e.Message, Next: "Check the PIN pad's screen, then Test again.", Retry: true}, true
		}
	case providers.KindUnpairOnTerminal:
		return providers.Wording{Title: "Unpair on the PIN pad", Line: "Linkly Cloud pairings are not removed from the register",
			Next: unpairSteps + ", then forget the pairing here (its secret is deleted)."}, true
	case providers.KindRateLimited:
		return providers.Wording{Title: "Too many requests", Line: "Linkly is rate-limiting", Next: "Wait a moment, then try again.", Retry: true}, true
	case providers.KindNetwork, providers.KindTimeout, providers.KindServer:
		title, line := "Linkly unreachable", "Could not reach Linkly; nothing was changed"
		if e.Kind == providers.KindServer {
			title, line = "Linkly problem", "Linkly had a server problem; nothing was changed"
		}
		next := "The pairing is kept; try again."
		if e.Op == providers.OpPair {
			next = "Try again; if the pair code has expired meanwhile, generate a new one on the PIN pad."
		}
		return providers.Wording{Title: title, Line: line, Next: next, Retry: true}, true
	}
	return providers.Wording{}, false
}
