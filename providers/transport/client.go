// Package transport is the HTTP plumbing shared by the provider clients (SCI,
// SmartConnect, Helcim): endpoint URL checks, an http.Client that never
// downgrades to plain http on a redirect, and a request helper that puts a
// deadline on every request, reads bodies through a size cap and reports
// transport failures as *providers.Error.
//
// It knows nothing about any vendor's error format: it returns the status,
// headers and body of whatever the server answered, and each client maps
// those onto providers.Kind itself. The sandbox does not use this package, so
// that the clients and the simulated clouds stay independent implementations.
package transport

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// Transport timeouts. A whole request is bounded by the per-request deadline
// in Do; these only stop a single slow phase from using all of it silently.
const (
	DialTimeout           = 10 * time.Second
	TLSHandshakeTimeout   = 10 * time.Second
	ResponseHeaderTimeout = 30 * time.Second
	// MaxRedirects caps redirect chains; the vendor APIs do not redirect at
	// all, so a long chain means something in between is misbehaving.
	MaxRedirects = 5
)

// RedirectError is returned (wrapped in a *url.Error by net/http) when a
// redirect is refused.
type RedirectError struct {
	From, To string // without password or query (see safeURL)
	Reason   string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused redirect from %s to %s: %s", e.From, e.To, e.Reason)
}

// NewClient returns an http.Client for talking to the vendor clouds: TLS 1.2
// or newer, redirects capped and kept to the first request's scheme, host
// and port (see checkRedirect), and no overall timeout, because Do sets a
// deadline per request.
func NewClient() *http.Client {
	dialer := &net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   TLSHandshakeTimeout,
		ResponseHeaderTimeout: ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		// status checks up to 16 pairings at once against one host: keep
		// as many connections for the next ones (issue 17).
		MaxIdleConnsPerHost: 16,
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	last := via[len(via)-1]
	refuse := func(reason string) error {
		// net/http has already copied the headers onto req; drop the
		// credentials too, so that no caller that ignores this error (or
		// a later change to it) could send them on.
		stripCredentials(req.Header)
		return &RedirectError{From: safeURL(last.URL), To: safeURL(req.URL), Reason: reason}
	}
	if len(via) >= MaxRedirects {
		return refuse(fmt.Sprintf("more than %d redirects", MaxRedirects))
	}
	// The vendor APIs never redirect. A redirect elsewhere would carry the
	// api-token or Authorization header, the SCI signature and (on a 307)
	// the pairing body to a host nobody configured, so the first request's
	// origin is the only one allowed.
	first := via[0].URL
	from, to := strings.ToLower(first.Scheme), strings.ToLower(req.URL.Scheme)
	switch {
	case from == "https" && to == "http":
		return refuse("downgrade from https to plain http")
	case from != to:
		return refuse(fmt.Sprintf("it changes the scheme from %s to %s", from, to))
	case !strings.EqualFold(first.Hostname(), req.URL.Hostname()):
		return refuse("it points to another host")
	case portOf(first) != portOf(req.URL):
		return refuse("it points to another port")
	}
	// A redirect target is an endpoint like any configured one.
	if _, err := ParseURL(req.URL.String(), true); err != nil {
		return refuse("the target " + err.Error())
	}
	return nil
}

// stripCredentials removes the request headers that carry a secret or prove
// who signed a request: Helcim's api-token, SCI's Authorization and its
// RFC 9421 signature headers.
func stripCredentials(h http.Header) {
	for _, k := range [...]string{"Authorization", "Api-Token", "Signature", "Signature-Input", "Content-Digest", "Cookie", "Proxy-Authorization"} {
		h.Del(k)
	}
}

// portOf is u's port, or the scheme's default when none is written, so that
// https://host and https://host:443 are the same origin.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// safeURL is u for messages and logs: the query can carry an access token
// (SmartConnect's polling URL does) and the user info a password.
func safeURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// Defaults fills in what a client's Config left zero: an http.Client from
// NewClient, the real clock, and timeout def. Every client treats these
// three settings the same way, so they are defaulted in one place.
func Defaults(hc *http.Client, clock clockwork.Clock, timeout, def time.Duration) (*http.Client, clockwork.Clock, time.Duration) {
	if hc == nil {
		hc = NewClient()
	}
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	if timeout <= 0 {
		timeout = def
	}
	return hc, clock, timeout
}
