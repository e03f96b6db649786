package transport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

func get(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func opts() transport.Options {
	return transport.Options{Provider: "sci", Op: providers.OpCheck, Timeout: 5 * time.Second}
}

func wantKind(t *testing.T, err error, kind providers.Kind, retryable bool) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want *providers.Error", err, err)
	}
	if pe.Kind != kind || pe.Retryable != retryable {
		t.Fatalf("err = %v: kind %v retryable %v, want %v %v", err, pe.Kind, pe.Retryable, kind, retryable)
	}
	if pe.Provider != "sci" || pe.Op != providers.OpCheck {
		t.Fatalf("err = %v: provider/op %q/%q not kept", err, pe.Provider, pe.Op)
	}
	return pe
}

func TestDoReturnsStatusHeaderAndBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte(`{"hello":"world"}`))
	}))
	defer srv.Close()

	resp, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL+"/p"), opts())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusTeapot || resp.Header.Get("X-Echo") != "/p" || string(resp.Body) != `{"hello":"world"}` {
		t.Fatalf("got %d %v %q", resp.Status, resp.Header, resp.Body)
	}
}

func TestDoSizeCap(t *testing.T) {
	const limit = 64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := limit
		if r.URL.Query().Get("big") != "" {
			n = limit + 1
		}
		w.Write(bytes.Repeat([]byte("x"), n))
	}))
	defer srv.Close()
	o := opts()
	o.MaxBody = limit

	resp, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL), o)
	if err != nil || len(resp.Body) != limit {
		t.Fatalf("body at the cap: resp %v err %v", resp, err)
	}
	_, err = transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL+"?big=1"), o)
	pe := wantKind(t, err, providers.KindProtocol, false)
	if pe.HTTPStatus != http.StatusOK || !strings.Contains(pe.Message, "larger than 64 bytes") {
		t.Fatalf("oversized body error %+v", pe)
	}
}

func TestDoDeadlineIsTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	o := opts()
	o.Timeout = 50 * time.Millisecond

	_, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL), o)
	wantKind(t, err, providers.KindTimeout, true)
}

func TestDoCallerCancelIsCanceled(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()

	_, err := transport.Do(ctx, transport.NewClient(), get(t, srv.URL), opts())
	wantKind(t, err, providers.KindCanceled, false)
}

func TestDoConnectionResetIsNetwork(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		// Linger 0 makes Close send RST instead of FIN.
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}))
	defer srv.Close()

	_, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL), opts())
	wantKind(t, err, providers.KindNetwork, true)
}

func TestDoConnectionRefusedIsNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	_, err = transport.Do(context.Background(), transport.NewClient(), get(t, "http://"+addr), opts())
	pe := wantKind(t, err, providers.KindNetwork, true)
	if !strings.Contains(pe.Message, "refused") {
		t.Fatalf("message %q does not say refused", pe.Message)
	}
}

func TestDoUntrustedCertificateIsNetwork(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()

	_, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL), opts())
	pe := wantKind(t, err, providers.KindNetwork, true)
	if !strings.Contains(pe.Message, "not trusted") {
		t.Fatalf("message %q does not say the certificate is not trusted", pe.Message)
	}
}

func TestDoRefusesHTTPSToHTTPRedirect(t *testing.T) {
	hit := make(chan struct{}, 1)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit <- struct{}{}
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.RedirectHandler(plain.URL+"/leak", http.StatusFound))
	defer secure.Close()

	// Trust the test server's certificate but keep NewClient's redirect policy.
	client := transport.NewClient()
	client.Transport = secure.Client().Transport

	_, err := transport.Do(context.Background(), client, get(t, secure.URL), opts())
	pe := wantKind(t, err, providers.KindProtocol, false)
	var re *transport.RedirectError
	if !errors.As(err, &re) || !strings.Contains(pe.Message, "downgrade") {
		t.Fatalf("err %v is not a downgrade refusal", err)
	}
	select {
	case <-hit:
		t.Fatal("the plain http server was contacted")
	default:
	}
}

func TestDoCapsRedirects(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path+"x", http.StatusFound)
	}))
	defer srv.Close()

	_, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL+"/"), opts())
	pe := wantKind(t, err, providers.KindProtocol, false)
	if !strings.Contains(pe.Message, "more than 5 redirects") {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestDoFollowsSameSchemeRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusFound)
			return
		}
		w.Write([]byte(r.URL.Path))
	}))
	defer srv.Close()

	resp, err := transport.Do(context.Background(), transport.NewClient(), get(t, srv.URL+"/old"), opts())
	if err != nil || string(resp.Body) != "/new" {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

func TestNewClientRequiresTLS12(t *testing.T) {
	tr, ok := transport.NewClient().Transport.(*http.Transport)
	if !ok {
		t.Fatal("transport is not *http.Transport")
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion < 0x0303 {
		t.Fatalf("TLS MinVersion %v, want >= TLS 1.2", tr.TLSClientConfig)
	}
	if transport.NewClient().Timeout != 0 {
		t.Fatal("client has a global timeout; deadlines are per request")
	}
}

// canaryToken stands in for a credential in the redirect tests: it must
// never reach a server other than the one the request was made to.
const canaryToken = "canary-7f3e9b1d"

// loopbackServer serves h on ip (127.0.0.1 and 127.0.0.2 are different hosts
// on the same machine) and records every request it sees.
func loopbackServer(t *testing.T, ip string, h http.Handler) (*httptest.Server, chan *http.Request) {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listen on %s (Linux routes all of 127.0.0.0/8 to lo): %v", ip, err)
	}
	seen := make(chan *http.Request, 16)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		seen <- r.Clone(context.Background())
		if h != nil {
			h.ServeHTTP(w, r)
		}
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, seen
}

// A redirect to another host, another port, another scheme or a URL that
// would be refused as an endpoint is not followed: nothing (least of all the
// credential headers or a 307's body) reaches the target.
func TestDoRefusesRedirectsLeavingTheOrigin(t *testing.T) {
	other, otherSeen := loopbackServer(t, "127.0.0.2", nil)
	samePortElsewhere, elsewhereSeen := loopbackServer(t, "127.0.0.1", nil)
	otherURL, _ := url.Parse(other.URL)
	elsewhereURL, _ := url.Parse(samePortElsewhere.URL)

	var origin *httptest.Server
	var originSeen chan *http.Request
	origin, originSeen = loopbackServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, _ := net.SplitHostPort(origin.Listener.Addr().String())
		var to string
		switch r.URL.Path {
		case "/host":
			to = "http://127.0.0.2:" + otherURL.Port() + "/steal"
		case "/localhost": // the same machine under another name is another host
			to = "http://localhost:" + port + "/steal"
		case "/port":
			to = "http://" + host + ":" + elsewhereURL.Port() + "/steal"
		case "/scheme":
			to = "https://" + host + ":" + port + "/steal"
		case "/userinfo":
			to = "http://user:pw@" + host + ":" + port + "/steal"
		default:
			t.Errorf("the origin was asked for %s", r.URL.Path)
			return
		}
		http.Redirect(w, r, to, http.StatusTemporaryRedirect)
	}))

	for _, path := range []string{"/host", "/localhost", "/port", "/scheme", "/userinfo"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, origin.URL+path, strings.NewReader(`{"secret":"`+canaryToken+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("api-token", canaryToken)
			req.Header.Set("Authorization", "ApiKey "+canaryToken)
			req.Header.Set("Signature", "sig1=:"+canaryToken+":")

			_, err = transport.Do(context.Background(), transport.NewClient(), req, opts())
			pe := wantKind(t, err, providers.KindProtocol, false)
			var re *transport.RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("err %v is not a refused redirect", err)
			}
			if strings.Contains(pe.Error(), canaryToken) || strings.Contains(pe.Error(), "pw") {
				t.Fatalf("the refusal repeats a secret: %v", pe)
			}
			if r := <-originSeen; r.URL.Path != path {
				t.Fatalf("origin saw %s", r.URL.Path)
			}
			for len(originSeen) > 0 {
				r := <-originSeen
				t.Errorf("the redirect was followed back to the origin: %s %s (api-token %q)", r.Method, r.URL, r.Header.Get("api-token"))
			}
			for _, seen := range []chan *http.Request{otherSeen, elsewhereSeen} {
				select {
				case r := <-seen:
					t.Errorf("the redirect was followed to %s: api-token %q, Authorization %q", r.Host, r.Header.Get("api-token"), r.Header.Get("Authorization"))
				default:
				}
			}
		})
	}
}

// A redirect that stays on the origin keeps working and keeps its
// credentials (the request is going where it was configured to go).
func TestDoFollowsSameOriginRedirectWithCredentials(t *testing.T) {
	srv, _ := loopbackServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
			return
		}
		w.Write([]byte(r.URL.Path + " " + r.Header.Get("api-token")))
	}))
	req := get(t, srv.URL+"/old")
	req.Header.Set("api-token", canaryToken)
	resp, err := transport.Do(context.Background(), transport.NewClient(), req, opts())
	if err != nil || string(resp.Body) != "/new "+canaryToken {
		t.Fatalf("resp %v err %v", resp, err)
	}
}
