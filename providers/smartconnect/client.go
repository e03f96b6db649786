package smartconnect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Environments and their hosts [DOC S12; URLs from OBS T10–T12].
const (
	EnvDev        = "dev"
	EnvProduction = "production"
	// EnvSandbox labels the built-in sandbox; it needs an explicit BaseURL.
	EnvSandbox = "sandbox"

	DevURL        = "https://api-dev.smart-connect.cloud/POS"
	ProductionURL = "https://api.smart-connect.cloud/POS"
)

// Defaults for Config.
const (
	DefaultTimeout = 15 * time.Second
	// MinPollInterval is SmartConnect's documented polling limit: faster
	// polling is answered 429 [OBS T10].
	MinPollInterval     = 2 * time.Second
	DefaultCheckTimeout = 60 * time.Second
)

// Pairing code bounds: the docs show 6 digits, terminals 8; tillpair
// accepts 4–10 letters or digits and lets the cloud decide [INF §2.2].
const (
	CodeMinLen = 4
	CodeMaxLen = 10
)

// baseURLLabel names the setting in configuration errors.
const baseURLLabel = "TILLPAIR_SMARTCONNECT_URL"

// setupHint is the next step for a missing or bad register identity.
const setupHint = "run `tillpair setup smartconnect` to set it"

// Config configures a Client.
type Config struct {
	// BaseURL is the {environment} URL ending in /POS. "" means the
	// Environment's host (DevURL unless Environment is "production").
	BaseURL string
	// Environment is "dev" (default), "production" or, with a BaseURL,
	// "sandbox". It picks the default host and labels pairings.
	Environment string
	HTTPClient  *http.Client    // nil: transport.NewClient()
	Clock       clockwork.Clock // nil: real; drives polling and the Check deadline
	Timeout     time.Duration   // per request; 0 means DefaultTimeout
	// PollInterval between Terminal.GetStatus polls; 0 means
	// MinPollInterval. Shorter intervals are raised to MinPollInterval
	// unless the base URL is loopback (tests and the sandbox).
	PollInterval time.Duration
	// CheckTimeout bounds a whole Check (POST plus polling); 0 means
	// DefaultCheckTimeout.
	CheckTimeout time.Duration
}

// Client talks to one SmartConnect environment. It is safe for concurrent
// use and holds no secrets: SmartConnect identifies the POS by its register
// triple alone.
type Client struct {
	base         *url.URL
	env          string
	http         *http.Client
	clock        clockwork.Clock
	timeout      time.Duration
	pollInterval time.Duration
	checkTimeout time.Duration
}

var _ providers.Provider = (*Client)(nil)

// New checks cfg and returns a Client. Errors are *providers.Error of
// KindConfig naming the setting to fix.
func New(cfg Config) (*Client, error) {
	env := cfg.Environment
	raw := cfg.BaseURL
	switch env {
	case "", EnvDev:
		env = EnvDev
		if raw == "" {
			raw = DevURL
		}
	case EnvProduction:
		if raw == "" {
			raw = ProductionURL
		}
	case EnvSandbox:
		if raw == "" {
			return nil, configError(fmt.Sprintf("the %s environment needs %s (the sandbox prints its smartconnect_url)", EnvSandbox, baseURLLabel))
		}
	default:
		return nil, configError(fmt.Sprintf("unknown SmartConnect environment %q; use %q or %q", env, EnvDev, EnvProduction))
	}
	u, err := transport.CheckURL(providers.SmartConnect, baseURLLabel, raw)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, configError(baseURLLabel + " must not have a query or fragment; use the URL ending in /POS")
	}
	c := &Client{
		base:         u,
		env:          env,
		pollInterval: cfg.PollInterval,
		checkTimeout: cfg.CheckTimeout,
	}
	if c.pollInterval <= 0 || c.pollInterval < MinPollInterval && !transport.IsLoopback(u.Hostname()) {
		c.pollInterval = MinPollInterval
	}
	if c.checkTimeout <= 0 {
		c.checkTimeout = DefaultCheckTimeout
	}
	c.http, c.clock, c.timeout = transport.Defaults(cfg.HTTPClient, cfg.Clock, cfg.Timeout, DefaultTimeout)
	return c, nil
}

// ID returns providers.SmartConnect.
func (c *Client) ID() string { return providers.SmartConnect }

// String names the client and its endpoint.
func (c *Client) String() string { return "smartconnect client for " + c.base.Redacted() }

// Environment is the environment label pairings are tagged with.
func (c *Client) Environment() string { return c.env }

// Capabilities: no confirmation and no remote unpair; GetStatus is the Test.
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what (*Client).Capabilities returns, for callers with no
// client: the CLI checks a typed code before it needs credentials.
func Capabilities() providers.Capabilities {
	return providers.Capabilities{
		NeedsConfirmation: false,
		RemoteUnpair:      false,
		CanTest:           true,
		Code: providers.CodeSpec{
			Label:   "Pairing Code",
			Digits:  false,
			MinLen:  CodeMinLen,
			MaxLen:  CodeMaxLen,
			Example: "12345678",
		},
	}
}

// UnpairMessage tells the merchant how to unpair, since the POS cannot.
const UnpairMessage = "SmartConnect has no unpair from the register: unpair on the terminal " +
	"(Smartpay terminals: MENU → CONFIG → POS INTEGRATIONS; PAX A920: Smartpay/SmartConnect app → Settings), " +
	"then forget it here."

// Unpair always fails with KindUnpairOnTerminal: there is no POS-side
// unpair API [DOC S10, S11].
func (c *Client) Unpair(context.Context, providers.Pairing, providers.Secret) error {
	return &providers.Error{Provider: providers.SmartConnect, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal, Message: UnpairMessage}
}

// registerForm checks the register identity and returns the four
// mandatory fields. Values are sent exactly as stored: SmartConnect
// matches the triple byte for byte.
func registerForm(op string, r *providers.RegisterIdentity) (url.Values, error) {
	if r == nil {
		return nil, &providers.Error{Provider: providers.SmartConnect, Op: op, Kind: providers.KindConfig,
			Message: "no register identity is configured; " + setupHint}
	}
	fields := []struct{ name, label, value string }{
		{"POSRegisterID", "register ID", r.RegisterID},
		{"POSRegisterName", "register name", r.RegisterName},
		{"POSBusinessName", "business name", r.BusinessName},
		{"POSVendorName", "vendor name", r.VendorName},
	}
	form := url.Values{}
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			return nil, &providers.Error{Provider: providers.SmartConnect, Op: op, Kind: providers.KindConfig,
				Message: fmt.Sprintf("the register identity has no %s (%s); %s", f.label, f.name, setupHint)}
		}
		form.Set(f.name, f.value)
	}
	return form, nil
}

// do sends a request through transport (deadline, size cap, error mapping).
func (c *Client) do(ctx context.Context, req *http.Request, op string) (*transport.Response, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tillpair")
	return transport.Do(ctx, c.http, req, transport.Options{Provider: providers.SmartConnect, Op: op, Timeout: c.timeout})
}

// postForm builds a form-encoded request.
func (c *Client) newFormRequest(ctx context.Context, method, u string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, configError("cannot build the request: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

func configError(msg string) *providers.Error {
	return &providers.Error{Provider: providers.SmartConnect, Kind: providers.KindConfig, Message: msg}
}

func protocolError(op string, status int, msg string, err error) *providers.Error {
	return &providers.Error{Provider: providers.SmartConnect, Op: op, HTTPStatus: status, Kind: providers.KindProtocol, Message: msg, Err: err}
}
