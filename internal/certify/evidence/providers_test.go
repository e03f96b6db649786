package evidence

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/screens"
)

// The checks below say what a SmartConnect or Helcim screenshot (and its
// scenario's request log) must hold to show a requirement. They are
// written from reference/providers.md §2–§4, not from the scripts.

var (
	scRegisterIDRE = regexp.MustCompile(`Register ID\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	scTypedCodeRE  = regexp.MustCompile(`^(\d{8})$`)
	scPaneCodeRE   = regexp.MustCompile(`code (\d{4}) (\d{4})`)
	scPollRE       = regexp.MustCompile(`## \d+\. (\d\d:\d\d:\d\d) GET /smartconnect/POS/Transaction/`)
	hcFieldRE      = regexp.MustCompile(`^([A-Z0-9]{4})$`)
)

// fieldValue is what the field or details row labelled label shows: the
// first word under the label when it is a form field (its underline two
// lines down), else the first word after the label on its line.
func fieldValue(s, label string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		at := strings.Index(l, label)
		if at < 0 {
			continue
		}
		col := ansi.StringWidth(l[:at])
		if i+2 < len(lines) {
			under := ansi.Cut(lines[i+2], col, col+1)
			if under == "━" || under == "─" {
				if f := strings.Fields(ansi.Cut(lines[i+1], col, col+40)); len(f) > 0 {
					return f[0]
				}
				return ""
			}
		}
		if f := strings.Fields(l[at+len(label):]); len(f) > 0 {
			return f[0]
		}
	}
	return ""
}

// focusedField reports whether the field labelled label has the focus:
// the heavy underline two lines under its label.
func focusedField(s, label string) bool {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if at := strings.Index(l, label); at >= 0 && i+2 < len(lines) {
			col := ansi.StringWidth(l[:at])
			return ansi.Cut(lines[i+2], col, col+1) == "━"
		}
	}
	return false
}

func showsSmartConnect() map[string]func(screen, log string) bool {
	return map[string]func(screen, log string) bool{
		demo.ReqSCInstructions: func(s, _ string) bool {
			return strings.Contains(s, "Smartpay SmartConnect") && strings.Contains(flat(s), "Settings → Pair") && strings.Contains(s, "refresh") && strings.Contains(s, "Pairing Code")
		},
		demo.ReqSCRegister: func(s, _ string) bool {
			// Read-only: the register ID has no focus marker and only
			// regenerating (with re-pair) changes it.
			return strings.Contains(s, "Register setup") && scRegisterIDRE.MatchString(s) && !strings.Contains(s, "> Register ID") &&
				strings.Contains(s, "Register name") && strings.Contains(s, "Business name") && strings.Contains(s, "Vendor name") &&
				strings.Contains(s, "regenerate (requires re-pair)")
		},
		demo.ReqSCCodeEntry: func(s, _ string) bool {
			typed, pane := scTypedCodeRE.FindStringSubmatch(fieldValue(s, "Pairing Code")), scPaneCodeRE.FindStringSubmatch(s)
			return typed != nil && pane != nil && typed[1] == pane[1]+pane[2]
		},
		demo.ReqSCPaired: func(s, l string) bool {
			return strings.Contains(s, "✓ Paired") && scRegisterIDRE.MatchString(s) &&
				regexp.MustCompile(`PUT /smartconnect/POS/Pairing/\d{8} → 200`).MatchString(l) &&
				!strings.Contains(l, "Confirm") && !strings.Contains(s, "Confirm the pairing")
		},
		demo.ReqSCTest: func(s, l string) bool {
			if !strings.Contains(s, "Testing… (asking the terminal)") && !strings.Contains(s, "Terminal reachable") {
				return false
			}
			if !strings.Contains(l, "TransactionType=Terminal.GetStatus") {
				return false
			}
			return pollsAtLeast(l, 2*time.Second)
		},
		demo.ReqSCUnpairGuidance: func(s, _ string) bool {
			return strings.Contains(s, "unpair on the terminal") && !strings.Contains(s, "[ Unpair ]")
		},
		demo.ReqSCForget: func(s, _ string) bool {
			return strings.Contains(s, "✓ Forgot “") && strings.Contains(s, "Pairing Code")
		},
		demo.ReqSCErrInvalidCode: func(s, l string) bool {
			return strings.Contains(s, "That pairing code was not accepted") && strings.Contains(s, "check the register's business name") &&
				regexp.MustCompile(`PUT /smartconnect/POS/Pairing/\d{8} → 400`).MatchString(l)
		},
		demo.ReqSCErrNetwork: func(s, l string) bool {
			return strings.Contains(s, screens.TextNetwork) && strings.Contains(s, "Try again") &&
				strings.Contains(l, "connection dropped, no response")
		},
		demo.ReqSCErrOffline: func(s, l string) bool {
			return strings.Contains(s, "offline or busy") && strings.Contains(l, `"Result":"FAILED-INTERFACE"`)
		},
		demo.ReqSCErrNotPaired: func(s, l string) bool {
			return strings.Contains(s, "This register is not paired to a terminal") && strings.Contains(s, "unpaired on the terminal") &&
				strings.Contains(l, "POST /smartconnect/POS/Transaction → 400")
		},
	}
}

// pollsAtLeast: the log has at least one status poll, and its polls are
// gap or more apart.
func pollsAtLeast(log string, gap time.Duration) bool {
	ms := scPollRE.FindAllStringSubmatch(log, -1)
	if len(ms) == 0 {
		return false
	}
	var prev time.Time
	for i, m := range ms {
		at, err := time.Parse(time.TimeOnly, m[1])
		if err != nil || i > 0 && at.Sub(prev) < gap {
			return false
		}
		prev = at
	}
	return true
}

func showsHelcim(t *testing.T) map[string]func(screen, log string) bool {
	sb := clouds.New(sandbox.Options{Seed: demo.Seed})
	token := sb.Info().Credential("helcim_api_token")
	_ = sb.Close()
	if token == "" {
		t.Fatal("the sandbox has no Helcim token to look for")
	}
	pane := func(s, text string) bool {
		return regexp.MustCompile(`│ Terminal [A-Z0-9]{4}: ` + regexp.QuoteMeta(text)).MatchString(s)
	}
	return map[string]func(screen, log string) bool{
		demo.ReqHCCodeEntry: func(s, _ string) bool {
			return strings.Contains(s, "Helcim Payment Hardware") && focusedField(s, "Device Code") &&
				strings.Contains(s, `"Switch"`) && strings.Contains(flat(s), "4-character device")
		},
		demo.ReqHCNormalised: func(s, l string) bool {
			m := hcFieldRE.FindStringSubmatch(fieldValue(s, "Device Code"))
			return m != nil && strings.Contains(l, "GET /helcim/v2/devices/"+m[1]+" → 200")
		},
		demo.ReqHCSaved: func(s, l string) bool {
			return strings.Contains(s, "Check the terminal screen for the ping message") &&
				regexp.MustCompile(`GET /helcim/v2/devices/[A-Z0-9]{4} → 200`).MatchString(l) &&
				regexp.MustCompile(`GET /helcim/v2/devices/[A-Z0-9]{4}/ping → 202`).MatchString(l)
		},
		demo.ReqHCPingShown: func(s, l string) bool {
			return pane(s, helcim.PingMessage) && strings.Contains(l, "/ping → 202")
		},
		demo.ReqHCTest: func(s, l string) bool {
			return strings.Contains(s, "Ping sent — check the terminal screen") && strings.Contains(l, "/ping → 202")
		},
		demo.ReqHCTokenHidden: func(s, _ string) bool {
			lower := strings.ToLower(s)
			return strings.Contains(s, "Device Code") && !strings.Contains(s, token) && !strings.Contains(lower, "token")
		},
		demo.ReqHCUnpairSteps: func(s, _ string) bool {
			return strings.Contains(flat(s), "switch it back to standalone mode") && !strings.Contains(s, "[ Unpair ]")
		},
		demo.ReqHCForget: func(s, _ string) bool {
			return strings.Contains(s, "✓ Forgot “") && focusedField(s, "Device Code")
		},
		demo.ReqHCErrNotFound: func(s, l string) bool {
			return strings.Contains(s, "Device code not found on this Helcim account") &&
				regexp.MustCompile(`GET /helcim/v2/devices/[A-Z0-9]{4} → 404`).MatchString(l)
		},
		demo.ReqHCErrNotListen: func(s, l string) bool {
			return strings.Contains(s, "The terminal is not listening: wake it") && strings.Contains(l, "/ping → 409")
		},
		demo.ReqHCErrToken: func(s, l string) bool {
			return strings.Contains(flat(s), "The Helcim API token is missing or invalid") && strings.Contains(flat(s), "tillpair setup helcim") &&
				strings.Contains(l, "/ping → 401")
		},
		demo.ReqHCErrPermission: func(s, l string) bool {
			return strings.Contains(flat(s), "lacks permission") && strings.Contains(flat(s), "Settings: Read") &&
				strings.Contains(l, "/ping → 403")
		},
		demo.ReqHCErrRateLimit: func(s, l string) bool {
			return strings.Contains(s, "Too many requests — wait a minute") && strings.Contains(l, "/ping → 429")
		},
	}
}

// flat joins a screen's wrapped lines: a long error line wraps at a word.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
