package registry_test

import (
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// Every descriptor must be whole: the front-ends read it and name no
// provider, so a missing fact shows up as a blank on some screen.
func TestDescriptorsAreComplete(t *testing.T) {
	reg := registry.All()
	if got := strings.Join(reg.IDs(), ","); got != "sci,smartconnect,helcim,sumup,square,linkly" {
		t.Fatalf("order %s; want the lead provider first", got)
	}
	seen := map[string]bool{}
	for _, d := range reg {
		if seen[d.ID] {
			t.Errorf("%s listed twice", d.ID)
		}
		seen[d.ID] = true
		if d.Name == "" || d.Vendor == "" || d.Short == "" || d.Model == "" || d.New == nil {
			t.Errorf("%s: name, vendor, short name, model and New are required", d.ID)
		}
		if d.Code.MinLen == 0 || d.Code.MaxLen < d.Code.MinLen || d.Code.Example == "" || d.Code.Label == "" {
			t.Errorf("%s: incomplete code spec %+v", d.ID, d.Code)
		}
		if len(d.Steps.Pair) == 0 || d.Steps.PairCompact == "" {
			t.Errorf("%s: no pairing steps", d.ID)
		}
		if !d.RemoteUnpair && d.Steps.Unpair == "" {
			t.Errorf("%s: no remote unpair and no on-terminal steps", d.ID)
		}
		if d.CanCancel && !d.Confirms {
			t.Errorf("%s: only a pairing awaiting confirmation can be cancelled", d.ID)
		}
		if len(d.Environments) == 0 || len(d.Endpoints) == 0 {
			t.Errorf("%s: no environment or endpoint", d.ID)
		}
		for _, e := range d.Environments {
			for _, ep := range d.Endpoints {
				if e.URLs[ep.Name] == "" {
					t.Errorf("%s %s: no default for %s", d.ID, e.Name, ep.Name)
				}
			}
		}
		for _, c := range d.Credentials {
			if c.Secret && c.Item == "" {
				t.Errorf("%s %s: a secret needs a keyring item", d.ID, c.Name)
			}
			if !strings.HasPrefix(c.Env(), "TILLPAIR_"+strings.ToUpper(d.ID)+"_") {
				t.Errorf("%s: env %s does not carry the provider's prefix", d.ID, c.Env())
			}
		}
		// The client must agree with its descriptor.
		p, err := d.New(providers.Config{})
		if err != nil {
			t.Fatalf("%s: New with defaults: %v", d.ID, err)
		}
		caps := p.Capabilities()
		if p.ID() != d.ID || caps.Code != d.Code || caps.NeedsConfirmation != d.Confirms || caps.RemoteUnpair != d.RemoteUnpair || caps.CanTest != d.CanTest {
			t.Errorf("%s: client %s %+v disagrees with its descriptor", d.ID, p.ID(), caps)
		}
	}
}

func TestLookupIgnoresCase(t *testing.T) {
	reg := registry.All()
	for _, id := range reg.IDs() {
		d, ok := reg.Lookup(strings.ToUpper(id))
		if !ok || d.ID != id {
			t.Errorf("Lookup(%q) = %v, %v", strings.ToUpper(id), d, ok)
		}
	}
	if _, ok := reg.Lookup("nope"); ok {
		t.Error("Lookup found an unknown provider")
	}
}

// A provider's wording override must answer only for its own words and
// keep every certification line of the catalogue otherwise.
func TestWordingOverridesAreWhole(t *testing.T) {
	for _, d := range registry.All() {
		if d.Wording == nil {
			continue
		}
		for _, k := range providers.Kinds() {
			w, ok := d.Wording(&providers.Error{Provider: d.ID, Kind: k})
			if ok && (w.Title == "" || w.Line == "" || w.Next == "") {
				t.Errorf("%s %s: incomplete override %+v", d.ID, k, w)
			}
		}
	}
}
