package sci

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// DefaultPairingURL is mx51's SCI Pairing API host, the same for test and
// live keys [DOC S2, S3].
const DefaultPairingURL = "https://sci-pairing-api.integrations.mx51.io"

// DefaultTimeout bounds each request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// pairingURLLabel names the setting in configuration errors.
const pairingURLLabel = "TILLPAIR_SCI_PAIRING_URL"

// Pairing code bounds. The docs only show 6-digit codes (one with a leading
// zero) and never state a length, so tillpair accepts a little either side
// rather than reject a real code locally; the cloud has the last word.
const (
	CodeMinLen = 4
	CodeMaxLen = 12
)

// Config configures a Client.
type Config struct {
	PairingURL         string           // "" means DefaultPairingURL
	APIKey             providers.Secret // SCI Pairing API key; needed by Pair only
	SigningSecretPartA providers.Secret // needed by Check and Unpair only
	HTTPClient         *http.Client     // nil: transport.NewClient()
	Clock              clockwork.Clock  // nil: real; used for the signature's created
	Timeout            time.Duration    // per request; 0 means DefaultTimeout
}

// Client talks to the SCI Pairing API and to each pairing's SCI API. It is
// safe for concurrent use.
type Client struct {
	pairingURL *url.URL
	// loopbackHTTP: the pairing URL is plain http on loopback (the sandbox),
	// so base URLs it returns may be too. A real https pairing host can never
	// hand out a plain-http base URL.
	loopbackHTTP bool
	apiKey       providers.Secret
	partA        providers.Secret
	http         *http.Client
	clock        clockwork.Clock
	timeout      time.Duration
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client. Missing credentials are not an error
// here: each operation reports KindCredentials for the credential it needs,
// so the app can list pairings while unconfigured.
func New(cfg Config) (*Client, error) {
	raw := cfg.PairingURL
	if raw == "" {
		raw = DefaultPairingURL
	}
	u, err := transport.CheckURL(providers.SCI, pairingURLLabel, raw)
	if err != nil {
		return nil, err
	}
	c := &Client{
		pairingURL:   u,
		loopbackHTTP: u.Scheme == "http",
		apiKey:       cfg.APIKey,
		partA:        cfg.SigningSecretPartA,
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// ID returns providers.SCI.
func (c *Client) ID() string { return providers.SCI }

// String names the client without any credential.
func (c *Client) String() string { return "sci client for " + c.pairingURL.Redacted() }

// Capabilities: the merchant confirms on the terminal after Pair, unpair is
// a remote call, and pairing-info doubles as the certification "Test".
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, for callers with no
// client: the CLI checks a typed code before it needs credentials.
func Capabilities() providers.Capabilities {
	return providers.Capabilities{
		NeedsConfirmation: true,
		RemoteUnpair:      true,
		CanTest:           true,
		Code: providers.CodeSpec{
			Label:   "Pairing Code",
			Digits:  true,
			MinLen:  CodeMinLen,
			MaxLen:  CodeMaxLen,
			Example: "123456",
		},
	}
}

// do sends one request and turns transport failures into provider errors.
func (c *Client) do(ctx context.Context, req *http.Request, op string) (*transport.Response, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tillpair")
	return transport.Do(ctx, c.http, req, transport.Options{Provider: providers.SCI, Op: op, Timeout: c.timeout})
}

func credentialsError(op, message string) *providers.Error {
	return &providers.Error{Provider: providers.SCI, Op: op, Kind: providers.KindCredentials, Message: message}
}

func protocolError(op string, status int, message string, err error) *providers.Error {
	return &providers.Error{Provider: providers.SCI, Op: op, HTTPStatus: status, Kind: providers.KindProtocol, Message: message, Err: err}
}
