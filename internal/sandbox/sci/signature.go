package sci

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// maxClockSkew is the created window: the SCI FAQ lists a 6 s skew as a
// cause of no_valid_signatures_found.
const maxClockSkew = 5 * time.Second

// sigInput is one parsed signature: its covered components, its
// parameters and the signature bytes.
type sigInput struct {
	label      string
	components []string
	// paramsValue is the inner list with its parameters, serialised as
	// RFC 9421 §2.3 asks; for the canonical form every client sends this is
	// byte-for-byte what was received.
	paramsValue string
	keyID       string
	alg         string
	created     int64
	hasCreated  bool
	expires     int64
	hasExpires  bool
	signature   []byte
}

// parseSignatureHeaders picks the signature to verify: "sig1" when both
// headers carry it, else the first Signature-Input label that has a
// matching Signature.
func parseSignatureHeaders(h http.Header) (sigInput, error) {
	inVals, sigVals := h.Values("Signature-Input"), h.Values("Signature")
	if len(inVals) == 0 {
		return sigInput{}, errors.New("Signature-Input header missing")
	}
	if len(sigVals) == 0 {
		//lint:ignore ST1005 the message starts with the header's name, as sent
		return sigInput{}, errors.New("Signature header missing")
	}
	inputs, err := httpsfv.UnmarshalDictionary(inVals)
	if err != nil {
		return sigInput{}, fmt.Errorf("Signature-Input is not an RFC 8941 dictionary: %v", err)
	}
	sigs, err := httpsfv.UnmarshalDictionary(sigVals)
	if err != nil {
		//lint:ignore ST1005 the message starts with the header's name, as sent
		return sigInput{}, fmt.Errorf("Signature is not an RFC 8941 dictionary: %v", err)
	}
	label := ""
	if _, ok := inputs.Get("sig1"); ok {
		if _, ok := sigs.Get("sig1"); ok {
			label = "sig1"
		}
	}
	if label == "" {
		for _, name := range inputs.Names() {
			if _, ok := sigs.Get(name); ok {
				label = name
				break
			}
		}
	}
	if label == "" {
		return sigInput{}, errors.New("no Signature-Input label has a matching Signature entry")
	}
	in, _ := inputs.Get(label)
	sig, _ := sigs.Get(label)
	return parseSignatureMember(label, in, sig)
}

func parseSignatureMember(label string, in, sig httpsfv.Member) (sigInput, error) {
	si := sigInput{label: label}
	il, ok := in.(httpsfv.InnerList)
	if !ok {
		return si, fmt.Errorf("Signature-Input %s is not an inner list of components", label)
	}
	for _, it := range il.Items {
		name, ok := it.Value.(string)
		if !ok {
			return si, fmt.Errorf("Signature-Input %s: component %v is not a quoted string", label, it.Value)
		}
		if it.Params != nil && len(it.Params.Names()) > 0 {
			return si, fmt.Errorf("Signature-Input %s: component parameters (on %q) are not supported", label, name)
		}
		if name != strings.ToLower(name) {
			return si, fmt.Errorf("Signature-Input %s: component %q must be lower case", label, name)
		}
		if slices.Contains(si.components, name) {
			return si, fmt.Errorf("Signature-Input %s: component %q covered twice", label, name)
		}
		si.components = append(si.components, name)
	}
	if il.Params != nil {
		for _, p := range il.Params.Names() {
			v, _ := il.Params.Get(p)
			var ok bool
			switch p {
			case "keyid":
				si.keyID, ok = v.(string)
			case "alg":
				si.alg, ok = v.(string)
			case "created":
				si.created, ok = v.(int64)
				si.hasCreated = ok
			case "expires":
				si.expires, ok = v.(int64)
				si.hasExpires = ok
			default:
				ok = true // nonce, tag: covered by the signature, nothing to check
			}
			if !ok {
				return si, fmt.Errorf("Signature-Input %s: parameter %s has the wrong type", label, p)
			}
		}
	}
	pv, err := httpsfv.Marshal(il)
	if err != nil {
		return si, fmt.Errorf("Signature-Input %s cannot be serialised: %v", label, err)
	}
	si.paramsValue = pv
	item, ok := sig.(httpsfv.Item)
	if !ok {
		//lint:ignore ST1005 the message starts with the header's name, as sent
		return si, fmt.Errorf("Signature %s is not a byte sequence", label)
	}
	if si.signature, ok = item.Value.([]byte); !ok {
		//lint:ignore ST1005 the message starts with the header's name, as sent
		return si, fmt.Errorf("Signature %s is not a byte sequence (:base64:)", label)
	}
	return si, nil
}

// componentValue derives one covered component from the request as it was
// received: nothing is normalised, so a client that signs anything other
// than what it sent fails here.
func componentValue(r *http.Request, name string) (string, error) {
	target := r.RequestURI
	if target == "" { // a request built in-process rather than received
		target = r.URL.RequestURI()
	}
	switch name {
	case "@method":
		return r.Method, nil
	case "@authority":
		return r.Host, nil
	case "@request-target":
		return target, nil
	case "@path":
		return r.URL.EscapedPath(), nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	case "@scheme":
		if r.TLS != nil {
			return "https", nil
		}
		return "http", nil
	case "@target-uri":
		scheme, _ := componentValue(r, "@scheme")
		return scheme + "://" + r.Host + target, nil
	case "@signature-params":
		return "", errors.New(`"@signature-params" cannot be a covered component`)
	case "host":
		return r.Host, nil
	}
	if strings.HasPrefix(name, "@") {
		return "", fmt.Errorf("derived component %q is not supported", name)
	}
	vals := r.Header.Values(name)
	if len(vals) == 0 {
		return "", fmt.Errorf("covered header %q is not in the request", name)
	}
	for i, v := range vals {
		vals[i] = strings.Trim(v, " \t")
	}
	return strings.Join(vals, ", "), nil
}

// signatureBase is the RFC 9421 §2.5 signature base for si over r: one
// line per covered component, then "@signature-params", joined by LF with
// no trailing newline.
func signatureBase(r *http.Request, si sigInput) (string, error) {
	var b strings.Builder
	for _, c := range si.components {
		v, err := componentValue(r, c)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(v, "\r\n") {
			return "", fmt.Errorf("component %q contains a line break", c)
		}
		fmt.Fprintf(&b, "%q: %s\n", c, v)
	}
	b.WriteString(`"@signature-params": ` + si.paramsValue)
	return b.String(), nil
}

// keyLookup returns the HMAC key for a keyid, or an error saying why there
// is none. The error must not contain the key.
type keyLookup func(keyID string) ([]byte, error)

var bodyMethods = []string{http.MethodPost, http.MethodPut, http.MethodPatch}

// verifySignature checks the request's RFC 9421 HMAC-SHA256 signature over
// the received body bytes. It returns the verified keyid, or an error
// saying which check failed (never echoing a secret).
func verifySignature(r *http.Request, body []byte, now time.Time, lookup keyLookup) (string, error) {
	si, err := parseSignatureHeaders(r.Header)
	if err != nil {
		return "", err
	}
	if si.alg != "" && si.alg != "hmac-sha256" {
		return "", fmt.Errorf("alg %q is not supported; use hmac-sha256", si.alg)
	}
	if !si.hasCreated {
		return "", errors.New("Signature-Input has no created parameter")
	}
	skew := now.Sub(time.Unix(si.created, 0))
	if skew > maxClockSkew || skew < -maxClockSkew {
		return "", fmt.Errorf("created %d is %s away from the server clock (allowed ±%s); synchronise the clock", si.created, skew.Round(time.Second), maxClockSkew)
	}
	if si.hasExpires && !now.Before(time.Unix(si.expires, 0)) {
		return "", fmt.Errorf("signature expired at %d", si.expires)
	}
	if si.keyID == "" {
		return "", errors.New("Signature-Input has no keyid parameter")
	}
	key, err := lookup(si.keyID)
	if err != nil {
		return "", err
	}
	covered := slices.Contains(si.components, "content-digest")
	if slices.Contains(bodyMethods, r.Method) && !covered {
		return "", fmt.Errorf("%s requests must cover content-digest", r.Method)
	}
	if covered || r.Header.Get("Content-Digest") != "" {
		if err := checkContentDigest(r.Header.Values("Content-Digest"), body); err != nil {
			return "", err
		}
	}
	base, err := signatureBase(r, si)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(base))
	if !hmac.Equal(mac.Sum(nil), si.signature) {
		return "", fmt.Errorf("signature %s does not match: check @authority is host[:port] without a scheme, @request-target is the path sent, the key is Part A + Part B as text, and components are %s", si.label, strings.Join(si.components, " "))
	}
	return si.keyID, nil
}

// checkContentDigest requires a sha-256 member equal to the digest of the
// exact bytes received.
func checkContentDigest(vals []string, body []byte) error {
	if len(vals) == 0 {
		return errors.New("Content-Digest header missing")
	}
	d, err := httpsfv.UnmarshalDictionary(vals)
	if err != nil {
		return fmt.Errorf("Content-Digest is not an RFC 8941 dictionary: %v", err)
	}
	m, ok := d.Get("sha-256")
	if !ok {
		return errors.New("Content-Digest has no sha-256 member")
	}
	it, ok := m.(httpsfv.Item)
	if !ok {
		return errors.New("Content-Digest sha-256 is not a byte sequence")
	}
	got, ok := it.Value.([]byte)
	if !ok {
		return errors.New("Content-Digest sha-256 is not a byte sequence")
	}
	want := sha256.Sum256(body)
	if !bytes.Equal(got, want[:]) {
		return errors.New("Content-Digest does not match the body received; hash exactly the bytes sent")
	}
	return nil
}
