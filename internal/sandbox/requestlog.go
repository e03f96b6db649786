package sandbox

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Entry is one request the sandbox served, already redacted: it is meant
// for evidence packs and demos, so no credential, signature or Part B ever
// reaches it.
type Entry struct {
	Time   time.Time // sandbox clock when the request arrived
	Method string
	// Target is the path and query; query values naming a token are
	// redacted.
	Target string
	// Status is the answer's status; 0 means the connection was dropped
	// with no answer (a reset fault).
	Status       int
	Header       http.Header // request headers, secrets redacted
	RequestBody  string      // redacted, at most logBodyCap bytes
	ResponseBody string      // redacted, at most logBodyCap bytes
}

// Redacted is what every secret value is replaced with.
const Redacted = "[REDACTED]"

// logBodyCap bounds how much of each body an entry keeps.
const logBodyCap = 64 << 10

// HeaderLines prints the headers in name order, one "Name: value" a line.
func (e Entry) HeaderLines() []string {
	names := make([]string, 0, len(e.Header))
	for k := range e.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range e.Header[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// logRequests wraps h so every request is reported to sink once answered.
// Reading the request body here is safe for the handlers: they get the
// same bytes back.
func (s *Sandbox) logRequests(h http.Handler, sink func(Entry)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := Entry{Time: s.clock.Now(), Method: r.Method}
		head, err := io.ReadAll(io.LimitReader(r.Body, logBodyCap))
		if err == nil {
			r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		}
		rec := &recorder{ResponseWriter: w}
		// The entry is reported before the client can see the answer: a
		// normal answer is sent after the handler returns, and a dropped
		// connection is reported just before it is closed. Otherwise a
		// client could act on a reset and send its next request before the
		// reset is logged, and logs of the same run would differ in order.
		rec.report = sync.OnceFunc(func() {
			e.Target = s.redact(redactQuery(r.URL.RequestURI()))
			e.Header = s.redactHeader(r.Header)
			e.RequestBody = s.redact(string(head))
			e.ResponseBody = s.redact(rec.body.String())
			e.Status = rec.status
			if e.Status == 0 && !rec.hijacked {
				e.Status = http.StatusOK // wrote nothing: net/http answers 200
			}
			sink(e)
		})
		defer rec.report()
		h.ServeHTTP(rec, r)
	})
}

type readCloser struct {
	io.Reader
	io.Closer
}

// recorder keeps the status and a capped copy of the body, and still lets
// a reset fault hijack the connection.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
	report   func() // reports the entry, once
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := logBodyCap - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	r.hijacked = true
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	return reportingConn{Conn: conn, report: r.report}, rw, nil
}

// reportingConn reports the request's entry before the hijacked connection
// closes, so the log has it before the client sees the connection drop.
type reportingConn struct {
	net.Conn
	report func()
}

func (c reportingConn) Close() error {
	c.report()
	return c.Conn.Close()
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// secretHeader names headers whose whole value is a secret or a signature.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "signature" || n == "cookie" || strings.Contains(n, "token") ||
		strings.Contains(n, "secret") || strings.Contains(n, "api-key") || strings.Contains(n, "apikey")
}

func (s *Sandbox) redactHeader(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			switch {
			case strings.EqualFold(k, "Authorization"):
				// Keep the scheme: which kind of credential was sent is
				// evidence. A value with no scheme before a space (a token
				// glued to "Bearer") is all credential.
				scheme, _, found := strings.Cut(v, " ")
				v = Redacted
				if found && authScheme().MatchString(scheme) {
					v = scheme + " " + Redacted
				}
			case strings.EqualFold(k, "Signature"):
				label, _, _ := strings.Cut(v, "=")
				v = label + "=:" + Redacted + ":"
			case secretHeader(k):
				v = Redacted
			default:
				v = s.redact(v)
			}
			out.Add(k, v)
		}
	}
	return out
}

// The patterns are compiled on first use: every command links the
// sandbox, and listing commands never log a request (issue 17: start-up).
var (
	// authScheme is what an Authorization scheme looks like (Bearer,
	// ApiKey, Basic): a short word, so a credential is never taken for one.
	authScheme = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,15}$`) })
	// JSON members whose name says secret, token or password, e.g.
	// signing_secret_part_b, Linkly's password (a wrong one typed is
	// still someone's password, and no Info credential matches it).
	secretMember = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)("[^"]*(?:secret|token|api_key|apikey|password)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	})
	// Query or form values whose name says token, secret or password,
	// e.g. a SmartConnect polling URL's merchantAccessToken.
	secretParam = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)((?:^|[?&])[^=&\s"?]*(?:token|secret|password)[^=&\s"]*=)[^&\s"]*`)
	})
)

func redactQuery(target string) string {
	return secretParam().ReplaceAllString(target, "${1}"+Redacted)
}

// redact removes secrets from free text: members and parameters named as
// secrets, and any of the sandbox's own secret credentials (not the Public
// ones) wherever they appear.
func (s *Sandbox) redact(text string) string {
	text = secretMember().ReplaceAllString(text, `${1}"`+Redacted+`"`)
	text = secretParam().ReplaceAllString(text, "${1}"+Redacted)
	for _, c := range s.secrets {
		text = strings.ReplaceAll(text, c.Value, Redacted)
	}
	return text
}
