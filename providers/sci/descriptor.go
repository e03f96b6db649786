package sci

import (
	"strings"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/providers"
)

// Names of SCI's credentials and endpoint: keys of providers.Config, the
// sandbox's Info keys, and (capitalised, TILLPAIR_ prefixed) the
// environment variables.
const (
	CredAPIKey    = "sci_api_key"
	CredPartA     = "sci_signing_secret_part_a"
	URLPairingAPI = "sci_pairing_url"
)

// Keyring items of SCI's secrets.
const (
	ItemAPIKey = "sci/api-key"
	ItemPartA  = "sci/signing-secret-part-a"
	// ItemPartB is a pairing's signing secret Part B, %s the pairing id.
	ItemPartB = "sci/%s/signing-secret-part-b"
)

// Descriptor is everything the front-ends know about SCI.
var Descriptor = &providers.Descriptor{
	ID:     providers.SCI,
	Name:   "Simple Cloud Integration",
	Vendor: "mx51",
	Short:  "mx51 SCI",
	Model:  providers.CodeFromTerminal,
	Code:   Capabilities().Code,

	Confirms:     true,
	RemoteUnpair: true,
	CanCancel:    true,
	CanTest:      true,
	// pairing-info is a read: re-checking on entry disturbs nobody
	// (SCIPAIRING10).
	SilentCheck: true,

	Credentials: []providers.Credential{
		{Name: CredAPIKey, Label: "SCI Pairing API key", Secret: true, Item: ItemAPIKey,
			Help: "from mx51; it starts with test_ or live_", Warn: warnAPIKey},
		{Name: CredPartA, Label: "SCI signing secret Part A", Secret: true, Item: ItemPartA,
			Help: "from mx51, beside the API key"},
	},
	Endpoints: []providers.Endpoint{{Name: URLPairingAPI, Label: "SCI Pairing API"}},
	Environments: []providers.Environment{
		// One host for test and live keys [DOC S2, S3]: the key says which.
		{Name: "production", Badge: "TEST", URLs: map[string]string{URLPairingAPI: DefaultPairingURL}},
	},
	Badge: func(c providers.Config) string {
		if strings.HasPrefix(c.Credentials[CredAPIKey].Reveal(), "live_") {
			return "LIVE"
		}
		return "TEST"
	},
	PairingSecret: ItemPartB,

	Labels: providers.Labels{PairingID: "Pairing ID", TID: "TID", TerminalNickname: "Terminal Nickname",
		Confirmation: "Confirmation code"},
	Branding: providers.Branding{Logo: assets.Logo(), LogoCompact: assets.LogoCompact()},
	Steps: providers.Steps{
		// SCIPAIRING09's steps.
		Pair: []string{
			`On the terminal open "Manage POS pairing".`,
			"Create a new POS pairing.",
			`Select "Simple Cloud Integration".`,
			"Enter the pairing code the terminal shows.",
			"Optionally add a Pairing Nickname.",
			"Choose Pair.",
		},
		PairCompact:    "On the terminal: Manage POS pairing → new POS pairing → Simple Cloud Integration. Then type the code here and press enter.",
		Confirm:        []string{"Check that the terminal shows the same confirmation code.", "Confirm on the terminal."},
		TerminalUnpair: `open "Manage POS pairing" on the terminal and unpair this POS`,
	},
	Texts: providers.Texts{
		Testing:    "Testing…",
		Tested:     "Pairing is active — checked %s",
		JustPaired: "✓ Pairing successful — register paired with the terminal",
		ForgetHelp: "forget on this register",
	},

	New: func(c providers.Config) (providers.Provider, error) {
		cl, err := New(Config{
			PairingURL:         c.URLs[URLPairingAPI],
			APIKey:             c.Credentials[CredAPIKey],
			SigningSecretPartA: c.Credentials[CredPartA],
			HTTPClient:         c.HTTPClient,
			Clock:              c.Clock,
			Timeout:            c.Timeout,
		})
		if err != nil {
			return nil, err
		}
		return cl, nil
	},
}

// looksLikeAPIKey: SCI Pairing API keys seen in use start with the
// environment they pair in (reference §1.2: test_pak_…== / live_pak_…==,
// [OBS]; mx51's own example is only "pak_xxx=="). A value without either
// prefix is most often the signing secret Part A pasted in the key's place.
func looksLikeAPIKey(s providers.Secret) bool {
	v := s.Reveal()
	return strings.HasPrefix(v, "test_") || strings.HasPrefix(v, "live_")
}

// warnAPIKey warns about a key that does not look like an SCI Pairing API
// key. It is only a warning (the prefix is observed, not documented), and
// it never quotes any part of either value.
//
// There is nothing to compare the prefix with: SCI has one pairing host
// for test and live, and the key alone decides the environment (reference
// §1.1). A test key meeting a live terminal is refused at pairing time
// (test_api_key_forbidden_for_live_pairing), and that message says so.
func warnAPIKey(key providers.Secret, given map[string]providers.Secret, source string) string {
	if looksLikeAPIKey(key) {
		return ""
	}
	if looksLikeAPIKey(given[CredPartA]) {
		return source + " does not look like an SCI API key, but the signing secret Part A does (SCI API keys start with test_ or live_): the two look swapped. Run `tillpair setup sci` again with the API key first."
	}
	return source + " does not look like an SCI API key (they start with test_ or live_): check you pasted the Pairing API key, not the signing secret Part A. If it is right, pairing will work; otherwise run `tillpair setup sci` again."
}
