// Package wording is tillpair's one catalogue of error words: each error
// Kind gives a title, a line and a next step (providers.Wording), a
// provider's descriptor may override them for its own errors, and the TUI,
// the CLI and accessible mode all render these words. It imports no UI
// package. Each certification text appears here once.
package wording

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

// Exact texts required by SCI certification (reference §4).
const (
	// TextNetwork is SCIPAIRING's connectivity message.
	TextNetwork = "Please check network and terminal connections and try again"
	// TextNoActive is the message for a pairing the cloud no longer has.
	TextNoActive = "No active pairings found"
	// TextNotFoundStart opens the message for an unknown code or pairing,
	// followed by what the cloud said.
	TextNotFoundStart = "Pairing not found: "
)

// Store failures: the keyring or the records file.
const (
	TextStoreTitle = "Secure storage unavailable"
	TextStoreLine  = "tillpair could not use the keyring or the pairing records"
)

// storeError is implemented by keystore errors (this package does not
// import keystore: the words need only know the error is one).
type storeError interface{ StoreError() bool }

// Describe words any error: the pairing service's own errors, store
// failures, and provider errors by Kind with the provider's overrides
// from reg.
func Describe(reg providers.Registry, err error) providers.Wording {
	var rb *pairing.RollbackError
	if errors.As(err, &rb) {
		return rolledBack(rb)
	}
	var sm *pairing.SecretMissingError
	if errors.As(err, &sm) {
		return SecretMissing()
	}
	var se storeError
	if errors.As(err, &se) && se.StoreError() {
		return providers.Wording{Title: TextStoreTitle, Line: TextStoreLine, Next: err.Error(), Retry: true}
	}
	pe, _ := providers.AsError(err)
	return Of(reg, providers.KindOf(err), pe)
}

// Of words one Kind: the provider's override where its descriptor has
// one, else Generic. pe (may be nil) names the provider and supplies the
// cloud's message where the wording quotes it.
func Of(reg providers.Registry, k providers.Kind, pe *providers.Error) providers.Wording {
	if pe != nil {
		if d, ok := reg.Lookup(pe.Provider); ok && d.Wording != nil {
			e := *pe
			e.Kind = k
			if w, ok := d.Wording(&e); ok {
				return w
			}
		}
	}
	return Generic(k, pe)
}

// SecretMissing words a pairing whose per-pairing secret is gone: nothing
// was sent and the cloud rejected nothing; the secret was issued once, at
// pairing, so only pairing again helps.
func SecretMissing() providers.Wording {
	return providers.Wording{
		Title:  "Signing secret missing",
		Line:   "The signing secret for this pairing is missing on this register",
		Next:   "Forget the pairing here, then pair the terminal again.",
		Forget: true,
	}
}

// Generic words one Kind in no provider's terms.
func Generic(k providers.Kind, pe *providers.Error) providers.Wording {
	vendor := ""
	if pe != nil {
		vendor = pe.Message
	}
	type W = providers.Wording
	switch k {
	case providers.KindInvalidCode:
		return W{Title: "Invalid pairing code", Line: "That pairing code is not valid",
			Next: "Check the code on the terminal and type it again."}
	case providers.KindCodeUsed:
		return W{Title: "Code used or expired", Line: "That pairing code was already used or has expired",
			Next: "Start a new pairing on the terminal and enter the new code."}
	case providers.KindNotFound:
		// SCIPAIRING's text, then what the cloud said (the title when it
		// said nothing): "Pairing not found: Pairing not found".
		title := strings.TrimSuffix(TextNotFoundStart, ": ")
		if vendor == "" {
			vendor = title
		}
		// The line quotes the vendor's words (required); the heading says
		// it in other words, so "Pairing not found" is not read three times.
		return W{Title: "Code not recognised", Line: TextNotFoundStart + vendor,
			Next: "Check the code on the terminal and type it again."}
	case providers.KindNotPaired:
		return W{Title: "Unpaired on the terminal", Line: TextNoActive,
			Next: "This pairing was removed on the terminal or elsewhere. Forget it here, then pair again.", Forget: true}
	case providers.KindCredentials:
		return W{Title: "Integration not set up", Line: "The payment cloud rejected this register's credentials",
			Next: "Contact your POS support: the integration needs valid credentials."}
	case providers.KindWrongEnvironment:
		return W{Title: "Wrong environment", Line: "This terminal belongs to a different environment than this register",
			Next: "Test credentials cannot pair a live terminal (or the reverse). Contact your POS support."}
	case providers.KindSignature:
		return W{Title: "Request rejected", Line: "The payment cloud rejected this register's signed request",
			Next: "Check that this computer's date and time are correct, and that the signing secret (Part A) is right with `tillpair setup sci`; then try again.", Retry: true}
	case providers.KindRateLimited:
		return W{Title: "Too many requests", Line: "The payment cloud asked tillpair to slow down",
			Next: "Wait a minute, then try again.", Retry: true}
	case providers.KindNotListening:
		return W{Title: "Terminal not listening", Line: "The terminal is not listening",
			Next: "Wake the terminal and open its pairing screen, then try again.", Retry: true}
	case providers.KindNetwork:
		return W{Title: "Connection problem", Line: TextNetwork,
			Next: "The payment cloud could not be reached. Nothing on this register was changed.", Retry: true}
	case providers.KindTimeout:
		return W{Title: "No answer in time", Line: TextNetwork,
			Next: "The payment cloud did not answer in time. Nothing on this register was changed.", Retry: true}
	case providers.KindServer:
		return W{Title: "Cloud problem", Line: "The payment cloud had a problem",
			Next: "Try again in a few minutes.", Retry: true}
	case providers.KindProtocol:
		return W{Title: "Unexpected answer", Line: "The payment cloud sent an answer tillpair does not understand",
			Next: "Try again; if it keeps happening, update tillpair or contact support.", Retry: true}
	case providers.KindConfig:
		return W{Title: "tillpair misconfigured", Line: "tillpair is not configured correctly",
			Next: "Check the TILLPAIR_* endpoint settings, or run without them to use the sandbox."}
	case providers.KindUnpairOnTerminal:
		return W{Title: "Unpair on the terminal", Line: "This terminal can only be unpaired on the terminal itself",
			Next: "Unpair on the terminal, then forget the pairing here.", Forget: true}
	case providers.KindInvalidInput:
		line := "That entry is not valid"
		if vendor != "" {
			line += ": " + vendor
		}
		return W{Title: "Check your entry", Line: line, Next: "Correct it and try again."}
	case providers.KindCanceled:
		return W{Title: "Cancelled", Line: "The request was cancelled", Next: "Nothing more was changed."}
	default:
		return W{Title: "Something went wrong", Line: "Something unexpected went wrong",
			Next: "Try again; if it keeps happening, run with --debug and contact support.", Retry: true}
	}
}

// CancelFailed words a failed cancel of a pairing that awaits
// confirmation. What the merchant must know first is that the pairing is
// still waiting on the terminal; why the cancel failed is the detail, and
// the next step the cause's (a front-end replaces it with its own retry
// action where Retry is set).
func CancelFailed(reg providers.Registry, err error) providers.Wording {
	cause := Describe(reg, err)
	return providers.Wording{Title: "Cancel failed", Line: "The pairing is still waiting on the terminal",
		Detail: cause.Line, Next: cause.Next, Retry: cause.Retry, Forget: cause.Forget, Setup: cause.Setup}
}

// rolledBack words a pair the provider accepted but tillpair could not
// store, so it was undone: the code is used up, so trying again would
// only be refused as "code already used" — the next step is a new code.
func rolledBack(rb *pairing.RollbackError) providers.Wording {
	cause := "tillpair could not store the pairing"
	if rb.Cause != nil {
		cause = rb.Cause.Error()
	}
	// The cause is an error string (lower case) opening a sentence here.
	if r, n := utf8.DecodeRuneInString(cause); n > 0 {
		cause = string(unicode.ToUpper(r)) + cause[n:]
	}
	w := providers.Wording{Title: TextStoreTitle, Line: TextStoreLine}
	if rb.Remote != nil {
		w.Next = cause + ". Undoing the pairing in the cloud failed too: unpair it on the terminal, fix the problem, then start pairing on the terminal again and enter the new code."
		return w
	}
	w.Next = cause + ". The pairing was undone, so nothing is left half-made. Fix the problem, then start pairing on the terminal again and enter the new code."
	return w
}

// Common texts, for a provider whose descriptor has none of its own.
var commonTexts = providers.Texts{
	Testing:    "Testing…",
	Tested:     "Pairing is active — checked %s",
	JustPaired: "✓ Paired — this register is paired with the terminal",
	ForgetHelp: "forget on this register",
}

// TextsOf is d's own texts, with the common ones where it has none.
func TextsOf(d *providers.Descriptor) providers.Texts {
	t := d.Texts
	for _, f := range []struct {
		dst *string
		def string
	}{
		{&t.Testing, commonTexts.Testing}, {&t.Tested, commonTexts.Tested},
		{&t.JustPaired, commonTexts.JustPaired}, {&t.ForgetHelp, commonTexts.ForgetHelp},
	} {
		if *f.dst == "" {
			*f.dst = f.def
		}
	}
	return t
}

// Tested is a successful Test's outcome for d, checked at at.
func Tested(d *providers.Descriptor, at time.Time) string {
	t := TextsOf(d).Tested
	if strings.Contains(t, "%s") {
		return fmt.Sprintf(t, at.Format(time.TimeOnly))
	}
	return t
}

// UnpairSteps is what to do on the terminal for a provider without a
// register-side unpair, then forgetting it here; "" for those that unpair
// remotely (their Steps.Unpair is only a tip for the terminal).
func UnpairSteps(d *providers.Descriptor) string {
	if d.RemoteUnpair || d.Steps.Unpair == "" {
		return ""
	}
	return d.Steps.Unpair + ", then forget it here."
}

// MovesRegister is the warning before adding a pairing for a provider whose
// register holds one pairing at most (d.OnePerRegister): pairing again
// moves this register to the new terminal, and a second terminal needs a
// second register identity. "" for other providers.
func MovesRegister(d *providers.Descriptor) string {
	if !d.OnePerRegister {
		return ""
	}
	name := d.Short
	if name == "" {
		name = d.Name
	}
	return "One register, one terminal: " + name + " pairs this register with one terminal at a time, " +
		"so a new pairing moves it from its terminal to the new one. " +
		"To use a second terminal as well, pair it from a second register identity " +
		"(another register, with its own register name and ID)."
}

// RepairFromTerminal is the prompt under "No active pairings found" when a
// pairing was removed on the terminal or in the cloud: the stale record
// is gone here too, and pairing again starts on the terminal.
func RepairFromTerminal(name string) string {
	return "“" + name + "” was unpaired on the terminal and is gone here too. " +
		"To pair again, start a new pairing on the terminal and enter the code it shows."
}

// DisplayName names a pairing: its nickname, else its id.
func DisplayName(p providers.Pairing) string {
	if p.PairingNickname != "" {
		return p.PairingNickname
	}
	return p.ID
}

// Sentence renders w as running text on one line, as the command line
// prints an error: the line, detail in brackets (what the cloud said, for
// support), then the next step. The words are the catalogue's, the same
// the screens show.
func Sentence(w providers.Wording, detail string) string {
	line := strings.TrimSuffix(w.Line, ".")
	if detail = strings.TrimSpace(detail); detail != "" {
		line += " (" + strings.TrimSuffix(detail, ".") + ")"
	}
	line += "."
	if w.Next != "" {
		line += " " + w.Next
	}
	return line
}

// Said is what the cloud said about an error, for support: its code (or,
// without one, its message) and HTTP status, then the wording's own
// detail (a trace id to quote); text already in the wording's line is not
// repeated. "" for an error refused here, before any request.
func Said(pe *providers.Error, w providers.Wording) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !strings.Contains(w.Line, s) && !strings.Contains(w.Next, s) {
			parts = append(parts, s)
		}
	}
	switch {
	case pe == nil:
	case pe.Code != "":
		add(pe.Code)
	case pe.HTTPStatus != 0, pe.Kind == providers.KindNetwork, pe.Kind == providers.KindTimeout:
		add(vendorWords(pe.Message))
	}
	if pe != nil && pe.HTTPStatus != 0 {
		add(fmt.Sprintf("HTTP %d", pe.HTTPStatus))
	}
	add(w.Detail)
	return strings.Join(parts, ", ")
}

// vendorWords is the cloud's own words in a client's message: a client
// that adds its advice quotes the cloud last, as "advice (Vendor: words)";
// any other message is the cloud's (or the transport's) as it is.
func vendorWords(msg string) string {
	i := strings.LastIndex(msg, " (")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return msg
	}
	if _, words, ok := strings.Cut(msg[i+2:len(msg)-1], ": "); ok {
		return words
	}
	return msg
}

// AwaitWords are the progress lines while a pairing awaits the terminal,
// in the pairing model's terms: a confirmation on the terminal, or, for
// providers.CodeFromPOS, the code shown here being used on the terminal.
type AwaitWords struct {
	First   string // the first check found nothing yet
	Still   string // later checks; %s takes the time waited
	Back    string // checking works again after failures
	Failing string // opens the line about a failing check
}

// Await is d's AwaitWords.
func Await(d *providers.Descriptor) AwaitWords {
	if d == nil || d.Model != providers.CodeFromPOS {
		return AwaitWords{
			First:   "Not confirmed yet: waiting for the merchant to confirm on the terminal…",
			Still:   "Still waiting for confirmation on the terminal (%s elapsed)…",
			Back:    "Checking works again; still waiting for the confirmation on the terminal.",
			Failing: "Checking for the confirmation failed, still waiting",
		}
	}
	code := "code"
	if d.Labels.Confirmation != "" {
		code = strings.ToLower(d.Labels.Confirmation)
	}
	term := "terminal"
	if d.Short != "" {
		term = d.Short + " terminal"
	}
	return AwaitWords{
		First:   fmt.Sprintf("Not signed in yet: waiting for the %s to be used on the %s…", code, term),
		Still:   fmt.Sprintf("Still waiting for the %s to be used on the %s (%%s elapsed)…", code, term),
		Back:    fmt.Sprintf("Checking works again; still waiting for the %s to be used on the %s.", code, term),
		Failing: "Checking for the sign-in failed, still waiting",
	}
}
