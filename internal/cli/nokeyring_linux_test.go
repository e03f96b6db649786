package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

const noKeyringHelperEnv = "TILLPAIR_CLI_NOKEYRING_HELPER"

// TestNoKeyringHelperProcess runs the CLI with the real keyring backend (no
// mock), as TestListingNeverTouchesTheKeyring's child process.
func TestNoKeyringHelperProcess(t *testing.T) {
	args := os.Getenv(noKeyringHelperEnv)
	if args == "" {
		t.Skip("only runs as TestListingNeverTouchesTheKeyring's child process")
	}
	os.Exit(Execute(context.Background(), Build{Version: "test"}, strings.Fields(args), strings.NewReader(""), os.Stdout, os.Stderr))
}

// Listing the stored pairings and printing the version read no credential:
// they must not reach for the OS keyring, so they never connect to the
// D-Bus session bus (a session bus that answers nobody made them wait for
// the keyring's timeout) and work with no bus at all (issue 17). The bus
// here is a socket that counts connections.
func TestListingNeverTouchesTheKeyring(t *testing.T) {
	dir := newConfigDir(t)
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if err := recs.Update(func(f *keystore.File) error {
		f.Pairings = append(f.Pairings, providers.Pairing{Provider: providers.SCI, ID: "pid_0001", Status: providers.StatusActive,
			PairingNickname: "Front", CreatedAt: now, UpdatedAt: now})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	var dials atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dials.Add(1)
			_ = c.Close()
		}
	}()
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_") && !strings.HasPrefix(kv, "TILLPAIR_") {
			base = append(base, kv)
		}
	}
	for _, args := range []string{"status --no-check", "status --no-check --json", "version"} {
		for _, bus := range []string{"unix:path=" + sock, ""} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestNoKeyringHelperProcess$", "-test.count=1")
			cmd.Env = append(append([]string(nil), base...), noKeyringHelperEnv+"="+args, "TILLPAIR_CONFIG_DIR="+dir)
			if bus != "" {
				cmd.Env = append(cmd.Env, "DBUS_SESSION_BUS_ADDRESS="+bus)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s (bus %q): %v\n%s", args, bus, err, out)
			}
			if args != "version" && !strings.Contains(string(out), "pid_0001") {
				t.Errorf("%s (bus %q) does not list the pairing:\n%s", args, bus, out)
			}
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("listing and version connected to the session bus %d times", n)
	}
}
