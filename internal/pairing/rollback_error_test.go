package pairing

import (
	"errors"
	"strings"
	"testing"
)

// The rollback message says the pairing was undone and how to go on, once:
// store errors already end with their fix.
func TestRollbackErrorSaysPairAgainOnce(t *testing.T) {
	for _, c := range []struct{ cause, wantFix string }{
		{"no OS keyring is available: install gnome-keyring, then pair again", ""},
		{"disk full.", " Fix the problem, then pair again."},
	} {
		msg := (&RollbackError{Cause: errors.New(c.cause), PairingID: "pid_1"}).Error()
		if n := strings.Count(strings.ToLower(msg), "pair again"); n != 1 {
			t.Errorf("%q says pair again %d times, want once", msg, n)
		}
		if !strings.Contains(msg, "The pairing was undone, so nothing is left half-made.") || !strings.HasSuffix(msg, "half-made."+c.wantFix) {
			t.Errorf("rollback message %q", msg)
		}
		if strings.Contains(msg, "..") {
			t.Errorf("doubled full stop in %q", msg)
		}
	}
}
