package keystore

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
)

// realCallTimeout is far above a real keyring call (milliseconds) so that it
// only matters if a call hangs, which then fails the test instead of the run.
const realCallTimeout = 20 * time.Second

func wantMessage(t *testing.T, err error, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
}

// With no prompter able to show a dialog (a headless session), gnome-keyring
// dismisses go-keyring's unlock prompt at once and go-keyring reports
// "failed to unlock correct collection".
func TestRealKeyringLockedCollection(t *testing.T) {
	k := realKeyring(t)
	k.Timeout = realCallTimeout
	stored := "stored-" + uuid.NewString()
	if err := k.Set(SCIAPIKey, providers.NewSecret(stored)); err != nil {
		t.Fatal(err)
	}
	// Registered before the lock, so it runs after the unlock.
	t.Cleanup(func() {
		if err := k.Delete(SCIAPIKey); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	s, collection := lockKeyring(t)

	lockedHints := []string{
		SCIAPIKey, k.Service(), "locked", "failed to unlock",
		"Unlock your login keyring", "log in to a desktop session", "gnome-keyring-daemon --unlock",
	}
	_, err := k.Get(SCIAPIKey)
	wantKind(t, err, KindLocked)
	wantMessage(t, err, append([]string{"cannot read secret"}, lockedHints...)...)

	replacement := "replacement-" + uuid.NewString()
	err = k.Set(SCIAPIKey, providers.NewSecret(replacement))
	wantKind(t, err, KindLocked)
	wantMessage(t, err, append([]string{"cannot store secret"}, lockedHints...)...)
	if strings.Contains(err.Error(), replacement) {
		t.Errorf("message %q contains the secret", err)
	}

	err = k.Delete(SCIAPIKey)
	wantKind(t, err, KindLocked)
	wantMessage(t, err, append([]string{"cannot delete secret"}, lockedHints...)...)

	// Part B cannot come from the environment, so its advice differs.
	partB := SCIPartB("pid-" + uuid.NewString())
	err = k.Set(partB, providers.NewSecret("part-b"))
	wantKind(t, err, KindLocked)
	wantMessage(t, err, partB, "can only be kept in the OS keyring", "unlock gnome-keyring", "pair again")
	if strings.Contains(err.Error(), "TILLPAIR_") {
		t.Errorf("Part B message %q advises environment variables", err)
	}

	// A locked keyring is reported, not mistaken for a missing credential;
	// the environment still wins over it.
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	_, err = Credential(getenv, k, "TILLPAIR_SCI_API_KEY", SCIAPIKey)
	wantKind(t, err, KindLocked)
	env["TILLPAIR_SCI_API_KEY"] = "from-env"
	if got, err := Credential(getenv, k, "TILLPAIR_SCI_API_KEY", SCIAPIKey); err != nil || got.Reveal() != "from-env" {
		t.Fatalf("Credential with env set and the keyring locked: %v", err)
	}

	if !s.isLocked(t, collection) {
		t.Fatal("the keystore calls unlocked the collection; the errors above prove nothing")
	}
	// After unlocking, the item is there and the locked Set changed nothing.
	if err := s.unlockWithPassword(collection, mustEnv(t, "WITH_KEYRING_PASSWORD")); err != nil {
		t.Fatal(err)
	}
	assertSecret(t, k, SCIAPIKey, stored)
}

// With a prompter that shows its dialog where nobody answers it, go-keyring
// waits for the prompt forever; the keystore must give up at its deadline.
func TestRealKeyringUnansweredUnlockPromptTimesOut(t *testing.T) {
	k := realKeyring(t)
	const timeout = 500 * time.Millisecond
	k.Timeout = timeout
	lockKeyring(t)
	// Installed after the lock so its cleanup (dropping the prompt) runs
	// before the unlock.
	prompter := installSilentPrompter(t)

	start := time.Now()
	err := k.Set(SCIAPIKey, providers.NewSecret("value-under-test"))
	elapsed := time.Since(start)
	wantKind(t, err, KindTimeout)
	wantMessage(t, err, SCIAPIKey, k.Service(), "did not answer within "+timeout.String(),
		"unlock prompt", "gnome-keyring-daemon --unlock", "restart gnome-keyring-daemon")
	if strings.Contains(err.Error(), "value-under-test") {
		t.Errorf("message %q contains the secret", err)
	}
	if elapsed < timeout {
		t.Errorf("gave up after %v, before the %v deadline", elapsed, timeout)
	}
	// The wait was on the unlock prompt, not on something else.
	select {
	case <-prompter.begun:
	case <-time.After(realCallTimeout):
		t.Fatal("gnome-keyring never asked the prompter: the timeout was not caused by an unanswered prompt")
	}

	_, err = k.Get(SCIAPIKey)
	wantKind(t, err, KindTimeout)
}

func mustEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set", name)
	}
	return v
}
