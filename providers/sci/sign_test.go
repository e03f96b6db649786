package sci_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// Vectors from reference §1.5 (cross-checked there against an independent
// RFC 9421 implementation).
const vecKeyID = "kid_1a049709-65d4-480d-bdf0-f3e49699c67b"

var (
	vecPartA   = providers.NewSecret("partA")
	vecPartB   = providers.NewSecret("5b1e070927ddb9fe5931e7e2aaaad5c1")
	vecCreated = time.Unix(1715151961, 0)
)

func signed(t testing.TB, method, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sci.Sign(req, body, vecKeyID, vecPartA, vecPartB, vecCreated); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSignVectorGET(t *testing.T) {
	req := signed(t, http.MethodGet, "https://sci-api.example.com/v1/pairing-info", nil)
	want := map[string]string{
		"Signature":       "sig1=:xEVp9iM2PHI38WwciWGVobFIKdJi7mLunl4e1GFlPzQ=:",
		"Signature-Input": `sig1=("@method" "@authority" "@request-target");created=1715151961;alg="hmac-sha256";keyid="kid_1a049709-65d4-480d-bdf0-f3e49699c67b"`,
		"Content-Digest":  "",
	}
	for h, v := range want {
		if got := req.Header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
}

func TestSignVectorPOSTEmptyBody(t *testing.T) {
	req := signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair", []byte{})
	want := map[string]string{
		"Content-Digest":  "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
		"Signature":       "sig1=:MNWkiXuZaaGRiQwREdStMlayEKmN5Rf+VqTRPeJivkY=:",
		"Signature-Input": `sig1=("@method" "@authority" "@request-target" "content-digest");created=1715151961;alg="hmac-sha256";keyid="kid_1a049709-65d4-480d-bdf0-f3e49699c67b"`,
	}
	for h, v := range want {
		if got := req.Header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
}

// The documented signature-failure causes: scheme in @authority, a changed
// target, a different body, another key or another second must all change
// the signature, while case in the host must not.
func TestSignCoversEachComponent(t *testing.T) {
	ref := signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair", []byte{}).Header.Get("Signature")
	same := signed(t, http.MethodPost, "https://SCI-API.example.com/v1/unpair", []byte{}).Header.Get("Signature")
	if same != ref {
		t.Errorf("host case changed the signature: %q vs %q", same, ref)
	}
	variants := map[string]*http.Request{
		"path":  signed(t, http.MethodPost, "https://sci-api.example.com/api/v1/unpair", []byte{}),
		"query": signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair?x=1", []byte{}),
		"port":  signed(t, http.MethodPost, "https://sci-api.example.com:8443/v1/unpair", []byte{}),
		"body":  signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair", []byte("{}")),
	}
	other := signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair", []byte{})
	if err := sci.Sign(other, []byte{}, vecKeyID, vecPartA, providers.NewSecret("5b1e070927ddb9fe5931e7e2aaaad5c2"), vecCreated); err != nil {
		t.Fatal(err)
	}
	variants["part b"] = other
	later := signed(t, http.MethodPost, "https://sci-api.example.com/v1/unpair", []byte{})
	if err := sci.Sign(later, []byte{}, vecKeyID, vecPartA, vecPartB, vecCreated.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	variants["created"] = later
	for name, req := range variants {
		if req.Header.Get("Signature") == ref {
			t.Errorf("changing the %s did not change the signature", name)
		}
	}
}

func TestSignUsesHostOverride(t *testing.T) {
	a := signed(t, http.MethodGet, "https://sci-api.example.com/v1/pairing-info", nil)
	req, _ := http.NewRequest(http.MethodGet, "https://10.0.0.1/v1/pairing-info", nil)
	req.Host = "sci-api.example.com"
	if err := sci.Sign(req, nil, vecKeyID, vecPartA, vecPartB, vecCreated); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Signature") != a.Header.Get("Signature") {
		t.Error("req.Host was not used as @authority")
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	for _, keyID := range []string{"", `kid"x`, "kid x", "kid\nx", `kid\x`} {
		req, _ := http.NewRequest(http.MethodGet, "https://sci-api.example.com/v1/pairing-info", nil)
		if err := sci.Sign(req, nil, keyID, vecPartA, vecPartB, vecCreated); err == nil {
			t.Errorf("key id %q accepted", keyID)
		}
		if req.Header.Get("Signature") != "" {
			t.Errorf("key id %q: headers set despite the error", keyID)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://sci-api.example.com/v1/pairing-info", nil)
	if err := sci.Sign(req, nil, vecKeyID, vecPartA, providers.Secret{}, vecCreated); err == nil {
		t.Error("empty Part B accepted")
	}
}

func BenchmarkSign(b *testing.B) {
	req, _ := http.NewRequest(http.MethodPost, "https://sci-api.example.com/v1/unpair", nil)
	body := []byte{}
	b.ReportAllocs()
	for b.Loop() {
		if err := sci.Sign(req, body, vecKeyID, vecPartA, vecPartB, vecCreated); err != nil {
			b.Fatal(err)
		}
	}
}
