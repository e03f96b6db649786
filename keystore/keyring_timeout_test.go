package keystore

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestKeyringCallDeadline(t *testing.T) {
	k := NewKeyring("tillpair-test")
	k.Timeout = 20 * time.Millisecond
	release, finished := make(chan struct{}), make(chan struct{})
	err := k.call("store secret", SCIPartB("pid_1"), func() error {
		<-release
		close(finished)
		return nil
	})
	e := wantKind(t, err, KindTimeout)
	for _, want := range []string{"cannot store secret", SCIPartB("pid_1"), "did not answer within 20ms", "unlock prompt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
	if got := k.mapErr("store secret", SCIPartB("pid_1"), e, ""); got != e {
		t.Errorf("mapErr reclassified a timeout: %v", got)
	}
	// The abandoned call can still finish without blocking on its result.
	close(release)
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("the abandoned call never finished")
	}

	backend := errors.New("backend failure")
	if err := k.call("read secret", SCIAPIKey, func() error { return backend }); err != backend {
		t.Errorf("call = %v, want the backend error unchanged for mapErr", err)
	}
	if err := k.call("read secret", SCIAPIKey, func() error { return nil }); err != nil {
		t.Errorf("call = %v, want nil", err)
	}
}

func TestKeyringTimeoutDefault(t *testing.T) {
	k := NewKeyring("")
	for _, set := range []time.Duration{0, -time.Second} {
		k.Timeout = set
		if got := k.timeout(); got != DefaultKeyringTimeout {
			t.Errorf("Timeout %v: effective timeout = %v, want DefaultKeyringTimeout", set, got)
		}
	}
	k.Timeout = 3 * time.Second
	if got := k.timeout(); got != 3*time.Second {
		t.Errorf("effective timeout = %v, want the 3s set", got)
	}
	if DefaultKeyringTimeout < 10*time.Second {
		t.Errorf("DefaultKeyringTimeout = %v leaves no time to answer an unlock prompt", DefaultKeyringTimeout)
	}
}
