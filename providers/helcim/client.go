package helcim

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// DefaultBaseURL is the Helcim API v2 [DOC S26 servers]. Helcim has no
// separate test host: test accounts use the same API.
const DefaultBaseURL = "https://api.helcim.com/v2"

// DefaultTimeout bounds each request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// baseURLLabel names the setting in configuration errors.
const baseURLLabel = "TILLPAIR_HELCIM_URL"

// CodeLen is the device code length: four letters or digits [DOC S24, S26
// maxLength 4].
const CodeLen = 4

// Environment labels for Pairing.Environment.
const (
	EnvironmentLive    = "live"
	EnvironmentSandbox = "sandbox"
)

// Config configures a Client.
type Config struct {
	BaseURL    string           // "" means DefaultBaseURL
	APIToken   providers.Secret // Helcim API token (General and Settings: Read)
	HTTPClient *http.Client     // nil: transport.NewClient()
	Clock      clockwork.Clock  // nil: real; stamps Pairing times
	Timeout    time.Duration    // per request; 0 means DefaultTimeout
}

// Client talks to the Helcim Payment Hardware API. It is safe for
// concurrent use.
type Client struct {
	base    *url.URL
	env     string
	token   providers.Secret
	http    *http.Client
	clock   clockwork.Clock
	timeout time.Duration
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client. A missing token is not an error
// here: Pair and Check report KindCredentials, so the app can still list
// Helcim pairings while unconfigured.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := transport.CheckURL(providers.Helcim, baseURLLabel, raw)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:  u,
		env:   EnvironmentLive,
		token: cfg.APIToken,
	}
	// Only the built-in sandbox (or a local test server) lives on loopback;
	// every real Helcim account, test or not, is on the one live API.
	if transport.IsLoopback(u.Hostname()) {
		c.env = EnvironmentSandbox
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// ID returns providers.Helcim.
func (c *Client) ID() string { return providers.Helcim }

// String names the client without the token.
func (c *Client) String() string { return "helcim client for " + c.base.Redacted() }

// Capabilities: no confirmation step (the device code is the pairing), no
// remote unpair (the device is switched back on the device itself), and the
// ping makes a good "Test".
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, for callers with no
// client: the CLI checks a typed code before it needs credentials.
func Capabilities() providers.Capabilities {
	return providers.Capabilities{
		NeedsConfirmation: false,
		RemoteUnpair:      false,
		CanTest:           true,
		Code: providers.CodeSpec{
			Label:   "Device Code",
			Digits:  false,
			MinLen:  CodeLen,
			MaxLen:  CodeLen,
			Example: "DY6L",
		},
	}
}

// get sends one authenticated GET to base/elem... .
func (c *Client) get(ctx context.Context, op string, elem ...string) (*transport.Response, error) {
	req, err := http.NewRequest(http.MethodGet, c.base.JoinPath(elem...).String(), nil)
	if err != nil {
		return nil, &providers.Error{Provider: providers.Helcim, Op: op, Kind: providers.KindProtocol,
			Message: "could not build the request", Err: err}
	}
	// Trimmed: a pasted token often carries a newline, which net/http
	// would refuse as a header value with a confusing transport error.
	req.Header.Set("api-token", strings.TrimSpace(c.token.Reveal()))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tillpair")
	return transport.Do(ctx, c.http, req, transport.Options{Provider: providers.Helcim, Op: op, Timeout: c.timeout})
}

func (c *Client) requireToken(op string) error {
	if strings.TrimSpace(c.token.Reveal()) != "" {
		return nil
	}
	return &providers.Error{Provider: providers.Helcim, Op: op, Kind: providers.KindCredentials, Code: CodeUnauthorized,
		Message: "the Helcim API token is not configured (set TILLPAIR_HELCIM_API_TOKEN or run `tillpair setup helcim`)"}
}
