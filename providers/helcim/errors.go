package helcim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Error codes tillpair puts in providers.Error.Code. Helcim sends no codes
// of its own, only text, so these name the HTTP outcome and let the UI tell
// a missing or wrong token (401) from one that lacks permission (403).
const (
	CodeUnauthorized    = "unauthorized"
	CodeForbidden       = "forbidden"
	CodeDeviceNotFound  = "device_not_found"
	CodeNotListening    = "device_not_listening"
	CodeRateLimited     = "rate_limited"
	CodeInvalidRequest  = "invalid_request"
	CodeUnexpectedReply = "unexpected_response"
)

// Rate-limit response headers [DOC S27].
const (
	HeaderMinuteRemaining = "minute-limit-remaining"
	HeaderHourRemaining   = "hour-limit-remaining"
)

// DecodeErrors turns a Helcim error body into one line of text. The errors
// member comes in three forms [DOC S29, S26]: a string, an array of
// strings (joined with "; "), or a field→message map (sorted,
// "field: message; …"). A body without it falls back to a top-level
// message, then to the body's own text if it is not JSON, then to the
// status text. The result is safe to print: control characters are
// blanked and the length is capped.
func DecodeErrors(status int, body []byte) string {
	var env struct {
		Errors  json.RawMessage `json:"errors"`
		Message json.RawMessage `json:"message"`
	}
	var msg string
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
	case json.Unmarshal(trimmed, &env) == nil:
		msg = clean(errorsText(env.Errors))
		if msg == "" {
			msg = clean(scalar(env.Message))
		}
	case json.Valid(trimmed):
		// Valid JSON but not an object (an array, a bare string): some
		// gateways answer that way; show it rather than guess.
		msg = clean(errorsText(trimmed))
	case !bytes.HasPrefix(trimmed, []byte("<")):
		// Plain text from a proxy or the platform is still the best clue;
		// an HTML error page is noise.
		msg = clean(string(trimmed))
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(status)
	}
	return msg
}

// maxDepth bounds how deep errorsText looks: the documented forms nest at
// most a list inside a map, and each level re-parses its part of the body,
// so a deeply nested hostile body must not cost more than a few passes.
const maxDepth = 2

// errorsText renders the errors member in any of its forms.
func errorsText(raw json.RawMessage) string { return errorsTextAt(raw, 0) }

func errorsTextAt(raw json.RawMessage, depth int) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth >= maxDepth && (raw[0] == '[' || raw[0] == '{') {
		return ""
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return ""
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			if s := strings.TrimSpace(errorsTextAt(it, depth+1)); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case '{':
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return ""
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			// A field's message may itself be a list of messages.
			v := strings.TrimSpace(errorsTextAt(fields[k], depth+1))
			switch {
			case v == "":
				parts = append(parts, k)
			case k == "":
				parts = append(parts, v)
			default:
				parts = append(parts, k+": "+v)
			}
		}
		return strings.Join(parts, "; ")
	default:
		return scalar(raw)
	}
}

// scalar is transport.JSONScalar that also shows booleans: a field→message
// map is free-form, and a bare true/false is still a clue to the field.
func scalar(raw json.RawMessage) string {
	if b := string(bytes.TrimSpace(raw)); b == "true" || b == "false" {
		return b
	}
	return transport.JSONScalar(raw)
}

// clean is transport.CleanText: one sanitiser for every client.
func clean(s string) string { return transport.CleanText(s) }

// httpError maps a non-success answer onto a *providers.Error whose Message
// says what happened and what to do, with Helcim's own words appended.
func httpError(op string, resp *transport.Response) *providers.Error {
	vendor := DecodeErrors(resp.Status, resp.Body)
	e := &providers.Error{Provider: providers.Helcim, Op: op, HTTPStatus: resp.Status}
	say := func(kind providers.Kind, code, msg string) {
		e.Kind, e.Code, e.Message = kind, code, withVendor(msg, vendor, resp.Status)
	}
	switch {
	case resp.Status == http.StatusBadRequest:
		if op == providers.OpPair {
			say(providers.KindInvalidCode, CodeInvalidRequest,
				"Helcim rejected the device code; enter the 4 letters or digits the terminal shows")
		} else {
			say(providers.KindProtocol, CodeInvalidRequest, "Helcim rejected the request")
		}
	case resp.Status == http.StatusUnauthorized:
		say(providers.KindCredentials, CodeUnauthorized,
			"the Helcim API token is missing or invalid; set a valid token with `tillpair setup helcim` or TILLPAIR_HELCIM_API_TOKEN")
	case resp.Status == http.StatusForbidden && strings.Contains(strings.ToLower(vendor), "permission"):
		say(providers.KindCredentials, CodeForbidden,
			"the Helcim API token lacks permission: give it General: Read and Settings: Read in Helcim's API Access Configuration, or use another token")
	case resp.Status == http.StatusForbidden:
		// Helcim answers 403 both for a token it does not accept and for one
		// without the permission [DOC S26, S29]; say both.
		say(providers.KindCredentials, CodeForbidden,
			"Helcim refused the API token: it is not valid or lacks permission (it needs General: Read and Settings: Read); check it with `tillpair setup helcim`")
	case resp.Status == http.StatusNotFound && op == providers.OpPair:
		say(providers.KindNotFound, CodeDeviceNotFound,
			"Device code not found on this Helcim account; check the code on the terminal (it must be a device of the account the API token belongs to)")
	case resp.Status == http.StatusNotFound:
		// The code was valid when it was paired, so the device has left the
		// account (removed, or re-registered with a new code): the pairing
		// no longer reaches anything.
		say(providers.KindNotPaired, CodeDeviceNotFound,
			"the device is no longer on this Helcim account; pair it again with the code the terminal shows")
	case resp.Status == http.StatusConflict:
		say(providers.KindNotListening, CodeNotListening,
			"the terminal is not listening: wake it, open the Helcim app, make sure it is signed in and in pairing mode, then try again")
		e.Retryable = true
	case resp.Status == http.StatusTooManyRequests:
		say(providers.KindRateLimited, CodeRateLimited, rateLimitText(resp.Header))
		e.Retryable = true
	case resp.Status >= 500:
		// Device lookup and ping are GETs with no side effect worth
		// guarding, so repeating them is safe.
		say(providers.KindServer, "", "Helcim had a server problem; try again shortly")
		e.Retryable = true
	default:
		say(providers.KindProtocol, CodeUnexpectedReply, fmt.Sprintf("Helcim answered with unexpected HTTP %d", resp.Status))
	}
	return e
}

// withVendor appends Helcim's text unless it only repeats the status.
func withVendor(msg, vendor string, code int) string {
	if vendor == "" || strings.EqualFold(vendor, http.StatusText(code)) {
		return msg
	}
	return msg + " (Helcim: " + vendor + ")"
}

// rateLimitText says how long to wait, from Retry-After when present, and
// what is left of the hourly allowance.
func rateLimitText(h http.Header) string {
	get := func(k string) string { return clean(h.Get(k)) }
	wait := "about a minute"
	if s := get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			switch {
			case n <= 1:
				wait = "a second"
			case n < 90:
				wait = fmt.Sprintf("about %d seconds", n)
			default:
				wait = fmt.Sprintf("about %d minutes", (n+59)/60)
			}
		}
	}
	// Plain clauses, no brackets: withVendor appends Helcim's text in
	// parentheses, and callers may quote the whole message in their own.
	msg := "too many requests to Helcim, which allows 5 at once and 100 a minute per account"
	// The remaining counts are numbers [DOC S27]; one of another shape
	// only decorated the message, so it is left out rather than shown.
	var left []string
	for _, k := range []string{HeaderMinuteRemaining, HeaderHourRemaining} {
		if v := get(k); v != "" && transport.CheckShape(v, transport.Shape{Field: k, Digits: true, Min: 1, Max: 9}) == nil {
			left = append(left, k+" "+v)
		}
	}
	if len(left) > 0 {
		msg += "; " + strings.Join(left, ", ")
	}
	msg += "; try again in " + wait
	return msg
}
