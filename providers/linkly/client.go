package linkly

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// ID is the provider id on the command line, in the records file, in
// keyring items and in the sandbox control API.
const ID = "linkly"

// Linkly's hosts [CODE S60 ApiServiceEndpoint; OBS T62]. Both are
// configurable: the vendor's Java javadoc names the production POS host
// pos.cloud.pceftpos.com instead [reference §7.2].
const (
	ProductionAuthURL = "https://auth.cloud.pceftpos.com"
	ProductionPOSURL  = "https://rest.pos.cloud.pceftpos.com"
	TestAuthURL       = "https://auth.sandbox.cloud.pceftpos.com"
	TestPOSURL        = "https://rest.pos.sandbox.cloud.pceftpos.com"
)

// PosVendorID identifies tillpair, the POS product, to Linkly: "All
// merchants using the same POS product should supply the same value"
// [CODE S60]. It is a version 4 UUID made for tillpair (not the SDK
// sample's, which says "Do not use this").
const PosVendorID = "7d1f3c52-9a4e-4b8f-a6d2-3e5c1b9f0a47"

// PosName is the posName sent with every token and POS request.
const PosName = "tillpair"

// DefaultTimeout bounds each request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// Test polling: the POS API answers 425 "too early" until the PIN pad's
// answer is there; a health check waits about 30 s for it [reference
// §7.4], polling at most once a second (the real cloud holds each GET up
// to a second itself).
const (
	DefaultStatusTimeout = 30 * time.Second
	DefaultPollInterval  = time.Second
)

// CodeTTL is how long a pair code lives on the PIN pad: "only valid for
// ~180 seconds" [OBS T60].
const CodeTTL = 3 * time.Minute

// Token refresh: a token is renewed when less than 5 minutes remain
// ("IsExpiringSoon" [CODE S60, S62]), or at half its life when it lives 5
// minutes or less [reference §7.9].
const refreshMargin = 5 * time.Minute

// fallbackExpiry is used when a token answer has no expirySeconds, as a
// third-party client does [OBS T60].
const fallbackExpiry = 300

// Environment labels for Pairing.Environment.
const (
	EnvironmentProduction = "production"
	EnvironmentTest       = "test"
	EnvironmentSandbox    = "sandbox"
)

// Setting names in messages.
const (
	setupHint = "`tillpair setup linkly`"
	authEnv   = "TILLPAIR_LINKLY_AUTH_URL"
	posEnv    = "TILLPAIR_LINKLY_POS_URL"
)

// Config configures a Client.
type Config struct {
	AuthURL string // "" means ProductionAuthURL
	POSURL  string // "" means ProductionPOSURL
	// PosID is this register's posId, a version 4 UUID made once and
	// kept [CODE S60 TokenRequest]; PairRequest.Register.RegisterID, when
	// set, is used instead, and a pairing keeps the posId it was made
	// with (Pairing.Register).
	PosID string
	// PosVersion is tillpair's version as sent to Linkly; "" takes the
	// binary's module version ("dev" when there is none).
	PosVersion string
	// Environment is the descriptor's environment name, "sandbox" for the
	// built-in sandbox; "" derives it from the auth URL.
	Environment string
	HTTPClient  *http.Client
	Clock       clockwork.Clock // nil: real; token expiry, Test polling, Pairing times
	Timeout     time.Duration   // per request; 0 means DefaultTimeout
	// StatusTimeout bounds a Test's wait for the PIN pad's answer;
	// PollInterval spaces its result requests. 0: the defaults.
	StatusTimeout time.Duration
	PollInterval  time.Duration
	// NewID makes pairing ids and session ids (version 4 UUIDs); nil:
	// crypto-random.
	NewID func() string
}

// Client talks to Linkly Cloud. It keeps bearer tokens in memory only,
// one per secret, and is safe for concurrent use.
type Client struct {
	auth, pos  *url.URL
	env        string
	posID      string
	posVersion string
	http       *http.Client
	clock      clockwork.Clock
	timeout    time.Duration
	statusWait time.Duration
	poll       time.Duration
	newID      func() string

	mu     sync.Mutex
	tokens map[string]cachedToken // by the secret's SHA-256, never the secret itself
}

// cachedToken is a bearer token, the posId it was bought for and when to
// renew it.
type cachedToken struct {
	value     providers.Secret
	posID     string
	expiry    time.Duration // as Linkly gave it
	refreshAt time.Time
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	auth, err := transport.CheckURL(ID, authEnv, cmp.Or(cfg.AuthURL, ProductionAuthURL))
	if err != nil {
		return nil, err
	}
	pos, err := transport.CheckURL(ID, posEnv, cmp.Or(cfg.POSURL, ProductionPOSURL))
	if err != nil {
		return nil, err
	}
	c := &Client{auth: auth, pos: pos, env: cfg.Environment, posID: strings.TrimSpace(cfg.PosID),
		posVersion: cmp.Or(strings.TrimSpace(cfg.PosVersion), moduleVersion()),
		statusWait: cmp.Or(cfg.StatusTimeout, DefaultStatusTimeout), poll: cmp.Or(cfg.PollInterval, DefaultPollInterval),
		newID: cfg.NewID, tokens: map[string]cachedToken{}}
	if c.newID == nil {
		c.newID = newUUID
	}
	if c.env == "" {
		switch {
		case transport.IsLoopback(auth.Hostname()):
			c.env = EnvironmentSandbox
		case strings.Contains(auth.Hostname(), ".sandbox."):
			c.env = EnvironmentTest
		default:
			c.env = EnvironmentProduction
		}
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// moduleVersion is the binary's module version, or "dev".
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// ID returns "linkly".
func (c *Client) ID() string { return ID }

// String names the client by its hosts.
func (c *Client) String() string {
	return "linkly client for " + c.auth.Redacted() + " and " + c.pos.Redacted()
}

// Capabilities: no confirmation step, no remote unpair, a Test.
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, read from
// Descriptor so the two cannot disagree.
func Capabilities() providers.Capabilities {
	return Descriptor.Capabilities()
}

// post sends a JSON body to base+path, with "Bearer token" unless token
// is zero (the Auth API takes no auth header [CODE S60]).
func (c *Client) post(ctx context.Context, op string, base *url.URL, body any, token providers.Secret, elem ...string) (*transport.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, protocolError(op, 0, "could not encode the request", err)
	}
	return c.send(ctx, op, http.MethodPost, base.JoinPath(elem...), b, token)
}

func (c *Client) send(ctx context.Context, op, method string, u *url.URL, body []byte, token providers.Secret) (*transport.Response, error) {
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, protocolError(op, 0, "could not build the request", err)
	}
	// The Java SDK sends the content type on GET too [CODE S62].
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", PosName+"/"+c.posVersion)
	if !token.IsZero() {
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
	}
	return transport.Do(ctx, c.http, req, transport.Options{Provider: ID, Op: op, Timeout: c.timeout})
}

// secretKey is the token cache's key for a secret: its SHA-256, so the
// cache holds no second copy of the secret.
func secretKey(s providers.Secret) string {
	sum := sha256.Sum256([]byte(s.Reveal()))
	return hex.EncodeToString(sum[:])
}

// cached is the secret's token for posID if it does not need renewing
// yet.
func (c *Client) cached(s providers.Secret, posID string) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[secretKey(s)]
	if !ok || t.posID != posID || !c.clock.Now().Before(t.refreshAt) {
		return cachedToken{}, false
	}
	return t, true
}

func (c *Client) keep(s providers.Secret, t cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tokens[secretKey(s)] = t
}

// forget drops the secret's token.
func (c *Client) forget(s providers.Secret) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.tokens, secretKey(s))
}

// refreshAt is when a token of lifetime d got at now should be renewed.
func refreshAt(now time.Time, d time.Duration) time.Time {
	if d <= refreshMargin {
		return now.Add(d / 2)
	}
	return now.Add(d - refreshMargin)
}
