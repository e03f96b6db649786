package sci

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// Sign adds the RFC 9421 headers the SCI API requires to req: Content-Digest
// (POST, PUT and PATCH only), Signature-Input and Signature, label sig1,
// HMAC-SHA256 keyed with the text of Part A followed by the text of Part B
// (Part B is not hex-decoded), covering @method, @authority,
// @request-target and, for body methods, content-digest, with the
// parameters in the order created, alg, keyid. body must be exactly the
// bytes that will be sent. created is truncated to whole seconds.
//
// The SCI API rejects signatures whose created is about 6 s or more away
// from its clock, so created must come from an accurate clock.
func Sign(req *http.Request, body []byte, keyID string, partA, partB providers.Secret, created time.Time) error {
	if err := checkKeyID(keyID); err != nil {
		return err
	}
	if partA.IsZero() || partB.IsZero() {
		return errors.New("signing secret Part A or Part B is empty")
	}
	authority := req.Host
	if authority == "" {
		authority = req.URL.Host
	}
	// RFC 9421 §2.2.3: the authority is normalised to lower case.
	authority = strings.ToLower(authority)
	method := strings.ToUpper(req.Method)
	target := req.URL.RequestURI() // exactly what net/http puts on the request line

	var digest string
	withBody := method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
	if withBody {
		sum := sha256.Sum256(body)
		var enc [44]byte // base64 of 32 bytes
		base64.StdEncoding.Encode(enc[:], sum[:])
		digest = "sha-256=:" + string(enc[:]) + ":"
	}

	var params strings.Builder
	params.Grow(128 + len(keyID))
	params.WriteString(`("@method" "@authority" "@request-target"`)
	if withBody {
		params.WriteString(` "content-digest"`)
	}
	params.WriteString(`);created=`)
	var num [20]byte
	params.Write(strconv.AppendInt(num[:0], created.Unix(), 10))
	params.WriteString(`;alg="hmac-sha256";keyid="`)
	params.WriteString(keyID)
	params.WriteByte('"')
	p := params.String()

	// The base goes straight into the MAC, so build it as bytes rather
	// than as a string that would be copied again.
	base := make([]byte, 0, 96+len(authority)+len(target)+len(digest)+len(p))
	base = append(base, `"@method": `...)
	base = append(base, method...)
	base = append(base, "\n\"@authority\": "...)
	base = append(base, authority...)
	base = append(base, "\n\"@request-target\": "...)
	base = append(base, target...)
	if withBody {
		base = append(base, "\n\"content-digest\": "...)
		base = append(base, digest...)
	}
	base = append(base, "\n\"@signature-params\": "...)
	base = append(base, p...)

	a, b := partA.Reveal(), partB.Reveal()
	key := make([]byte, 0, len(a)+len(b))
	key = append(append(key, a...), b...)
	mac := hmac.New(sha256.New, key)
	mac.Write(base)
	var sum [sha256.Size]byte
	var sig [44]byte
	base64.StdEncoding.Encode(sig[:], mac.Sum(sum[:0]))

	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if withBody {
		req.Header.Set("Content-Digest", digest)
	}
	req.Header.Set("Signature-Input", "sig1="+p)
	req.Header.Set("Signature", "sig1=:"+string(sig[:])+":")
	return nil
}

// checkKeyID keeps the key id safe to embed in a structured-field string
// and in the one-line-per-component signature base.
func checkKeyID(keyID string) error {
	if keyID == "" {
		return errors.New("key id is empty")
	}
	for i := 0; i < len(keyID); i++ {
		if c := keyID[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return errors.New("key id contains a character that cannot be signed")
		}
	}
	return nil
}
