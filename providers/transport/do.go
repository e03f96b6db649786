package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// Defaults for Options.
const (
	DefaultTimeout = 15 * time.Second
	DefaultMaxBody = 1 << 20 // 1 MiB: pairing responses are a few hundred bytes
)

// Options describe one request made with Do.
type Options struct {
	// Provider and Op are copied into every *providers.Error.
	Provider string
	Op       string
	// Timeout bounds the whole request, body included. 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxBody caps the response body. 0 means DefaultMaxBody.
	MaxBody int64
}

// Response is a fully read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req with a deadline and reads the whole response body through a
// size cap. Any HTTP status is a successful round trip: interpreting it is
// the caller's job. Failures are *providers.Error: KindTimeout when the
// deadline passed, KindCanceled when ctx was cancelled, KindNetwork when the
// server could not be reached or dropped the connection, KindProtocol for an
// oversized body or a refused redirect.
//
// req's own context is replaced by one derived from ctx. When client came
// from WithLogger, the request is logged at debug level (see WithLogger).
func Do(ctx context.Context, client *http.Client, req *http.Request, opts Options) (*Response, error) {
	start := time.Now()
	res, redirects, err := do(ctx, client, req, opts)
	if log := loggerOf(client); log != nil {
		logRequest(ctx, log, req, opts, res, redirects, err, time.Since(start))
	}
	return res, err
}

func do(ctx context.Context, client *http.Client, req *http.Request, opts Options) (*Response, int, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxBody := opts.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp, err := client.Do(req.WithContext(rctx))
	if err != nil {
		return nil, 0, classify(ctx, err, req, opts, timeout)
	}
	defer resp.Body.Close()
	redirects := redirectsOf(resp)

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		e := classify(ctx, err, req, opts, timeout)
		e.HTTPStatus = resp.StatusCode
		return nil, redirects, e
	}
	if int64(len(body)) > maxBody {
		// A truncated body would decode as garbage or, worse, as a shorter
		// valid document; refuse it instead.
		return nil, redirects, &providers.Error{
			Provider: opts.Provider, Op: opts.Op, HTTPStatus: resp.StatusCode,
			Kind:    providers.KindProtocol,
			Message: fmt.Sprintf("response from %s is larger than %d bytes", req.URL.Host, maxBody),
		}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, redirects, nil
}

// classify maps a transport failure onto a *providers.Error. parent is the
// caller's context, so its cancellation can be told apart from our deadline.
func classify(parent context.Context, err error, req *http.Request, opts Options, timeout time.Duration) *providers.Error {
	e := &providers.Error{Provider: opts.Provider, Op: opts.Op, Err: err}
	host := req.URL.Host
	var (
		redirect *RedirectError
		netErr   net.Error
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
	)
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		e.Kind = providers.KindCanceled
		e.Message = "request cancelled"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Kind, e.Retryable = providers.KindTimeout, true
		e.Message = fmt.Sprintf("no answer from %s within %s", host, timeout)
	case errors.As(err, &redirect):
		e.Kind = providers.KindProtocol
		e.Message = redirect.Error()
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid):
		// Usually a TLS-inspecting proxy or a wrong endpoint. Retrying is
		// safe (nothing was sent) and helps once the network is fixed.
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("the TLS certificate of %s is not trusted (%s); check the endpoint URL and any proxy between this machine and the internet", host, certReason(err))
	case errors.As(err, &recErr):
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("%s did not answer with TLS; check whether the URL should start with http:// or https://", host)
	case errors.As(err, &dnsErr):
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("could not resolve host %s; check the network connection and the endpoint URL", dnsErr.Name)
	case isAny(err, errConnRefused):
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("connection to %s refused", host)
	case isAny(err, errConnReset), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("connection to %s was closed before a complete answer arrived", host)
	default:
		e.Kind, e.Retryable = providers.KindNetwork, true
		e.Message = fmt.Sprintf("could not reach %s", host)
	}
	return e
}

// isAny reports whether err is any of targets (per-OS lists: errno_*.go).
func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func certReason(err error) string {
	var (
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &unknown):
		return "signed by an unknown authority"
	case errors.As(err, &hostErr):
		return "issued for a different host name"
	case errors.As(err, &invalid):
		return "invalid or expired"
	default:
		return "verification failed"
	}
}
