package pairing

import (
	"errors"
	"strings"
	"testing"
)

func TestFindTooShortSaysHowMuchToType(t *testing.T) {
	f := newFixture(t, nil)
	f.pair(t, "111111", "Front Bar")
	_, err := f.svc.Find("pid")
	if !errors.Is(err, ErrUnknownPairing) {
		t.Fatalf("Find(pid) = %v, want ErrUnknownPairing", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "at least 4 characters") || !strings.Contains(msg, "nickname") || !strings.Contains(msg, `"pid"`) {
		t.Errorf("Find(pid) = %q; want it to say at least 4 characters of the id, or the nickname, are needed", msg)
	}
	// Four characters or more that match nothing are simply unknown.
	_, err = f.svc.Find("zzzz")
	if !errors.Is(err, ErrUnknownPairing) || strings.Contains(err.Error(), "at least 4") || !strings.Contains(err.Error(), `No pairing matches "zzzz"`) {
		t.Errorf("Find(zzzz) = %v", err)
	}
}
