package providers

import "log/slog"

// Secret holds a credential or signing secret. Its String, GoString and
// LogValue all redact, so a Secret that reaches fmt, %v, %#v or slog by
// mistake prints "[redacted]" rather than its value. Only Reveal returns the
// value, and only code that signs or authenticates should call it.
type Secret struct{ v string }

// NewSecret wraps a value.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the secret value.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// Len is the length of the value in bytes.
func (s Secret) Len() int { return len(s.v) }

const redacted = "[redacted]"

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps secrets out of JSON and text encodings too.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
