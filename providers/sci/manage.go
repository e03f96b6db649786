package sci

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Check calls the signed GET {base}/v1/pairing-info.
//
//   - 2xx: (StatusActive, nil). The body is undocumented, so it is only
//     required to be JSON (or empty); no field is read.
//   - 401 no_active_pairings_found: (StatusUnpaired, *Error KindNotPaired).
//     The cloud says the same while the pairing still awaits confirmation
//     on the terminal and for a few seconds after it [OBS T1], so the
//     caller decides: during confirmation it means "still waiting", later
//     it means "unpaired externally". The error is returned as well so a
//     caller that only looks at err cannot mistake it for success.
//   - anything else: (StatusUnknown, *Error). A network failure never
//     reports StatusUnpaired.
func (c *Client) Check(ctx context.Context, p providers.Pairing, partB providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	resp, err := c.signed(ctx, op, http.MethodGet, p, partB, "pairing-info", nil)
	if err != nil {
		return providers.CheckResult{Status: providers.StatusUnknown}, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		e := httpError(op, resp.Status, resp.Body)
		if e.Kind == providers.KindNotPaired {
			return providers.CheckResult{Status: providers.StatusUnpaired}, e
		}
		return providers.CheckResult{Status: providers.StatusUnknown}, e
	}
	if len(bytes.TrimSpace(resp.Body)) > 0 && !json.Valid(resp.Body) {
		return providers.CheckResult{Status: providers.StatusUnknown}, protocolError(op, resp.Status, "the SCI API answered pairing-info with a body that is not JSON", nil)
	}
	return providers.CheckResult{Status: providers.StatusActive}, nil
}

// Unpair calls the signed POST {base}/v1/unpair with an empty body (and the
// Content-Digest of the empty body) [OBS T1, T2]. 204 is the documented
// success; any 2xx with an empty or JSON body is accepted. 401
// no_active_pairings_found means the pairing is already gone, which counts
// as success [OBS T2].
func (c *Client) Unpair(ctx context.Context, p providers.Pairing, partB providers.Secret) error {
	const op = providers.OpUnpair
	resp, err := c.signed(ctx, op, http.MethodPost, p, partB, "unpair", []byte{})
	if err != nil {
		return err
	}
	if resp.Status >= 200 && resp.Status <= 299 {
		// A 2xx that is not JSON came from something other than the SCI
		// API (a captive portal, a proxy's page, a truncated answer);
		// taking it as success would delete the pairing locally while the
		// cloud keeps it.
		if len(bytes.TrimSpace(resp.Body)) > 0 && !json.Valid(resp.Body) {
			return protocolError(op, resp.Status, "the SCI API answered unpair with a body that is not JSON; the pairing was kept", nil)
		}
		return nil
	}
	e := httpError(op, resp.Status, resp.Body)
	if e.Kind == providers.KindNotPaired {
		return nil
	}
	return e
}

// signed sends a signed request to {p.BaseURL}/v1/{route}.
func (c *Client) signed(ctx context.Context, op, method string, p providers.Pairing, partB providers.Secret, route string, body []byte) (*transport.Response, error) {
	if c.partA.IsZero() {
		return nil, credentialsError(op,
			"the SCI signing secret Part A is not configured (set TILLPAIR_SCI_SIGNING_SECRET_PART_A or store it in the keyring)")
	}
	if partB.IsZero() {
		return nil, credentialsError(op,
			"the signing secret Part B of pairing "+p.ID+" is missing from the keyring; forget the pairing and pair again")
	}
	base, err := c.baseURL(op, p)
	if err != nil {
		return nil, err
	}
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req, err = http.NewRequest(method, base.JoinPath("v1", route).String(), rd)
	} else {
		req, err = http.NewRequest(method, base.JoinPath("v1", route).String(), nil)
	}
	if err != nil {
		return nil, protocolError(op, 0, "could not build the request", err)
	}
	if err := Sign(req, body, p.KeyID, c.partA, partB, c.clock.Now()); err != nil {
		return nil, &providers.Error{Provider: providers.SCI, Op: op, Kind: providers.KindConfig,
			Message: "pairing " + p.ID + " cannot be signed: " + err.Error() + "; forget the pairing and pair again"}
	}
	return c.do(ctx, req, op)
}

// baseURL re-checks the stored base URL: the records file is outside
// tillpair's control, and signed requests must not go over plain http to
// anything but the loopback sandbox.
func (c *Client) baseURL(op string, p providers.Pairing) (*url.URL, error) {
	u, err := transport.ParseURL(p.BaseURL, c.loopbackHTTP)
	if err != nil {
		return nil, &providers.Error{Provider: providers.SCI, Op: op, Kind: providers.KindConfig,
			Message: "the stored SCI API base URL of pairing " + p.ID + " " + err.Error()}
	}
	return u, nil
}
