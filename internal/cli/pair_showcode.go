package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

// The code_from_pos model (providers.CodeFromPOS) on the command line: the
// cloud makes the code, pair prints it with its expiry and the
// descriptor's steps, and waits for the sign-in on the terminal. Nothing
// here names a provider.

// codeLabel is the descriptor's name for the code shown.
func codeLabel(d *providers.Descriptor) string {
	if d.Labels.Confirmation != "" {
		return d.Labels.Confirmation
	}
	return "Code"
}

// expiryText is "15:11:52 (in 5 minutes)": the local time and how long is
// left, to the minute ("in under a minute" at the end).
func expiryText(at, now time.Time) string {
	left := at.Sub(now)
	var in string
	switch m := int(left.Round(time.Minute) / time.Minute); {
	case left <= 0:
		in = "already passed"
	case left < time.Minute:
		in = "in under a minute"
	case m == 1:
		in = "in 1 minute"
	default:
		in = fmt.Sprintf("in %d minutes", m)
	}
	return at.Local().Format("15:04:05") + " (" + in + ")"
}

// shownCodeLines say the code, its expiry and what to do on the terminal,
// one line each, for stderr; waiting adds the steps that hold only while
// pair waits (Steps.Waiting), which --no-wait leaves out.
func shownCodeLines(d *providers.Descriptor, p providers.Pairing, now time.Time, waiting bool) string {
	lines := []string{fmt.Sprintf("%s: %s", codeLabel(d), p.ConfirmationCode)}
	if !p.ExpiresAt.IsZero() {
		lines = append(lines, "It expires at "+expiryText(p.ExpiresAt, now)+".")
	}
	steps := d.Steps.Confirm
	if waiting {
		steps = d.WaitingSteps()
	}
	for i, s := range steps {
		lines = append(lines, fmt.Sprintf("  %d. %s", i+1, s))
	}
	return strings.Join(lines, "\n")
}

// shownCodeNoWait says how to finish a pairing left waiting by --no-wait.
func shownCodeNoWait(d *providers.Descriptor, p providers.Pairing) string {
	until := ""
	if !p.ExpiresAt.IsZero() {
		until = " before " + p.ExpiresAt.Local().Format("15:04:05")
	}
	return fmt.Sprintf("Pairing %s is waiting for the %s to sign in with code %s%s. Then run `tillpair test %s` to finish.",
		p.ID, terminalWord(d), p.ConfirmationCode, until, p.ID)
}

// shownCodeWaiting is the line before the wait.
func shownCodeWaiting(d *providers.Descriptor, p providers.Pairing) string {
	if p.ExpiresAt.IsZero() {
		return fmt.Sprintf("Waiting for the %s to sign in (Ctrl-C stops waiting)…", terminalWord(d))
	}
	return fmt.Sprintf("Waiting until %s for the %s to sign in (Ctrl-C stops waiting)…", p.ExpiresAt.Local().Format("15:04:05"), terminalWord(d))
}

// terminalWord names the provider's terminal in running text.
func terminalWord(d *providers.Descriptor) string {
	return d.Short + " terminal"
}

// shownCodeLapsed: the wait on a shown code ended with the code unusable
// (its expiry bounds the wait, or the cloud said it expired). The pending
// pairing is forgotten here (the cloud cannot withdraw a code) and the
// error exits ExitRejected: the code is no longer good, as a used one.
func shownCodeLapsed(e *env, sess *pairing.Session, p providers.Pairing, err error) (error, bool) {
	if sess.Descriptor().Model != providers.CodeFromPOS {
		return nil, false
	}
	switch providers.KindOf(err) {
	case providers.KindTimeout, providers.KindCodeUsed:
	default:
		return nil, false
	}
	d := sess.Descriptor()
	msg := fmt.Sprintf("%s %s expired before the %s signed in with it. Run `%s` for a new code.",
		codeLabel(d), p.ConfirmationCode, terminalWord(d), pairExample(d.ID))
	if cerr := sess.Abandon(e.ctx); cerr != nil {
		msg += fmt.Sprintf(" Forgetting the waiting pairing failed: %s; run `tillpair unpair %s --forget`.", messageOf(cerr), p.ID)
	}
	return withExit(ExitRejected, &userError{err: err, msg: msg}), true
}
