package sci

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Vendor error codes [DOC S3, S5; OBS T1, T2].
const (
	codeInvalidRequest         = "invalid_request"
	codeAPIKeyInvalid          = "api_key_invalid"
	codeAPIKeyMissing          = "api_key_missing"
	codeRouteForbidden         = "pairing_route_forbidden"
	codeTestKeyForLive         = "test_api_key_forbidden_for_live_pairing"
	codePairingNotFound        = "pairing_not_found"
	codePairingNotInitial      = "pairing_not_initial"
	codeNoActivePairings       = "no_active_pairings_found"
	codeNoValidSignaturesFound = "no_valid_signatures_found"
)

const maxText = transport.MaxVendorText

// decodeError extracts the vendor code and message from an error body. The
// shape is undocumented; observed clients read {"error":{"code","message"}}
// and fall back to top-level code/message, so this tries them in that
// order. Without either, the message is the HTTP status text.
func decodeError(status int, body []byte) (code, message string) {
	var env struct {
		Error   json.RawMessage `json:"error"`
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &env) == nil {
		var nested struct {
			Code    json.RawMessage `json:"code"`
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(env.Error, &nested) == nil {
			code, message = scalar(nested.Code), scalar(nested.Message)
		} else if s := scalar(env.Error); s != "" {
			message = s // {"error":"text"}
		}
		if code == "" && message == "" {
			code, message = scalar(env.Code), scalar(env.Message)
		}
	}
	code, message = clean(code), clean(message)
	if message == "" {
		message = http.StatusText(status)
	}
	return code, message
}

// scalar is transport.JSONScalar.
func scalar(raw json.RawMessage) string { return transport.JSONScalar(raw) }

// clean is transport.CleanText: one sanitiser for every client.
func clean(s string) string { return transport.CleanText(s) }

// httpError maps a non-2xx answer onto a *providers.Error. Known vendor
// codes decide the Kind regardless of status (the codes are specific, the
// statuses only observed); 429 and 5xx are decided by status.
func httpError(op string, status int, body []byte) *providers.Error {
	code, message := decodeError(status, body)
	e := &providers.Error{Provider: providers.SCI, Op: op, HTTPStatus: status, Code: code, Message: message}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind, e.Retryable = providers.KindRateLimited, true
		return e
	case status >= 500:
		// progress-pairing is not idempotent: after a 5xx the code may or
		// may not have been consumed, and repeating it would then fail as
		// pairing_not_initial. Only the management calls are safe to repeat
		// (a repeated unpair answers no_active_pairings_found = success).
		e.Kind, e.Retryable = providers.KindServer, op != providers.OpPair
		return e
	}
	switch strings.ToLower(code) {
	case codeInvalidRequest:
		e.Kind = providers.KindInvalidCode
	case codeAPIKeyInvalid, codeAPIKeyMissing:
		e.Kind = providers.KindCredentials
	case codeRouteForbidden, codeTestKeyForLive:
		e.Kind = providers.KindWrongEnvironment
	case codePairingNotFound:
		e.Kind = providers.KindNotFound
	case codePairingNotInitial:
		e.Kind = providers.KindCodeUsed
	case codeNoActivePairings:
		e.Kind = providers.KindNotPaired
	case codeNoValidSignaturesFound:
		e.Kind = providers.KindSignature
	default:
		e.Kind, e.Retryable = statusKind(op, status)
	}
	return e
}

// statusKind is the fallback for codes tillpair does not know.
func statusKind(op string, status int) (providers.Kind, bool) {
	pair := op == providers.OpPair
	switch status {
	case http.StatusBadRequest:
		if pair {
			return providers.KindInvalidCode, false // the only input is the code
		}
		return providers.KindProtocol, false
	case http.StatusUnauthorized:
		if pair {
			return providers.KindCredentials, false // ApiKey auth
		}
		return providers.KindSignature, false // signed requests
	case http.StatusForbidden:
		return providers.KindCredentials, false
	case http.StatusNotFound:
		return providers.KindNotFound, false
	case http.StatusRequestTimeout:
		return providers.KindTimeout, true
	case http.StatusUnprocessableEntity:
		if pair {
			return providers.KindCodeUsed, false
		}
		return providers.KindProtocol, false
	default:
		return providers.KindProtocol, false
	}
}
