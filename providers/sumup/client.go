package sumup

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// ID is the provider id on the command line, in the records file, in
// keyring items and in the sandbox control API.
const ID = "sumup"

// DefaultBaseURL is SumUp's API host, the only server in the spec and the
// SDK's APIUrl [DOC S40, CODE S41]. There is no separate test host: a
// sandbox merchant account uses the same API with its own key [DOC S45].
const DefaultBaseURL = "https://api.sumup.com"

// DefaultTimeout bounds each request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// PairingWindow is how long a pairing may take: "The pairing process has
// an expiration time of 5 minutes" [DOC S43].
const PairingWindow = 5 * time.Minute

// Pairing code bounds: "8 or 9 character alphanumeric string" [DOC S40].
const (
	CodeMinLen = 8
	CodeMaxLen = 9
)

// DefaultReaderName is the reader name sent when the request has no
// nickname: SumUp requires one (400 "missing property 'name'" [OBS T40]),
// and the front-ends default it to the register's name, so this only
// covers a caller that sent none.
const DefaultReaderName = "tillpair"

// maxReaderName is the spec's limit on a reader name [DOC S40].
const maxReaderName = 500

// Environment labels for Pairing.Environment.
const (
	EnvironmentLive    = "live"
	EnvironmentSandbox = "sandbox"
)

// Names of the settings in messages, so the user knows what to fix.
const (
	baseURLLabel = "TILLPAIR_SUMUP_URL"
	setupHint    = "`tillpair setup sumup`"
	keyEnv       = "TILLPAIR_SUMUP_API_KEY"
	merchantEnv  = "TILLPAIR_SUMUP_MERCHANT_CODE"
)

// Wire constants: the SDK's Accept [CODE S41], the API version path
// segment, and the merchant code's bound (documented ones have 8
// characters; 32 leaves room without letting a path grow).
const (
	userAgent     = "tillpair"
	acceptHeader  = "application/problem+json, application/json"
	apiVersionSeg = "v0.1"
	maxMerchant   = 32
)

// Config configures a Client.
type Config struct {
	BaseURL string           // "" means DefaultBaseURL
	APIKey  providers.Secret // API key (or OAuth access token), sent as Bearer
	// MerchantCode is the merchant account's short code (MK10CL2A), part of
	// every path. It is configuration, not a secret.
	MerchantCode string
	// Environment is the descriptor's environment name, "sandbox" for the
	// built-in sandbox; "" derives it from the base URL.
	Environment string
	HTTPClient  *http.Client    // nil: transport.NewClient()
	Clock       clockwork.Clock // nil: real; stamps Pairing times
	Timeout     time.Duration   // per request; 0 means DefaultTimeout
}

// Client talks to the SumUp Cloud API for Solo readers. It is safe for
// concurrent use.
type Client struct {
	base     *url.URL
	env      string
	key      providers.Secret
	merchant string // as configured, trimmed; checked per request
	http     *http.Client
	clock    clockwork.Clock
	timeout  time.Duration
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client. Missing credentials are not an error
// here: every operation reports KindCredentials first, so the app can list
// SumUp pairings while unconfigured.
func New(cfg Config) (*Client, error) {
	u, err := transport.CheckURL(ID, baseURLLabel, cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, err
	}
	c := &Client{base: u, key: cfg.APIKey, merchant: strings.TrimSpace(cfg.MerchantCode), env: cfg.Environment}
	if c.env == "" {
		// Only the built-in sandbox (or a local test server) lives on
		// loopback; test and live merchant accounts share the one API.
		c.env = EnvironmentLive
		if transport.IsLoopback(u.Hostname()) {
			c.env = EnvironmentSandbox
		}
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// ID returns "sumup".
func (c *Client) ID() string { return ID }

// String names the client without the key.
func (c *Client) String() string { return "sumup client for " + c.base.Redacted() }

// Capabilities: the Solo acknowledges after Pair, unpair is a DELETE, and
// the reader GET plus /status make a silent Test.
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, for callers with no
// client: read from Descriptor, so the two cannot disagree.
func Capabilities() providers.Capabilities {
	return Descriptor.Capabilities()
}

// credentials returns the key and the path-safe merchant code, or
// KindCredentials naming what is missing and where to set it.
func (c *Client) credentials(op string) (key, merchant string, err error) {
	key = strings.TrimSpace(c.key.Reveal())
	switch {
	case key == "":
		return "", "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeUnauthorized,
			Message: "the SumUp API key is not configured (set " + keyEnv + " or run " + setupHint + ")"}
	case !headerSafe(key):
		// net/http would refuse it with a transport error naming the
		// header; say what is wrong instead (never the value).
		return "", "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeUnauthorized,
			Message: "the SumUp API key contains spaces or control characters; paste it again with " + setupHint}
	}
	merchant, err = checkMerchant(op, c.merchant)
	return key, merchant, err
}

// headerSafe: visible ASCII only, as a bearer token is [RFC 6750 b64token].
func headerSafe(s string) bool { return shaped(s, len(s), visible) }

// checkMerchant upper-cases a merchant code and checks it is 1–32 ASCII
// letters or digits: it becomes a path segment, and every documented code
// (MK10CL2A, MC0X0ABC [DOC S40]) is upper-case alphanumeric.
func checkMerchant(op, raw string) (string, error) {
	m := strings.ToUpper(strings.TrimSpace(raw))
	if m == "" {
		return "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeMerchantNotFound,
			Message: "the SumUp merchant code is not configured (set " + merchantEnv + " or run " + setupHint + ")"}
	}
	if !shaped(m, maxMerchant, alnum) { // upper case by now
		return "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeMerchantNotFound,
			Message: "the SumUp merchant code must be letters and digits only (like MK10CL2A, shown in the SumUp dashboard); fix it with " + setupHint}
	}
	return m, nil
}

// send makes one authenticated request to {base}/v0.1/merchants/{merchant}/
// readers/{elem...} with an optional JSON body.
func (c *Client) send(ctx context.Context, op, method string, body []byte, elem ...string) (*transport.Response, error) {
	key, merchant, err := c.credentials(op)
	if err != nil {
		return nil, err
	}
	u := c.base.JoinPath(append([]string{apiVersionSeg, "merchants", merchant, "readers"}, elem...)...)
	var req *http.Request
	if body != nil {
		req, err = http.NewRequest(method, u.String(), bytes.NewReader(body))
	} else {
		req, err = http.NewRequest(method, u.String(), nil)
	}
	if err != nil {
		return nil, &providers.Error{Provider: ID, Op: op, Kind: providers.KindProtocol, Message: "could not build the request", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", acceptHeader)
	// SumUp has a legacy 400 INVALID_USER_AGENT [DOC S40]: always send one.
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return transport.Do(ctx, c.http, req, transport.Options{Provider: ID, Op: op, Timeout: c.timeout})
}
