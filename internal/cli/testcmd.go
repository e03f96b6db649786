package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/providers"
)

func newTestCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "test PAIRING",
		Short: "Check one pairing live (id, short id or nickname)",
		Long: `Check one pairing live with its provider: SCI pairing-info; SmartConnect the
Terminal.GetStatus request (polled; takes a few seconds); Helcim a ping (the
terminal shows a message). PAIRING is the pairing id, at least 4 characters of
it, or the pairing nickname.

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
	case err == nil:
		_, err = fmt.Fprintln(e.stdout, testedLine(p))
		return err
	case providers.KindOf(err) == providers.KindNotPaired && p.Status == providers.StatusAwaitingConfirmation:
		return &userError{err: err, msg: fmt.Sprintf("Pairing %s is not confirmed yet: check the terminal shows the confirmation code %s, confirm on the terminal, then run `tillpair test %s` again.", p.ID, p.ConfirmationCode, p.ID)}
	case providers.KindOf(err) == providers.KindNotPaired && p.Provider == providers.SCI:
		return &userError{err: err, msg: fmt.Sprintf("No active pairings found: pairing %s was unpaired on the terminal or elsewhere. Pair again, or remove it here with `tillpair unpair %s`.", p.ID, p.ID)}
	case providers.KindOf(err) == providers.KindNotPaired:
		return &userError{err: err, msg: fmt.Sprintf("%s Or remove it here with `tillpair unpair %s --forget`.", messageOf(err), p.ID)}
	}
	return describe(err)
}

// testedLine says what answered, in each provider's terms.
func testedLine(p providers.Pairing) string {
	switch p.Provider {
	case providers.Helcim:
		return fmt.Sprintf("Helcim pairing %s%s is active: device %s answered the ping. Check the terminal screen for the ping message.", p.ID, nickSuffix(p), p.ID)
	case providers.SmartConnect:
		return fmt.Sprintf("SmartConnect pairing %s%s is active: the terminal answered the status request.", p.ID, nickSuffix(p))
	}
	return fmt.Sprintf("%s pairing %s%s is active: terminal %s answered.", providerName(p.Provider), p.ID, nickSuffix(p), terminalName(p))
}
