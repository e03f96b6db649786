package transport_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
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
