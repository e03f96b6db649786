package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tillpair/tillpair/internal/pairing"
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
	local := pe.HTTPStatus == 0 && pe.Message != "" && pe.Err == nil
	if errors.Is(err, pairing.ErrUnknownPairing) {
		return pe.Message
	}
	var msg string
	switch pe.Provider {
	case providers.SmartConnect:
		msg = smartConnectMessage(pe, local)
	case providers.Helcim:
		msg = helcimMessage(pe, local)
	}
	if msg != "" {
		return msg
	}
	return genericMessage(err, pe, local)
}

// smartConnectMessage words the Kinds SmartConnect reports in its own terms;
// "" falls back to genericMessage.
func smartConnectMessage(pe *providers.Error, local bool) string {
	switch pe.Kind {
	case providers.KindInvalidCode, providers.KindNotFound:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("SmartConnect did not accept the pairing code (%s). Codes refresh on the terminal: enter the code it shows now, promptly. If it keeps failing, check the business name with `tillpair setup smartconnect`.", vendor(pe))
	case providers.KindCodeUsed:
		return fmt.Sprintf("That pairing code has expired or was already used (%s). Codes refresh on the terminal: enter the code it shows now, promptly.", vendor(pe))
	case providers.KindNotPaired:
		return fmt.Sprintf("This register is not paired to a terminal (%s): it was unpaired on the terminal, paired to another register, or the register identity changed. Start pairing on the terminal, then run `tillpair pair --provider smartconnect --code CODE`.", vendorMessage(pe, "not paired"))
	case providers.KindNotListening:
		detail := vendorMessage(pe, "no answer")
		if pe.Code != "" {
			detail = "Result " + pe.Code
		}
		return fmt.Sprintf("The terminal is offline or did not answer (%s). Check it is switched on, connected and at its idle screen, then try again.", detail)
	case providers.KindRateLimited:
		return "SmartConnect says too many requests. Wait a minute and try again."
	case providers.KindConfig:
		if pe.HTTPStatus != 0 {
			return fmt.Sprintf("SmartConnect refused this register's request (%s). Check the register identity with `tillpair setup smartconnect`.", vendor(pe))
		}
		if pe.Message != "" {
			return pe.Message
		}
		return "The SmartConnect register identity is incomplete: run `tillpair setup smartconnect`."
	case providers.KindUnpairOnTerminal:
		return onTerminalSteps(providers.SmartConnect)
	}
	return ""
}

// helcimMessage words the Kinds Helcim reports (reference §4.4); "" falls
// back to genericMessage.
func helcimMessage(pe *providers.Error, local bool) string {
	// The client's messages are already sentences with advice; the line
	// quotes only its code and status, so the advice is not said twice.
	detail := vendor(pe)
	if pe.Code != "" && pe.HTTPStatus != 0 {
		detail = fmt.Sprintf("%s, HTTP %d", pe.Code, pe.HTTPStatus)
	}
	switch pe.Kind {
	case providers.KindInvalidCode:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("Helcim says the device code is not valid (%s). Enter the 4-character code the terminal shows, for example DY6L.", detail)
	case providers.KindNotFound:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("Device code not found on this Helcim account (%s). Check the code the terminal shows, and that the API token belongs to the account the terminal is registered on.", detail)
	case providers.KindNotPaired:
		return fmt.Sprintf("The Helcim device is no longer on this account (%s): it was removed or registered again with a new code. Switch the terminal to pairing mode and pair again with the code it shows.", detail)
	case providers.KindNotListening:
		return fmt.Sprintf("The Helcim terminal is not listening (%s): wake the terminal, open the Helcim app and sign in, and switch it to pairing mode; then try again. If it is a different terminal, check the device code.", detail)
	case providers.KindCredentials:
		if local {
			return pe.Message
		}
		if pe.HTTPStatus == 403 {
			return fmt.Sprintf("Helcim refused the API token (%s): it is invalid or lacks permission (it needs General: Read and Settings: Read). Store a valid token with `tillpair setup helcim`.", detail)
		}
		return fmt.Sprintf("Helcim rejected the API token (%s): it is missing or invalid. Store a valid token with `tillpair setup helcim`, or set TILLPAIR_HELCIM_API_TOKEN.", detail)
	case providers.KindRateLimited:
		if pe.Message != "" {
			// The client's text already says the limits and how long to
			// wait, with Helcim's words in brackets: not bracketed again.
			line := "Helcim rate limit reached: " + strings.TrimSuffix(pe.Message, ".") + "."
			if !strings.Contains(strings.ToLower(pe.Message), "try again") {
				line += " Wait a minute, then try again."
			}
			return line
		}
		return "Helcim says too many requests. Wait a minute and try again."
	case providers.KindServer:
		// The client's message already says "server problem; try again":
		// only Helcim's own words are quoted, once.
		return serverMessage(pe, helcimVendorWords(pe.Message))
	case providers.KindUnpairOnTerminal:
		return onTerminalSteps(providers.Helcim)
	}
	return ""
}

// helcimVendorWords is Helcim's own text, which the Helcim client appends
// to its advice as " (Helcim: …)"; "" when there is none.
func helcimVendorWords(msg string) string {
	const mark = " (Helcim: "
	i := strings.LastIndex(msg, mark)
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	return msg[i+len(mark) : len(msg)-1]
}

// serverMessage is the one line for a cloud's 5xx: transient, so the next
// step is to wait and retry. words is the vendor's text ("" if none).
func serverMessage(pe *providers.Error, words string) string {
	detail := words
	if pe.Code != "" && pe.Code != words {
		detail = joinDetail(detail, pe.Code)
	}
	if pe.HTTPStatus != 0 {
		detail = joinDetail(detail, fmt.Sprintf("HTTP %d", pe.HTTPStatus))
	}
	line := providerName(pe.Provider) + " had a server problem"
	if detail != "" {
		line += " (" + detail + ")"
	}
	line += ". Try again in a few minutes."
	if pe.Provider == providers.SCI && pe.Op == providers.OpPair {
		// progress-pairing is not idempotent: the code may have been
		// used up by the request that failed.
		line += " If the code is then refused as used, start pairing on the terminal again for a new one."
	}
	return line
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

func genericMessage(err error, pe *providers.Error, local bool) string {
	name := providerName(pe.Provider)
	switch pe.Kind {
	case providers.KindInvalidCode:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("%s says the pairing code is not valid (%s). Check the code on the terminal and try again.", name, vendor(pe))
	case providers.KindNotFound:
		if local {
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
		return fmt.Sprintf("%s rejected the request signature (%s). Check that this computer's clock is correct, and that the signing secret (Part A) is right with `tillpair setup %s`; then try again.", name, vendor(pe), setupID(pe.Provider))
	case providers.KindRateLimited:
		return fmt.Sprintf("%s says too many requests. Wait a minute and try again.", name)
	case providers.KindNotListening:
		return fmt.Sprintf("The terminal is not listening (%s). Wake it and check it is connected, then try again.", vendor(pe))
	case providers.KindNetwork:
		return fmt.Sprintf("Could not reach %s: please check network and terminal connections and try again (%s).", name, vendorMessage(pe, "no response"))
	case providers.KindTimeout:
		if local {
			return pe.Message
		}
		return fmt.Sprintf("%s did not answer in time: please check network and terminal connections and try again.", name)
	case providers.KindServer:
		words := pe.Message
		if words == "" && pe.Err != nil {
			words = pe.Err.Error()
		}
		return serverMessage(pe, words)
	case providers.KindProtocol:
		return fmt.Sprintf("%s answered something tillpair does not understand (%s). Try again; if it persists, run with --debug and report the log.", name, vendor(pe))
	case providers.KindCanceled:
		return "Cancelled."
	case providers.KindUnpairOnTerminal:
		return fmt.Sprintf("%s pairings are unpaired on the terminal. Do that, then run `tillpair unpair PAIRING --forget`.", name)
	case providers.KindConfig, providers.KindInvalidInput:
		if pe.HTTPStatus != 0 {
			return fmt.Sprintf("%s refused the request (%s). Check the settings with `tillpair setup %s`, then try again.", name, vendor(pe), pe.Provider)
		}
	case providers.KindUnknown:
		return fmt.Sprintf("%s failed unexpectedly (%s). Try again; if it persists, run with --debug and report the log.", name, vendor(pe))
	}
	if pe.Message != "" {
		return pe.Message
	}
	return err.Error()
}

// setupID is the setup subcommand for a provider; SCI when unnamed, since
// only SCI signs requests.
func setupID(id string) string {
	if id == "" {
		return leadProvider().ID
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
