package smartconnect_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// stub is a misbehaving cloud for answers the sandbox never gives: odd
// bodies and polling URLs pointing elsewhere.
func stub(t *testing.T, h http.HandlerFunc) (*smartconnect.Client, *clockwork.FakeClock) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clk := clockwork.NewFakeClock()
	c, err := smartconnect.New(smartconnect.Config{BaseURL: srv.URL + "/POS/", Clock: clk, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

func TestPairOddErrorBodies(t *testing.T) {
	cases := []struct {
		status int
		body   string
		kind   providers.Kind
		msg    string
	}{
		{400, "Bad Request from proxy\n", providers.KindInvalidCode, "Bad Request from proxy"},
		{400, "", providers.KindInvalidCode, "Bad Request"},
		{400, `{"error":"Pairing code expired"}`, providers.KindCodeUsed, "Pairing code expired"},
		{502, "<html><h1>502 Bad Gateway</h1>\n</html>", providers.KindServer, "<html><h1>502 Bad Gateway</h1> </html>"},
		{500, "", providers.KindServer, "Internal Server Error"},
		{418, strings.Repeat("y", 1000), providers.KindProtocol, strings.Repeat("y", 200) + "…"},
	}
	for _, c := range cases {
		var path, form atomic.Value
		client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) {
			path.Store(r.URL.EscapedPath())
			r.ParseForm()
			form.Store(r.PostForm.Encode())
			w.WriteHeader(c.status)
			w.Write([]byte(c.body))
		})
		_, _, err := client.Pair(ctx(t), providers.PairRequest{Code: "AB12cd34", Register: register("r 1")})
		pe := wantErr(t, err, c.kind)
		if pe.HTTPStatus != c.status || pe.Message != c.msg {
			t.Errorf("%d %q: got %d %q, want %q", c.status, c.body, pe.HTTPStatus, pe.Message, c.msg)
		}
		if path.Load() != "/POS/Pairing/AB12cd34" {
			t.Errorf("path %v", path.Load())
		}
		if want := "POSBusinessName=Toys+Shop&POSRegisterID=r+1&POSRegisterName=Main+Register&POSVendorName=Till2Go"; form.Load() != want {
			t.Errorf("form %v, want %s", form.Load(), want)
		}
	}
}

func TestPairUnexpectedSuccessBody(t *testing.T) {
	for _, body := range []string{``, `{"result":"failure"}`, `<html>`, `{"result":`} {
		client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
		_, _, err := client.Pair(ctx(t), providers.PairRequest{Code: "12345678", Register: register("r1")})
		if pe := wantErr(t, err, providers.KindProtocol); pe.HTTPStatus != 200 || !strings.Contains(pe.Message, "result") {
			t.Errorf("body %q: %+v", body, pe)
		}
	}
}

// TestPollingURLMustStayOnTheBaseHost: a PollingUrl to another host (or
// scheme, or an unusable one) is refused before any request is made to it.
func TestPollingURLMustStayOnTheBaseHost(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	for _, poll := range []string{
		other.URL + "/POS/Transaction/1?merchantAccessToken=SECRETTOKEN",
		"https://evil.example/POS/Transaction/1?merchantAccessToken=SECRETTOKEN",
		"http://user:pw@127.0.0.1/x?merchantAccessToken=SECRETTOKEN",
		"ftp://127.0.0.1/x?merchantAccessToken=SECRETTOKEN",
		"",
	} {
		var polled atomic.Int32
		client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				polled.Add(1)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"transactionId":"1","transactionStatus":"PENDING","data":{"PollingUrl":"` + poll + `"}}`))
		})
		p := providers.Pairing{ID: "r1", Register: register("r1")}
		stCR, err := client.Check(ctx(t), p, providers.Secret{})
		st := stCR.Status
		pe := wantErr(t, err, providers.KindProtocol)
		if st != providers.StatusUnknown || !strings.Contains(pe.Message, "PollingUrl") && !strings.Contains(pe.Message, "refusing") {
			t.Errorf("%q: %v %+v", poll, st, pe)
		}
		if strings.Contains(err.Error(), "SECRETTOKEN") || strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: error %q shows the token or password", poll, err)
		}
		if polled.Load() != 0 {
			t.Errorf("%q: the base host was polled", poll)
		}
	}
	if elsewhere.Load() != 0 {
		t.Fatal("the other host was contacted")
	}
}

func TestCheckOddAnswers(t *testing.T) {
	cases := []struct {
		name, body string
		kind       providers.Kind
	}{
		{"not JSON", `<html>`, providers.KindProtocol},
		{"no status", `{"transactionId":"1"}`, providers.KindProtocol},
		{"completed without result", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{}}`, providers.KindProtocol},
		{"completed failed", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"FAILED","ResultText":"Busy"}}`, providers.KindNotListening},
	}
	for _, c := range cases {
		client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(c.body)) })
		_, err := client.Check(ctx(t), providers.Pairing{Register: register("r1")}, providers.Secret{})
		wantErr(t, err, c.kind)
	}
	// A synchronous COMPLETED OK needs no polling.
	client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"OK","Status":"READY"}}`))
	})
	if st, err := client.Check(ctx(t), providers.Pairing{Register: register("r1")}, providers.Secret{}); st.Status != providers.StatusActive || err != nil {
		t.Fatalf("Check = %v %v", st, err)
	}
}

func TestNewConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  smartconnect.Config
		want string
		env  string
	}{
		{smartconnect.Config{}, "smartconnect client for https://api-dev.smart-connect.cloud/POS", "dev"},
		{smartconnect.Config{Environment: "production"}, "smartconnect client for https://api.smart-connect.cloud/POS", "production"},
		{smartconnect.Config{BaseURL: "http://127.0.0.1:1/smartconnect/POS/", Environment: "sandbox"}, "smartconnect client for http://127.0.0.1:1/smartconnect/POS", "sandbox"},
	} {
		cl, err := smartconnect.New(c.cfg)
		if err != nil || cl.String() != c.want || cl.Environment() != c.env || cl.ID() != "smartconnect" {
			t.Errorf("New(%+v) = %v, %v", c.cfg, cl, err)
		}
	}
	for _, c := range []struct {
		cfg  smartconnect.Config
		want string
	}{
		{smartconnect.Config{Environment: "staging"}, `unknown SmartConnect environment "staging"`},
		{smartconnect.Config{Environment: "sandbox"}, "TILLPAIR_SMARTCONNECT_URL"},
		{smartconnect.Config{BaseURL: "http://api.smart-connect.cloud/POS"}, "TILLPAIR_SMARTCONNECT_URL must use https://"},
		{smartconnect.Config{BaseURL: "https://api.smart-connect.cloud/POS?x=1"}, "must not have a query"},
	} {
		_, err := smartconnect.New(c.cfg)
		if pe := wantErr(t, err, providers.KindConfig); !strings.Contains(pe.Message, c.want) {
			t.Errorf("New(%+v): %q, want it to mention %q", c.cfg, pe.Message, c.want)
		}
	}
	caps := (&smartconnect.Client{}).Capabilities()
	if caps.NeedsConfirmation || caps.RemoteUnpair || !caps.CanTest || caps.Code.Label != "Pairing Code" || caps.Code.Digits || caps.Code.MinLen != 4 || caps.Code.MaxLen != 10 {
		t.Fatalf("capabilities = %+v", caps)
	}
}

// TestCheckMisshapenStatusWords: a status word (transactionStatus, Result,
// TransactionResult, Status) with punctuation, spaces or escape remnants is
// a protocol error that names the field and does not repeat the value; it
// is neither a terminal status nor an error code to show.
func TestCheckMisshapenStatusWords(t *testing.T) {
	cases := []struct{ field, body string }{
		{"transactionStatus", `{"transactionId":"1","transactionStatus":"COMPLETED;EVIL","data":{"Result":"OK"}}`},
		{"data.Result", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"FAILED\u001b[2JEVIL"}}`},
		{"data.Result", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"OK EVIL"}}`},
		{"data.TransactionResult", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"FAILED","TransactionResult":"CANCELLED!EVIL"}}`},
		{"data.Status", `{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"FAILED","Status":"` + strings.Repeat("EVIL", 11) + `"}}`},
	}
	for _, c := range cases {
		client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(c.body)) })
		st, err := client.Check(ctx(t), providers.Pairing{Register: register("r1")}, providers.Secret{})
		pe := wantErr(t, err, providers.KindProtocol)
		if st.Status != providers.StatusUnknown || pe.Code != "" || !strings.Contains(pe.Message, c.field) || strings.Contains(pe.Message, "EVIL") {
			t.Errorf("%s: %v %+v", c.body, st.Status, pe)
		}
	}
	// The observed words, in any case, still pass.
	client, _ := stub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"transactionId":"1","transactionStatus":"Completed","data":{"Result":"FAILED-INTERFACE","TransactionResult":"CANCELLED","ResultText":"Device offline!","Status":"not_ready"}}`))
	})
	_, err := client.Check(ctx(t), providers.Pairing{Register: register("r1")}, providers.Secret{})
	if pe := wantErr(t, err, providers.KindNotListening); pe.Code != "FAILED-INTERFACE" || !strings.Contains(pe.Message, "Device offline!") {
		t.Errorf("observed words: %+v", pe)
	}
}
