package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/providers"
)

func newUnpairCmd(e *env) *cobra.Command {
	var yes, forget bool
	cmd := &cobra.Command{
		Use:   "unpair PAIRING [--yes] [--forget]",
		Short: "Unpair one pairing (id, short id or nickname)",
		Long: `Unpair a pairing: remove it in the provider's cloud, then here. A pairing the
cloud no longer knows (unpaired on the terminal) is simply removed here.

Asks for confirmation when stdin is a terminal; otherwise --yes is required.
--forget removes the pairing here only, without telling the cloud: use it
after unpairing on the terminal, or for providers that unpair only there.

Exit codes: 0 unpaired; 2 unknown PAIRING, no confirmation, or not
configured; 4 refused by the provider; 5 network or timeout (the pairing is
kept, try again); 6 keyring or records store.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return runUnpair(e, args[0], yes, forget) },
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&forget, "forget", false, "remove the pairing here only; do not contact the cloud")
	return cmd
}

func runUnpair(e *env, ref string, yes, forget bool) error {
	rt, done, err := e.openRuntime(0)
	if err != nil {
		return err
	}
	defer done()
	svc := rt.Service
	p, err := svc.Find(ref)
	if err != nil {
		return describe(err)
	}
	if !yes {
		ok, err := e.confirm(fmt.Sprintf("Unpair %s pairing %s%s from terminal %s? [y/N] ", providerName(p.Provider), p.ID, nickSuffix(p), terminalName(p)))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(e.stderr, "Not unpaired.")
			return nil
		}
	}
	if forget {
		err = svc.Forget(e.ctx, p.ID)
	} else {
		err = svc.Unpair(e.ctx, p.ID)
	}
	if err != nil {
		if providers.KindOf(err) == providers.KindUnpairOnTerminal {
			return withExit(ExitRejected, &userError{err: err, msg: fmt.Sprintf("%s pairings are unpaired on the terminal: %s Then run `tillpair unpair %s --forget`.", providerName(p.Provider), messageOf(err), p.ID)})
		}
		return describe(err)
	}
	verb := "Unpaired"
	if forget {
		verb = "Forgot"
	}
	_, err = fmt.Fprintf(e.stdout, "%s %s pairing %s%s.\n", verb, providerName(p.Provider), p.ID, nickSuffix(p))
	return err
}

// confirm asks a yes/no question on stderr. Without a terminal on stdin it
// refuses rather than guess: scripts must say --yes.
func (e *env) confirm(question string) (bool, error) {
	if _, ok := e.stdinIsTerminal(); !ok {
		return false, usagef("stdin is not a terminal, so tillpair cannot ask before unpairing; pass --yes to unpair without asking")
	}
	fmt.Fprint(e.stderr, question)
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
