package evidence

import (
	"strings"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

// showsSquare checks each Square requirement's screenshot and request log:
// the code_from_pos model (the register shows the code).
func showsSquare() map[string]func(screen, log string) bool {
	shown := func(s string) bool { return strings.Contains(s, "Sign in on the Square Terminal with this code") }
	return map[string]func(screen, log string) bool{
		demo.ReqSQShowCode: func(s, l string) bool {
			return shown(s) && strings.Contains(flat(s), "Sign in with device code") && strings.Contains(l, "POST /square/v2/devices/codes")
		},
		demo.ReqSQCountdown: func(s, _ string) bool { return shown(s) && strings.Contains(s, "expires in") },
		demo.ReqSQSignIn: func(s, l string) bool {
			return strings.Contains(s, "Paired") && strings.Contains(l, "GET /square/v2/devices/codes/")
		},
		demo.ReqSQPaired: func(s, _ string) bool {
			return strings.Contains(s, "Device ID") && strings.Contains(s, "Terminal name") && strings.Contains(s, "Location")
		},
		demo.ReqSQExpiry: func(s, _ string) bool {
			return strings.Contains(s, "Code expired") && strings.Contains(s, "for a new one")
		},
		demo.ReqSQNewCode: func(s, l string) bool {
			return shown(s) && strings.Contains(s, "expires in 5:00") && strings.Contains(l, "POST /square/v2/devices/codes")
		},
		demo.ReqSQCancel:     func(s, _ string) bool { return strings.Contains(s, "Pairing cancelled") },
		demo.ReqSQWrongToken: func(s, l string) bool { return strings.Contains(s, "access token") && strings.Contains(l, "401") },
	}
}
