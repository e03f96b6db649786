package linkly

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Error codes tillpair puts in providers.Error.Code: Linkly has no error
// schema (bodies are empty or plain text [reference §7.5]), so these name
// what happened.
const (
	CodePairingRefused   = "pairing_refused"   // pair 400/401: username, password or code wrong, or the code expired
	CodeNoSecret         = "no_secret"         // pair 200 without a usable secret
	CodePairingLost      = "pairing_lost"      // token 401: the secret was revoked (PIN pad re-paired or unpaired)
	CodeIdentityRejected = "identity_rejected" // token 400: posId / posVendorId / posName / posVersion refused
	CodeNoPosID          = "no_pos_id"         // no register posId configured
	CodePinPadBusy       = "pinpad_busy"       // status responseCode BY
	CodeNoAnswer         = "pinpad_not_responding"
	CodeStatusFailed     = "status_failed" // status success false
	CodeRateLimited      = "rate_limited"
	CodeUnexpected       = "unexpected_response"
)

// Messages for the user [reference §7.11].
const (
	msgPairRefused = "Pairing failed: check username, password and pair code. Codes expire after about 3 minutes — generate a new one on the PIN pad."
	msgNoSecret    = "Linkly returned no pairing secret — try again with a new pair code"
	msgLost        = "This register's pairing is no longer valid (the PIN pad was re-paired or unpaired). Pair the PIN pad again."
	msgIdentity    = "Linkly rejected this register's identity (POS id / vendor id); this is a tillpair configuration problem"
	msgNoAnswer    = "PIN pad not responding (offline or asleep); the pairing is kept"
	msgBusy        = "PIN pad busy with another request; try again in a moment"
)

// Reply is what Linkly answered to a failed request: the status and its
// body, cleaned (transport.CleanText: no control characters, at most 200
// characters). A *providers.Error from this package wraps it (errors.As
// finds it), and the wording shows Body only as a detail line.
type Reply struct {
	Status int
	Body   string
}

func (r *Reply) Error() string {
	if r.Body == "" {
		return fmt.Sprintf("HTTP %d with no body", r.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", r.Status, r.Body)
}

// clean is cloud text made safe to print and bounded.
func clean(s string) string { return transport.CleanText(s) }

// The calls whose errors httpError words.
const (
	callPair   = "pairing"
	callToken  = "token"
	callStatus = "status"
	callResult = "result"
)

// httpError words a non-2xx answer of call: by status alone, as Linkly
// sends no error schema; the body is kept only as Reply.Body.
func httpError(op, call string, resp *transport.Response) *providers.Error {
	r := &Reply{Status: resp.Status, Body: clean(string(resp.Body))}
	e := &providers.Error{Provider: ID, Op: op, HTTPStatus: resp.Status, Err: r, Kind: providers.KindProtocol, Code: CodeUnexpected,
		Message: fmt.Sprintf("Linkly answered the %s request with HTTP %d", call, resp.Status)}
	switch {
	case call == callPair && (resp.Status == http.StatusBadRequest || resp.Status == http.StatusUnauthorized):
		e.Kind, e.Code, e.Message = providers.KindInvalidCode, CodePairingRefused, msgPairRefused
	case call == callToken && resp.Status == http.StatusUnauthorized:
		e.Kind, e.Code, e.Message = providers.KindNotPaired, CodePairingLost, msgLost
	case call == callToken && resp.Status == http.StatusBadRequest:
		e.Kind, e.Code, e.Message = providers.KindConfig, CodeIdentityRejected, msgIdentity
	case resp.Status == http.StatusUnauthorized:
		// The POS API refused a token just bought: its secret was revoked
		// meanwhile, or the token was; the caller retries once first.
		e.Kind, e.Code, e.Message = providers.KindNotPaired, CodePairingLost, msgLost
	case resp.Status == http.StatusTooManyRequests:
		e.Kind, e.Code, e.Retryable = providers.KindRateLimited, CodeRateLimited, true
		e.Message = "Linkly is rate-limiting; wait a moment and try again"
	case resp.Status >= 500:
		e.Kind = providers.KindServer
		// A pair code is single-use and short-lived: never repeat a
		// pairing by itself [reference §7.8].
		e.Retryable = call != callPair
		e.Message = fmt.Sprintf("Linkly had a server problem answering the %s request (HTTP %d); nothing was changed", call, resp.Status)
	}
	return e
}

func protocolError(op string, status int, msg string, err error) *providers.Error {
	return &providers.Error{Provider: ID, Op: op, HTTPStatus: status, Kind: providers.KindProtocol, Code: CodeUnexpected, Message: msg, Err: err}
}

// ReplyOf finds the cloud's answer behind e, or nil.
func ReplyOf(err error) *Reply {
	var r *Reply
	if errors.As(err, &r) {
		return r
	}
	return nil
}

func newUUID() string { return uuid.NewString() }

// isUUIDv4 reports a version 4 UUID in the hyphenated form Linkly wants.
func isUUIDv4(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && len(s) == 36 && u.Version() == 4 && u.Variant() == uuid.RFC4122 && !strings.ContainsAny(s, "{}:")
}
