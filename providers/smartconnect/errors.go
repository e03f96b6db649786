package smartconnect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

const maxText = transport.MaxVendorText

// decodeError returns the human text of an error answer. SmartConnect
// answers {"error":"<message>"} [OBS T10, T11]; a nested
// {"error":{"message"}} or a top-level "message" is read too, because
// proxies and gateways in front of it answer differently. A body that is
// not such JSON is shown as text; an empty one as the status text.
func decodeError(status int, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return statusText(status)
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(trimmed, &env) == nil {
		if msg := clean(field(env, "error")); msg != "" {
			return msg
		}
		var nested map[string]json.RawMessage
		if raw, ok := lookup(env, "error"); ok && json.Unmarshal(raw, &nested) == nil {
			if msg := clean(field(nested, "message")); msg != "" {
				return msg
			}
		}
		if msg := clean(field(env, "message")); msg != "" {
			return msg
		}
	}
	if msg := clean(string(trimmed)); msg != "" {
		return msg
	}
	return statusText(status)
}

// lookup finds a key case-insensitively, as encoding/json would.
func lookup(m map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// field returns a string value of key, or "".
func field(m map[string]json.RawMessage, key string) string {
	raw, ok := lookup(m, key)
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return fmt.Sprintf("HTTP status %d", status)
}

// clean is transport.CleanText: one sanitiser for every client.
func clean(s string) string { return transport.CleanText(s) }

// httpError maps a non-2xx answer onto a *providers.Error. The vendor's
// messages are more specific than its statuses (almost everything is a
// 400), so the message decides where it is recognised; 429 and 5xx are
// decided by status. The vendor's text is kept in Message.
func httpError(op string, status int, body []byte) *providers.Error {
	msg := decodeError(status, body)
	e := &providers.Error{Provider: providers.SmartConnect, Op: op, HTTPStatus: status, Message: msg}
	e.Kind, e.Retryable = classify(op, status, strings.ToLower(msg))
	if e.Kind == providers.KindTimeout {
		e.Message = msg + " (the polling token lasts about 15 minutes; run the test again)"
	}
	return e
}

func classify(op string, status int, msg string) (providers.Kind, bool) {
	has := func(subs ...string) bool {
		for _, s := range subs {
			if !strings.Contains(msg, s) {
				return false
			}
		}
		return true
	}
	switch {
	case status == http.StatusTooManyRequests:
		return providers.KindRateLimited, true
	case status >= 500:
		// Re-pairing the same register is harmless [OBS T10], and
		// GetStatus changes nothing, so every call may be repeated.
		return providers.KindServer, true
	case has("token expired"):
		return providers.KindTimeout, true
	case has("not paired"):
		return providers.KindNotPaired, false
	case has("expired"), has("already", "used"), has("already", "paired"):
		return providers.KindCodeUsed, false
	case has("code", "invalid"), has("code", "not found"), has("code", "unknown"):
		return providers.KindInvalidCode, false
	case has("is required"), has("must be"), has("missing"):
		// The request itself was refused: tillpair's register identity
		// or request is wrong, not the merchant's code.
		return providers.KindConfig, false
	case has("offline"):
		return providers.KindNotListening, true
	case op == providers.OpPair && status == http.StatusBadRequest:
		return providers.KindInvalidCode, false // "Error while pairing" [DOC S10]
	case op == providers.OpPair && status == http.StatusNotFound:
		return providers.KindNotFound, false
	default:
		return providers.KindProtocol, false
	}
}
