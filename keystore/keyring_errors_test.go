package keystore

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/providers"
)

// skipIfRealKeyring protects real-keyring runs: go-keyring's mock replaces
// its global provider for the rest of the process, with no way back.
func skipIfRealKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("TILLPAIR_KEYRING_REAL") == "1" {
		t.Skip("go-keyring mocks replace the real backend process-wide; run without TILLPAIR_KEYRING_REAL")
	}
}

func TestKeyringErrorMapping(t *testing.T) {
	skipIfRealKeyring(t)
	cases := []struct {
		name string
		err  error
		kind ErrorKind
		hint string
	}{
		{"not found", keyring.ErrNotFound, KindNotFound, ""},
		{"too big", keyring.ErrSetDataTooBig, KindTooBig, "one short secret"},
		{"unsupported", keyring.ErrUnsupportedPlatform, KindUnsupported, "TILLPAIR_"},
		{"dbus-launch missing", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, KindNoService, "dbus-run-session"},
		{"no session bus", errors.New("dbus: couldn't determine address of session bus"), KindNoService, "gnome-keyring"},
		{"stale bus socket", &net.OpError{Op: "dial", Net: "unix", Err: syscall.ENOENT}, KindNoService, "TILLPAIR_SCI_API_KEY"},
		{"no secret service", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown",
			Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}, KindNoService, "KeePassXC"},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), KindLocked, "Unlock"},
		{"dbus access denied", dbus.Error{Name: "org.freedesktop.DBus.Error.AccessDenied",
			Body: []any{"Rejected send message"}}, KindDenied, "Allow tillpair"},
		{"windows access denied", errors.New("Access is denied."), KindDenied, "Allow tillpair"},
		{"other", errors.New("something odd"), KindUnknown, "running and unlocked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			MockInitWithError(c.err)
			k := NewKeyring("tillpair-test")

			_, err := k.Get(SCIAPIKey)
			e := wantKind(t, err, c.kind)
			if e.Item != SCIAPIKey || e.Service != "tillpair-test" || !reflect.DeepEqual(e.Err, c.err) {
				t.Errorf("error %#v should carry item, service and the cause", e)
			}
			if !e.StoreError() {
				t.Error("StoreError() = false")
			}
			if IsNotFound(err) != (c.kind == KindNotFound) {
				t.Errorf("IsNotFound = %v for kind %s", IsNotFound(err), c.kind)
			}
			if !strings.Contains(err.Error(), SCIAPIKey) || !strings.Contains(err.Error(), c.hint) {
				t.Errorf("message %q should name the item and contain %q", err, c.hint)
			}

			err = k.Set(SCIAPIKey, providers.NewSecret("value-under-test"))
			wantKind(t, err, c.kind)
			if strings.Contains(err.Error(), "value-under-test") {
				t.Errorf("message %q contains the secret", err)
			}

			err = k.Delete(SCIAPIKey)
			if c.kind == KindNotFound {
				if err != nil {
					t.Errorf("Delete of a missing item = %v, want nil", err)
				}
			} else {
				wantKind(t, err, c.kind)
			}
		})
	}
}

func TestKeyringScrubsSecretFromBackendError(t *testing.T) {
	skipIfRealKeyring(t)
	const value = "hunter2-very-secret"
	MockInitWithError(errors.New("backend echoed " + value + " back"))
	err := NewKeyring("").Set(HelcimAPIToken, providers.NewSecret(value))
	if err == nil {
		t.Fatal("Set succeeded against a failing backend")
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), value) {
			t.Fatalf("error chain leaks the secret: %q", e)
		}
	}
	if !strings.Contains(err.Error(), "backend echoed") || !strings.Contains(err.Error(), `"tillpair"`) {
		t.Errorf("message %q lost the backend detail or the default service", err)
	}
}

func TestKeyringRefusesBeforeCallingBackend(t *testing.T) {
	skipIfRealKeyring(t)
	MockInit()
	k := NewKeyring("tillpair-test")
	err := k.Set(SCIAPIKey, providers.NewSecret(strings.Repeat("x", MaxSecretBytes+1)))
	wantKind(t, err, KindTooBig)
	wantKind(t, k.Set(SCIAPIKey, providers.Secret{}), KindInvalid)
	wantKind(t, k.Set("", providers.NewSecret("v")), KindInvalid)
	_, err = k.Get(SCIAPIKey)
	wantKind(t, err, KindNotFound) // nothing reached the backend

	if err := k.Set(SCIAPIKey, providers.NewSecret(strings.Repeat("x", MaxSecretBytes))); err != nil {
		t.Fatalf("a secret of exactly MaxSecretBytes was refused: %v", err)
	}
	got, err := k.Get(SCIAPIKey)
	if err != nil || got.Len() != MaxSecretBytes {
		t.Fatalf("Get = %d bytes, %v", got.Len(), err)
	}
}

func TestErrorKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := KindUnknown; k <= KindTimeout; k++ {
		s := k.String()
		if s == "" || strings.HasPrefix(s, "kind(") || seen[s] {
			t.Errorf("kind %d has name %q", int(k), s)
		}
		seen[s] = true
	}
	if got := ErrorKind(99).String(); got != "kind(99)" {
		t.Errorf("unknown kind name = %q", got)
	}
}

// Part B is made per pairing, so no environment variable can supply it: its
// keyring errors must not send the user to the credential variables.
func TestPartBKeyringFixNeedsTheKeyring(t *testing.T) {
	for _, kind := range []ErrorKind{KindNoService, KindLocked} {
		msg := (&Error{Kind: kind, Op: "store secret", Item: SCIPartB("pid_1"), Service: "tillpair"}).Error()
		for _, want := range []string{"signing secret", "OS keyring", "gnome-keyring", "scripts/with-keyring.sh"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%v: %q lacks %q", kind, msg, want)
			}
		}
		if strings.Contains(msg, "TILLPAIR_") || strings.Contains(msg, "environment variable") {
			t.Errorf("%v: %q advises environment variables, which cannot hold Part B", kind, msg)
		}
	}
	// Credentials the environment can supply keep that advice.
	for _, item := range []string{SCIAPIKey, "sci//signing-secret-part-b", "helcim/x/signing-secret-part-b"} {
		if msg := (&Error{Kind: KindNoService, Op: "read secret", Item: item}).Error(); !strings.Contains(msg, "TILLPAIR_SCI_API_KEY") {
			t.Errorf("%s: %q lost the environment-variable advice", item, msg)
		}
	}
}
