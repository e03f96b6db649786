package keystore

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
)

func realKeyring(t *testing.T) *Keyring {
	t.Helper()
	if os.Getenv("TILLPAIR_KEYRING_REAL") != "1" {
		t.Skip("set TILLPAIR_KEYRING_REAL=1 and run under scripts/with-keyring.sh")
	}
	// A unique service per test keeps runs from seeing each other's items.
	return NewKeyring("tillpair-test-" + uuid.NewString())
}

func TestRealKeyringLifecycle(t *testing.T) {
	k := realKeyring(t)
	t.Cleanup(func() { _ = k.Delete(SCIAPIKey) })

	_, err := k.Get(SCIAPIKey)
	wantKind(t, err, KindNotFound)

	if err := k.Set(SCIAPIKey, providers.NewSecret("first")); err != nil {
		t.Fatal(err)
	}
	assertSecret(t, k, SCIAPIKey, "first")
	if err := k.Set(SCIAPIKey, providers.NewSecret("second")); err != nil {
		t.Fatal(err)
	}
	assertSecret(t, k, SCIAPIKey, "second")

	if err := k.Delete(SCIAPIKey); err != nil {
		t.Fatal(err)
	}
	_, err = k.Get(SCIAPIKey)
	wantKind(t, err, KindNotFound)
	if err := k.Delete(SCIAPIKey); err != nil {
		t.Fatalf("deleting a missing item: %v", err)
	}
}

func TestRealKeyringDesignItemNames(t *testing.T) {
	k := realKeyring(t)
	items := map[string]string{
		SCIAPIKey:                   "api-key-" + uuid.NewString(),
		SCISigningPartA:             "part-a-" + uuid.NewString(),
		SCIPartB(uuid.NewString()):  "part-b-" + uuid.NewString(),
		HelcimAPIToken:              "token-" + uuid.NewString(),
		SCIPartB("another-pairing"): strings.Repeat("b", MaxSecretBytes),
	}
	for name, value := range items {
		t.Cleanup(func() { _ = k.Delete(name) })
		if err := k.Set(name, providers.NewSecret(value)); err != nil {
			t.Fatalf("Set %s: %v", name, err)
		}
	}
	for name, value := range items {
		assertSecret(t, k, name, value)
	}
}

func TestRealKeyringTooBigRefused(t *testing.T) {
	k := realKeyring(t)
	t.Cleanup(func() { _ = k.Delete(HelcimAPIToken) })
	err := k.Set(HelcimAPIToken, providers.NewSecret(strings.Repeat("x", MaxSecretBytes+1)))
	wantKind(t, err, KindTooBig)
	_, err = k.Get(HelcimAPIToken)
	wantKind(t, err, KindNotFound)
}

func TestRealKeyringCredentialPrefersEnv(t *testing.T) {
	k := realKeyring(t)
	t.Cleanup(func() { _ = k.Delete(SCIAPIKey) })
	if err := k.Set(SCIAPIKey, providers.NewSecret("from-keyring")); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	got, err := Credential(getenv, k, "TILLPAIR_SCI_API_KEY", SCIAPIKey)
	if err != nil || got.Reveal() != "from-keyring" {
		t.Fatalf("Credential = %v (%v), want the keyring value", got.Reveal() == "from-keyring", err)
	}
	env["TILLPAIR_SCI_API_KEY"] = "from-env"
	got, err = Credential(getenv, k, "TILLPAIR_SCI_API_KEY", SCIAPIKey)
	if err != nil || got.Reveal() != "from-env" {
		t.Fatalf("Credential with env set: %v", err)
	}
}

func assertSecret(t *testing.T, k Secrets, name, want string) {
	t.Helper()
	got, err := k.Get(name)
	if err != nil {
		t.Fatalf("Get %s: %v", name, err)
	}
	if got.Reveal() != want {
		t.Fatalf("Get %s returned a different value (%d bytes, want %d)", name, got.Len(), len(want))
	}
}

func helperKeyringGet(service string) int {
	_, err := NewKeyring(service).Get(SCIAPIKey)
	return printResult(err)
}

// TestKeyringWithoutSecretService runs in a child process because godbus
// caches the session bus connection for the life of a process.
func TestKeyringWithoutSecretService(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the Secret Service over D-Bus is the Unix keyring; Windows and macOS have theirs without a bus")
	}
	empty := t.TempDir()
	cases := map[string][]string{
		"bus address points at no socket": {
			"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(empty, "no-such-bus"),
		},
		"no bus and no dbus-launch": {
			"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + empty, "PATH=" + empty, "DISPLAY=",
		},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			cmd := helperCommand(t, "keyring-get", "", "tillpair-test-"+uuid.NewString(), env...)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("helper: %v", err)
			}
			res := parseResult(t, out)
			if res.Kind != KindNoService.String() {
				t.Fatalf("kind = %s, want %s; message: %s", res.Kind, KindNoService, res.Message)
			}
			for _, want := range []string{"No OS keyring", "gnome-keyring", "dbus-run-session", "TILLPAIR_SCI_API_KEY", SCIAPIKey} {
				if !strings.Contains(strings.ToLower(res.Message), strings.ToLower(want)) {
					t.Errorf("message %q does not mention %q", res.Message, want)
				}
			}
		})
	}
}
