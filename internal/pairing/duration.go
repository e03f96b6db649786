package pairing

import (
	"fmt"
	"time"
)

// Duration words a wait for people ("2 minutes", "45 seconds", "1 min 30 s")
// rather than Go's "2m0s", which reads as a typo on a till's screen.
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	plural := func(n int64, unit string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s", unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d < time.Minute:
		return plural(int64(d/time.Second), "second")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", d/time.Minute, (d%time.Minute)/time.Second)
	}
	return d.String()
}
