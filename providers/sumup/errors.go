package sumup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Error codes tillpair puts in providers.Error.Code. SumUp's problem types
// name only the HTTP outcome (…/problem/not-found), and one 404 means three
// different things here, so these name what happened; the vendor's own
// type is kept in the *Problem the error wraps.
const (
	CodeUnauthorized     = "unauthorized"       // 401, or no key configured
	CodeForbidden        = "forbidden"          // 403: the key lacks reader scope
	CodeMerchantNotFound = "merchant_not_found" // the merchant code is not the key's
	CodeNoPendingReader  = "no_pending_reader"  // 404 on create: no Solo waits with that code
	CodeReaderNotPending = "reader_not_pending" // 409 on create: its reader is processing or paired
	CodeReaderNotFound   = "reader_not_found"   // 404 on a stored reader: deleted elsewhere
	CodeReaderExpired    = "reader_expired"     // the reader is expired or unknown: pair again
	CodeInvalidRequest   = "invalid_request"    // 400
	CodeRateLimited      = "rate_limited"       // 429
	CodeUnexpected       = "unexpected_response"
)

// Problem is a SumUp error body, in either shape: an RFC 9457 problem
// (type, title, detail; live bodies add fields[] and trace_id) or the
// legacy {"errors":{"detail","type"}} of the status route [DOC S40, OBS
// T40]. Every member is cleaned and bounded. A *providers.Error from this
// package wraps it (errors.As finds it), so a front-end can show the trace
// id a user quotes to SumUp support.
type Problem struct {
	Type   string // problem type URI, or the legacy type (INVALID_BEARER_TOKEN)
	Title  string
	Detail string
	// Fields are the validation failures' messages (fields[].message; the
	// name is a JSON pointer of no use to a merchant [reference §5.10]).
	Fields  []string
	TraceID string // "" when absent or not shaped like a trace id
	Legacy  bool   // the {"errors":{…}} shape
}

func (p *Problem) Error() string {
	s := p.Text()
	if p.TraceID != "" {
		s += " (trace ID " + p.TraceID + ")"
	}
	return s
}

// Text is what SumUp said, for a user: detail, then the fields' messages
// (or the legacy type).
func (p *Problem) Text() string {
	parts := make([]string, 0, 1+len(p.Fields))
	if p.Detail != "" {
		parts = append(parts, p.Detail)
	} else if p.Title != "" {
		parts = append(parts, p.Title)
	}
	parts = append(parts, p.Fields...)
	s := strings.Join(parts, ": ")
	if p.Legacy && p.Type != "" {
		// The legacy type is the only thing that tells one 400 from
		// another (INVALID_USER_AGENT, DUPLICATE_HEADERS).
		if s != "" {
			s += ", "
		}
		s += "type " + p.Type
	}
	return s
}

// Bounds on what a problem body may contribute.
const (
	maxFields  = 5
	maxTraceID = 64
)

// decodeProblem reads an error body. Rule [reference §5.6]: an object with
// type or title is a problem; else errors.detail (the legacy shape); else
// nil, and the caller words the HTTP status alone.
func decodeProblem(body []byte) *Problem {
	var env struct {
		Type    json.RawMessage `json:"type"`
		Title   json.RawMessage `json:"title"`
		Detail  json.RawMessage `json:"detail"`
		Fields  json.RawMessage `json:"fields"`
		TraceID json.RawMessage `json:"trace_id"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &env) != nil {
		return nil
	}
	p := &Problem{
		Type:    clean(scalar(env.Type)),
		Title:   clean(scalar(env.Title)),
		Detail:  clean(scalar(env.Detail)),
		TraceID: traceID(scalar(env.TraceID)),
	}
	if p.Type != "" || p.Title != "" {
		p.Fields = fieldMessages(env.Fields)
		return p
	}
	var legacy struct {
		Detail  json.RawMessage `json:"detail"`
		Message json.RawMessage `json:"message"`
		Type    json.RawMessage `json:"type"`
	}
	if json.Unmarshal(env.Errors, &legacy) != nil {
		return nil
	}
	p = &Problem{Legacy: true, Detail: clean(scalar(legacy.Detail)), Type: clean(scalar(legacy.Type)), TraceID: p.TraceID}
	if p.Detail == "" {
		p.Detail = clean(scalar(legacy.Message))
	}
	if p.Detail == "" && p.Type == "" {
		return nil
	}
	return p
}

// fieldMessages reads fields[].message, at most maxFields of them.
func fieldMessages(raw json.RawMessage) []string {
	var items []struct {
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if m := clean(scalar(it.Message)); m != "" {
			out = append(out, m)
			if len(out) == maxFields {
				break
			}
		}
	}
	return out
}

// traceID keeps a trace id that looks like one (SumUp's are 32 lower-case
// hex [OBS T40]; any visible ASCII without spaces, bounded, is accepted):
// the user reads it out to support, so anything else is noise.
func traceID(s string) string {
	s = strings.TrimSpace(s)
	if !shaped(s, maxTraceID, func(ch byte) bool { return alnum(ch) || strings.IndexByte("-_.:", ch) >= 0 }) {
		return ""
	}
	return s
}

// scalar is transport.JSONScalar; clean is transport.CleanText: one
// sanitiser for every client.
func scalar(raw json.RawMessage) string { return transport.JSONScalar(raw) }
func clean(s string) string             { return transport.CleanText(s) }

// Legacy error types the status route may answer [DOC S40].
const (
	legacyInvalidBearer = "INVALID_BEARER_TOKEN"
	legacyInvalidAccess = "INVALID_ACCESS_TOKEN"
	legacyInvalidPass   = "INVALID_PASSWORD"
)

// httpError maps a non-success answer onto a *providers.Error whose Message
// says what happened and what to do, SumUp's own words and its trace id
// appended. Callers that know more (a 404 on a stored reader) adjust Kind
// and Code. now dates a Retry-After given as an HTTP date.
func httpError(op string, resp *transport.Response, now time.Time) *providers.Error {
	prob := decodeProblem(resp.Body)
	e := &providers.Error{Provider: ID, Op: op, HTTPStatus: resp.Status}
	if prob != nil {
		e.Err = prob
	}
	say := func(kind providers.Kind, code, msg string) {
		e.Kind, e.Code, e.Message = kind, code, withVendor(msg, prob, resp.Status)
	}
	status := resp.Status
	legacyType := ""
	if prob != nil && prob.Legacy {
		legacyType = strings.ToUpper(prob.Type)
	}
	switch {
	case status == http.StatusUnauthorized,
		status == http.StatusBadRequest && legacyType == legacyInvalidBearer,
		legacyType == legacyInvalidAccess, legacyType == legacyInvalidPass:
		say(providers.KindCredentials, CodeUnauthorized,
			"the SumUp API key is missing, invalid, or lacks reader permission; set a valid key with "+setupHint+" or "+keyEnv)
	case status == http.StatusForbidden:
		// The reference cannot tell 401 from 403 for a key without reader
		// scope [§5.10]; a 403 at least says the key itself was accepted.
		say(providers.KindCredentials, CodeForbidden,
			"the SumUp API key may not "+verb(op)+" readers: it needs the readers.write (or terminals.write) permission; use another key with "+setupHint)
	case status == http.StatusBadRequest && op == providers.OpPair && prob != nil && len(prob.Fields) > 0:
		if fieldsAboutCode(resp.Body) {
			say(providers.KindInvalidCode, CodeInvalidRequest,
				"SumUp rejected the pairing code; enter the 8 or 9 letters and digits the Solo shows")
		} else {
			say(providers.KindInvalidInput, CodeInvalidRequest, "SumUp rejected the pairing request")
		}
	case status == http.StatusBadRequest && op == providers.OpPair:
		say(providers.KindInvalidCode, CodeInvalidRequest,
			"the pairing code must be the 8 or 9 letters and digits shown on the Solo")
	case status == http.StatusBadRequest:
		say(providers.KindProtocol, CodeInvalidRequest, "SumUp rejected the request")
	case status == http.StatusNotFound && op == providers.OpPair:
		say(providers.KindNotFound, CodeNoPendingReader,
			"no reader is waiting for that code; check the code, or press Connect on the Solo for a new one (codes last 5 minutes)")
	case status == http.StatusNotFound:
		say(providers.KindNotFound, CodeReaderNotFound, "the reader no longer exists in SumUp (deleted elsewhere)")
	case status == http.StatusConflict && op == providers.OpPair:
		say(providers.KindCodeUsed, CodeReaderNotPending,
			"that reader is already paired or pairing; unpair it first, or press Connect on the Solo for a new code")
	case status == http.StatusTooManyRequests:
		say(providers.KindRateLimited, CodeRateLimited, "SumUp is rate-limiting; try again in "+retryAfter(resp.Header, now))
		e.Retryable = true
	case status >= 500:
		// Create has no idempotency key [DOC S40]: after a 5xx the reader
		// may exist, and a repeat would meet 409. Reads and DELETE (404 =
		// done) are safe to repeat.
		say(providers.KindServer, "", "SumUp had a server problem; nothing was changed here, try again shortly")
		e.Retryable = op != providers.OpPair
	default:
		say(providers.KindProtocol, CodeUnexpected, fmt.Sprintf("SumUp answered with unexpected HTTP %d", status))
	}
	return e
}

// fieldsAboutCode reports whether every failed field of a 400 names
// /pairing_code: then the code is what the merchant must fix.
func fieldsAboutCode(body []byte) bool {
	var env struct {
		Fields []struct {
			Name json.RawMessage `json:"name"`
		} `json:"fields"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Fields) == 0 {
		return false
	}
	for _, f := range env.Fields {
		if scalar(f.Name) != "/pairing_code" {
			return false
		}
	}
	return true
}

func verb(op string) string {
	switch op {
	case providers.OpPair:
		return "pair"
	case providers.OpUnpair:
		return "delete"
	default:
		return "read"
	}
}

// withVendor appends SumUp's words, unless they only repeat the status,
// and the trace id a user quotes to SumUp support.
func withVendor(msg string, prob *Problem, status int) string {
	if prob == nil {
		return msg
	}
	if t := prob.Text(); t != "" && !strings.EqualFold(strings.TrimSuffix(t, "."), http.StatusText(status)) {
		msg += " (SumUp: " + t + ")"
	}
	if prob.TraceID != "" {
		msg += "; SumUp trace ID " + prob.TraceID
	}
	return msg
}

// maxRetryAfter bounds the wait a Retry-After may announce in a message.
const maxRetryAfter = 24 * time.Hour

// retryAfter words Retry-After (seconds or an HTTP date) as a wait; "a
// minute" when absent or unreadable.
func retryAfter(h http.Header, now time.Time) string {
	v := strings.TrimSpace(h.Get("Retry-After"))
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return "a minute"
	}
	switch {
	case d <= time.Second:
		return "a second"
	case d > maxRetryAfter:
		return "a day"
	case d < 90*time.Second:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	default:
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	}
}

// protocolError is an answer tillpair cannot use.
func protocolError(op string, status int, msg string, err error) *providers.Error {
	return &providers.Error{Provider: ID, Op: op, HTTPStatus: status, Kind: providers.KindProtocol, Code: CodeUnexpected,
		Message: msg, Err: err}
}
