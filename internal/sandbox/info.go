package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Info tells a client where the simulated clouds are and which credentials
// they accept. The credentials are sandbox-only values, safe to print.
//
// It is generic: each cloud contributes its URL and credential keys
// (Spec.URLs, Spec.Credentials). As JSON it is one flat object, URLs in
// order with control_url last, then "credentials":
//
//	{"sci_pairing_url":"…","smartconnect_url":"…","helcim_url":"…","control_url":"…",
//	 "credentials":{"sci_api_key":"…","sci_signing_secret_part_a":"…","helcim_api_token":"…"}}
//
// A key k is what a client reads from the environment variable
// providers.EnvName(k) (sci_pairing_url ↔ TILLPAIR_SCI_PAIRING_URL).
type Info struct {
	URLs        []NamedValue // in JSON order; the last is control_url
	Credentials []NamedValue
}

// NamedValue is one Info member.
type NamedValue struct{ Key, Value string }

// ControlURLKey is the Info key of the control API's URL.
const ControlURLKey = "control_url"

// URL is the Info URL key (e.g. "sci_pairing_url"), or "" when there is
// none; URLs are "" before Start.
func (i Info) URL(key string) string { return lookup(i.URLs, key) }

// Credential is the Info credential key (e.g. "sci_api_key"), or "".
func (i Info) Credential(key string) string { return lookup(i.Credentials, key) }

// ControlURL is the control API's URL, e.g. http://127.0.0.1:P/control.
func (i Info) ControlURL() string { return i.URL(ControlURLKey) }

func lookup(vs []NamedValue, key string) string {
	for _, v := range vs {
		if v.Key == key {
			return v.Value
		}
	}
	return ""
}

func keys(vs []NamedValue) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Key
	}
	return out
}

// MarshalJSON writes the flat object, members in order.
func (i Info) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	writeMembers(&b, i.URLs)
	if len(i.URLs) > 0 {
		b.WriteByte(',')
	}
	b.WriteString(`"credentials":{`)
	writeMembers(&b, i.Credentials)
	b.WriteString("}}")
	return b.Bytes(), nil
}

func writeMembers(b *bytes.Buffer, vs []NamedValue) {
	for n, v := range vs {
		if n > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(v.Key) // strings always marshal
		val, _ := json.Marshal(v.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
}

// UnmarshalJSON reads the flat object back, keeping the order: every
// string member is a URL, "credentials" an object of strings.
func (i *Info) UnmarshalJSON(data []byte) error {
	*i = Info{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return err
		}
		if key == "credentials" {
			if i.Credentials, err = readStringObject(dec); err != nil {
				return fmt.Errorf("credentials: %w", err)
			}
			continue
		}
		v, err := stringToken(dec)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		i.URLs = append(i.URLs, NamedValue{key, v})
	}
	return expectDelim(dec, '}')
}

func readStringObject(dec *json.Decoder) ([]NamedValue, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	out := []NamedValue{}
	for dec.More() {
		k, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		v, err := stringToken(dec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out = append(out, NamedValue{k, v})
	}
	return out, expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", errors.New("want a string")
	}
	return s, nil
}
