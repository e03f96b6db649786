package evidence

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers/sumup"
)

// What a SumUp screenshot (and its scenario's request log) must hold to
// show a requirement, from providers-next.md §5.5–§5.12.
var (
	suCreateRE  = regexp.MustCompile(`POST /sumup/v0\.1/merchants/M[A-Z0-9]{7}/readers → `)
	suReaderRE  = regexp.MustCompile(`Reader ID\s+rdr_[0-9A-Z]{26}`)
	suBatteryRE = regexp.MustCompile(`Battery\s+\d+%`)
	suTraceRE   = regexp.MustCompile(`SumUp trace ID ([0-9a-f]{32}) \(quote it to SumUp support\)`)
	suDeleteRE  = regexp.MustCompile(`DELETE /sumup/v0\.1/merchants/M[A-Z0-9]{7}/readers/rdr_[0-9A-Z]{26} → 200`)
)

func showsSumUp(t *testing.T) map[string]func(screen, log string) bool {
	sb := clouds.New(sandbox.Options{Seed: demo.Seed})
	key := sb.Info().Credential(sumup.CredAPIKey)
	_ = sb.Close()
	if key == "" {
		t.Fatal("the sandbox has no SumUp API key to look for")
	}
	created := func(l string, status string) bool {
		for _, line := range strings.Split(l, "\n") {
			if loc := suCreateRE.FindStringIndex(line); loc != nil && strings.HasPrefix(line[loc[1]:], status) {
				return true
			}
		}
		return false
	}
	return map[string]func(screen, log string) bool{
		demo.ReqSUInstructions: func(s, _ string) bool {
			f := flat(s)
			return strings.Contains(s, "SumUp Cloud API") && strings.Contains(f, "Log out") &&
				strings.Contains(f, "Connections") && strings.Contains(f, "5 minutes")
		},
		demo.ReqSUCodeEntry: func(s, _ string) bool {
			return strings.Contains(s, "Pairing Code  8–9 chars") && strings.Contains(s, "Pairing Nickname")
		},
		demo.ReqSUKeyHidden: func(s, _ string) bool {
			return strings.Contains(s, "Pairing Code") && !strings.Contains(s, key) && !strings.Contains(s, "sup_sk_")
		},
		demo.ReqSUWaiting: func(s, l string) bool {
			return strings.Contains(s, "Waiting for the terminal") && strings.Contains(s, "[ Cancel ]") &&
				strings.Contains(s, "[ Test now ]") && created(l, "201")
		},
		demo.ReqSUPaired: func(s, _ string) bool {
			return strings.Contains(s, "✓ Paired") && suReaderRE.MatchString(s) && fieldValue(s, "Serial") != "" &&
				fieldValue(s, "Pairing Nickname") != ""
		},
		demo.ReqSUHealth: func(s, l string) bool {
			return fieldValue(s, "Model") != "" && fieldValue(s, "Connection") == "online" && suBatteryRE.MatchString(s) &&
				fieldValue(s, "Last activity") != "" && strings.Contains(l, "/status → 200")
		},
		demo.ReqSUTest: func(s, l string) bool {
			return strings.Contains(s, "Pairing is active") && strings.Contains(l, "/status → 200")
		},
		demo.ReqSUUnpair: func(s, l string) bool {
			asked := strings.Contains(flat(s), "press Disconnect") && strings.Contains(s, "yes, unpair")
			return (asked || strings.Contains(s, "✓ Unpaired “")) && suDeleteRE.MatchString(l)
		},
		demo.ReqSUErrNotFound: func(s, l string) bool {
			return strings.Contains(s, "No reader is waiting for that code") && created(l, "404")
		},
		demo.ReqSUErrConflict: func(s, l string) bool {
			return strings.Contains(s, "That reader is already paired or pairing") && created(l, "409")
		},
		demo.ReqSUErrBadCode: func(s, l string) bool {
			return strings.Contains(s, "Pairing code must be 8–9 letters/digits") && created(l, "400")
		},
		demo.ReqSUErrKey: func(s, l string) bool {
			f := flat(s)
			return strings.Contains(f, "SumUp API key is missing, invalid, or lacks reader permission") &&
				strings.Contains(f, "tillpair setup sumup") && created(l, "401")
		},
		demo.ReqSUErrExpired: func(s, l string) bool {
			return strings.Contains(s, "Pairing expired before the Solo confirmed it") && strings.Contains(l, `"status":"expired"`)
		},
		demo.ReqSUErrNetwork: func(s, l string) bool {
			return strings.Contains(s, "Could not reach SumUp") && strings.Contains(s, "[ Try again ]") &&
				strings.Contains(l, "connection dropped")
		},
		demo.ReqSUTraceID: func(s, l string) bool {
			m := suTraceRE.FindStringSubmatch(flat(s))
			return m != nil && strings.Contains(l, `"trace_id":"`+m[1]+`"`)
		},
	}
}
