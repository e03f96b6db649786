package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// With no DBUS_SESSION_BUS_ADDRESS and no bus socket where godbus looks,
// godbus runs dbus-launch, which starts a dbus-daemon (and D-Bus activation
// a gnome-keyring-daemon) that outlive tillpair. Every run, even `status`,
// must instead report that there is no OS keyring, as when D-Bus is absent,
// and leave no process behind. The processes are recognised by a marker in
// the environment they inherit from tillpair, so other users of the
// machine's D-Bus do not count.
func TestNoSessionBusStartsNoDaemon(t *testing.T) {
	if _, err := exec.LookPath("dbus-launch"); err != nil {
		t.Skip("dbus-launch is absent (apt-get install dbus-x11): godbus cannot autolaunch a bus here, so there is nothing to check")
	}
	runDir := "/run/user/" + strconv.Itoa(os.Getuid())
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runDir, f)); err == nil {
			t.Skipf("%s/%s exists: godbus finds that session bus without launching one", runDir, f)
		}
	}
	bin := buildBinary(t)
	marker := fmt.Sprintf("TILLPAIR_BUS_PROBE=%d-%d", os.Getpid(), time.Now().UnixNano())
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "TILLPAIR_") {
			env = append(env, kv)
		}
	}
	env = append(env, marker, "TILLPAIR_CONFIG_DIR="+newConfigDir(t), "TILLPAIR_KEYRING_SERVICE="+testKeyringService)

	before := processesWith(t, marker)
	cmd := exec.Command(bin, "status")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	after := processesWith(t, marker)
	t.Cleanup(func() {
		for pid := range after {
			_ = syscall.Kill(pid, syscall.SIGTERM) // started by this test
		}
	})
	if len(before) != 0 || len(after) != 0 {
		t.Errorf("processes started by tillpair status: before %v, after %v", before, after)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitNoPairing {
		t.Errorf("status: %v; want exit %d\n%s", err, ExitNoPairing, stderr.String())
	}
	if !strings.Contains(stderr.String(), "No OS keyring is available") {
		t.Errorf("status does not say there is no OS keyring:\n%s", stderr.String())
	}
}

// processesWith lists the processes (pid → command name) whose environment
// holds marker.
func processesWith(t *testing.T, marker string) map[int]string {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	found := map[int]string{}
	want := []byte(marker + "\x00")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil || !bytes.Contains(append([]byte{0}, b...), append([]byte{0}, want...)) {
			continue // gone, or not ours to read, or not marked
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		comm, _ := os.ReadFile(filepath.Join(d, "comm"))
		found[pid] = strings.TrimSpace(string(comm))
	}
	return found
}
