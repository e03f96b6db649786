package sumup

import (
	"bufio"
	"net"
	"net/http"
	"strings"
)

// problemBase prefixes every problem type [DOC S40].
const problemBase = "https://developer.sumup.com/problem/"

// problem is an RFC 9457 problem as SumUp sends it. The members are in
// alphabetical order, as in the one live body on record [OBS T40];
// trace_id is on every problem (32 lower-case hex), fields only on a
// validation failure.
type problem struct {
	Detail  string  `json:"detail"`
	Fields  []field `json:"fields,omitempty"`
	Status  int     `json:"status"`
	Title   string  `json:"title"`
	TraceID string  `json:"trace_id"`
	Type    string  `json:"type"`
}

// field is one validation failure: name is the JSON pointer of the value
// ("" for the body itself, as in "missing property 'name'" [OBS T40]).
type field struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// legacyErrors is the older {"errors":{…}} shape the status route also
// lists for 400, 401 and 404 [DOC S40 BadRequest, Unauthorized, NotFound].
type legacyErrors struct {
	Errors legacyError `json:"errors"`
}

type legacyError struct {
	Detail string `json:"detail"`
	Type   string `json:"type,omitempty"`
}

// Problem titles and details by status: the spec's examples [DOC S40].
// The status route's own examples differ for 400 and 401.
var (
	problemTitle = map[int]string{
		400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
		404: "Requested resource couldn't be found.", 409: "Conflict", 429: "Too Many Requests",
	}
	problemDetail = map[int]string{
		400: "Request validation failed.",
		401: "Authentication credentials are missing or invalid.",
		403: "You do not have permission to perform this action.",
		404: "The requested resource doesn't exist or does not belong to you.",
		409: "The request conflicts with the current state of the resource.",
		429: "Too many requests were sent. Please try again later.",
	}
	statusRouteDetail = map[int]string{400: "Bad Request", 401: "Unauthorized"}
	legacyDetail      = map[int]string{400: "Bad request", 401: "Unauthorized", 404: "Not Found"}
)

// validationDetail is the live body's detail when fields say what failed
// [OBS T40] (lower case, no full stop, unlike the spec's example).
const validationDetail = "request validation failed"

// Legacy error types [DOC S40].
const (
	legacyBadBearer     = "INVALID_BEARER_TOKEN"
	legacyNoUserAgent   = "INVALID_USER_AGENT"
	legacyDuplicate     = "DUPLICATE_HEADERS"
	legacyInvalidAccess = "INVALID_ACCESS_TOKEN"
)

// retryAfter is what a 429 carries [reference §5.11].
const retryAfter = "2"

// rejection is a refused request, in both shapes: the problem, and what
// the status route answers instead when legacy errors are on.
type rejection struct {
	status int
	detail string // "" → the status's (or status route's) example detail
	fields []field
	// legacyStatus (0: status) and legacyType for the legacy shape.
	legacyStatus int
	legacyType   string
}

// reply is an answer, made with the lock held and written after it.
type reply struct {
	status      int
	contentType string // "" with no body
	body        []byte
	retryAfter  bool
}

func (rp reply) write(w http.ResponseWriter) {
	if rp.retryAfter {
		w.Header().Set("Retry-After", retryAfter)
	}
	if rp.contentType != "" {
		w.Header().Set("Content-Type", rp.contentType)
	}
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

func ok(status int, v any) reply {
	return reply{status: status, contentType: "application/json", body: marshal(v)}
}

// rejectLocked turns a rejection into its answer on route: the legacy
// shape on the status route when that switch is on and the status has
// one, else a problem with a fresh trace id. The lock is held.
func (c *Cloud) rejectLocked(route string, rej rejection) reply {
	if route == RouteStatus && c.legacyStatus {
		st := rej.status
		if rej.legacyStatus != 0 {
			st = rej.legacyStatus
		}
		if d, ok := legacyDetail[st]; ok {
			return reply{status: st, contentType: "application/json",
				body: marshal(legacyErrors{legacyError{Detail: d, Type: rej.legacyType}})}
		}
	}
	p := problem{Status: rej.status, Detail: rej.detail, Fields: rej.fields, TraceID: c.traces.Hex(16)}
	p.Title, p.Type = problemTitle[p.Status], problemType(p.Status)
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Detail == "" && route == RouteStatus {
		p.Detail = statusRouteDetail[p.Status]
	}
	if p.Detail == "" {
		p.Detail = problemDetail[p.Status]
	}
	if p.Detail == "" {
		p.Detail = http.StatusText(p.Status)
	}
	return reply{status: p.Status, contentType: "application/problem+json", body: marshal(p), retryAfter: p.Status == http.StatusTooManyRequests}
}

// problemType is the problem URI of a status: the spec's for the statuses
// it lists, else the status text in kebab case (e.g. …/internal-server-error).
func problemType(status int) string {
	slugs := map[int]string{400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 409: "conflict", 429: "too-many-requests"}
	if s, ok := slugs[status]; ok {
		return problemBase + s
	}
	s := strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
	if s == "" {
		s = "error"
	}
	return problemBase + strings.ReplaceAll(s, "'", "")
}

// WriteFault answers an injected status as a problem (429 with Retry-After:
// 2), or, on the status route with legacy errors on, 400/401/404 in the
// legacy shape. The spec's detail is used where it has one; the fault's
// message otherwise.
func (c *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	route := ""
	if rw, ok := w.(*routeWriter); ok {
		route = rw.route
	}
	rej := rejection{status: status}
	if _, ok := problemDetail[status]; !ok {
		rej.detail = msg
	}
	c.h.Lock()
	rp := c.rejectLocked(route, rej)
	c.h.Unlock()
	rp.write(w)
}

// routeWriter tells WriteFault which route it answers for (the status
// route's errors have their own shapes). It passes Hijack (a reset fault)
// and Flush through.
type routeWriter struct {
	http.ResponseWriter
	route string
}

func (rw *routeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := rw.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

func (rw *routeWriter) Flush() {
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (rw *routeWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

func onRoute(route string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(&routeWriter{ResponseWriter: w, route: route}, r)
	}
}
