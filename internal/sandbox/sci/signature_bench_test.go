package sci

import (
	"net/http"
	"testing"

	"github.com/tillpair/tillpair/internal/sandbox/sandboxtest"
)

// BenchmarkVerifySignature is the sandbox's cost to check one signed SCI
// request (parse the structured fields, rebuild the base, HMAC, compare),
// on the reference vectors.
func BenchmarkVerifySignature(b *testing.B) {
	b.Run("GET", func(b *testing.B) {
		in := vectorRequest()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := verifySignature(in, nil, sandboxtest.Epoch, vectorLookup); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("POST", func(b *testing.B) {
		in := vectorRequest()
		in.Method = http.MethodPost
		in.RequestURI, in.URL.Path = "/v1/unpair", "/v1/unpair"
		in.Header.Set("Signature-Input", `sig1=("@method" "@authority" "@request-target" "content-digest")`+vectorParams)
		in.Header.Set("Signature", "sig1=:MNWkiXuZaaGRiQwREdStMlayEKmN5Rf+VqTRPeJivkY=:")
		in.Header.Set("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
		body := []byte{}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := verifySignature(in, body, sandboxtest.Epoch, vectorLookup); err != nil {
				b.Fatal(err)
			}
		}
	})
}
