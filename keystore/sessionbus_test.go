package keystore

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sessionBusMissing says "missing" exactly where godbus would autolaunch a
// bus with dbus-launch: no usable address and nothing in the runtime dir.
func TestSessionBusMissing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the D-Bus session bus is a Unix keyring's; Windows has the Credential Manager")
	}
	env := func(addr string) func(string) string {
		return func(k string) string {
			if k == "DBUS_SESSION_BUS_ADDRESS" {
				return addr
			}
			return ""
		}
	}
	empty := t.TempDir()
	withSocket := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(withSocket, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	withFile := t.TempDir()
	if err := os.WriteFile(filepath.Join(withFile, "dbus-session"), []byte("DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/dbus-x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	junkFile := t.TempDir()
	if err := os.WriteFile(filepath.Join(junkFile, "dbus-session"), []byte("junk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr, dir string
		missing   bool
	}{
		{"unix:path=/run/user/1000/bus", empty, false},
		{"unix:path=/nonexistent", empty, false}, // godbus dials it and fails: no launch
		{"", empty, true},
		{"autolaunch:", empty, true},
		{"", withSocket, false},
		{"", withFile, false},
		{"", junkFile, true},
		{"", filepath.Join(empty, "absent"), true},
	} {
		if got := sessionBusMissing(env(c.addr), c.dir); got != c.missing {
			t.Errorf("address %q, runtime dir %s: missing = %v, want %v", c.addr, strings.TrimPrefix(c.dir, os.TempDir()), got, c.missing)
		}
	}
}
