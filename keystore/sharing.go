package keystore

import (
	"errors"
	"time"
)

// sharingRetryFor bounds how long a records read or replace waits out
// another process's hold on the file (see errSharing).
const sharingRetryFor = 2 * time.Second

// retrySharing runs op until it succeeds, fails with an error that is not a
// passing sharing conflict (one of sharing), or sharingRetryFor has passed.
// On Unix sharing is empty and op runs once: a rename replaces a file that
// others have open, and readers see the old or the new one. Windows refuses
// to open a file that another process is renaming over, and to rename over
// a file that another process has open, for the moment either lasts.
func retrySharing(sharing []error, op func() error) error {
	deadline := time.Now().Add(sharingRetryFor)
	delay := time.Millisecond
	for {
		err := op()
		if err == nil || !isAnyOf(err, sharing) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 50*time.Millisecond)
	}
}

func isAnyOf(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
