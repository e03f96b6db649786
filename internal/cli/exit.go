package cli

import (
	"errors"

	"github.com/tillpair/tillpair/providers"
)

// Exit codes (design.md, CLI). Scripts rely on them: never renumber.
const (
	ExitOK         = 0
	ExitUnexpected = 1
	ExitUsage      = 2
	ExitNoPairing  = 3 // no active pairing
	ExitRejected   = 4 // the provider said no
	ExitNetwork    = 5 // network, timeout, server error, or the terminal is not listening
	ExitStore      = 6 // keyring or records store
)

// exitError carries an exit code through cobra's error return. Its message
// is what the user sees on stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit attaches an explicit exit code to err.
func withExit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// storeError is implemented by keystore errors so this package can map them
// to ExitStore without depending on their concrete type.
type storeError interface{ StoreError() bool }

// exitCode maps an error to the documented exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var se storeError
	if errors.As(err, &se) && se.StoreError() {
		return ExitStore
	}
	if pe, ok := providers.AsError(err); ok {
		switch pe.Kind {
		case providers.KindNetwork, providers.KindTimeout, providers.KindNotListening, providers.KindServer:
			// A terminal that is asleep or offline, or a cloud answering
			// 5xx, is to a script the same as a network fault: nothing
			// was refused, and the same request may work later.
			return ExitNetwork
		case providers.KindNotPaired:
			return ExitNoPairing
		case providers.KindInvalidInput, providers.KindConfig:
			return ExitUsage
		case providers.KindCredentials:
			if pe.HTTPStatus == 0 && pe.Err == nil { // refused locally: nothing configured
				return ExitUsage
			}
			return ExitRejected
		case providers.KindInvalidCode:
			if pe.HTTPStatus == 0 { // rejected before any request was sent
				return ExitUsage
			}
			return ExitRejected
		case providers.KindCanceled:
			return ExitUnexpected
		default:
			return ExitRejected
		}
	}
	return ExitUnexpected
}
