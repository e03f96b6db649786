package pairing

import (
	"errors"

	"github.com/tillpair/tillpair/providers"
)

// Stamp fills in the provider and operation of a locally made
// *providers.Error (NormalizeCode's and NormalizeNickname's have neither),
// so it reads "sci pair: …" like the provider's own and every caller words
// it alike. Errors already naming a provider, and other errors, are
// returned unchanged; the original is never modified.
func Stamp(err error, provider, op string) error {
	var pe *providers.Error
	if errors.As(err, &pe) && pe.Provider == "" {
		c := *pe
		c.Provider, c.Op = provider, op
		return &c
	}
	return err
}
