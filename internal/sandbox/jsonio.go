package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxBody caps every request body the sandbox reads.
const MaxBody = 64 << 10

// WriteJSON answers with v as JSON (Content-Type application/json).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // unreachable for the plain structs used here
		status, b = http.StatusInternalServerError, []byte(`{"error":"sandbox could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// errBodyTooLarge marks a body over MaxBody.
var errBodyTooLarge = fmt.Errorf("body larger than %d bytes", MaxBody)

// ReadBody reads the whole body through the MaxBody cap.
func ReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if len(b) > MaxBody {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// DecodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data, so a client's mistakes show up here rather
// than against the real cloud.
func DecodeStrict(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body is not valid JSON for this route: %w", err)
	}
	if dec.More() {
		return errors.New("body has data after the JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("body has data after the JSON object")
	}
	return nil
}
