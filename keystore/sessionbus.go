package keystore

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/zalando/go-keyring"
)

// mocked is set once go-keyring's in-memory mock replaces the OS keyring
// (MockInit): the mock needs no session bus.
var mocked atomic.Bool

// MockInit replaces the OS keyring with go-keyring's in-memory mock, for
// tests; use it instead of keyring.MockInit so Keyring does not refuse for
// want of a D-Bus session bus the mock never uses.
func MockInit() {
	keyring.MockInit()
	mocked.Store(true)
}

// MockInitWithError is MockInit with every call failing with err.
func MockInitWithError(err error) {
	keyring.MockInitWithError(err)
	mocked.Store(true)
}

// noSessionBus returns a KindNoService error when go-keyring would reach
// the Secret Service over D-Bus (not macOS or Windows, not the mock) and
// there is no session bus to reach it on, so the caller does not ask.
// godbus would then run dbus-launch, which starts a dbus-daemon (and, by
// D-Bus activation, a gnome-keyring-daemon) that outlive tillpair, on every
// run, even `status`. The error reads as D-Bus being absent does, with the
// same fix.
func (k *Keyring) noSessionBus(op, name string) error {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" || mocked.Load() ||
		!sessionBusMissing(os.Getenv, "/run/user/"+strconv.Itoa(os.Getuid())) {
		return nil
	}
	return &Error{Kind: KindNoService, Op: op, Item: name, Service: k.service, Cause: noSessionBusCause}
}

// sessionBusMissing mirrors godbus's search for the session bus
// (DBUS_SESSION_BUS_ADDRESS, then runtimeDir/bus and runtimeDir/dbus-session,
// runtimeDir being /run/user/<uid>) and reports true where godbus would
// autolaunch one; "autolaunch:" counts as no address, as godbus reads it.
func sessionBusMissing(getenv func(string) string, runtimeDir string) bool {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return false
	}
	if _, err := os.Stat(filepath.Join(runtimeDir, "bus")); err == nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join(runtimeDir, "dbus-session"))
	return err != nil || !strings.HasPrefix(string(b), "DBUS_SESSION_BUS_ADDRESS=")
}

// noSessionBusCause says why the keyring was not asked, for KindNoService.
const noSessionBusCause = "no session bus: DBUS_SESSION_BUS_ADDRESS is not set and tillpair does not start a D-Bus " +
	"session, so no OS keyring (Secret Service) is available"
