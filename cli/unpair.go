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

SmartConnect and Helcim have no unpair from the register: the terminal is
unpaired on the terminal itself (SmartConnect: its POS pairing menu; Helcim:
switch the device back to standalone mode). For them, unpair without --forget
changes nothing: it prints those steps and the --forget command, and exits 2.
Run 'tillpair unpair PAIRING --forget' to remove the pairing here after (or
before) doing the terminal step.

Exit codes: 0 unpaired (or forgotten); 2 unknown PAIRING, no confirmation, not
configured, or a SmartConnect/Helcim pairing without --forget (nothing
changed; the steps are printed); 4 refused by the provider; 5 network or
timeout (the pairing is kept, try again); 6 keyring or records store.`,
		Args: onePairing,
		RunE: func(_ *cobra.Command, args []string) error { return runUnpair(e, args[0], yes, forget) },
	}
	// Use lists the flags already: no "[flags]" after them.
	cmd.DisableFlagsInUseLine = true
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
	prov, known := svc.Provider(p.Provider)
	remote := known && prov.Capabilities().RemoteUnpair
	if !remote && !forget {
		// Nothing can be done from here, so there is nothing to confirm:
		// say what to do on the terminal and how to forget it here.
		return withExit(ExitUsage, &userError{
			err: &providers.Error{Provider: p.Provider, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal},
			msg: fmt.Sprintf("%s Nothing was changed. To remove it from this register, run `tillpair unpair %s --forget`.", onTerminalSteps(p.Provider), p.ID)})
	}
	question := fmt.Sprintf("Unpair %s pairing %s%s from terminal %s? [y/N] ", providerName(p.Provider), p.ID, nickSuffix(p), terminalName(p))
	if forget {
		question = fmt.Sprintf("Forget %s pairing %s%s on this register (the cloud is not told)? [y/N] ", providerName(p.Provider), p.ID, nickSuffix(p))
	}
	if !yes {
		ok, err := e.confirm(question)
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
			return withExit(ExitUsage, &userError{err: err, msg: fmt.Sprintf("%s pairings are unpaired on the terminal: %s Then run `tillpair unpair %s --forget`.", providerName(p.Provider), messageOf(err), p.ID)})
		}
		return describe(err)
	}
	if forget {
		fmt.Fprintf(e.stdout, "Forgot %s pairing %s%s on this register.\n", providerName(p.Provider), p.ID, nickSuffix(p))
		if !remote {
			fmt.Fprintf(e.stderr, "Reminder: %s\n", onTerminalSteps(p.Provider))
		}
		return nil
	}
	_, err = fmt.Fprintf(e.stdout, "Unpaired %s pairing %s%s.\n", providerName(p.Provider), p.ID, nickSuffix(p))
	return err
}

// onTerminalSteps is the on-terminal unpair guidance of providers without
// a register-side unpair.
func onTerminalSteps(provider string) string {
	switch provider {
	case providers.SmartConnect:
		return "SmartConnect has no unpair from the register: unpair on the terminal " +
			"(Smartpay terminals: MENU → CONFIG → POS INTEGRATIONS; PAX A920: Smartpay/SmartConnect app → Settings)."
	case providers.Helcim:
		return "Helcim devices are unpaired on the device: switch the terminal back to standalone (Helcim POS) mode " +
			"from its menu, so it stops listening for this register."
	}
	return providerName(provider) + " pairings are unpaired on the terminal."
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
