package cli

import (
	"errors"
	"fmt"

	"github.com/tillpair/tillpair/pairing"
	"github.com/tillpair/tillpair/providers"
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

func messageOf(err error) string {
	pe, _ := providers.AsError(err)
	if pe == nil {
		return err.Error()
	}
	name := providerName(pe.Provider)
	local := pe.HTTPStatus == 0 && pe.Message != "" && pe.Err == nil
	switch pe.Kind {
	case providers.KindInvalidCode:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("%s says the pairing code is not valid (%s). Check the code on the terminal and try again.", name, vendor(pe))
	case providers.KindNotFound:
		if errors.Is(err, pairing.ErrUnknownPairing) || local {
			return pe.Message
		}
		return fmt.Sprintf("Pairing not found: %s. The code was not recognised — check the code on the terminal, or start pairing again there.", vendorMessage(pe, "Pairing not found"))
	case providers.KindCodeUsed:
		return fmt.Sprintf("That code was already used or has expired (%s). Start a new pairing on the terminal and use the new code.", vendor(pe))
	case providers.KindNotPaired:
		return "No active pairings found. Pair the terminal again with `tillpair pair --code CODE`."
	case providers.KindCredentials, providers.KindWrongEnvironment:
		return fmt.Sprintf("%s rejected this integration's credentials for this terminal (%s). Check them with `tillpair setup sci` (test vs live key), or contact support.", name, vendor(pe))
	case providers.KindSignature:
		return fmt.Sprintf("%s rejected the request signature (%s). Check that this computer's clock is correct, then try again.", name, vendor(pe))
	case providers.KindRateLimited:
		return fmt.Sprintf("%s says too many requests. Wait a minute and try again.", name)
	case providers.KindNetwork:
		return fmt.Sprintf("Could not reach %s: please check network and terminal connections and try again (%s).", name, vendorMessage(pe, "no response"))
	case providers.KindTimeout:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("%s did not answer in time: please check network and terminal connections and try again.", name)
	case providers.KindServer:
		return fmt.Sprintf("%s failed (%s). Try again in a few minutes.", name, vendor(pe))
	case providers.KindProtocol:
		return fmt.Sprintf("%s answered something tillpair does not understand (%s). Try again; if it persists, run with --debug and report the log.", name, vendor(pe))
	case providers.KindCanceled:
		return "Cancelled."
	}
	if pe.Message != "" {
		return pe.Message
	}
	return err.Error()
}

func providerName(id string) string {
	switch id {
	case providers.SCI:
		return "mx51 SCI"
	case providers.SmartConnect:
		return "SmartConnect"
	case providers.Helcim:
		return "Helcim"
	case "":
		return "The provider"
	}
	return id
}

// vendor is what the cloud said, for support: message, code and status.
func vendor(pe *providers.Error) string {
	s := vendorMessage(pe, pe.Kind.String())
	if pe.Code != "" && pe.Code != s {
		s += ", " + pe.Code
	}
	if pe.HTTPStatus != 0 {
		s += fmt.Sprintf(", HTTP %d", pe.HTTPStatus)
	}
	return s
}

func vendorMessage(pe *providers.Error, fallback string) string {
	switch {
	case pe.Message != "":
		return pe.Message
	case pe.Code != "":
		return pe.Code
	case pe.Err != nil:
		return pe.Err.Error()
	}
	return fallback
}
