package cli

import (
	"bufio"
	"context"
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

Asks for confirmation when stdin is a terminal (Ctrl-C at the question cancels
at once, exit 1); otherwise --yes is required. --forget removes the pairing
here only, without telling the cloud, and needs no credentials: use it after
unpairing on the terminal, for providers that unpair only there, or when the
cloud refuses the unpair. For an SCI pairing it warns that the pairing may
still be active in the cloud: end it on the terminal (Manage POS pairing).

SmartConnect and Helcim have no unpair from the register: the terminal is
unpaired on the terminal itself (SmartConnect: its POS pairing menu; Helcim:
switch the device back to standalone mode). For them, unpair without --forget
changes nothing: it prints those steps and the --forget command, and exits 2.
Run 'tillpair unpair PAIRING --forget' to remove the pairing here after (or
before) doing the terminal step.

Exit codes: 0 unpaired (or forgotten); 1 cancelled at the question; 2 unknown
PAIRING, no confirmation, provider not configured, or a SmartConnect/Helcim
pairing without --forget (nothing changed; the steps are printed); 4 refused by
the provider (the pairing is kept; the message says how to finish on the
terminal and clear it with --forget); 5 network, timeout or server error (the
pairing is kept, try again); 6 keyring or records store.`,
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
	rt, done, err := e.openRecordsRuntime()
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
	if !known && !forget {
		// Without this provider's credentials the cloud cannot be asked;
		// say how to configure it, and how to clear the record anyway.
		setup := rt.NeedsSetup[p.Provider]
		if setup == "" {
			setup = "This tillpair does not know that provider."
		}
		return withExit(ExitUsage, &userError{
			err: &providers.Error{Provider: p.Provider, Op: providers.OpUnpair, Kind: providers.KindConfig},
			msg: fmt.Sprintf("%s is not configured here, so the cloud cannot be asked to unpair %s. %s Nothing was changed. To remove the pairing here only, run `tillpair unpair %s --forget`. %s",
				providerName(p.Provider), p.ID, setup, p.ID, onTerminalSteps(p.Provider))})
	}
	remote := known && prov.Capabilities().RemoteUnpair
	if !remote && !forget {
		// Nothing can be done from here, so there is nothing to confirm:
		// say what to do on the terminal and how to forget it here.
		return withExit(ExitUsage, &userError{
			err: &providers.Error{Provider: p.Provider, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal},
			msg: fmt.Sprintf("%s Nothing was changed. To remove it from this register, run `tillpair unpair %s --forget`.", onTerminalSteps(p.Provider), p.ID)})
	}
	question := fmt.Sprintf("Unpair %s pairing %s%s%s? [y/N] ", providerName(p.Provider), p.ID, nickSuffix(p), withTerminal(" from", p))
	action := "unpair"
	if forget {
		question = fmt.Sprintf("Forget %s pairing %s%s on this register (the cloud is not told)? [y/N] ", providerName(p.Provider), p.ID, nickSuffix(p))
		action = "forget"
	}
	if !yes {
		ok, err := e.confirm(question, action)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(e.stderr, "Nothing was changed.")
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
		if !forget && exitCode(err) == ExitRejected {
			// Refused, not unreachable: retrying will not help, so say how
			// to finish on the terminal and clear the record here.
			return &userError{err: err, msg: fmt.Sprintf("%s The pairing is kept. If the cloud keeps refusing, %s, then run `tillpair unpair %s --forget` to remove it here.", messageOf(err), terminalUnpair(p.Provider), p.ID)}
		}
		return describe(err)
	}
	if forget {
		fmt.Fprintf(e.stdout, "Forgot %s pairing %s%s on this register.\n", providerName(p.Provider), p.ID, nickSuffix(p))
		switch {
		case known && !remote:
			fmt.Fprintf(e.stderr, "Reminder: %s\n", onTerminalSteps(p.Provider))
		case p.Status != providers.StatusUnpaired:
			// The cloud was not told, and this register can no longer
			// reach the pairing: only the terminal can end it now.
			fmt.Fprintf(e.stderr, "Warning: the cloud was not told, so this pairing may still be active there. %s\n", onTerminalSteps(p.Provider))
		}
		return nil
	}
	_, err = fmt.Fprintf(e.stdout, "Unpaired %s pairing %s%s.\n", providerName(p.Provider), p.ID, nickSuffix(p))
	return err
}

// confirm asks a yes/no question on stderr. Without a terminal on stdin it
// refuses rather than guess: scripts must say --yes. action is the verb
// ("unpair", "forget") for that refusal. Ctrl-C (the context ending)
// answers at once, without waiting for Enter.
func (e *env) confirm(question, action string) (bool, error) {
	if _, ok := e.stdinIsTerminal(); !ok {
		return false, usagef("stdin is not a terminal, so tillpair cannot ask before it %ss the pairing; pass --yes to %s it without asking", action, action)
	}
	fmt.Fprint(e.stderr, question)
	type answer struct {
		line string
		err  error
	}
	// Buffered: the read outlives an interrupted prompt, and must not
	// block forever on a send nobody receives. The process exits soon
	// after, which ends it.
	got := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		got <- answer{line, err}
	}()
	var a answer
	select {
	case <-e.ctx.Done():
		// The terminal echoed ^C on the prompt's line: end that line.
		fmt.Fprintln(e.stderr)
		return false, &userError{msg: "Cancelled: nothing was changed.", err: &providers.Error{Op: providers.OpUnpair, Kind: providers.KindCanceled, Err: context.Cause(e.ctx)}}
	case a = <-got:
	}
	if a.err != nil && a.line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(a.line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
