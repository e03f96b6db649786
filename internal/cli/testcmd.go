package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/providers"
)

func newTestCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "test PAIRING",
		Short: "Check one pairing live (id, short id or nickname)",
		Long: `Check one pairing live with its provider (SCI pairing-info; SmartConnect the
Terminal.GetStatus request, polled, takes a few seconds; Helcim a ping the
terminal shows; SumUp the reader and its status). PAIRING is the pairing id,
at least 4 characters of it, or the pairing nickname.

Exit codes: 0 active; 3 not active (not confirmed yet, or unpaired on the
terminal); 5 network, timeout or server error, or the terminal is not
listening (status kept); 2 unknown PAIRING or not configured; 4 refused by the
provider; 6 keyring or records store.`,
		Args: onePairing,
		RunE: func(_ *cobra.Command, args []string) error { return runTest(e, args[0]) },
	}
}

func runTest(e *env, ref string) error {
	rt, done, err := e.openRuntime(0)
	if err != nil {
		return err
	}
	defer done()
	p, err := rt.Service.Test(e.ctx, ref)
	switch {
	case err == nil && p.Status == providers.StatusAwaitingConfirmation:
		// The check worked but found the pairing still waiting (a code the
		// register showed, not yet signed in with): not active.
		nerr := &providers.Error{Provider: p.Provider, Op: providers.OpCheck, Kind: providers.KindNotPaired}
		if d, ok := lookup(p.Provider); ok && d.Model == providers.CodeFromPOS {
			return &userError{err: nerr, msg: shownCodeNoWait(d, p)}
		}
		return &userError{err: nerr, msg: fmt.Sprintf("Pairing %s is not confirmed yet: confirm on the terminal, then run `tillpair test %s` again.", p.ID, p.ID)}
	case err == nil:
		_, err = fmt.Fprintln(e.stdout, testedLine(p))
		return err
	case providers.KindOf(err) == providers.KindNotPaired && p.Status == providers.StatusAwaitingConfirmation:
		return &userError{err: err, msg: fmt.Sprintf("Pairing %s is not confirmed yet: check the terminal shows the confirmation code %s, confirm on the terminal, then run `tillpair test %s` again.", p.ID, p.ConfirmationCode, p.ID)}
	case providers.KindOf(err) == providers.KindNotPaired:
		remove := "`tillpair unpair " + p.ID + " --forget`"
		if d, ok := lookup(p.Provider); ok && d.RemoteUnpair {
			remove = "`tillpair unpair " + p.ID + "`"
		}
		return &userError{err: err, msg: fmt.Sprintf("%s Or remove it here with %s.", messageOf(err), remove)}
	}
	return describe(err)
}

// testedLine says what answered, with the provider's own word on what a
// test does where it has one (a Helcim test is a ping the terminal shows).
func testedLine(p providers.Pairing) string {
	line := fmt.Sprintf("%s pairing %s%s is active: the terminal answered.", providerName(p.Provider), p.ID, nickSuffix(p))
	if t := terminalName(p); t != "" {
		line = fmt.Sprintf("%s pairing %s%s is active: terminal %s answered.", providerName(p.Provider), p.ID, nickSuffix(p), t)
	}
	return line + testedNote(p)
}

// testedNote is the provider's own word on what its live check did, where
// it says more than "active" (a Helcim check is a ping the terminal
// shows): " Ping sent — check the terminal screen.", else "".
func testedNote(p providers.Pairing) string {
	if d, ok := lookup(p.Provider); ok && d.Texts.Tested != "" && !strings.Contains(d.Texts.Tested, "%") {
		return " " + d.Texts.Tested + "."
	}
	return ""
}
