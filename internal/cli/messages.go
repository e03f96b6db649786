package cli

import (
	"errors"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// userError replaces an error's text with a line for the user (the problem
// and the next step) while keeping the chain for exit codes.
type userError struct {
	msg string
	err error
}

func (u *userError) Error() string { return u.msg }
func (u *userError) Unwrap() error { return u.err }

// describe turns a service error into one line naming the problem and the
// next step. Store errors already say both (keystore.Error includes its fix).
func describe(err error) error {
	if err == nil {
		return nil
	}
	var ue *userError
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, pairing.ErrUnknownPairing) {
		return withExit(ExitUsage, &userError{msg: messageOf(err), err: err})
	}
	var se storeError
	if errors.As(err, &se) {
		return err
	}
	if _, ok := providers.AsError(err); !ok {
		return err
	}
	return &userError{msg: messageOf(err), err: err}
}

// messageOf is an error's one line: the words of the one catalogue
// (internal/wording, with the provider's overrides), the same the screens
// and accessible mode show, with what the cloud said in brackets and the
// provider's setup named as its command. An error refused here, before
// any request, keeps its own sentence: it says exactly what was wrong
// with the input (a code's format, a missing secret).
func messageOf(err error) string {
	pe, _ := providers.AsError(err)
	if pe == nil {
		return err.Error()
	}
	if errors.Is(err, pairing.ErrUnknownPairing) || refusedHere(pe) {
		return pe.Message
	}
	w := wording.Describe(registry.All(), err).WithSetup("`tillpair setup " + setupID(pe.Provider) + "`")
	return wording.Sentence(w, wording.Said(pe, w))
}

// refusedHere: the input or this register's set-up was refused before any
// request (a code's format, a nickname, a missing register identity,
// secret or credential, the confirm window passing), with a sentence of
// its own naming what to set.
func refusedHere(pe *providers.Error) bool {
	if pe.HTTPStatus != 0 || pe.Message == "" || pe.Err != nil {
		return false
	}
	switch pe.Kind {
	case providers.KindInvalidCode, providers.KindInvalidInput, providers.KindConfig, providers.KindTimeout, providers.KindCredentials:
		return true
	}
	return false
}

// setupID is the setup subcommand for a provider; the lead provider when
// unnamed.
func setupID(id string) string {
	if id == "" {
		return leadProvider().ID
	}
	return id
}
