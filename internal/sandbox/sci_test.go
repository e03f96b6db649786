package sandbox

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSCILifeCycle(t *testing.T) {
	h := newHarness(t, Options{})
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
	if !strings.HasPrefix(p.SCIAPIBaseURL, strings.TrimSuffix(h.info.SCIPairingURL, "/sci-pairing")) {
		t.Errorf("base URL %q is not on the sandbox listener %q", p.SCIAPIBaseURL, h.info.SCIPairingURL)
	}

	term = h.controlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if term.Screen != ScreenConfirm || term.ConfirmationCode != p.ConfirmationCode {
		t.Fatalf("after progress: screen %q code %q, want confirm %q", term.Screen, term.ConfirmationCode, p.ConfirmationCode)
	}
	if len(term.Pairings) != 1 || term.Pairings[0].Status != "awaiting_confirmation" {
		t.Fatalf("pairings = %+v", term.Pairings)
	}

	sg := h.signerFor(p)
	if res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.status != 401 || res.apiCode(t) != "no_active_pairings_found" {
		t.Fatalf("pairing-info before confirm = %d %s", res.status, res.body)
	}

	term = h.controlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if term.Screen != ScreenPaired || term.Pairings[0].Status != "active" {
		t.Fatalf("after confirm: %+v", term)
	}
	res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil)
	if res.status != 200 {
		t.Fatalf("pairing-info after confirm = %d %s", res.status, res.body)
	}
	var info struct{ Data map[string]string }
	if err := json.Unmarshal(res.body, &info); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pairing_id": p.PairingID, "pairing_nickname": "Front Bar", "tid": p.TID, "terminal_nickname": p.TerminalNickname, "status": "active"}
	for k, v := range want {
		if info.Data[k] != v {
			t.Errorf("pairing-info %s = %q, want %q", k, info.Data[k], v)
		}
	}

	if res := h.sci(sg, http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", nil); res.status != 204 {
		t.Fatalf("unpair = %d %s", res.status, res.body)
	}
	term = h.controlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if term.Screen != ScreenIdle || term.Pairings[0].Status != "unpaired" {
		t.Fatalf("after unpair: %+v", term)
	}
	for _, path := range []string{"/v1/pairing-info", "/v1/unpair"} {
		method := http.MethodGet
		if path == "/v1/unpair" {
			method = http.MethodPost
		}
		if res := h.sci(sg, method, p.SCIAPIBaseURL, path, nil); res.status != 401 || res.apiCode(t) != "no_active_pairings_found" {
			t.Errorf("%s after unpair = %d %s", path, res.status, res.body)
		}
	}
	if n := h.sb.RequestCount("sci", RoutePairingInfo); n != 3 {
		t.Errorf("RequestCount(pairing-info) = %d, want 3", n)
	}
}

func TestSCIUnpairWhileAwaitingConfirmation(t *testing.T) {
	h := newHarness(t, Options{})
	term, p := h.startAndProgress("")
	if res := h.sci(h.signerFor(p), http.MethodPost, p.SCIAPIBaseURL, "/v1/unpair", []byte("{}")); res.status != 204 {
		t.Fatalf("unpair while awaiting = %d %s", res.status, res.body)
	}
	after := h.controlTerminal(http.MethodGet, "/terminals/sci-1", http.StatusOK)
	if after.Screen != ScreenIdle || after.ConfirmationCode != "" {
		t.Errorf("terminal after cancel: %+v", after)
	}
	res := h.control(http.MethodPost, "/terminals/sci-1/confirm", "")
	if res.status != http.StatusConflict || !strings.Contains(string(res.body), "start pairing") {
		t.Errorf("confirm after cancel = %d %s", res.status, res.body)
	}
	body := `{"pairing_code":"` + term.PairingCode + `"}`
	if res := h.progress(h.info.Credentials.SCIAPIKey, body); res.status != 422 || res.apiCode(t) != "pairing_not_initial" {
		t.Errorf("revoked code = %d %s", res.status, res.body)
	}
}

func TestSCILegacyBaseURLKey(t *testing.T) {
	h := newHarness(t, Options{SCILegacyBaseURLKey: true})
	_, p := h.startAndProgress("x")
	if p.SCIAPIBaseURL != "" || !strings.Contains(p.SPICloudAPIBaseURL, "/sci-api/") {
		t.Fatalf("base URL keys: sci=%q spi=%q", p.SCIAPIBaseURL, p.SPICloudAPIBaseURL)
	}
	h.controlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SPICloudAPIBaseURL, "/v1/pairing-info", nil); res.status != 200 {
		t.Fatalf("pairing-info at legacy base = %d %s", res.status, res.body)
	}
}

func TestProgressPairingErrors(t *testing.T) {
	h := newHarness(t, Options{PairingCodeTTL: time.Minute})
	key := h.info.Credentials.SCIAPIKey
	codeBody := func(code string) string { return `{"pairing_code":"` + code + `","pairing_nickname":"Till 1"}` }
	fresh := func(id string) string {
		return h.controlTerminal(http.MethodPost, "/terminals/"+id+"/pairing-code", http.StatusOK).PairingCode
	}
	addTerminal := func(body string) string {
		res := h.control(http.MethodPost, "/terminals", body)
		if res.status != http.StatusCreated {
			t.Fatalf("POST /terminals %s = %d %s", body, res.status, res.body)
		}
		return res.json(t)["id"].(string)
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
			if res := h.progress(key, codeBody(c)); res.status != 200 {
				t.Fatalf("first progress = %d %s", res.status, res.body)
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
			h.clock.Advance(time.Minute)
			return codeBody(c)
		}, status: 422, code: "pairing_not_initial"},
		{name: "live terminal, test key", key: key, body: func() string { return codeBody(fresh(live)) }, status: 403, code: "test_api_key_forbidden_for_live_pairing"},
		{name: "foreign tenant", key: key, body: func() string { return codeBody(fresh(foreign)) }, status: 403, code: "pairing_route_forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := h.newRequest(http.MethodPost, h.info.SCIPairingURL+"/v1/progress-pairing", []byte(c.body()))
			switch {
			case c.auth != "":
				req.Header.Set("Authorization", c.auth)
			case c.key != "":
				req.Header.Set("Authorization", "ApiKey "+c.key)
			}
			res := h.send(req)
			if res.status != c.status || res.apiCode(t) != c.code {
				t.Fatalf("= %d %s, want %d %s", res.status, res.body, c.status, c.code)
			}
			if c.exactMsg != "" && res.json(t)["error"].(map[string]any)["message"] != c.exactMsg {
				t.Fatalf("message in %s, want exactly %q", res.body, c.exactMsg)
			}
		})
	}
	if res := h.progress(key, codeBody(fresh("sci-1"))); res.status != 200 {
		t.Errorf("a fresh code after all that = %d %s", res.status, res.body)
	}
}

func TestSCICodeExpiry(t *testing.T) {
	h := newHarness(t, Options{PairingCodeTTL: 30 * time.Second})
	changes, stop := h.sb.Changes()
	defer stop()
	term, err := h.sb.StartPairing("sci-1")
	if err != nil {
		t.Fatal(err)
	}
	<-changes // the code appearing
	if term.Screen != ScreenPairingCode || len(term.PairingCode) != 6 || term.PairingCodeExpiresAt == nil ||
		!term.PairingCodeExpiresAt.Equal(vectorCreated.Add(30*time.Second)) {
		t.Fatalf("terminal after StartPairing: %+v", term)
	}
	h.clock.Advance(29 * time.Second)
	if got, _ := h.sb.Terminal("sci-1"); got.Screen != ScreenPairingCode {
		t.Fatalf("screen 1 s before expiry = %q", got.Screen)
	}
	h.clock.Advance(time.Second)
	select {
	case <-changes:
	case <-time.After(20 * time.Second):
		t.Fatal("no change notification when the code expired")
	}
	got, _ := h.sb.Terminal("sci-1")
	if got.Screen != ScreenCodeExpired || got.PairingCode != "" {
		t.Fatalf("after expiry: %+v", got)
	}
	res := h.progress(h.info.Credentials.SCIAPIKey, `{"pairing_code":"`+term.PairingCode+`"}`)
	if res.status != 422 || res.apiCode(t) != "pairing_not_initial" {
		t.Fatalf("expired code = %d %s", res.status, res.body)
	}
}

func TestSCIWrongPath(t *testing.T) {
	h := newHarness(t, Options{})
	_, p := h.startAndProgress("")
	for _, u := range []string{
		p.SCIAPIBaseURL + "/api/v1/unpair",
		p.SCIAPIBaseURL + "/pairing-info",
		h.info.SCIPairingURL + "/progress-pairing",
		h.info.SCIPairingURL + "/v1/progress-pairing/x",
	} {
		res := h.send(h.newRequest(http.MethodPost, u, nil))
		if res.status != 404 || res.apiCode(t) != "route_not_found" || !strings.Contains(string(res.body), "Route not found") {
			t.Errorf("POST %s = %d %s", u, res.status, res.body)
		}
	}
}

func TestSignatureRejections(t *testing.T) {
	h := newHarness(t, Options{})
	_, p := h.startAndProgress("")
	h.controlTerminal(http.MethodPost, "/terminals/sci-1/confirm", http.StatusOK)
	partA := h.info.Credentials.SCISigningSecretPartA
	host := mustParseURL(t, p.SCIAPIBaseURL).Host
	path := mustParseURL(t, p.SCIAPIBaseURL).Path
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
			if res.status != 401 || res.apiCode(t) != "no_valid_signatures_found" {
				t.Fatalf("= %d %s, want 401 no_valid_signatures_found", res.status, res.body)
			}
			if strings.Contains(string(res.body), p.SigningSecretPartB) || strings.Contains(string(res.body), partA) {
				t.Fatalf("error body echoes a secret: %s", res.body)
			}
		})
	}

	// The edges of the window and a POST that leaves content-digest uncovered.
	for _, skew := range []int64{-5, 5} {
		sg := h.signerFor(p)
		sg.created += skew
		if res := h.sci(sg, http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.status != 200 {
			t.Errorf("skew %d s = %d %s, want accepted", skew, res.status, res.body)
		}
	}
	req := h.newRequest(http.MethodPost, p.SCIAPIBaseURL+"/v1/unpair", nil)
	h.signerFor(p).sign(req, nil)
	req.Header.Set("Signature-Input", strings.Replace(req.Header.Get("Signature-Input"), ` "content-digest"`, "", 1))
	if res := h.send(req); res.status != 401 || !strings.Contains(string(res.body), "content-digest") {
		t.Errorf("POST without covered content-digest = %d %s", res.status, res.body)
	}
	// A signature at another tenant's base URL names the key as unknown there.
	other := strings.Replace(p.SCIAPIBaseURL, path, "/sci-api/tother", 1)
	if res := h.sci(h.signerFor(p), http.MethodGet, other, "/v1/pairing-info", nil); res.status != 401 || res.apiCode(t) != "no_valid_signatures_found" {
		t.Errorf("other tenant = %d %s", res.status, res.body)
	}
	// Still paired: nothing above may have unpaired it.
	if res := h.sci(h.signerFor(p), http.MethodGet, p.SCIAPIBaseURL, "/v1/pairing-info", nil); res.status != 200 {
		t.Errorf("correctly signed pairing-info = %d %s", res.status, res.body)
	}
}
