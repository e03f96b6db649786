package linkly

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// One message per call and status, with or without a body; the body,
// cleaned and bounded, is only in the Reply.
func TestHTTPErrorByStatusAlone(t *testing.T) {
	long := strings.Repeat("x", 500)
	for _, tc := range []struct {
		call   string
		status int
		kind   providers.Kind
		code   string
	}{
		{callPair, 400, providers.KindInvalidCode, CodePairingRefused},
		{callPair, 401, providers.KindInvalidCode, CodePairingRefused},
		{callToken, 401, providers.KindNotPaired, CodePairingLost},
		{callToken, 400, providers.KindConfig, CodeIdentityRejected},
		{callStatus, 401, providers.KindNotPaired, CodePairingLost},
		{callResult, 404, providers.KindProtocol, CodeUnexpected},
		{callToken, 429, providers.KindRateLimited, CodeRateLimited},
		{callPair, 503, providers.KindServer, CodeUnexpected},
		{callToken, 500, providers.KindServer, CodeUnexpected},
	} {
		var msgs []string
		for _, body := range []string{"", "Unauthorised", "\x1b[2J\u202eError\n", long} {
			e := httpError(providers.OpPair, tc.call, &transport.Response{Status: tc.status, Body: []byte(body)})
			if e.Kind != tc.kind || e.Code != tc.code || e.HTTPStatus != tc.status {
				t.Errorf("%s %d %q: %+v", tc.call, tc.status, body, e)
			}
			if tc.status >= 500 && e.Retryable == (tc.call == callPair) {
				t.Errorf("%s %d: retryable %v", tc.call, tc.status, e.Retryable)
			}
			r := ReplyOf(e)
			if r == nil || r.Status != tc.status || strings.ContainsAny(r.Body, "\x1b\n\u202e") || len([]rune(r.Body)) > transport.MaxVendorText+1 {
				t.Errorf("%s %d %q: reply %+v", tc.call, tc.status, body, r)
			}
			if body != "" && strings.Contains(e.Message, strings.TrimSpace(body)) {
				t.Errorf("%s %d: the body reached the message %q", tc.call, tc.status, e.Message)
			}
			msgs = append(msgs, e.Message)
		}
		for _, m := range msgs {
			if m != msgs[0] {
				t.Errorf("%s %d: messages differ with the body: %q", tc.call, tc.status, msgs)
			}
		}
	}
	if got := (&Reply{Status: http.StatusUnauthorized}).Error(); got != "HTTP 401 with no body" {
		t.Errorf("Reply.Error = %q", got)
	}
}

func TestRefreshAt(t *testing.T) {
	for d, want := range map[int]int{1800: 1500, 600: 300, 301: 1, 300: 150, 60: 30, 2: 1} {
		got := refreshAt(transportEpoch, secs(d)).Sub(transportEpoch)
		if got != secs(want) {
			t.Errorf("refreshAt(%d s) = %s, want %d s", d, got, want)
		}
	}
}

var transportEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func secs(n int) time.Duration { return time.Duration(n) * time.Second }
