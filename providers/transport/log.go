package transport

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// LogMessage is the message of the debug line Do writes for every request.
const LogMessage = "http request"

// redactedText replaces a value that must not reach the log, spelled as
// the CLI's log handler spells its own redactions.
const redactedText = "[redacted]"

// WithLogger returns a copy of hc (nil: NewClient()) whose requests made
// through Do are logged at debug level on log, one line each. The logger
// travels with the client because the provider clients take an
// *http.Client, not a logger: whoever builds them decides whether their
// traffic is logged, and no client needs a setting of its own.
//
// The line names the provider, operation, method, host, path, status,
// duration, body sizes and, on failure, the error kind. It never holds a
// header (Authorization, Signature and api-token live there), a body, the
// query string, or a value marked with RedactInLog.
func WithLogger(hc *http.Client, log *slog.Logger) *http.Client {
	if hc == nil {
		hc = NewClient()
	}
	if log == nil {
		return hc
	}
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if lt, ok := base.(*loggingTransport); ok {
		base = lt.base
	}
	c.Transport = &loggingTransport{base: base, log: log}
	return &c
}

// loggingTransport only carries the logger to Do, which sees what a
// RoundTripper cannot: the whole body, the size cap and the error kind.
type loggingTransport struct {
	base http.RoundTripper
	log  *slog.Logger
}

func (t *loggingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r)
}

// CloseIdleConnections keeps http.Client.CloseIdleConnections working
// through the wrapper.
func (t *loggingTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func loggerOf(c *http.Client) *slog.Logger {
	if c == nil {
		return nil
	}
	if lt, ok := c.Transport.(*loggingTransport); ok {
		return lt.log
	}
	return nil
}

type (
	redactKey  struct{}
	attemptKey struct{}
)

// RedactInLog returns a context whose requests' log lines show
// "[redacted]" wherever one of values appears in the path or an error:
// SmartConnect and Helcim put the pairing code the merchant typed in the
// URL path, and the debug log never holds a pairing code.
func RedactInLog(ctx context.Context, values ...string) context.Context {
	old, _ := ctx.Value(redactKey{}).([]string)
	out := append([]string(nil), old...)
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return context.WithValue(ctx, redactKey{}, out)
}

// WithAttempt returns a context whose requests' log lines carry attempt n
// (1-based), so the polls of one confirmation wait can be told apart.
func WithAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

// redactor hides the context's marked values, raw and path-escaped.
type redactor []string

func redactorOf(ctx context.Context) redactor {
	vals, _ := ctx.Value(redactKey{}).([]string)
	var r redactor
	for _, v := range vals {
		r = append(r, v)
		if esc := url.PathEscape(v); esc != v {
			r = append(r, esc)
		}
	}
	return r
}

func (r redactor) apply(s string) string {
	for _, v := range r {
		s = strings.ReplaceAll(s, v, redactedText)
	}
	return s
}

// logRequest writes Do's line. res is nil when err is set; status is then
// taken from the error, if the server answered at all.
func logRequest(ctx context.Context, log *slog.Logger, req *http.Request, opts Options, res *Response, redirects int, err error, took time.Duration) {
	if !log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	red := redactorOf(ctx)
	attrs := []slog.Attr{
		slog.String("provider", opts.Provider),
		slog.String("op", opts.Op),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", red.apply(req.URL.EscapedPath())),
	}
	if n, ok := ctx.Value(attemptKey{}).(int); ok && n > 0 {
		attrs = append(attrs, slog.Int("attempt", n))
	}
	status := 0
	if res != nil {
		status = res.Status
	} else if pe, ok := providers.AsError(err); ok {
		status = pe.HTTPStatus
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	// Milliseconds with microsecond precision: loopback answers take less
	// than one.
	attrs = append(attrs, slog.Float64("duration_ms", math.Round(float64(took)/float64(time.Microsecond))/1000))
	if req.ContentLength > 0 {
		attrs = append(attrs, slog.Int64("req_bytes", req.ContentLength))
	}
	if res != nil {
		attrs = append(attrs, slog.Int("resp_bytes", len(res.Body)))
	}
	if redirects > 0 {
		attrs = append(attrs, slog.Int("redirects", redirects))
	}
	if err != nil {
		attrs = append(attrs, errAttrs(err, red)...)
	}
	log.LogAttrs(ctx, slog.LevelDebug, LogMessage, attrs...)
}

// errAttrs names the failure: its kind, our message, and the underlying
// cause without the URL a *url.Error quotes (the query can hold a token).
func errAttrs(err error, red redactor) []slog.Attr {
	pe, ok := providers.AsError(err)
	if !ok {
		return []slog.Attr{slog.String("error", red.apply(err.Error()))}
	}
	out := []slog.Attr{
		slog.String("error_kind", pe.Kind.String()),
		slog.Bool("retryable", pe.Retryable),
		slog.String("error", red.apply(pe.Message)),
	}
	if cause := pe.Err; cause != nil {
		var ue *url.Error
		if errors.As(cause, &ue) {
			cause = ue.Err
		}
		out = append(out, slog.String("cause", red.apply(cause.Error())))
	}
	return out
}

// redirectsOf counts the redirects followed to reach resp.
func redirectsOf(resp *http.Response) int {
	n := 0
	for r := resp.Request; r != nil && r.Response != nil; r = r.Response.Request {
		n++
	}
	return n
}
