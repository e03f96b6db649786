package linkly_test

import (
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
)

// The descriptor agrees with the client it builds, and its names follow
// the environment convention.
func TestDescriptorMatchesClient(t *testing.T) {
	d := linkly.Descriptor
	caps := linkly.Capabilities()
	if d.ID != linkly.ID || d.Code != caps.Code || d.Confirms || caps.NeedsConfirmation || d.RemoteUnpair || caps.RemoteUnpair ||
		!d.CanTest || !caps.CanTest || d.SilentCheck || d.Model != providers.CodeFromTerminal {
		t.Fatalf("descriptor %+v disagrees with capabilities %+v", d, caps)
	}
	if !d.Code.KeepCase || d.Code.Digits || d.Code.MinLen != 1 {
		t.Fatalf("code spec %+v: an opaque code, sent as typed", d.Code)
	}
	if len(d.PairInputs) != 2 {
		t.Fatalf("pair inputs %+v", d.PairInputs)
	}
	user, pass := d.PairInputs[0], d.PairInputs[1]
	if user.Secret || user.Env() != "TILLPAIR_LINKLY_USERNAME" || !pass.Secret || pass.Item != "" || pass.Env() != "TILLPAIR_LINKLY_PASSWORD" {
		t.Fatalf("pair inputs %+v", d.PairInputs)
	}
	for _, c := range d.Credentials {
		if c.Secret {
			t.Errorf("credential %s is a secret; Linkly's only secrets are per pairing", c.Name)
		}
	}
	if d.Register == nil || d.Register.GeneratedID != linkly.GeneratedPosID || d.Register.Required || len(d.Register.Fields) != 0 {
		t.Fatalf("register %+v", d.Register)
	}
	if d.PairingSecret != "linkly/%s/secret" {
		t.Fatalf("pairing secret item %q", d.PairingSecret)
	}
	if len(d.Environments) != 2 || d.Environments[0].Name != linkly.EnvironmentProduction ||
		d.Environments[0].URLs[linkly.EndpointAuth] != linkly.ProductionAuthURL || d.Environments[1].URLs[linkly.EndpointPOS] != linkly.TestPOSURL {
		t.Fatalf("environments %+v", d.Environments)
	}
	for _, e := range d.Endpoints {
		if e.Env() != "TILLPAIR_"+strings.ToUpper(e.Name) || len(d.Environments[0].URLs[e.Name]) == 0 {
			t.Errorf("endpoint %+v", e)
		}
	}
	if len(d.Steps.Pair) == 0 || d.Steps.PairCompact == "" || d.Steps.Unpair == "" || strings.HasSuffix(d.Steps.Unpair, ".") {
		t.Fatalf("steps %+v", d.Steps)
	}
	// Plain http anywhere but loopback is a configuration error.
	for _, u := range []string{"http://auth.cloud.pceftpos.com", "https://user:pw@auth.cloud.pceftpos.com"} {
		_, err := d.New(providers.Config{URLs: map[string]string{linkly.EndpointAuth: u}})
		if providers.KindOf(err) != providers.KindConfig || strings.Contains(err.Error(), "pw") {
			t.Errorf("New with %s = %v", u, err)
		}
	}
	for env, want := range map[string]string{"": linkly.ProductionAuthURL, linkly.EnvironmentTest: linkly.TestAuthURL} {
		prov, err := d.New(providers.Config{Environment: env})
		if err != nil || !strings.Contains(prov.(interface{ String() string }).String(), want) {
			t.Errorf("New in %q = %v, %v", env, prov, err)
		}
	}
	prov, err := d.New(providers.Config{Credentials: map[string]providers.Secret{linkly.SettingEnvironment: providers.NewSecret("test")}})
	if err != nil || !strings.Contains(prov.(interface{ String() string }).String(), linkly.TestAuthURL) {
		t.Errorf("New with linkly_env test = %v, %v", prov, err)
	}
}

// Every error the client makes has Linkly's own words and a next step;
// other providers' errors are left alone.
func TestDescriptorWording(t *testing.T) {
	w := linkly.Descriptor.Wording
	if _, ok := w(&providers.Error{Provider: "sci", Kind: providers.KindNotPaired}); ok {
		t.Fatal("worded another provider's error")
	}
	if _, ok := w(nil); ok {
		t.Fatal("worded nil")
	}
	for _, e := range []providers.Error{
		{Kind: providers.KindInvalidCode, Code: linkly.CodePairingRefused},
		{Kind: providers.KindInvalidCode, Message: "enter the pair code the PIN pad shows"},
		{Kind: providers.KindInvalidInput, Message: "enter the Linkly Cloud username"},
		{Kind: providers.KindNotPaired, Code: linkly.CodePairingLost},
		{Kind: providers.KindConfig, Code: linkly.CodeIdentityRejected},
		{Kind: providers.KindConfig, Code: linkly.CodeNoPosID},
		{Kind: providers.KindConfig, Code: linkly.CodeNoSecret},
		{Kind: providers.KindProtocol, Code: linkly.CodeNoSecret},
		{Kind: providers.KindNotListening, Code: linkly.CodePinPadBusy},
		{Kind: providers.KindNotListening, Code: linkly.CodeNoAnswer},
		{Kind: providers.KindNotListening, Code: linkly.CodeStatusFailed, Message: "the PIN pad did not accept the status request: X"},
		{Kind: providers.KindUnpairOnTerminal},
		{Kind: providers.KindRateLimited},
		{Kind: providers.KindNetwork, Op: providers.OpPair},
		{Kind: providers.KindTimeout},
		{Kind: providers.KindServer},
	} {
		e.Provider = linkly.ID
		got, ok := w(&e)
		if !ok || got.Title == "" || got.Line == "" || got.Next == "" {
			t.Errorf("%s/%s: wording %+v, %v", e.Kind, e.Code, got, ok)
		}
	}
}
