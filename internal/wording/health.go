package wording

import (
	"fmt"
	"strings"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// HealthRows are what the last live check learned about the terminal
// (providers.Health), label and value, only what the provider said; the
// paired screen shows them as rows, the command line and accessible mode
// as one line (HealthLine).
func HealthRows(h *providers.Health, now time.Time) [][2]string {
	if h == nil {
		return nil
	}
	var out [][2]string
	if h.Online != nil {
		v := "offline"
		if *h.Online {
			v = "online"
		}
		if st := strings.ToLower(h.State); st != "" && st != v {
			v += " (" + st + ")"
		}
		out = append(out, [2]string{"Connection", v})
	}
	if h.Battery != nil {
		out = append(out, [2]string{"Battery", fmt.Sprintf("%.0f%%", *h.Battery)})
	}
	if !h.LastActivity.IsZero() {
		out = append(out, [2]string{"Last activity", LastActivity(h.LastActivity, now)})
	}
	if h.Detail != "" {
		out = append(out, [2]string{"Note", h.Detail})
	}
	return out
}

// HealthLine is HealthRows on one line ("online (idle), battery 84%, last
// activity 10:02:03 (5 min ago)"), "" when the provider said nothing.
func HealthLine(h *providers.Health, now time.Time) string {
	rows := HealthRows(h, now)
	parts := make([]string, 0, len(rows))
	for _, r := range rows {
		switch r[0] {
		case "Connection", "Note":
			parts = append(parts, r[1])
		default:
			parts = append(parts, strings.ToLower(r[0])+" "+r[1])
		}
	}
	return strings.Join(parts, ", ")
}

// LastActivity is the clock time in now's zone, and how long ago.
func LastActivity(at, now time.Time) string {
	s := at.In(now.Location()).Format("15:04:05")
	switch ago := now.Sub(at).Round(time.Second); {
	case ago < 0:
	case ago < time.Minute:
		s += fmt.Sprintf(" (%ds ago)", int(ago.Seconds()))
	case ago < time.Hour:
		s += fmt.Sprintf(" (%d min ago)", int(ago.Minutes()))
	case ago < 24*time.Hour:
		s += fmt.Sprintf(" (%d h ago)", int(ago.Hours()))
	default:
		s = at.In(now.Location()).Format("2006-01-02 15:04")
	}
	return s
}
