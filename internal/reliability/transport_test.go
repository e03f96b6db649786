package reliability

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	simsmartconnect "github.com/tillpair/tillpair/internal/sandbox/smartconnect"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// TestEndpointsMustBeHTTPSExceptLoopback: every client refuses plain http
// to a non-loopback host and URLs with credentials, with a config error
// that names the setting and never echoes the password.
func TestEndpointsMustBeHTTPSExceptLoopback(t *testing.T) {
	build := map[string]func(string) error{
		"TILLPAIR_SCI_PAIRING_URL": func(u string) error {
			_, err := sci.New(sci.Config{PairingURL: u})
			return err
		},
		"TILLPAIR_SMARTCONNECT_URL": func(u string) error {
			_, err := smartconnect.New(smartconnect.Config{BaseURL: u, Environment: smartconnect.EnvSandbox})
			return err
		},
		"TILLPAIR_HELCIM_URL": func(u string) error {
			_, err := helcim.New(helcim.Config{BaseURL: u})
			return err
		},
	}
	checked := 0
	for label, newClient := range build {
		for _, good := range []string{"https://api.example.com/x", "http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost:9/x"} {
			if err := newClient(good); err != nil {
				t.Errorf("%s=%s refused: %v", label, good, err)
			}
			checked++
		}
		for _, bad := range []string{"http://api.example.com/x", "http://10.0.0.8/x", "https://user:hunter2@api.example.com/x", "ftp://api.example.com", "api.example.com"} {
			err := newClient(bad)
			checked++
			if providers.KindOf(err) != providers.KindConfig {
				t.Errorf("%s=%s: %v, want a config error", label, bad, err)
				continue
			}
			if !strings.Contains(err.Error(), label) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%s=%s: message %q must name the setting and hide the password", label, bad, err)
			}
		}
	}
	t.Logf("FIGURE transport: %d endpoint URLs checked against the https-except-loopback and no-userinfo rules", checked)
}

// TestReturnedBaseURLValidated: the SCI pairing API hands out the base URL
// later signed requests go to; one with userinfo, plain http to a remote
// host, a downgrade from an https pairing host or another scheme is a
// protocol error, and nothing is stored.
func TestReturnedBaseURLValidated(t *testing.T) {
	cases := []struct {
		name, base string
		tls        bool
	}{
		{"userinfo", "http://admin:hunter2@HOST/sci-api/t", false},
		{"plain_http_remote", "http://api.example.com/sci-api/t", false},
		{"downgrade_from_https", "http://HOST/sci-api/t", true},
		{"other_scheme", "ftp://HOST/sci-api/t", false},
		{"not_a_url", "::not a url::", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, providers.SCI, worldOptions{tls: c.tls, opTrusts: true})
			host := strings.TrimPrefix(strings.TrimPrefix(w.front.URL(), "https://"), "http://")
			replacement := strings.ReplaceAll(c.base, "HOST", host)
			w.front.setModify(func(route string, body []byte) []byte {
				if route != simsci.RouteProgressPairing {
					return body
				}
				i := bytes.Index(body, []byte(`"sci_api_base_url":"`))
				if i < 0 {
					return body
				}
				j := bytes.IndexByte(body[i+20:], '"')
				return append(append(append([]byte{}, body[:i+20]...), replacement...), body[i+20+j:]...)
			})
			_, err := w.op.Pair(ctxT(t), pairing.PairInput{Provider: providers.SCI, Code: w.code()})
			if providers.KindOf(err) != providers.KindProtocol {
				t.Fatalf("base URL %q: %v, want a protocol error", replacement, err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error shows the password: %v", err)
			}
			if len(w.records()) != 0 || len(w.vault.snapshot()) != 0 {
				t.Fatal("a pairing with an untrusted base URL was stored")
			}
		})
	}
}

// TestPollingURLMustStayOnHost: SmartConnect's polling URL carries an
// access token; one on another host or scheme is refused.
func TestPollingURLMustStayOnHost(t *testing.T) {
	for name, target := range map[string]string{"other_host": "http://203.0.113.9", "other_scheme": "https://HOST"} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, providers.SmartConnect, worldOptions{})
			p := w.paired(false)
			host := strings.TrimPrefix(w.front.URL(), "http://")
			w.front.setModify(func(route string, body []byte) []byte {
				if route != simsmartconnect.RouteTransaction {
					return body
				}
				return bytes.ReplaceAll(body, []byte("http://"+host), []byte(strings.ReplaceAll(target, "HOST", host)))
			})
			before := w.sb.RequestCount(providers.SmartConnect, simsmartconnect.RoutePoll)
			_, err := w.op.Test(ctxT(t), p.ID)
			if providers.KindOf(err) != providers.KindProtocol {
				t.Fatalf("%v, want a protocol error", err)
			}
			if w.sb.RequestCount(providers.SmartConnect, simsmartconnect.RoutePoll) != before {
				t.Fatal("the polling URL was followed")
			}
		})
	}
}

// TestEveryRequestHasADeadline: against a server that accepts and never
// answers, every client operation ends with KindTimeout close to its
// per-request deadline.
func TestEveryRequestHasADeadline(t *testing.T) {
	release := make(chan struct{})
	hole := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hole.Close()
	defer close(release)
	const timeout = 150 * time.Millisecond
	sciC, _ := sci.New(sci.Config{PairingURL: hole.URL, APIKey: providers.NewSecret(canaryAPIKey), SigningSecretPartA: providers.NewSecret(canaryPartA), Timeout: timeout})
	scC, _ := smartconnect.New(smartconnect.Config{BaseURL: hole.URL + "/POS", Environment: smartconnect.EnvSandbox, Timeout: timeout})
	heC, _ := helcim.New(helcim.Config{BaseURL: hole.URL, APIToken: providers.NewSecret(canaryToken), Timeout: timeout})
	sciP := providers.Pairing{Provider: providers.SCI, ID: "pid_1", KeyID: "kid_1", BaseURL: hole.URL + "/sci-api/t"}
	scP := providers.Pairing{Provider: providers.SmartConnect, ID: "r", Register: &providers.RegisterIdentity{RegisterID: "r", RegisterName: "n", BusinessName: "b", VendorName: "v"}}
	partB := providers.NewSecret("partB-partB-partB")
	ops := map[string]func(context.Context) error{
		"sci pair": func(c context.Context) error {
			_, _, err := sciC.Pair(c, providers.PairRequest{Code: "123456"})
			return err
		},
		"sci check":  func(c context.Context) error { _, err := sciC.Check(c, sciP, partB); return err },
		"sci unpair": func(c context.Context) error { return sciC.Unpair(c, sciP, partB) },
		"smartconnect pair": func(c context.Context) error {
			_, _, err := scC.Pair(c, providers.PairRequest{Code: "12345678", Register: scP.Register})
			return err
		},
		"smartconnect check": func(c context.Context) error { _, err := scC.Check(c, scP, providers.Secret{}); return err },
		"helcim pair": func(c context.Context) error {
			_, _, err := heC.Pair(c, providers.PairRequest{Code: "AB12"})
			return err
		},
		"helcim check": func(c context.Context) error {
			_, err := heC.Check(c, providers.Pairing{Provider: providers.Helcim, ID: "AB12"}, providers.Secret{})
			return err
		},
	}
	// Without a deadline an op would wait on the silent server forever: the
	// bound that tells the two apart is far from what a loaded machine adds
	// to the 150 ms deadline (a fixed 2 s margin raced -race under load).
	const unbounded = time.Minute
	var slowest time.Duration
	for name, op := range ops {
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- op(context.Background()) }()
		select {
		case err := <-done:
			slowest = max(slowest, time.Since(start))
			if providers.KindOf(err) != providers.KindTimeout {
				t.Errorf("%s: %v, want a timeout", name, err)
			}
		case <-time.After(unbounded):
			t.Errorf("%s did not end within %v with a %v deadline", name, unbounded, timeout)
		}
	}
	t.Logf("FIGURE deadlines: %d client operations against a silent server all ended in KindTimeout with a %v deadline (slowest %v)", len(ops), timeout, slowest.Round(time.Millisecond))
}
