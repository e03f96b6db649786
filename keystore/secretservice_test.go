package keystore

import (
	"os"
	"slices"
	"testing"

	"github.com/godbus/dbus/v5"
)

// Secret Service names (freedesktop Secret Service API) and gnome-keyring's
// private unlock interface, which needs no prompt.
const (
	ssName            = "org.freedesktop.secrets"
	ssPath            = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService         = "org.freedesktop.Secret.Service"
	ssCollection      = "org.freedesktop.Secret.Collection"
	ssDefaultAlias    = dbus.ObjectPath("/org/freedesktop/secrets/aliases/default")
	ssLoginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	gnomeKeyringIface = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"

	// gnome-keyring shows prompts through gcr's system prompter.
	prompterName  = "org.gnome.keyring.SystemPrompter"
	prompterPath  = dbus.ObjectPath("/org/gnome/keyring/Prompter")
	prompterIface = "org.gnome.keyring.internal.Prompter"
)

// secretService is a D-Bus client for what go-keyring does not offer:
// locking and unlocking the collection. It has its own connection so that
// closing it never disturbs go-keyring's shared session connection.
type secretService struct {
	conn *dbus.Conn
	obj  dbus.BusObject
}

// ownSessionBus is a session-bus connection of the test's own, closed at
// cleanup.
func ownSessionBus(t *testing.T) *dbus.Conn {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("connect to the session bus: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func connectSecretService(t *testing.T) *secretService {
	t.Helper()
	conn := ownSessionBus(t)
	return &secretService{conn: conn, obj: conn.Object(ssName, ssPath)}
}

// keyringCollection is the collection go-keyring uses: "login" if it
// exists, else the default alias (go-keyring secret_service.go).
func (s *secretService) keyringCollection(t *testing.T) dbus.ObjectPath {
	t.Helper()
	v, err := s.obj.GetProperty(ssService + ".Collections")
	if err != nil {
		t.Fatalf("list collections: %v", err)
	}
	paths, _ := v.Value().([]dbus.ObjectPath)
	if slices.Contains(paths, ssLoginCollection) {
		return ssLoginCollection
	}
	return ssDefaultAlias
}

func (s *secretService) isLocked(t *testing.T, collection dbus.ObjectPath) bool {
	t.Helper()
	v, err := s.conn.Object(ssName, collection).GetProperty(ssCollection + ".Locked")
	if err != nil {
		t.Fatalf("read Locked of %s: %v", collection, err)
	}
	locked, ok := v.Value().(bool)
	if !ok {
		t.Fatalf("Locked of %s is %v, not a bool", collection, v)
	}
	return locked
}

func (s *secretService) lock(t *testing.T, collection dbus.ObjectPath) {
	t.Helper()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err := s.obj.Call(ssService+".Lock", 0, []dbus.ObjectPath{collection}).Store(&locked, &prompt)
	if err != nil {
		t.Fatalf("lock %s: %v", collection, err)
	}
	if prompt != "/" || !s.isLocked(t, collection) {
		t.Fatalf("lock %s: locked %v, prompt %s; the collection is not locked", collection, locked, prompt)
	}
}

// unlockWithPassword unlocks without a prompt, as seahorse does.
func (s *secretService) unlockWithPassword(collection dbus.ObjectPath, password string) error {
	var ignored dbus.Variant
	var session dbus.ObjectPath
	err := s.obj.Call(ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&ignored, &session)
	if err != nil {
		return err
	}
	defer s.conn.Object(ssName, session).Call("org.freedesktop.Secret.Session.Close", 0)
	master := struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}{session, []byte{}, []byte(password), "text/plain"}
	return s.obj.Call(gnomeKeyringIface+".UnlockWithMasterPassword", 0, collection, master).Err
}

// lockKeyring locks the collection go-keyring uses for the rest of the test
// and unlocks it again afterwards so later tests find it open. It needs the
// throwaway keyring's password from scripts/with-keyring.sh.
func lockKeyring(t *testing.T) (s *secretService, collection dbus.ObjectPath) {
	t.Helper()
	password := os.Getenv("WITH_KEYRING_PASSWORD")
	if password == "" {
		t.Skip("WITH_KEYRING_PASSWORD is not set: run under scripts/with-keyring.sh, which sets it, " +
			"so the test can unlock the keyring it locks")
	}
	s = connectSecretService(t)
	collection = s.keyringCollection(t)
	if s.isLocked(t, collection) {
		t.Fatalf("%s is locked before the test locked it; the keyring from scripts/with-keyring.sh starts unlocked", collection)
	}
	s.lock(t, collection)
	t.Cleanup(func() {
		if err := s.unlockWithPassword(collection, password); err != nil {
			t.Errorf("unlock %s after the test: %v; later keyring tests will fail", collection, err)
			return
		}
		if s.isLocked(t, collection) {
			t.Errorf("%s is still locked after the test; later keyring tests will fail", collection)
		}
	})
	return s, collection
}

// silentPrompter stands in for gcr's prompter (the dialog that asks for the
// keyring password) and never shows anything: the situation of a prompt
// popping up on a desktop nobody is looking at. begun receives the prompt
// callback path when gnome-keyring starts a prompt.
type silentPrompter struct{ begun chan dbus.ObjectPath }

func (p *silentPrompter) BeginPrompting(callback dbus.ObjectPath) *dbus.Error {
	select {
	case p.begun <- callback:
	default:
	}
	return nil
}

func (p *silentPrompter) PerformPrompt(dbus.ObjectPath, string, map[string]dbus.Variant, string) *dbus.Error {
	return nil
}

func (p *silentPrompter) StopPrompting(dbus.ObjectPath) *dbus.Error { return nil }

// installSilentPrompter takes the prompter's bus name on its own connection.
// Closing that connection at cleanup drops the name; gnome-keyring then
// dismisses the pending prompt, which releases any call still waiting on it.
func installSilentPrompter(t *testing.T) *silentPrompter {
	t.Helper()
	conn := ownSessionBus(t)
	p := &silentPrompter{begun: make(chan dbus.ObjectPath, 1)}
	if err := conn.Export(p, prompterPath, prompterIface); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(prompterName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("take the bus name %s: reply %v, %v; is a real prompter running on this bus?", prompterName, reply, err)
	}
	return p
}
