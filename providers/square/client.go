package square

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// ID is the provider id on the command line, in the records file, in
// keyring items and in the sandbox control API.
const ID = "square"

// Square's hosts [DOC S50 servers; CODE S51 Environments]. The vendor
// sandbox cannot complete a pairing (its codes never sign a Terminal in
// [OBS T50, T51]); it is listed so a token of that environment is sent
// where it is valid.
const (
	DefaultBaseURL = "https://connect.squareup.com"
	SandboxBaseURL = "https://connect.squareupsandbox.com"
)

// SquareVersion is the pinned Square-Version header: the spec's default
// [DOC S50], which the simulator and this client were built from.
const SquareVersion = "2025-08-20"

// DefaultTimeout bounds each request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// CodeTTL is how long a device code lasts: pair_by is created_at plus five
// minutes in every vendor example and cannot be changed [DOC S50, OBS
// T52]. The client trusts pair_by and uses this only when it is missing.
const CodeTTL = 5 * time.Minute

// ConfirmWindow bounds the wait for a sign-in (Descriptor.ConfirmWindow):
// longer than CodeTTL, since the code's expiry ends the wait itself.
const ConfirmWindow = CodeTTL + time.Minute

// ProductTerminalAPI is the product type of a Terminal API device code,
// the only one the spec lists [DOC S50].
const ProductTerminalAPI = "TERMINAL_API"

// Environment labels for Pairing.Environment and the descriptor: Square's
// production, Square's own sandbox, and tillpair's built-in sandbox.
const (
	EnvironmentProduction    = "production"
	EnvironmentSquareSandbox = "square-sandbox"
	EnvironmentSandbox       = "sandbox"
)

// Names of the settings in messages, so the user knows what to fix.
const (
	baseURLLabel = "TILLPAIR_SQUARE_URL"
	setupHint    = "`tillpair setup square`"
	tokenEnv     = "TILLPAIR_SQUARE_ACCESS_TOKEN"
	locationEnv  = "TILLPAIR_SQUARE_LOCATION_ID"
	userAgent    = "tillpair"
)

// Bounds from the spec [DOC S50 CreateDeviceCodeRequest, DeviceCode].
const (
	maxName       = 128
	maxLocationID = 50
)

// Config configures a Client.
type Config struct {
	BaseURL     string           // "" means the Environment's host (DefaultBaseURL)
	AccessToken providers.Secret // personal access token or OAuth token, sent as Bearer
	// LocationID pins new device codes to a location (optional; Square
	// then uses the account's main one). Configuration, not a secret.
	LocationID string
	// Environment is the descriptor's environment name, "sandbox" for the
	// built-in sandbox; "" derives it from the base URL.
	Environment string
	HTTPClient  *http.Client    // nil: transport.NewClient()
	Clock       clockwork.Clock // nil: real; expiry and Pairing times
	Timeout     time.Duration   // per request; 0 means DefaultTimeout
}

// Client talks to Square's Devices API for Terminal API pairing. It is
// safe for concurrent use.
type Client struct {
	base     *url.URL
	env      string
	token    providers.Secret
	location string // as configured, trimmed; checked per request
	http     *http.Client
	clock    clockwork.Clock
	timeout  time.Duration

	mu   sync.Mutex
	sent map[string]time.Time // firstSent: idempotency key → first sent
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client. Missing credentials are not an
// error here: every operation reports KindCredentials first, so the app
// can list Square pairings while unconfigured.
func New(cfg Config) (*Client, error) {
	def := DefaultBaseURL
	if cfg.Environment == EnvironmentSquareSandbox {
		def = SandboxBaseURL
	}
	u, err := transport.CheckURL(ID, baseURLLabel, cmp.Or(cfg.BaseURL, def))
	if err != nil {
		return nil, err
	}
	c := &Client{base: u, token: cfg.AccessToken, location: strings.TrimSpace(cfg.LocationID), env: cfg.Environment}
	if c.env == "" {
		switch {
		case transport.IsLoopback(u.Hostname()):
			c.env = EnvironmentSandbox
		case strings.EqualFold(u.Hostname(), "connect.squareupsandbox.com"):
			c.env = EnvironmentSquareSandbox
		default:
			c.env = EnvironmentProduction
		}
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// ID returns "square".
func (c *Client) ID() string { return ID }

// String names the client without the token.
func (c *Client) String() string { return "square client for " + c.base.Redacted() }

// Capabilities is read from Descriptor, so the two cannot disagree.
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, for callers with
// no client.
func Capabilities() providers.Capabilities {
	return Descriptor.Capabilities()
}

// credentials returns the token and the location id (possibly ""), or
// KindCredentials / KindConfig naming what is wrong and where to fix it.
func (c *Client) credentials(op string) (token, location string, err error) {
	token = strings.TrimSpace(c.token.Reveal())
	switch {
	case token == "":
		return "", "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeUnauthorized,
			Message: "the Square access token is not configured (set " + tokenEnv + " or run " + setupHint + ")"}
	case !shaped(token, len(token), visible):
		// net/http would refuse it naming the header; say what is wrong
		// instead (never the value).
		return "", "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindCredentials, Code: CodeUnauthorized,
			Message: "the Square access token contains spaces or control characters; paste it again with " + setupHint}
	}
	if c.location != "" && !shaped(c.location, maxLocationID, alnum) {
		return "", "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig, Code: CodeBadLocation,
			Message: "the Square location id must be letters and digits only, at most 50 (like B5E4484SHHNYH, in the Square Dashboard under Locations); fix it with " + setupHint + " or " + locationEnv}
	}
	return token, c.location, nil
}

// send makes one authenticated request to {base}/v2/devices/{elem...},
// each elem already path-escaped, with an optional JSON body.
func (c *Client) send(ctx context.Context, op, method string, body []byte, elem ...string) (*transport.Response, error) {
	token, _, err := c.credentials(op)
	if err != nil {
		return nil, err
	}
	u := c.base.JoinPath(append([]string{"v2", "devices"}, elem...)...)
	var req *http.Request
	if body != nil {
		req, err = http.NewRequest(method, u.String(), bytes.NewReader(body))
	} else {
		req, err = http.NewRequest(method, u.String(), nil)
	}
	if err != nil {
		return nil, &providers.Error{Provider: ID, Op: op, Kind: providers.KindProtocol, Message: "could not build the request", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Square-Version", SquareVersion)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return transport.Do(ctx, c.http, req, transport.Options{Provider: ID, Op: op, Timeout: c.timeout})
}
