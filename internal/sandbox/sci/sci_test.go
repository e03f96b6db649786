package sci

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is the shared harness with the SCI cloud alone, plus this
// package's raw-HTTP helpers for it.
type harness struct{ *sandboxtest.Harness }

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	return &harness{sandboxtest.New(t, opts, New())}
}

// apiCode is error.code of an SCI error body, after checking its shape.
func apiCode(t *testing.T, r sandboxtest.Response) string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q is not {\"error\":{\"code\",\"message\"}} (%v)", r.Body, err)
	}
	return e.Error.Code
}

func (h *harness) progress(apiKey, body string) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(http.MethodPost, h.Info.URL(KeyPairingURL)+"/v1/progress-pairing", []byte(body))
	if apiKey != "" {
		req.Header.Set("Authorization", "ApiKey "+apiKey)
	}
	req.Header.Set("Content-Type", "application/json")
	return h.Send(req)
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
func (h *harness) startAndProgress(nickname string) (sandbox.Terminal, pairingData) {
	h.T.Helper()
	term := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	body, _ := json.Marshal(map[string]string{"pairing_code": term.PairingCode, "pairing_nickname": nickname})
	res := h.progress(h.Info.Credential(KeyAPIKey), string(body))
	if res.Status != http.StatusOK {
		h.T.Fatalf("progress-pairing = %d %s", res.Status, res.Body)
	}
	var out struct{ Data pairingData }
	if err := json.Unmarshal(res.Body, &out); err != nil {
		h.T.Fatal(err)
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
	return signer{keyID: p.KeyID, key: h.Info.Credential(KeyPartA) + p.SigningSecretPartB, created: h.Clock.Now().Unix()}
}

// sci sends a signed SCI API request to the pairing's base URL.
func (h *harness) sci(sg signer, method, base, path string, body []byte) sandboxtest.Response {
	h.T.Helper()
	req := h.NewRequest(method, base+path, body)
	sg.sign(req, body)
	return h.Send(req)
}

func TestSCILifeCycle(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term, p := h.startAndProgress("Front Bar")

	checks := map[string]struct {
		got string
		re  string
	}{
		"pairing_id":            {p.PairingID, `^pid_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`},
		"key_id":                {p.KeyID, `^kid_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`},
		"confirmation_code":     {p.ConfirmationCode, `^[0-9]{4}$`},
		"signing_secret_part_b": {p.SigningSecretPartB, `^[0-9a-f]{32}$`},
		"tid":                   {p.TID, `^[0-9]{8}$`},
		"sci_api_base_url":      {p.SCIAPIBaseURL, `^http://127\.0\.0\.1:[0-9]+/sci-api/[a-z0-9]+$`},
	}
	for field, c := range checks {
		if !regexp.MustCompile(c.re).MatchString(c.got) {
			t.Errorf("%s = %q, want match for %s", field, c.got, c.re)
		}
	}
	if p.PairingNickname != "Front Bar" || p.TerminalNickname != "Terminal "+p.TID || p.TID != term.TID {
		t.Errorf("nicknames/tid = %q %q %q, terminal tid %q", p.PairingNickname, p.TerminalNickname, p.TID, term.TID)
	}
	if !strings.HasPrefix(p.SCIAPIBaseURL, strings.TrimSuffix(h.Info.URL(KeyPairingURL), "/sci-pairing")) {
		t.Errorf("base URL %q is not on the sandbox listener %q", p.SCIAPIBaseURL, h.Info.URL(KeyPairingURL))
	}

	term = h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if term.Screen != sandbox.ScreenConfirm || term.ConfirmationCode != p.ConfirmationCode {
		t.Fatalf("after progress: screen %q code %q, want confirm %q", term.Screen, term.ConfirmationCode, p.ConfirmationCode)
	}
	if len(term.Pairings) != 1 || term.Pairings[0].Status != "awaiting_confirmation" {
		t.Fatalf("pairings = %+v", term.Pairings)
	}

	sg := h.signerFor(p)
	if res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.Status != 401 || apiCode(t, res) != "no_active_pairings_found" {
		t.Fatalf("pairing-info before confirm = %d %s", res.Status, res.Body)
	}

	term = h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if term.Screen != sandbox.ScreenPaired || term.Pairings[0].Status != "active" {
		t.Fatalf("after confirm: %+v", term)
	}
	res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil)
	if res.Status != 200 {
		t.Fatalf("pairing-info after confirm = %d %s", res.Status, res.Body)
	}
	var info struct{ Data map[string]string }
	if err := json.Unmarshal(res.Body, &info); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pairing_id": p.PairingID, "pairing_nickname": "Front Bar", "tid": p.TID, "terminal_nickname": p.TerminalNickname, "status": "active"}
	for k, v := range want {
		if info.Data[k] != v {
			t.Errorf("pairing-info %s = %q, want %q", k, info.Data[k], v)
		}
	}

	if res := h.sci(sg, http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", nil); res.Status != 204 {
		t.Fatalf("unpair = %d %s", res.Status, res.Body)
	}
	term = h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if term.Screen != sandbox.ScreenIdle || term.Pairings[0].Status != "unpaired" {
		t.Fatalf("after unpair: %+v", term)
	}
	for _, path := range []string{"/v1/pairing-info", "/v1/unpair"} {
		method := http.MethodGet
		if path == "/v1/unpair" {
			method = http.MethodPost
		}
		if res := h.sci(sg, method, p.SCIAPIBaseURL, path, nil); res.Status != 401 || apiCode(t, res) != "no_active_pairings_found" {
			t.Errorf("%s after unpair = %d %s", path, res.Status, res.Body)
		}
	}
	if n := h.SB.RequestCount("sci", RoutePairingInfo); n != 3 {
		t.Errorf("RequestCount(pairing-info) = %d, want 3", n)
	}
}

func TestSCIUnpairWhileAwaitingConfirmation(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	term, p := h.startAndProgress("")
	if res := h.sci(h.signerFor(p), http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", []byte("{}")); res.Status != 204 {
		t.Fatalf("unpair while awaiting = %d %s", res.Status, res.Body)
	}
	after := h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if after.Screen != sandbox.ScreenIdle || after.ConfirmationCode != "" {
		t.Errorf("terminal after cancel: %+v", after)
	}
	res := h.Control(http.MethodPost, "/terminals/sci-1/confirm", "")
	if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "start pairing") {
		t.Errorf("confirm after cancel = %d %s", res.Status, res.Body)
	}
	body := `{"pairing_code":"` + term.PairingCode + `"}`
	if res := h.progress(h.Info.Credential(KeyAPIKey), body); res.Status != 422 || apiCode(t, res) != "pairing_not_initial" {
		t.Errorf("revoked code = %d %s", res.Status, res.Body)
	}
}

func TestSCILegacyBaseURLKey(t *testing.T) {
	h := newHarness(t, sandbox.Options{SCILegacyBaseURLKey: true})
	_, p := h.startAndProgress("x")
	if p.SCIAPIBaseURL != "" || !strings.Contains(p.SPICloudAPIBaseURL, "/sci-api/") {
		t.Fatalf("base URL keys: sci=%q spi=%q", p.SCIAPIBaseURL, p.SPICloudAPIBaseURL)
	}
	h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SPICloudAPIBaseURL, "/v1/pairing-info", nil); res.Status != 200 {
		t.Fatalf("pairing-info at legacy base = %d %s", res.Status, res.Body)
	}
}

func TestProgressPairingErrors(t *testing.T) {
	h := newHarness(t, sandbox.Options{PairingCodeTTL: time.Minute})
	key := h.Info.Credential(KeyAPIKey)
	codeBody := func(code string) string { return `{"pairing_code":"` + code + `","pairing_nickname":"Till 1"}` }
	fresh := func(id string) string {
		return h.ControlTerminal(http.MethodPost, "/terminals/"+id+"/pairing-code", http.StatusOK).PairingCode
	}
	addTerminal := func(body string) string {
		res := h.Control(http.MethodPost, "/terminals", body)
		if res.Status != http.StatusCreated {
			t.Fatalf("POST /terminals %s = %d %s", body, res.Status, res.Body)
		}
		return res.JSON(t)["id"].(string)
	}
	live := addTerminal(`{"provider":"sci","live":true}`)
	foreign := addTerminal(`{"provider":"sci","foreign_tenant":true}`)

	cases := []struct {
		name     string
		key      string
		auth     string // raw Authorization header, overrides key
		body     func() string
		status   int
		code     string
		exactMsg string
	}{
		{name: "api key missing", body: func() string { return codeBody(fresh("sci-1")) }, status: 401, code: "api_key_missing"},
		{name: "api key invalid", key: "test_pak_AAAAAAAAAAAAAAAAAAAAAA==", body: func() string { return codeBody(fresh("sci-1")) }, status: 401, code: "api_key_invalid"},
		{name: "bearer scheme", auth: "Bearer " + key, body: func() string { return codeBody(fresh("sci-1")) }, status: 401, code: "api_key_invalid"},
		{name: "malformed json", key: key, body: func() string { return `{"pairing_code":` }, status: 400, code: "invalid_request"},
		{name: "empty body", key: key, body: func() string { return `` }, status: 400, code: "invalid_request"},
		{name: "pairing_code missing", key: key, body: func() string { return `{"pairing_nickname":"x"}` }, status: 400, code: "invalid_request"},
		{name: "pairing_code a number", key: key, body: func() string { return `{"pairing_code":123456}` }, status: 400, code: "invalid_request"},
		{name: "pairing_code letters", key: key, body: func() string { return codeBody("12ab56") }, status: 400, code: "invalid_request"},
		{name: "unknown field", key: key, body: func() string { return `{"pairing_code":"123456","code":"1"}` }, status: 400, code: "invalid_request"},
		{name: "trailing data", key: key, body: func() string { return codeBody("123456") + `{}` }, status: 400, code: "invalid_request"},
		{name: "unknown code", key: key, body: func() string { return codeBody("0000000") }, status: 404, code: "pairing_not_found", exactMsg: "Pairing not found"},
		{name: "code already progressed", key: key, body: func() string {
			c := fresh("sci-1")
			if res := h.progress(key, codeBody(c)); res.Status != 200 {
				t.Fatalf("first progress = %d %s", res.Status, res.Body)
			}
			return codeBody(c)
		}, status: 422, code: "pairing_not_initial"},
		{name: "code replaced by a newer one", key: key, body: func() string {
			c := fresh("sci-1")
			fresh("sci-1")
			return codeBody(c)
		}, status: 422, code: "pairing_not_initial"},
		{name: "code expired", key: key, body: func() string {
			c := fresh("sci-1")
			h.Clock.Advance(time.Minute)
			return codeBody(c)
		}, status: 422, code: "pairing_not_initial"},
		{name: "live terminal, test key", key: key, body: func() string { return codeBody(fresh(live)) }, status: 403, code: "test_api_key_forbidden_for_live_pairing"},
		{name: "foreign tenant", key: key, body: func() string { return codeBody(fresh(foreign)) }, status: 403, code: "pairing_route_forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := h.NewRequest(http.MethodPost, h.Info.URL(KeyPairingURL)+"/v1/progress-pairing", []byte(c.body()))
			switch {
			case c.auth != "":
				req.Header.Set("Authorization", c.auth)
			case c.key != "":
				req.Header.Set("Authorization", "ApiKey "+c.key)
			}
			res := h.Send(req)
			if res.Status != c.status || apiCode(t, res) != c.code {
				t.Fatalf("= %d %s, want %d %s", res.Status, res.Body, c.status, c.code)
			}
			if c.exactMsg != "" && res.JSON(t)["error"].(map[string]any)["message"] != c.exactMsg {
				t.Fatalf("message in %s, want exactly %q", res.Body, c.exactMsg)
			}
		})
	}
	if res := h.progress(key, codeBody(fresh("sci-1"))); res.Status != 200 {
		t.Errorf("a fresh code after all that = %d %s", res.Status, res.Body)
	}
}

func TestSCICodeExpiry(t *testing.T) {
	h := newHarness(t, sandbox.Options{PairingCodeTTL: 30 * time.Second})
	changes, stop := h.SB.Changes()
	defer stop()
	term, err := h.SB.StartPairing("sci-1")
	if err != nil {
		t.Fatal(err)
	}
	<-changes // the code appearing
	if term.Screen != sandbox.ScreenPairingCode || len(term.PairingCode) != 6 || term.PairingCodeExpiresAt == nil ||
		!term.PairingCodeExpiresAt.Equal(sandboxtest.Epoch.Add(30*time.Second)) {
		t.Fatalf("terminal after StartPairing: %+v", term)
	}
	h.Clock.Advance(29 * time.Second)
	if got, _ := h.SB.Terminal("sci-1"); got.Screen != sandbox.ScreenPairingCode {
		t.Fatalf("screen 1 s before expiry = %q", got.Screen)
	}
	h.Clock.Advance(time.Second)
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification when the code expired")
	}
	got, _ := h.SB.Terminal("sci-1")
	if got.Screen != sandbox.ScreenCodeExpired || got.PairingCode != "" {
		t.Fatalf("after expiry: %+v", got)
	}
	res := h.progress(h.Info.Credential(KeyAPIKey), `{"pairing_code":"`+term.PairingCode+`"}`)
	if res.Status != 422 || apiCode(t, res) != "pairing_not_initial" {
		t.Fatalf("expired code = %d %s", res.Status, res.Body)
	}
}

func TestSCIWrongPath(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	_, p := h.startAndProgress("")
	for _, u := range []string{
		p.SCIAPIBaseURL + "/api/v1/unpair",
		p.SCIAPIBaseURL + "/pairing-info",
		h.Info.URL(KeyPairingURL) + "/progress-pairing",
		h.Info.URL(KeyPairingURL) + "/v1/progress-pairing/x",
	} {
		res := h.Send(h.NewRequest(http.MethodPost, u, nil))
		if res.Status != 404 || apiCode(t, res) != "route_not_found" || !strings.Contains(string(res.Body), "Route not found") {
			t.Errorf("POST %s = %d %s", u, res.Status, res.Body)
		}
	}
}

func TestSignatureRejections(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	_, p := h.startAndProgress("")
	h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	partA := h.Info.Credential(KeyPartA)
	host := sandboxtest.MustParseURL(t, p.SCIAPIBaseURL).Host
	path := sandboxtest.MustParseURL(t, p.SCIAPIBaseURL).Path
	hexB, err := hex.DecodeString(p.SigningSecretPartB)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		method string
		body   []byte
		mutate func(*signer)
	}{
		{"authority with scheme", http.MethodGet, nil, func(s *signer) { s.authority = "https://" + host }},
		{"request-target /api/v1/unpair", http.MethodPost, nil, func(s *signer) { s.target = path + "/api/v1/unpair" }},
		{"request-target without tenant prefix", http.MethodGet, nil, func(s *signer) { s.target = "/v1/pairing-info" }},
		{"Part B + Part A", http.MethodGet, nil, func(s *signer) { s.key = p.SigningSecretPartB + partA }},
		{"Part B hex-decoded", http.MethodGet, nil, func(s *signer) { s.key = partA + string(hexB) }},
		{"clock 6 s behind", http.MethodGet, nil, func(s *signer) { s.created -= 6 }},
		{"clock 6 s ahead", http.MethodGet, nil, func(s *signer) { s.created += 6 }},
		{"body differs from Content-Digest", http.MethodPost, []byte(`{"a":1}`), func(s *signer) { s.digestOf = []byte("{\n\"a\": 1\n}") }},
		{"unknown keyid", http.MethodGet, nil, func(s *signer) { s.keyID = "kid_00000000-0000-0000-0000-000000000000" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg := h.signerFor(p)
			c.mutate(&sg)
			route := "/v1/pairing-info"
			if c.method == http.MethodPost {
				route = "/v1/unpair"
			}
			res := h.sci(sg, c.method, p.SCIAPIBaseURL, route, c.body)
			if res.Status != 401 || apiCode(t, res) != "no_valid_signatures_found" {
				t.Fatalf("= %d %s, want 401 no_valid_signatures_found", res.Status, res.Body)
			}
			if strings.Contains(string(res.Body), p.SigningSecretPartB) || strings.Contains(string(res.Body), partA) {
				t.Fatalf("error body echoes a secret: %s", res.Body)
			}
		})
	}

	// The edges of the window and a POST that leaves content-digest uncovered.
	for _, skew := range []int64{-5, 5} {
		sg := h.signerFor(p)
		sg.created += skew
		if res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.Status != 200 {
			t.Errorf("skew %d s = %d %s, want accepted", skew, res.Status, res.Body)
		}
	}
	req := h.NewRequest(http.MethodPost, p.SCIAPIBaseURL+"/v1/unpair", nil)
	h.signerFor(p).sign(req, nil)
	req.Header.Set("Signature-Input", strings.Replace(req.Header.Get("Signature-Input"), ` "content-digest"`, "", 1))
	if res := h.Send(req); res.Status != 401 || !strings.Contains(string(res.Body), "content-digest") {
		t.Errorf("POST without covered content-digest = %d %s", res.Status, res.Body)
	}
	// A signature at another tenant's base URL names the key as unknown there.
	other := strings.Replace(p.SCIAPIBaseURL, path, "/sci-api/tother", 1)
	if res := h.sci(h.signerFor(p), http.MethodGet, other, "/v1/pairing-info", nil); res.Status != 401 || apiCode(t, res) != "no_valid_signatures_found" {
		t.Errorf("other tenant = %d %s", res.Status, res.Body)
	}
	// Still paired: nothing above may have unpaired it.
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.Status != 200 {
		t.Errorf("correctly signed pairing-info = %d %s", res.Status, res.Body)
	}
}

func TestFaultStatusAndCountExhaustion(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	_, p := h.startAndProgress("")
	h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: RoutePairingInfo, Status: 503, Count: 2}); err != nil {
		t.Fatal(err)
	}
	before := h.SB.RequestCount("sci", RoutePairingInfo)
	for i := range 2 {
		res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil)
		if res.Status != 503 || apiCode(t, res) != "sandbox_fault" {
			t.Fatalf("request %d = %d %s, want 503 sandbox_fault", i, res.Status, res.Body)
		}
	}
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.Status != 200 {
		t.Fatalf("after count ran out = %d %s", res.Status, res.Body)
	}
	if got := h.SB.RequestCount("sci", RoutePairingInfo) - before; got != 3 {
		t.Errorf("RequestCount grew by %d, want 3 (faulted requests count too)", got)
	}
	if got := h.SB.RequestCount("sci", RouteUnpair); got != 0 {
		t.Errorf("RequestCount(unpair) = %d, want 0", got)
	}
}

func TestFaultMalformedUntilCleared(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: RouteProgressPairing, Malformed: true}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		res := h.progress(h.Info.Credential(KeyAPIKey), `{"pairing_code":"123456"}`)
		var v any
		if res.Status != 200 || json.Unmarshal(res.Body, &v) == nil {
			t.Fatalf("malformed fault = %d %q, want 200 with invalid JSON", res.Status, res.Body)
		}
	}
	h.SB.ClearFaults()
	if res := h.progress(h.Info.Credential(KeyAPIKey), `{"pairing_code":"1234567"}`); res.Status != 404 {
		t.Fatalf("after ClearFaults = %d %s", res.Status, res.Body)
	}
}

func TestFaultReset(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	_, p := h.startAndProgress("")
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: RouteUnpair, Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	req := h.NewRequest(http.MethodPost, p.SCIAPIBaseURL+"/v1/unpair", nil)
	h.signerFor(p).sign(req, nil)
	res, err := h.Client.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("reset fault answered %d", res.StatusCode)
	}
	if res := h.sci(h.signerFor(p), http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", nil); res.Status != 204 {
		t.Fatalf("unpair after the reset = %d %s", res.Status, res.Body)
	}
}

func TestFaultDelay(t *testing.T) {
	h := newHarness(t, sandbox.Options{}) // no pairing started: the delay is the clock's only waiter
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: RouteProgressPairing, DelayMS: 3000, Status: 502, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if res := h.Delayed(3*time.Second, func() sandboxtest.Response { return h.progress("", `{}`) }); res.Status != 502 || apiCode(t, res) != "sandbox_fault" {
		t.Fatalf("delayed fault = %d %s", res.Status, res.Body)
	}
	done := make(chan sandboxtest.Response, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A delay on its own lets the request through; a client that gives up
	// ends the handler (Close would otherwise wait out its grace period).
	if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: RouteProgressPairing, DelayMS: 10000}); err != nil {
		t.Fatal(err)
	}
	go func() { done <- h.progress("", `{}`) }()
	if err := h.Clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	h.Clock.Advance(10 * time.Second)
	if res := <-done; res.Status != 401 || apiCode(t, res) != "api_key_missing" {
		t.Fatalf("delay-only fault = %d %s, want the real answer", res.Status, res.Body)
	}
	short, cancelShort := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(short, http.MethodPost, h.Info.URL(KeyPairingURL)+"/v1/progress-pairing", nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		res, err := h.Client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	if err := h.Clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancelShort()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled request got an answer")
	}
	closed := make(chan error, 1)
	go func() { closed <- h.SB.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close with an abandoned delayed request: %v", err)
		}
	case <-time.After(20 * time.Second): // Close would give up after shutdownGrace and return an error
		t.Fatal("Close waited on a handler whose client had gone")
	}
}

// A delay fault is a slow cloud: a request signed the moment it was sent
// must be judged as it arrived, so a delay longer than the ±5 s created
// window still gets the real answer, late, on every signed route.
func TestFaultDelayJudgesSignatureOnArrival(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	_, p := h.startAndProgress("")
	h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	const delay = 6 * time.Second // past maxClockSkew
	delayed := func(route, method, path string, stale time.Duration) sandboxtest.Response {
		t.Helper()
		if err := h.SB.SetFault(sandbox.Fault{Provider: "sci", Route: route, DelayMS: int(delay.Milliseconds()), Count: 1}); err != nil {
			t.Fatal(err)
		}
		sg := h.signerFor(p)
		sg.created -= int64(stale.Seconds())
		return h.Delayed(delay, func() sandboxtest.Response { return h.sci(sg, method, p.SCIAPIBaseURL, path, nil) })
	}

	if res := delayed(RoutePairingInfo, http.MethodGet, "/v1/pairing-info", 0); res.Status != http.StatusOK || res.JSON(t)["data"].(map[string]any)["status"] != "active" {
		t.Fatalf("delayed pairing-info = %d %s, want 200 active", res.Status, res.Body)
	}
	// Arrival time is not a pass: a request already stale when it arrived
	// is still refused, delay or not.
	res := delayed(RoutePairingInfo, http.MethodGet, "/v1/pairing-info", delay)
	if res.Status != http.StatusUnauthorized || apiCode(t, res) != codeNoValidSignatures || !strings.Contains(string(res.Body), "6s away") {
		t.Fatalf("pairing-info stale on arrival = %d %s, want 401 naming the 6s skew", res.Status, res.Body)
	}
	if res := delayed(RouteUnpair, http.MethodPost, "/v1/unpair", 0); res.Status != http.StatusNoContent {
		t.Fatalf("delayed unpair = %d %s, want 204", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); got.Pairings[0].Status != "unpaired" {
		t.Fatalf("after the delayed unpair the terminal lists %+v", got.Pairings)
	}
}

// expire-code ends the code on screen as its TTL would: the screen says
// so and the POS gets 422. It refuses a code the terminal does not show.
func TestSCIExpireCode(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	shown := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)

	res := h.Control(http.MethodPost, "/terminals/sci-1/expire-code", `{"code":"999999"}`)
	if msg := res.ErrorText(t); res.Status != http.StatusConflict || !strings.Contains(msg, "shows code "+shown.PairingCode) || !strings.Contains(msg, "not 999999") {
		t.Fatalf("expire-code of another code = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); got.PairingCode != shown.PairingCode {
		t.Fatalf("a refused expire-code changed the screen: %+v", got)
	}

	got := h.ControlTerminalWith(http.MethodPost, "/terminals/sci-1/expire-code", `{"code":"`+shown.PairingCode+`"}`, http.StatusOK)
	if got.Screen != sandbox.ScreenCodeExpired || got.PairingCode != "" {
		t.Fatalf("after expire-code: %+v", got)
	}
	if res := h.progress(h.Info.Credential(KeyAPIKey), `{"pairing_code":"`+shown.PairingCode+`"}`); res.Status != 422 || apiCode(t, res) != codePairingNotInitial {
		t.Fatalf("progress-pairing of the expired code = %d %s", res.Status, res.Body)
	}
	res = h.Control(http.MethodPost, "/terminals/sci-1/expire-code", "")
	if msg := res.ErrorText(t); res.Status != http.StatusConflict || !strings.Contains(msg, "shows no live pairing code") || !strings.Contains(msg, "pairing-code") {
		t.Fatalf("expire-code with nothing on screen = %d %s", res.Status, res.Body)
	}

	// With no body it expires whatever is on screen; a progressed code is
	// past expiring.
	fresh := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/pairing-code", http.StatusOK)
	if got := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/expire-code", http.StatusOK); got.Screen != sandbox.ScreenCodeExpired {
		t.Fatalf("expire-code without a body: %+v (was %s)", got, fresh.PairingCode)
	}
	h.startAndProgress("")
	if res := h.Control(http.MethodPost, "/terminals/sci-1/expire-code", ""); res.Status != http.StatusConflict {
		t.Fatalf("expire-code while confirming = %d %s", res.Status, res.Body)
	}
	if res := h.Control(http.MethodPost, "/terminals/sci-1/expire-code", `{"cod":"1"}`); res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), `{"code":"123456"}`) {
		t.Fatalf("expire-code with a misspelt body = %d %s", res.Status, res.Body)
	}
}

// Power only flips the online flag on SCI: pairing-info is answered by the
// cloud, which the reference does not say consults the terminal.
func TestSCIPower(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if got := h.ControlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK); !got.Online {
		t.Fatalf("a new terminal is off: %+v", got)
	}
	_, p := h.startAndProgress("")
	h.ControlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	off := h.ControlTerminalWith(http.MethodPost, "/terminals/sci-1/power", `{"online":false}`, http.StatusOK)
	if off.Online || off.Screen != sandbox.ScreenPaired {
		t.Fatalf("switched off: %+v", off)
	}
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.Status != http.StatusOK {
		t.Fatalf("pairing-info with the terminal off = %d %s", res.Status, res.Body)
	}
	if got := h.ControlTerminalWith(http.MethodPost, "/terminals/sci-1/power", `{"online":true}`, http.StatusOK); !got.Online {
		t.Fatalf("switched on: %+v", got)
	}
	// The older offline/online routes are the same switch.
	if got := h.ControlTerminal(http.MethodPost, "/terminals/sci-1/offline", http.StatusOK); got.Online {
		t.Fatalf("offline: %+v", got)
	}
	for _, body := range []string{"", "{}", `{"online":"no"}`} {
		res := h.Control(http.MethodPost, "/terminals/sci-1/power", body)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.ErrorText(t), `{"online":false}`) {
			t.Errorf("power %q = %d %s, want 400 with an example", body, res.Status, res.Body)
		}
	}
}
