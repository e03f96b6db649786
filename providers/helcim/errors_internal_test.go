package helcim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

func TestHTTPErrorMapping(t *testing.T) {
	body := func(s string) []byte { return []byte(`{"errors":"` + s + `"}`) }
	cases := []struct {
		op        string
		status    int
		body      []byte
		header    http.Header
		kind      providers.Kind
		code      string
		retryable bool
		mentions  string
	}{
		{providers.OpPair, 400, []byte(`{"errors":["bad code"]}`), nil, providers.KindInvalidCode, CodeInvalidRequest, false, "(Helcim: bad code)"},
		{providers.OpCheck, 400, nil, nil, providers.KindProtocol, CodeInvalidRequest, false, "rejected the request"},
		{providers.OpPair, 401, body("Unauthorized"), nil, providers.KindCredentials, CodeUnauthorized, false, "missing or invalid"},
		{providers.OpPair, 403, body("Unauthorized"), nil, providers.KindCredentials, CodeForbidden, false, "not valid or lacks permission"},
		{providers.OpCheck, 403, body("No access permission"), nil, providers.KindCredentials, CodeForbidden, false, "General: Read and Settings: Read"},
		{providers.OpPair, 404, body("Device Not Found"), nil, providers.KindNotFound, CodeDeviceNotFound, false, "Device code not found on this Helcim account"},
		{providers.OpCheck, 404, body("Device Not Found"), nil, providers.KindNotPaired, CodeDeviceNotFound, false, "no longer on this Helcim account"},
		{providers.OpPair, 409, body("Device Not Listening"), nil, providers.KindNotListening, CodeNotListening, true, "not listening"},
		{providers.OpCheck, 429, nil, http.Header{"Retry-After": {"7"}, "Minute-Limit-Remaining": {"0"}}, providers.KindRateLimited, CodeRateLimited, true, "minute-limit-remaining 0; try again in about 7 seconds"},
		{providers.OpCheck, 429, nil, http.Header{"Retry-After": {"1800"}}, providers.KindRateLimited, CodeRateLimited, true, "about 30 minutes"},
		{providers.OpCheck, 429, nil, http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}}, providers.KindRateLimited, CodeRateLimited, true, "about a minute"},
		// Remaining counts are numbers [DOC S27]; anything else is left out.
		{providers.OpCheck, 429, nil, http.Header{"Minute-Limit-Remaining": {"0; EVIL"}, "Hour-Limit-Remaining": {"12"}}, providers.KindRateLimited, CodeRateLimited, true, "; hour-limit-remaining 12; try again"},
		{providers.OpCheck, 429, nil, http.Header{"Minute-Limit-Remaining": {"lots"}}, providers.KindRateLimited, CodeRateLimited, true, "per account; try again"},
		{providers.OpPair, 500, []byte("oops"), nil, providers.KindServer, "", true, "(Helcim: oops)"},
		{providers.OpPair, 503, nil, nil, providers.KindServer, "", true, "server problem"},
		{providers.OpPair, 405, nil, nil, providers.KindProtocol, CodeUnexpectedReply, false, "unexpected HTTP 405"},
	}
	for _, c := range cases {
		e := httpError(c.op, &transport.Response{Status: c.status, Header: c.header, Body: c.body})
		if e.Kind != c.kind || e.Code != c.code || e.Retryable != c.retryable || e.HTTPStatus != c.status ||
			e.Provider != providers.Helcim || e.Op != c.op || !strings.Contains(e.Message, c.mentions) {
			t.Errorf("%s %d %s: got kind %v code %q retryable %v message %q; want %v %q %v mentioning %q",
				c.op, c.status, c.body, e.Kind, e.Code, e.Retryable, e.Message, c.kind, c.code, c.retryable, c.mentions)
		}
	}
}

func TestNewConfig(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c.base.String() != DefaultBaseURL || c.env != EnvironmentLive || c.timeout != DefaultTimeout || c.ID() != providers.Helcim {
		t.Fatalf("defaults: %s %s %s %s", c.base, c.env, c.timeout, c.ID())
	}
	caps := c.Capabilities()
	if caps.NeedsConfirmation || caps.RemoteUnpair || !caps.CanTest || caps.Code.Label != "Device Code" || caps.Code.Digits ||
		caps.Code.MinLen != 4 || caps.Code.MaxLen != 4 || caps.Code.Example != "DY6L" {
		t.Fatalf("capabilities = %+v", caps)
	}
	for _, raw := range []string{"http://api.helcim.com/v2", "ftp://x", "https://user:pw@api.helcim.com/v2", "not a url"} {
		_, err := New(Config{BaseURL: raw})
		pe, ok := providers.AsError(err)
		if !ok || pe.Kind != providers.KindConfig || !strings.Contains(pe.Message, "TILLPAIR_HELCIM_URL") || strings.Contains(pe.Message, "pw") {
			t.Errorf("BaseURL %q: err = %v", raw, err)
		}
	}
	if c, err := New(Config{BaseURL: "http://localhost:8080/helcim/v2", APIToken: providers.NewSecret("s3cret")}); err != nil || c.env != EnvironmentSandbox || strings.Contains(c.String(), "s3cret") {
		t.Fatalf("loopback: %v %v", c, err)
	}
}
