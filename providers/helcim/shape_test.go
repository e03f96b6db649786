package helcim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
)

// TestPairLookupMisshapenCode: a device lookup whose code is not four
// letters or digits [DOC S24, S26] is a protocol error that names the rule
// without repeating the cloud's text, and the device is not pinged, so
// there is no pairing to store. A well-shaped code for another device is
// still refused, and the lookup's case does not matter.
func TestPairLookupMisshapenCode(t *testing.T) {
	for _, c := range []struct {
		answer string
		want   string // a fragment of the message, "" for success
	}{
		{`"DY6LEVIL"`, "code is 8 characters long"},
		{`"DY6L;EVIL"`, "code contains ';'"},
		{`"DY;L"`, "code contains ';'"},
		{`"D\u001b[2"`, "code contains"},
		{`"DY6"`, "code is 3 characters long"},
		{`""`, "code is 0 characters long"},
		{`"AB-1"`, "answered for device AB-1"},
		{`"ABC1"`, "answered for device ABC1"},
		{`" dy6l "`, ""},
	} {
		var pinged atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/ping") {
				pinged.Add(1)
				w.WriteHeader(http.StatusAccepted)
				return
			}
			w.Write([]byte(`{"code":` + c.answer + `,"dateCreated":"2024-02-09 14:08:08"}`))
		}))
		client, err := helcim.New(helcim.Config{BaseURL: srv.URL + "/v2", APIToken: providers.NewSecret("tok"), Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := client.Pair(context.Background(), pairReq("dy6l"))
		srv.Close()
		if c.want == "" {
			if err != nil || p.ID != "DY6L" || pinged.Load() != 1 {
				t.Errorf("%s: pairing %+v, err %v, pinged %d", c.answer, p, err, pinged.Load())
			}
			continue
		}
		pe := requireKind(t, err, providers.KindProtocol)
		if !strings.Contains(pe.Message, c.want) || strings.Contains(pe.Message, "EVIL") || p.ID != "" || pinged.Load() != 0 {
			t.Errorf("%s: pairing %+v, err %+v, pinged %d; want a message with %q", c.answer, p, pe, pinged.Load(), c.want)
		}
	}
}
