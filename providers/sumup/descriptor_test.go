package sumup_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sumup"
)

// The descriptor agrees with the client it builds.
func TestDescriptorMatchesClient(t *testing.T) {
	d := sumup.Descriptor
	caps := sumup.Capabilities()
	if d.ID != sumup.ID || d.Code != caps.Code || d.Confirms != caps.NeedsConfirmation || d.RemoteUnpair != caps.RemoteUnpair ||
		d.CanTest != caps.CanTest || d.Model != providers.CodeFromTerminal || d.ConfirmWindow != sumup.PairingWindow {
		t.Fatalf("descriptor %+v disagrees with capabilities %+v", d, caps)
	}
	if d.Code.MinLen != 8 || d.Code.MaxLen != 9 || d.Code.Digits || len(d.Code.Example) != 8 {
		t.Fatalf("code spec %+v", d.Code)
	}
	key, merchant := d.Credentials[0], d.Credentials[1]
	if !key.Secret || key.Item != "sumup/api-key" || key.Env() != "TILLPAIR_SUMUP_API_KEY" ||
		merchant.Secret || merchant.Item != "" || merchant.Env() != "TILLPAIR_SUMUP_MERCHANT_CODE" {
		t.Fatalf("credentials %+v", d.Credentials)
	}
	if len(d.Environments) != 1 || d.Environments[0].URLs[d.Endpoints[0].Name] != sumup.DefaultBaseURL {
		t.Fatalf("environments %+v", d.Environments)
	}
	if d.Labels.PairingID != "Reader ID" || d.Labels.TID != "Serial" || len(d.Steps.Pair) == 0 || d.Steps.PairCompact == "" || d.Steps.Unpair == "" {
		t.Fatalf("labels %+v, steps %+v", d.Labels, d.Steps)
	}
	// A bad endpoint is a configuration error, never a client that
	// would send the key over plain http.
	for _, u := range []string{"http://api.sumup.com", "ftp://x", "https://user:pw@api.sumup.com"} {
		_, err := d.New(providers.Config{URLs: map[string]string{sumup.EndpointURL: u}})
		if providers.KindOf(err) != providers.KindConfig || strings.Contains(err.Error(), "pw") {
			t.Errorf("New with %s = %v", u, err)
		}
	}
	prov, err := d.New(providers.Config{})
	if err != nil || !strings.Contains(prov.(interface{ String() string }).String(), sumup.DefaultBaseURL) {
		t.Fatalf("New with defaults = %v, %v", prov, err)
	}
}

// Wording overrides only SumUp's errors, and only where SumUp needs other
// words; each names a next step.
func TestDescriptorWording(t *testing.T) {
	w := sumup.Descriptor.Wording
	if _, ok := w(&providers.Error{Provider: "sci", Kind: providers.KindCredentials}); ok {
		t.Fatal("worded another provider's error")
	}
	if _, ok := w(nil); ok {
		t.Fatal("worded nil")
	}
	cases := []struct {
		err  providers.Error
		line string
		flag string // "setup", "forget", "retry" or ""
	}{
		{providers.Error{Kind: providers.KindCredentials, Code: sumup.CodeUnauthorized}, "SumUp API key is missing, invalid, or lacks reader permission", "setup"},
		{providers.Error{Kind: providers.KindCredentials, Code: sumup.CodeForbidden}, "This SumUp API key may not manage readers", "setup"},
		{providers.Error{Kind: providers.KindCredentials, Code: sumup.CodeMerchantNotFound}, "The SumUp merchant code is not an account of this API key", "setup"},
		{providers.Error{Kind: providers.KindNotFound, Code: sumup.CodeNoPendingReader, Op: providers.OpPair}, "No reader is waiting for that code", ""},
		{providers.Error{Kind: providers.KindNotFound, Code: sumup.CodeReaderNotFound}, "The pending reader no longer exists in SumUp", ""},
		{providers.Error{Kind: providers.KindCodeUsed, Code: sumup.CodeReaderNotPending}, "That reader is already paired or pairing", ""},
		{providers.Error{Kind: providers.KindCodeUsed, Code: sumup.CodeReaderExpired}, "Pairing expired before the Solo confirmed it", ""},
		{providers.Error{Kind: providers.KindNotPaired, Code: sumup.CodeReaderNotFound}, "Reader no longer exists in SumUp (deleted elsewhere)", "forget"},
		{providers.Error{Kind: providers.KindNotPaired, Code: sumup.CodeReaderExpired}, "SumUp no longer has this reader paired", "forget"},
		{providers.Error{Kind: providers.KindInvalidCode}, "Pairing code must be 8–9 letters/digits as shown on the Solo", ""},
		{providers.Error{Kind: providers.KindInvalidInput, HTTPStatus: 400, Err: &sumup.Problem{Type: "t", Fields: []string{"missing property 'name'"}}},
			"SumUp rejected the pairing request: missing property 'name'", ""},
		{providers.Error{Kind: providers.KindRateLimited, Message: "SumUp is rate-limiting; try again in 2 s"}, "SumUp is rate-limiting", "retry"},
		{providers.Error{Kind: providers.KindNetwork, Op: providers.OpCheck}, "Could not reach SumUp", "retry"},
		{providers.Error{Kind: providers.KindServer, Op: providers.OpPair}, "SumUp had a server problem", "retry"},
	}
	for _, c := range cases {
		e := c.err
		e.Provider = sumup.ID
		got, ok := w(&e)
		flags := map[string]bool{"setup": got.Setup, "forget": got.Forget, "retry": got.Retry}
		if !ok || got.Line != c.line || got.Title == "" || got.Next == "" {
			t.Errorf("%v %s: %+v", e.Kind, e.Code, got)
		}
		for name, on := range flags {
			if on != (name == c.flag) {
				t.Errorf("%v %s: %s = %v", e.Kind, e.Code, name, on)
			}
		}
	}
	// A local refusal keeps the generic words; the trace id joins any
	// detail already there.
	if _, ok := w(&providers.Error{Provider: sumup.ID, Kind: providers.KindInvalidInput}); ok {
		t.Error("worded a local refusal")
	}
	if got, _ := w(&providers.Error{Provider: sumup.ID, Kind: providers.KindInvalidCode, Message: "you typed 7"}); got.Detail != "you typed 7" {
		t.Errorf("a code refused here loses its reason: %+v", got)
	}
	got, _ := w(&providers.Error{Provider: sumup.ID, Kind: providers.KindRateLimited, Message: "wait 2 s", Err: &sumup.Problem{TraceID: "abc"}})
	if got.Detail != "wait 2 s; SumUp trace ID abc (quote it to SumUp support)" {
		t.Errorf("detail = %q", got.Detail)
	}
}

// The Descriptor's names are the sandbox's Info keys, and New builds a
// working client from them.
func TestDescriptorAgainstSandbox(t *testing.T) {
	e := newEnv(t)
	d := sumup.Descriptor
	urls := map[string]string{}
	for _, ep := range d.Endpoints {
		if urls[ep.Name] = e.info.URL(ep.Name); urls[ep.Name] == "" {
			t.Fatalf("the sandbox has no URL %s", ep.Name)
		}
	}
	creds := map[string]providers.Secret{}
	for _, c := range d.Credentials {
		v := e.info.Credential(c.Name)
		if v == "" {
			t.Fatalf("the sandbox has no credential %s", c.Name)
		}
		creds[c.Name] = providers.NewSecret(v)
	}
	for name, want := range map[string]string{d.Credentials[0].Env(): "TILLPAIR_SUMUP_API_KEY", d.Credentials[1].Env(): "TILLPAIR_SUMUP_MERCHANT_CODE", d.Endpoints[0].Env(): "TILLPAIR_SUMUP_URL"} {
		if name != want {
			t.Errorf("env %s, want %s", name, want)
		}
	}
	prov, err := d.New(providers.Config{Environment: "sandbox", URLs: urls, Credentials: creds, Clock: e.clock,
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	code := e.showCode(e.solo)
	p, _, err := prov.Pair(context.Background(), providers.PairRequest{Code: code, Nickname: "Till 3"})
	if err != nil || p.Environment != "sandbox" || prov.ID() != d.ID || prov.Capabilities().Code != d.Code {
		t.Fatalf("Pair through the descriptor = %+v, %v", p, err)
	}
	if !strings.Contains(e.log.String(), "provider=sumup op=pair method=POST") {
		t.Fatalf("the descriptor's logger saw no request:\n%s", e.log)
	}
}
