package reliability

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers"
)

// The other decoders have fuzz targets next to them: providers/sci
// (FuzzDecodeResponse), providers/smartconnect (FuzzDecodeError),
// providers/helcim (FuzzDecodeErrors), pairing (FuzzNormalizeCode),
// keystore (FuzzLoadRecords), providers/sandbox (FuzzSignatureInput).

func FuzzNormalizeNickname(f *testing.F) {
	for _, s := range []string{"", "Front Bar", "  spaced  ", "Café ☕", "a\x00b", "tab\there", "\u202eevil", strings.Repeat("x", 41), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		nick, err := pairing.NormalizeNickname(raw)
		if err != nil {
			pe, ok := providers.AsError(err)
			if !ok || pe.Kind != providers.KindInvalidInput || pe.Message == "" {
				t.Fatalf("error %v (%T) is not a worded KindInvalidInput", err, err)
			}
			return
		}
		if !utf8.ValidString(nick) || utf8.RuneCountInString(nick) > pairing.MaxNicknameRunes || nick != strings.TrimSpace(nick) {
			t.Fatalf("accepted %q as %q", raw, nick)
		}
		for _, r := range nick {
			if !unicode.IsPrint(r) {
				t.Fatalf("accepted a non-printable %U in %q", r, nick)
			}
		}
		if again, err := pairing.NormalizeNickname(nick); err != nil || again != nick {
			t.Fatalf("not idempotent: %q → %q, %v", nick, again, err)
		}
	})
}

// serve sends one request to a fresh sandbox's handler, in memory.
func serve(sb *sandbox.Sandbox, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	sb.Handler().ServeHTTP(rec, req)
	return rec
}

// checkAnswer: the sandbox answers bad input with a 4xx and a JSON body,
// never a 5xx (no injected fault is set) and never a non-JSON body.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, ok ...int) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d for bad input: %s", rec.Code, rec.Body)
	}
	if rec.Code/100 != 4 && !containsInt(ok, rec.Code) {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("status %d with a body that is not JSON: %q", rec.Code, rec.Body)
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func FuzzSandboxProgressPairing(f *testing.F) {
	for _, s := range []string{`{"pairing_code":"123456"}`, `{"pairing_code":"123456","pairing_nickname":"Bar"}`, `{}`, `[]`, `null`,
		`{"pairing_code":123456}`, `{"pairing_code":"1","x":1}`, `{"pairing_code":"123456"} trailing`, "", `{"pairing_code":"\u0000"}`} {
		f.Add(s)
	}
	sb := clouds.New(sandbox.Options{Seed: 3, Credentials: canaryCredentials()})
	f.Cleanup(func() { _ = sb.Close() })
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/sci-pairing/v1/progress-pairing", strings.NewReader(body))
		req.Header.Set("Authorization", "ApiKey "+canaryAPIKey)
		req.Header.Set("Content-Type", "application/json")
		rec := serve(sb, req)
		checkAnswer(t, rec, http.StatusOK)
		if strings.Contains(rec.Body.String(), canaryAPIKey) || strings.Contains(rec.Body.String(), canaryPartA) {
			t.Fatal("the answer echoes a credential")
		}
	})
}

func FuzzSandboxSmartConnectForm(f *testing.F) {
	good := url.Values{"POSRegisterID": {"7e0e3a53-3fd5-4b7e-9d5b-8d7e0c8d7a51"}, "POSRegisterName": {"Till"},
		"POSBusinessName": {"Cafe"}, "POSVendorName": {"tillpair"}}.Encode()
	for _, s := range []string{good, "", "POSRegisterID=", "a=%zz", "POSRegisterID=x&POSRegisterID=y", strings.Repeat("a=b&", 50)} {
		f.Add("12345678", "application/x-www-form-urlencoded", s)
	}
	f.Add("../x", "text/plain", good)
	sb := clouds.New(sandbox.Options{Seed: 3})
	f.Cleanup(func() { _ = sb.Close() })
	f.Fuzz(func(t *testing.T, code, ctype, body string) {
		target := "/smartconnect/POS/Pairing/" + url.PathEscape(code)
		req := httptest.NewRequest(http.MethodPut, target, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := serve(sb, req)
		if path.Clean(target) != target && rec.Code == http.StatusTemporaryRedirect {
			// net/http's ServeMux redirects dot segments ("Pairing/.")
			// to the clean path before any sandbox code runs; the
			// fuzzer found this first (testdata/fuzz keeps the input).
			return
		}
		// 200 needs a live code, which no fuzz input can know.
		checkAnswer(t, rec)
	})
}

func FuzzSandboxHelcimQuery(f *testing.F) {
	for _, s := range []string{"", "code=AB12", "limit=0", "limit=101", "offset=-1", "page=0", "offset=1&page=1", "code=%", "code=ABCDE", "limit=abc&page=x"} {
		f.Add(s)
	}
	sb := clouds.New(sandbox.Options{Seed: 3, Credentials: canaryCredentials()})
	f.Cleanup(func() { _ = sb.Close() })
	f.Fuzz(func(t *testing.T, query string) {
		req, err := http.NewRequest(http.MethodGet, "http://sandbox/helcim/v2/devices?"+query, nil)
		if err != nil {
			t.Skip("not a request line net/http would send")
		}
		req.Header.Set("api-token", canaryToken)
		rec := serve(sb, req)
		checkAnswer(t, rec, http.StatusOK)
		if rec.Code == http.StatusTooManyRequests {
			return // the fuzzer outran the simulated rate limit
		}
		var body struct {
			Errors json.RawMessage `json:"errors"`
		}
		if rec.Code != http.StatusOK && (json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) == 0) {
			t.Fatalf("status %d without an errors member: %s", rec.Code, rec.Body)
		}
	})
}
