package evidence

import (
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers/linkly"
)

// showsLinkly: what each Linkly requirement's screenshot (and its request
// log) must show.
func showsLinkly(t *testing.T) map[string]func(screen, log string) bool {
	sb := clouds.New(sandbox.Options{Seed: demo.Seed})
	password := sb.Info().Credential(linkly.InputPassword)
	_ = sb.Close()
	if password == "" {
		t.Fatal("the sandbox has no Linkly password to look for")
	}
	refused := func(s, l string) bool {
		return strings.Contains(flat(s), "check username, password and pair code") &&
			strings.Contains(l, "POST /linkly-auth/v1/pairing/cloudpos → 401")
	}
	return map[string]func(screen, log string) bool{
		demo.ReqLKForm: func(s, _ string) bool {
			return strings.Contains(s, "Linkly Cloud username") && strings.Contains(s, "Linkly Cloud password") &&
				strings.Contains(s, "Pair Code") && strings.Contains(flat(s), "pair code")
		},
		demo.ReqLKPasswordHid: func(s, _ string) bool {
			return !strings.Contains(s, password) && (strings.Contains(s, "••••") || strings.Contains(s, "✓ Paired"))
		},
		demo.ReqLKPaired: func(s, l string) bool {
			return strings.Contains(s, "✓ Paired") && strings.Contains(s, "POS ID") &&
				strings.Contains(l, "POST /linkly-auth/v1/pairing/cloudpos → 200")
		},
		demo.ReqLKTest: func(s, l string) bool {
			// The token bought at pairing is still valid: the test's
			// requests are the status request and its result.
			return strings.Contains(s, "PIN pad answered") && strings.Contains(l, "/status → 200") &&
				strings.Contains(l, "Authorization: Bearer "+sandbox.Redacted)
		},
		demo.ReqLKUnpairSteps: func(s, _ string) bool { return strings.Contains(flat(s), "Linkly Cloud settings") },
		demo.ReqLKForget: func(s, _ string) bool {
			return strings.Contains(s, "Forgot") && strings.Contains(s, "Linkly Cloud username")
		},
		demo.ReqLKErrRefused: refused,
		demo.ReqLKErrExpiredCod: func(s, l string) bool {
			return refused(s, l) && strings.Contains(flat(s), "Codes expire after about 3 minutes")
		},
	}
}
