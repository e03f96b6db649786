package transport

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// IsLoopback reports whether host (a bare host name or IP, optionally in
// brackets or with a port) names this machine: 127.0.0.0/8, ::1 or
// "localhost". Only loopback hosts may be spoken to over plain http, because
// traffic to them never leaves the machine.
func IsLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseURL parses an endpoint URL and applies the transport rules: an
// absolute http(s) URL with a host, no userinfo (credentials in URLs end up
// in logs and shell history), and https unless allowLoopbackHTTP is set and
// the host is loopback. The error says what is wrong with the URL; callers
// wrap it with the Kind that fits where the URL came from.
func ParseURL(raw string, allowLoopbackHTTP bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("is empty (set it to an https:// URL)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the input, which could hold a password.
		return nil, fmt.Errorf("is not a valid URL (expected something like https://host/path)")
	}
	if u.User != nil {
		return nil, fmt.Errorf("must not contain a user name or password (remove the part before @)")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return nil, fmt.Errorf("must be an absolute https:// URL, got %q", shown(raw))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("has no host name, got %q", shown(raw))
	}
	if scheme == "http" {
		if !allowLoopbackHTTP {
			return nil, fmt.Errorf("must use https://, got %q", shown(raw))
		}
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("must use https:// (plain http is only allowed for loopback hosts such as 127.0.0.1), got %q", shown(raw))
		}
	}
	u.Scheme = scheme
	return u, nil
}

// maxShown bounds how much of a rejected URL an error message repeats.
const maxShown = 120

// shown is raw as the user typed it, for an error message: u.String() would
// re-escape it ("not a url" became "not%20a%20url"), which the user would
// not recognise. User info was refused before any message echoes the URL,
// but an opaque URL such as "user:pass@host" parses without any, so
// whatever comes before an @ is left out. The caller quotes it with %q,
// which escapes control characters.
func shown(raw string) string {
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		raw = "…" + raw[i:]
	}
	if r := []rune(raw); len(r) > maxShown {
		raw = string(r[:maxShown]) + "…"
	}
	return raw
}

// CheckURL validates a configured endpoint URL (from an environment variable,
// flag or default) and returns it parsed. Plain http is allowed for loopback
// hosts so the sandbox and local test servers work. label names the setting
// in the message, e.g. "TILLPAIR_SCI_PAIRING_URL", so the user knows what to
// fix. Failures are *providers.Error of KindConfig for provider.
func CheckURL(provider, label, raw string) (*url.URL, error) {
	u, err := ParseURL(raw, true)
	if err != nil {
		return nil, &providers.Error{
			Provider: provider,
			Kind:     providers.KindConfig,
			Message:  label + " " + err.Error(),
		}
	}
	return u, nil
}
