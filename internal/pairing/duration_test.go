package pairing

import (
	"testing"
	"time"
)

func TestDurationReadsAsWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Minute:                  "2 minutes",
		time.Minute:                      "1 minute",
		45 * time.Second:                 "45 seconds",
		time.Second:                      "1 second",
		90 * time.Second:                 "1 min 30 s",
		1500 * time.Millisecond:          "2 seconds",
		2 * time.Hour:                    "2 hours",
		time.Hour + 30*time.Minute + 5e9: "1h30m5s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
