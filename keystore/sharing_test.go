package keystore

import (
	"errors"
	"io/fs"
	"testing"
)

// A passing sharing conflict (Windows: another process has the records
// file open or is renaming over it) is waited out; any other error, and
// every error where the OS has no such conflicts, is returned at once.
func TestRetrySharing(t *testing.T) {
	conflict := errors.New("sharing violation")
	other := errors.New("disk on fire")
	failing := func(errs ...error) (func() error, *int) {
		calls := 0
		return func() error {
			calls++
			if calls <= len(errs) {
				return errs[calls-1]
			}
			return nil
		}, &calls
	}
	op, calls := failing(&fs.PathError{Op: "open", Path: "pairings.json", Err: conflict}, conflict)
	if err := retrySharing([]error{conflict}, op); err != nil || *calls != 3 {
		t.Errorf("two passing conflicts: err %v after %d calls, want nil after 3", err, *calls)
	}
	op, calls = failing(other)
	if err := retrySharing([]error{conflict}, op); !errors.Is(err, other) || *calls != 1 {
		t.Errorf("another error: err %v after %d calls, want it after 1", err, *calls)
	}
	op, calls = failing(conflict)
	if err := retrySharing(nil, op); !errors.Is(err, conflict) || *calls != 1 {
		t.Errorf("no sharing errors on this OS: err %v after %d calls, want it after 1", err, *calls)
	}
}
