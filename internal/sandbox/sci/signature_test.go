package sci

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// Reference §1.5 test vectors.
const (
	vectorKeyID  = "kid_1a049709-65d4-480d-bdf0-f3e49699c67b"
	vectorKey    = "partA" + "5b1e070927ddb9fe5931e7e2aaaad5c1"
	vectorHost   = "sci-api.example.com"
	vectorParams = `;created=1715151961;alg="hmac-sha256";keyid="kid_1a049709-65d4-480d-bdf0-f3e49699c67b"`
)

func vectorLookup(keyID string) ([]byte, error) {
	if keyID != vectorKeyID {
		return nil, errors.New("unknown keyid")
	}
	return []byte(vectorKey), nil
}

func TestSignatureVectors(t *testing.T) {
	cases := []struct {
		method, path, digest, signature, base string
	}{
		{
			method: "GET", path: "/v1/pairing-info",
			signature: "sig1=:xEVp9iM2PHI38WwciWGVobFIKdJi7mLunl4e1GFlPzQ=:",
			base: `"@method": GET` + "\n" + `"@authority": sci-api.example.com` + "\n" + `"@request-target": /v1/pairing-info` + "\n" +
				`"@signature-params": ("@method" "@authority" "@request-target")` + vectorParams,
		},
		{
			method: "POST", path: "/v1/unpair",
			digest:    "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
			signature: "sig1=:MNWkiXuZaaGRiQwREdStMlayEKmN5Rf+VqTRPeJivkY=:",
			base: `"@method": POST` + "\n" + `"@authority": sci-api.example.com` + "\n" + `"@request-target": /v1/unpair` + "\n" +
				`"content-digest": sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:` + "\n" +
				`"@signature-params": ("@method" "@authority" "@request-target" "content-digest")` + vectorParams,
		},
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			// The test's signer reproduces the published values.
			req := httptest.NewRequest(c.method, "http://"+vectorHost+c.path, nil)
			signer{keyID: vectorKeyID, key: vectorKey, created: sandboxtest.Epoch.Unix()}.sign(req, nil)
			if got := req.Header.Get("Signature"); got != c.signature {
				t.Fatalf("test signer Signature = %s, want %s", got, c.signature)
			}
			if got := req.Header.Get("Content-Digest"); got != c.digest {
				t.Fatalf("test signer Content-Digest = %q, want %q", got, c.digest)
			}

			// The verifier's base builder rebuilds the same base from a
			// request carrying only the vector headers.
			in := httptest.NewRequest(c.method, "/", nil)
			in.Host = vectorHost
			in.RequestURI = c.path
			in.URL.Path = c.path
			in.Header.Set("Signature-Input", "sig1=("+strings.Join(componentsFor(c.method), " ")+")"+vectorParams)
			in.Header.Set("Signature", c.signature)
			if c.digest != "" {
				in.Header.Set("Content-Digest", c.digest)
			}
			si, err := parseSignatureHeaders(in.Header)
			if err != nil {
				t.Fatal(err)
			}
			base, err := signatureBase(in, si)
			if err != nil {
				t.Fatal(err)
			}
			if base != c.base {
				t.Fatalf("signature base:\n%s\nwant:\n%s", base, c.base)
			}
			keyID, err := verifySignature(in, nil, sandboxtest.Epoch, vectorLookup)
			if err != nil || keyID != vectorKeyID {
				t.Fatalf("verifySignature = %q, %v", keyID, err)
			}
			// One byte off in the body must fail the same request.
			if c.digest != "" {
				if _, err := verifySignature(in, []byte(" "), sandboxtest.Epoch, vectorLookup); err == nil {
					t.Fatal("a body that differs from Content-Digest verified")
				}
			}
		})
	}
}

func componentsFor(method string) []string {
	c := []string{`"@method"`, `"@authority"`, `"@request-target"`}
	if method == http.MethodPost {
		c = append(c, `"content-digest"`)
	}
	return c
}

// vectorRequest is the GET vector as received, for mutation below.
func vectorRequest() *http.Request {
	in := httptest.NewRequest(http.MethodGet, "/v1/pairing-info", nil)
	in.Host = vectorHost
	in.Header.Set("Signature-Input", `sig1=("@method" "@authority" "@request-target")`+vectorParams)
	in.Header.Set("Signature", "sig1=:xEVp9iM2PHI38WwciWGVobFIKdJi7mLunl4e1GFlPzQ=:")
	return in
}

func TestVerifySignatureGeneric(t *testing.T) {
	if _, err := verifySignature(vectorRequest(), nil, sandboxtest.Epoch, vectorLookup); err != nil {
		t.Fatalf("vector request: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*http.Request)
		want   string
	}{
		{"other label accepted", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "sig1=", "pos=", 1))
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "sig1=", "pos=", 1))
		}, ""},
		{"label without signature", func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "sig1=", "sig2=", 1))
		}, "matching Signature"},
		{"missing Signature-Input", func(r *http.Request) { r.Header.Del("Signature-Input") }, "Signature-Input header missing"},
		{"missing Signature", func(r *http.Request) { r.Header.Del("Signature") }, "Signature header missing"},
		{"not a dictionary", func(r *http.Request) { r.Header.Set("Signature-Input", "((") }, "dictionary"},
		{"wrong alg", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "hmac-sha256", "rsa-pss-sha512", 1))
		}, "alg"},
		{"no created", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), ";created=1715151961", "", 1))
		}, "created"},
		{"host differs", func(r *http.Request) { r.Host = "sci-api.example.com:443" }, "does not match"},
		{"uppercase component", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), `"@method"`, `"@METHOD"`, 1))
		}, "lower case"},
		{"covered header absent", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), `"@request-target")`, `"@request-target" "x-extra")`, 1))
		}, "x-extra"},
		{"unknown keyid", func(r *http.Request) {
			r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), "kid_1a", "kid_ff", 1))
		}, "unknown keyid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := vectorRequest()
			c.mutate(r)
			_, err := verifySignature(r, nil, sandboxtest.Epoch, vectorLookup)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
	if _, err := verifySignature(vectorRequest(), nil, sandboxtest.Epoch.Add(6*time.Second), vectorLookup); err == nil {
		t.Error("6 s of clock skew verified")
	}
}

func FuzzSignatureInput(f *testing.F) {
	f.Add(`sig1=("@method" "@authority" "@request-target")`+vectorParams, "sig1=:xEVp9iM2PHI38WwciWGVobFIKdJi7mLunl4e1GFlPzQ=:", "", []byte(nil))
	f.Add(`sig1=("@method" "@authority" "@request-target" "content-digest")`+vectorParams, "sig1=:MNWkiXuZaaGRiQwREdStMlayEKmN5Rf+VqTRPeJivkY=:",
		"sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", []byte{})
	f.Add(`sig1=("@query" "@path" "@target-uri" "@scheme" "host");created=1715151961;keyid="kid_1a049709-65d4-480d-bdf0-f3e49699c67b";expires=1`, "sig1=:AA==:", "sha-256=1", []byte("x"))
	f.Add(`a=1, b=("@signature-params";x);created=?1, sig1=()`, "sig1=2, b=:AA==:", "sha-256=(1 2)", []byte("{}"))
	f.Fuzz(func(t *testing.T, input, sig, digest string, body []byte) {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := httptest.NewRequest(method, "http://"+vectorHost+"/v1/pairing-info?x=1", bytes.NewReader(body))
			r.Header["Signature-Input"] = []string{input}
			r.Header["Signature"] = []string{sig}
			if digest != "" {
				r.Header["Content-Digest"] = []string{digest}
			}
			keyID, err := verifySignature(r, body, sandboxtest.Epoch, vectorLookup)
			if err == nil && keyID != vectorKeyID {
				t.Fatalf("verified with keyid %q", keyID)
			}
		}
	})
}
