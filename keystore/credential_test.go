package keystore

import (
	"errors"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

type failingSecrets struct{ err error }

func (f failingSecrets) Get(string) (providers.Secret, error) { return providers.Secret{}, f.err }
func (f failingSecrets) Set(string, providers.Secret) error   { return f.err }
func (f failingSecrets) Delete(string) error                  { return f.err }

func TestCredential(t *testing.T) {
	const envVar = "TILLPAIR_SCI_API_KEY"
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	store := NewMemorySecrets()

	_, err := Credential(getenv, store, envVar, SCIAPIKey)
	wantKind(t, err, KindNotFound)
	for _, want := range []string{envVar, "tillpair setup sci", SCIAPIKey} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}

	if err := store.Set(SCIAPIKey, providers.NewSecret("stored")); err != nil {
		t.Fatal(err)
	}
	if got, err := Credential(getenv, store, envVar, SCIAPIKey); err != nil || got.Reveal() != "stored" {
		t.Fatalf("keyring value not used: %v", err)
	}

	env[envVar] = "  from-env\n"
	if got, err := Credential(getenv, store, envVar, SCIAPIKey); err != nil || got.Reveal() != "from-env" {
		t.Fatalf("env value not preferred and trimmed: %q, %v", got.Reveal(), err)
	}
	env[envVar] = " \n"
	if got, err := Credential(getenv, store, envVar, SCIAPIKey); err != nil || got.Reveal() != "stored" {
		t.Fatalf("blank env should fall back to the keyring: %v", err)
	}

	// Env still works when the keyring is broken, and keyring errors pass through.
	noService := &Error{Kind: KindNoService, Op: "read secret", Item: SCIAPIKey}
	env[envVar] = "from-env"
	if got, err := Credential(getenv, failingSecrets{noService}, envVar, SCIAPIKey); err != nil || got.Reveal() != "from-env" {
		t.Fatalf("env with a broken keyring: %v", err)
	}
	delete(env, envVar)
	if _, err := Credential(getenv, failingSecrets{noService}, envVar, SCIAPIKey); !errors.Is(err, noService) {
		t.Fatalf("keyring error = %v, want it passed through", err)
	}

	// No keyring at all (nil) behaves as not found.
	_, err = Credential(getenv, nil, "TILLPAIR_HELCIM_API_TOKEN", HelcimAPIToken)
	wantKind(t, err, KindNotFound)
	if !strings.Contains(err.Error(), "tillpair setup helcim") {
		t.Errorf("message %q should name the setup command", err)
	}
}
