package sumup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of the Create and Update bodies [DOC S40 ReaderPairingCode,
// ReaderName, Metadata].
const (
	minCodeLen      = 8
	maxCodeLen      = 9
	maxNameLen      = 500
	maxMetadataKeys = 64
)

// createRequest is a valid Create Reader body.
type createRequest struct {
	PairingCode string
	Name        string
	Metadata    json.RawMessage // nil: not given; else a compact object
}

// updateRequest is a valid Update Reader body: each member optional.
type updateRequest struct {
	Name     *string
	Metadata json.RawMessage
}

// errNotJSON is a body that is not JSON at all: a 400 without fields (the
// spec's example), unlike a JSON body that breaks the schema.
var errNotJSON = fmt.Errorf("not JSON")

// The messages follow a JSON Schema validator's wording, which the one
// live message ("missing property 'name'" [OBS T40]) matches; names are
// JSON pointers, "" for the body itself. Members the schema does not name
// are allowed, as the schema allows them.

// decodeCreate validates a Create Reader body: pairing_code (8-9
// characters) and name (at most 500) are required, metadata an object of
// at most 64 members. It returns the fields that failed, or errNotJSON.
func decodeCreate(body []byte) (createRequest, []field, error) {
	members, fields, err := decodeObject(body)
	if err != nil || fields != nil {
		return createRequest{}, fields, err
	}
	var req createRequest
	var missing []string
	for _, name := range []string{"pairing_code", "name"} {
		if _, ok := members[name]; !ok {
			missing = append(missing, "'"+name+"'")
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		fields = append(fields, field{"", "missing property " + missing[0]})
	default:
		fields = append(fields, field{"", "missing properties " + strings.Join(missing, ", ")})
	}
	if raw, ok := members["pairing_code"]; ok {
		req.PairingCode, fields = stringMember(raw, "/pairing_code", minCodeLen, maxCodeLen, fields)
	}
	if raw, ok := members["name"]; ok {
		req.Name, fields = stringMember(raw, "/name", 0, maxNameLen, fields)
	}
	if raw, ok := members["metadata"]; ok {
		req.Metadata, fields = metadataMember(raw, fields)
	}
	return req, fields, nil
}

// decodeUpdate validates an Update Reader body: name and metadata, both
// optional, with Create's limits.
func decodeUpdate(body []byte) (updateRequest, []field, error) {
	members, fields, err := decodeObject(body)
	if err != nil || fields != nil {
		return updateRequest{}, fields, err
	}
	var req updateRequest
	if raw, ok := members["name"]; ok {
		var name string
		before := len(fields)
		name, fields = stringMember(raw, "/name", 0, maxNameLen, fields)
		if len(fields) == before {
			req.Name = &name
		}
	}
	if raw, ok := members["metadata"]; ok {
		req.Metadata, fields = metadataMember(raw, fields)
	}
	return req, fields, nil
}

// decodeObject reads a JSON object's members; a JSON value of another
// type is a field failure, anything else errNotJSON.
func decodeObject(body []byte) (map[string]json.RawMessage, []field, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return nil, nil, errNotJSON
	}
	if t := jsonType(body); t != "object" {
		return nil, []field{{"", "got " + t + ", want object"}}, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil { // unreachable: a valid object
		return nil, nil, errNotJSON
	}
	return members, nil, nil
}

// stringMember checks a string member's type and length in characters.
func stringMember(raw json.RawMessage, name string, minLen, maxLen int, fields []field) (string, []field) {
	if t := jsonType(raw); t != "string" {
		return "", append(fields, field{name, "got " + t + ", want string"})
	}
	var s string
	_ = json.Unmarshal(raw, &s) // a valid JSON string
	switch n := utf8.RuneCountInString(s); {
	case n < minLen:
		fields = append(fields, field{name, fmt.Sprintf("minLength: got %d, want %d", n, minLen)})
	case n > maxLen:
		fields = append(fields, field{name, fmt.Sprintf("maxLength: got %d, want %d", n, maxLen)})
	}
	return s, fields
}

// metadataMember checks metadata is an object of at most 64 members and
// returns it compacted.
func metadataMember(raw json.RawMessage, fields []field) (json.RawMessage, []field) {
	if t := jsonType(raw); t != "object" {
		return nil, append(fields, field{"/metadata", "got " + t + ", want object"})
	}
	var members map[string]json.RawMessage
	_ = json.Unmarshal(raw, &members) // a valid JSON object
	if n := len(members); n > maxMetadataKeys {
		return nil, append(fields, field{"/metadata", fmt.Sprintf("maxProperties: got %d, want %d", n, maxMetadataKeys)})
	}
	return marshal(members), fields // one member per name, in name order
}

// jsonType names the JSON Schema type of a valid JSON value.
func jsonType(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
