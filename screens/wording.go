package screens

import (
	"errors"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

// Wording is how an error is put to the user: a headline (the exact
// certification text where one is required) and the next step.
type Wording struct {
	Title string // short heading
	Line  string // the message itself
	Next  string // what to do now
	// Detail: the underlying cause, shown under Line where there is room
	// ("" on most screens: Line is the cause).
	Detail string
	// Retry: repeating the action is worth offering.
	Retry bool
	// Forget: the pairing is gone remotely; offer to forget it here.
	Forget bool
	// Setup: the fix is SmartConnect's register setup; offer to open it.
	Setup bool
}

// Exact texts required by SCI certification (reference §4).
const (
	TextNetwork       = "Please check network and terminal connections and try again"
	TextNoActive      = "No active pairings found"
	textNotFoundStart = "Pairing not found: "
)

const (
	textStoreTitle = "Secure storage unavailable"
	textStoreLine  = "tillpair could not use the keyring or the pairing records"
)

// secretMissingWording: nothing was sent and the cloud rejected nothing;
// the secret was issued once, at pairing, so only pairing again helps.
func secretMissingWording() Wording {
	return Wording{
		Title:  "Signing secret missing",
		Line:   "The signing secret for this pairing is missing on this register",
		Next:   "Forget the pairing here, then pair the terminal again.",
		Forget: true,
	}
}

// storeError is implemented by keystore errors.
type storeError interface{ StoreError() bool }

// Describe words any error. Screens switch on Kind, never on message text.
func Describe(err error) Wording {
	var rb *pairing.RollbackError
	if errors.As(err, &rb) {
		return rolledBackWording(rb)
	}
	var sm *pairing.SecretMissingError
	if errors.As(err, &sm) {
		return secretMissingWording()
	}
	var se storeError
	if errors.As(err, &se) && se.StoreError() {
		return Wording{
			Title: textStoreTitle,
			Line:  textStoreLine,
			Next:  err.Error(),
			Retry: true,
		}
	}
	pe, _ := providers.AsError(err)
	if w, ok := providerWording(providers.KindOf(err), pe); ok {
		return w
	}
	return KindWording(providers.KindOf(err), pe)
}

// KindWording words one Kind; pe (may be nil) supplies the vendor message
// where the wording quotes it.
func KindWording(k providers.Kind, pe *providers.Error) Wording {
	vendor := ""
	if pe != nil {
		vendor = pe.Message
	}
	switch k {
	case providers.KindInvalidCode:
		return Wording{Title: "Invalid pairing code", Line: "That pairing code is not valid",
			Next: "Check the code on the terminal and type it again."}
	case providers.KindCodeUsed:
		return Wording{Title: "Code used or expired", Line: "That pairing code was already used or has expired",
			Next: "Start a new pairing on the terminal and enter the new code."}
	case providers.KindNotFound:
		if vendor == "" {
			vendor = "Pairing not found"
		}
		return Wording{Title: "Pairing not found", Line: textNotFoundStart + vendor,
			Next: "Check the code on the terminal and type it again."}
	case providers.KindNotPaired:
		return Wording{Title: "Unpaired on the terminal", Line: TextNoActive,
			Next: "This pairing was removed on the terminal or elsewhere. Forget it here, then pair again.", Forget: true}
	case providers.KindCredentials:
		return Wording{Title: "Integration not set up", Line: "The payment cloud rejected this register's credentials",
			Next: "Contact your POS support: the integration needs valid credentials."}
	case providers.KindWrongEnvironment:
		return Wording{Title: "Wrong environment", Line: "This terminal belongs to a different environment than this register",
			Next: "Test credentials cannot pair a live terminal (or the reverse). Contact your POS support."}
	case providers.KindSignature:
		return Wording{Title: "Request rejected", Line: "The payment cloud rejected this register's signed request",
			Next: "Check that this computer's date and time are correct, and that the signing secret (Part A) is right with `tillpair setup sci`; then try again.", Retry: true}
	case providers.KindRateLimited:
		return Wording{Title: "Too many requests", Line: "The payment cloud asked tillpair to slow down",
			Next: "Wait a minute, then try again.", Retry: true}
	case providers.KindNotListening:
		return Wording{Title: "Terminal not listening", Line: "The terminal is not listening",
			Next: "Wake the terminal and open its pairing screen, then try again.", Retry: true}
	case providers.KindNetwork:
		return Wording{Title: "Connection problem", Line: TextNetwork,
			Next: "The payment cloud could not be reached. Nothing on this register was changed.", Retry: true}
	case providers.KindTimeout:
		return Wording{Title: "No answer in time", Line: TextNetwork,
			Next: "The payment cloud did not answer in time. Nothing on this register was changed.", Retry: true}
	case providers.KindServer:
		return Wording{Title: "Cloud problem", Line: "The payment cloud had a problem",
			Next: "Try again in a few minutes.", Retry: true}
	case providers.KindProtocol:
		return Wording{Title: "Unexpected answer", Line: "The payment cloud sent an answer tillpair does not understand",
			Next: "Try again; if it keeps happening, update tillpair or contact support.", Retry: true}
	case providers.KindConfig:
		return Wording{Title: "tillpair misconfigured", Line: "tillpair is not configured correctly",
			Next: "Check the TILLPAIR_* endpoint settings, or run without them to use the sandbox."}
	case providers.KindUnpairOnTerminal:
		return Wording{Title: "Unpair on the terminal", Line: "This terminal can only be unpaired on the terminal itself",
			Next: "Unpair on the terminal, then forget the pairing here.", Forget: true}
	case providers.KindInvalidInput:
		line := "That entry is not valid"
		if vendor != "" {
			line += ": " + vendor
		}
		return Wording{Title: "Check your entry", Line: line, Next: "Correct it and try again."}
	case providers.KindCanceled:
		return Wording{Title: "Cancelled", Line: "The request was cancelled", Next: "Nothing more was changed."}
	default:
		return Wording{Title: "Something went wrong", Line: "Something unexpected went wrong",
			Next: "Try again; if it keeps happening, run with --debug and contact support.", Retry: true}
	}
}

// CancelFailedWording words a failed cancel of a pairing that awaits
// confirmation. What the merchant must know first is that the pairing is
// still waiting on the terminal; why the cancel failed is the detail. The
// next step is trying the cancel again where that can help, else the
// cause's own next step (contact support, fix the setup).
func CancelFailedWording(err error) Wording {
	cause := Describe(err)
	w := Wording{Title: "Cancel failed", Line: "The pairing is still waiting on the terminal",
		Detail: cause.Line, Next: cause.Next, Retry: cause.Retry, Forget: cause.Forget, Setup: cause.Setup}
	if w.Retry {
		w.Next = "Press r to try the cancel again."
	}
	return w
}

// rolledBackWording words a pair the provider accepted but tillpair could
// not store, so it was undone: the code is used up, so trying again would
// only be refused as "code already used" — the next step is a new code.
func rolledBackWording(rb *pairing.RollbackError) Wording {
	cause := "tillpair could not store the pairing"
	if rb.Cause != nil {
		cause = rb.Cause.Error()
	}
	// The cause is an error string (lower case) opening a sentence here.
	if r, n := utf8.DecodeRuneInString(cause); n > 0 {
		cause = string(unicode.ToUpper(r)) + cause[n:]
	}
	w := Wording{Title: textStoreTitle, Line: textStoreLine}
	if rb.Remote != nil {
		w.Next = cause + ". Undoing the pairing in the cloud failed too: unpair it on the terminal, fix the problem, then start pairing on the terminal again and enter the new code."
		return w
	}
	w.Next = cause + ". The pairing was undone, so nothing is left half-made. Fix the problem, then start pairing on the terminal again and enter the new code."
	return w
}

// Quote wraps a user-chosen name in the curly quotes every screen and
// status line uses, so a name reads the same wherever it appears.
func Quote(name string) string { return "“" + name + "”" }
