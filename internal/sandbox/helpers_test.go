package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// vectorCreated is the reference §1.5 test-vector time; fake clocks start
// there so signatures made "now" are easy to reason about.
var vectorCreated = time.Unix(1715151961, 0)

type harness struct {
	t      *testing.T
	sb     *Sandbox
	clock  *clockwork.FakeClock
	info   Info
	client *http.Client
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	fc := clockwork.NewFakeClockAt(vectorCreated)
	opts.Clock = fc
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	sb := New(opts)
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &harness{t: t, sb: sb, clock: fc, info: sb.Info(), client: &http.Client{Timeout: 10 * time.Second}}
}

// response is a received answer, body read through a cap.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	return m
}

// apiCode is error.code of an SCI error body, after checking its shape.
func (r response) apiCode(t *testing.T) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q is not {\"error\":{\"code\",\"message\"}} (%v)", r.body, err)
	}
	return e.Error.Code
}

func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	res, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		h.t.Fatalf("reading %s %s: %v", req.Method, req.URL, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (h *harness) newRequest(method, u string, body []byte) *http.Request {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	return req
}

func (h *harness) control(method, path, body string) response {
	h.t.Helper()
	return h.send(h.newRequest(method, h.info.ControlURL+path, []byte(body)))
}

// controlTerminal calls a control route that answers a Terminal.
func (h *harness) controlTerminal(method, path string, want int) Terminal {
	h.t.Helper()
	res := h.control(method, path, "")
	if res.status != want {
		h.t.Fatalf("%s %s = %d %s, want %d", method, path, res.status, res.body, want)
	}
	var term Terminal
	if err := json.Unmarshal(res.body, &term); err != nil {
		h.t.Fatal(err)
	}
	return term
}

func (h *harness) progress(apiKey, body string) response {
	h.t.Helper()
	req := h.newRequest(http.MethodPost, h.info.SCIPairingURL+"/v1/progress-pairing", []byte(body))
	if apiKey != "" {
		req.Header.Set("Authorization", "ApiKey "+apiKey)
	}
	req.Header.Set("Content-Type", "application/json")
	return h.send(req)
}

// pairingData is progress-pairing's data object.
type pairingData struct {
	PairingID          string `json:"pairing_id"`
	KeyID              string `json:"key_id"`
	ConfirmationCode   string `json:"confirmation_code"`
	SigningSecretPartB string `json:"signing_secret_part_b"`
	SCIAPIBaseURL      string `json:"sci_api_base_url"`
	SPICloudAPIBaseURL string `json:"spi_cloud_api_base_url"`
	TID                string `json:"tid"`
	PairingNickname    string `json:"pairing_nickname"`
	TerminalNickname   string `json:"terminal_nickname"`
}

// startAndProgress shows a code on the first terminal and progresses it.
func (h *harness) startAndProgress(nickname string) (Terminal, pairingData) {
	h.t.Helper()
	term := h.controlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	body, _ := json.Marshal(map[string]string{"pairing_code": term.PairingCode, "pairing_nickname": nickname})
	res := h.progress(h.info.Credentials.SCIAPIKey, string(body))
	if res.status != http.StatusOK {
		h.t.Fatalf("progress-pairing = %d %s", res.status, res.body)
	}
	var out struct{ Data pairingData }
	if err := json.Unmarshal(res.body, &out); err != nil {
		h.t.Fatal(err)
	}
	return term, out.Data
}

// signer is this test's own RFC 9421 signer, written from reference §1.5
// and deliberately not shared with the client package. Its fields let a
// test sign something other than what is sent.
type signer struct {
	keyID     string
	key       string
	created   int64
	authority string // "" = the URL's host
	target    string // "" = the URL's path?query
	digestOf  []byte // nil = the body sent
}

func (sg signer) sign(req *http.Request, body []byte) {
	authority := sg.authority
	if authority == "" {
		authority = req.URL.Host
	}
	target := sg.target
	if target == "" {
		target = req.URL.RequestURI()
	}
	comps := `"@method" "@authority" "@request-target"`
	lines := []string{
		`"@method": ` + strings.ToUpper(req.Method),
		`"@authority": ` + authority,
		`"@request-target": ` + target,
	}
	if req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		digested := body
		if sg.digestOf != nil {
			digested = sg.digestOf
		}
		sum := sha256.Sum256(digested)
		d := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
		req.Header.Set("Content-Digest", d)
		comps += ` "content-digest"`
		lines = append(lines, `"content-digest": `+d)
	}
	params := "(" + comps + ");created=" + strconv.FormatInt(sg.created, 10) + `;alg="hmac-sha256";keyid="` + sg.keyID + `"`
	lines = append(lines, `"@signature-params": `+params)
	mac := hmac.New(sha256.New, []byte(sg.key))
	mac.Write([]byte(strings.Join(lines, "\n")))
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(mac.Sum(nil))+":")
}

// signerFor signs as the pairing's owner would, at the fake clock's now.
func (h *harness) signerFor(p pairingData) signer {
	return signer{keyID: p.KeyID, key: h.info.Credentials.SCISigningSecretPartA + p.SigningSecretPartB, created: h.clock.Now().Unix()}
}

// sci sends a signed SCI API request to the pairing's base URL.
func (h *harness) sci(sg signer, method, base, path string, body []byte) response {
	h.t.Helper()
	req := h.newRequest(method, base+path, body)
	sg.sign(req, body)
	return h.send(req)
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
