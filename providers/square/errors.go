package square

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Codes in providers.Error.Code. A failed request carries Square's own
// code (upper case, from the envelope, or the one Square uses for the
// HTTP status when the body has none); the lower-case ones are tillpair's,
// for outcomes that are not an HTTP error.
const (
	CodeUnauthorized     = "UNAUTHORIZED"
	CodeForbidden        = "FORBIDDEN"
	CodeScopes           = "INSUFFICIENT_SCOPES"
	CodeNotFound         = "NOT_FOUND"
	CodeRateLimited      = "RATE_LIMITED"
	CodeIdempotencyReuse = "IDEMPOTENCY_KEY_REUSED"
	CodeBadRequest       = "BAD_REQUEST"
	CodeVersion          = "INVALID_SQUARE_VERSION_FORMAT"
	CodeServer           = "INTERNAL_SERVER_ERROR"

	CodeExpired       = "code_expired"       // EXPIRED, or UNPAIRED past pair_by
	CodeStateUnknown  = "code_state_unknown" // status UNKNOWN: Square cannot tell
	CodeSignedInOther = "signed_in_other"    // the Terminal signed in with another code since
	CodeBadLocation   = "bad_location"       // the location id setting is malformed or refused
	CodeUnexpected    = "unexpected_response"
)

// Square's credential codes [DOC S50 ErrorCode; reference §6.6].
var (
	tokenCodes = map[string]bool{"UNAUTHORIZED": true, "ACCESS_TOKEN_EXPIRED": true, "ACCESS_TOKEN_REVOKED": true, "CLIENT_DISABLED": true}
	scopeCodes = map[string]bool{"FORBIDDEN": true, "INSUFFICIENT_SCOPES": true, "APPLICATION_DISABLED": true}
)

// httpError maps a non-success answer onto a *providers.Error. It branches
// on the first error's code, as Square advises, then on the status; the
// envelope is wrapped (Errors) and appended to Message for support.
// Callers that know more (a 404 on a stored code) adjust Kind and Message.
func httpError(op string, resp *transport.Response) *providers.Error {
	errs := decodeErrors(resp.Body)
	e := &providers.Error{Provider: ID, Op: op, HTTPStatus: resp.Status}
	var first APIError
	if len(errs) > 0 {
		e.Err, first = errs, errs[0]
	}
	status := resp.Status
	say := func(kind providers.Kind, code, msg string) {
		e.Kind, e.Code, e.Message = kind, cmp.Or(first.Code, code), withVendor(msg, errs)
	}
	switch {
	case tokenCodes[first.Code] || first.Code == "" && status == http.StatusUnauthorized:
		say(providers.KindCredentials, CodeUnauthorized,
			"the Square access token is invalid, expired, revoked or for the other environment (sandbox vs production); set a valid one with "+setupHint+" or "+tokenEnv)
	case scopeCodes[first.Code] || first.Code == "" && status == http.StatusForbidden:
		say(providers.KindCredentials, CodeForbidden,
			"the Square access token lacks the "+scopeFor(op)+" permission; use a token that has it ("+setupHint+")")
	case first.Code == CodeIdempotencyReuse:
		// Keys are derived from the request body, so this is a bug or a
		// clash; a fresh key is the cure, which Pair tries once itself.
		say(providers.KindProtocol, CodeIdempotencyReuse, "Square refused a repeated request key; please try again")
		e.Retryable = true
	case first.Code == CodeVersion:
		say(providers.KindProtocol, CodeVersion, "Square refused tillpair's Square-Version "+SquareVersion)
	case first.Code == CodeRateLimited || first.Code == "" && status == http.StatusTooManyRequests:
		say(providers.KindRateLimited, CodeRateLimited, "Square is rate-limiting; try again in "+retryAfter(resp.Header))
		e.Retryable = true
	case op == providers.OpPair && (first.Code == CodeNotFound || first.Code == "" && status == http.StatusNotFound):
		// Create names nothing that could be unknown: the route itself
		// is, so the base URL is wrong.
		say(providers.KindConfig, CodeNotFound, "Square has no device code route at this address; check "+baseURLLabel)
	case first.Code == CodeNotFound || first.Code == "" && status == http.StatusNotFound:
		say(providers.KindNotFound, CodeNotFound, "Square does not know it (another account or environment?)")
	case status >= 500 || first.Category == "API_ERROR":
		// Create is idempotent (the same key replays the same code), so
		// every request is safe to repeat.
		say(providers.KindServer, CodeServer, "Square had a server problem; try again shortly")
		e.Retryable = true
	case op == providers.OpPair && strings.HasPrefix(first.Field, "device_code.location_id"):
		say(providers.KindConfig, CodeBadLocation,
			"Square refused the location id "+locationEnv+"; check it with "+setupHint+" (Square Dashboard > Locations)")
	case op == providers.OpPair && strings.HasPrefix(first.Field, "device_code.name"):
		say(providers.KindInvalidInput, cmp.Or(first.Code, CodeBadRequest), "Square refused the terminal nickname; shorten it (at most 128 characters)")
	case status >= 400 && status < 500:
		what := "Square rejected the request"
		if first.Code != "" {
			what += ": " + first.Code
			if first.Field != "" {
				what += " (" + first.Field + ")"
			}
		}
		say(providers.KindProtocol, CodeBadRequest, what)
	default:
		say(providers.KindProtocol, CodeUnexpected, fmt.Sprintf("Square answered with unexpected HTTP %d", status))
	}
	return e
}

func scopeFor(op string) string {
	if op == providers.OpPair {
		return "DEVICE_CREDENTIAL_MANAGEMENT"
	}
	return "DEVICE_CREDENTIAL_MANAGEMENT or DEVICES_READ"
}

// withVendor appends Square's words for support: the first error's code,
// field and detail.
func withVendor(msg string, errs Errors) string {
	if len(errs) == 0 {
		return msg
	}
	return msg + " (Square: " + errs[0].text() + ")"
}

// retryAfter words Retry-After in seconds (Square's form) as a wait; "a
// few seconds" when absent or not a small number.
func retryAfter(h http.Header) string {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	switch {
	case err != nil || n < 0 || n > 3600:
		return "a few seconds"
	case n <= 1:
		return "a second"
	case n < 120:
		return strconv.Itoa(n) + " s"
	}
	return strconv.Itoa((n+59)/60) + " minutes"
}

// protocolError is an answer tillpair cannot use.
func protocolError(op string, status int, msg string) *providers.Error {
	return &providers.Error{Provider: ID, Op: op, HTTPStatus: status, Kind: providers.KindProtocol, Code: CodeUnexpected, Message: msg}
}

// expiredError: the code ran out before the operator signed in with it.
func expiredError(op string, d DeviceCode) *providers.Error {
	return &providers.Error{Provider: ID, Op: op, Kind: providers.KindCodeUsed, Code: CodeExpired,
		Message: "device code " + d.Code + " expired before a Square Terminal signed in with it (codes last 5 minutes); create a new code"}
}
