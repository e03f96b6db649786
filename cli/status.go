package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/app"
	"github.com/tillpair/tillpair/pairing"
	"github.com/tillpair/tillpair/providers"
)

type statusJSON struct {
	Pairings []statusPairing `json:"pairings"`
}

type statusPairing struct {
	Provider         string     `json:"provider"`
	PairingID        string     `json:"pairing_id"`
	Status           string     `json:"status"`
	PairingNickname  string     `json:"pairing_nickname"`
	TID              string     `json:"tid"`
	TerminalNickname string     `json:"terminal_nickname"`
	CheckedAt        *time.Time `json:"checked_at"` // null: never checked live
	// CheckError is why this run's live check failed (status kept as it
	// was); CheckErrorKind is its stable name (providers.Kind).
	CheckError     string `json:"check_error,omitempty"`
	CheckErrorKind string `json:"check_error_kind,omitempty"`
}

func newStatusCmd(e *env) *cobra.Command {
	var asJSON, noCheck bool
	cmd := &cobra.Command{
		Use:   "status [--json] [--no-check]",
		Short: "List pairings, checking each one live",
		Long: `List this register's pairings. Each is checked live with its provider (SCI
pairing-info, SmartConnect Terminal.GetStatus, Helcim ping) unless --no-check
is given: a pairing removed on the terminal shows as unpaired. A check that
fails on the network, or a terminal that is asleep or offline, leaves the last
known status and is reported for that pairing; it never means unpaired.

--json prints {"pairings":[{provider, pairing_id, status, pairing_nickname,
tid, terminal_nickname, checked_at, check_error?, check_error_kind?}]}.
check_error_kind is the failure's kind (network, timeout, not_paired, …), or
not_confirmed for a pairing still awaiting confirmation on the terminal.

Exit codes: 0 at least one pairing is active; 3 no active pairing (none at
all, or all unpaired or awaiting confirmation); 5 every live check failed on
the network or timed out, so nothing could be confirmed; 2 not configured;
6 keyring or records store.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return runStatus(e, asJSON, noCheck) },
	}
	// Use lists the flags already: no "[flags]" after them.
	cmd.DisableFlagsInUseLine = true
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pairings as JSON")
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "show the stored statuses without checking live")
	return cmd
}

func runStatus(e *env, asJSON, noCheck bool) error {
	rt, done, err := e.openRuntime(0)
	if err != nil {
		return err
	}
	defer done()
	var results []pairing.CheckResult
	if noCheck {
		list, err := rt.Service.List()
		if err != nil {
			return describe(err)
		}
		for _, p := range list {
			results = append(results, pairing.CheckResult{Pairing: p})
		}
	} else if results, err = rt.Service.Refresh(e.ctx); err != nil {
		return describe(err)
	}

	if asJSON {
		err = printStatusJSON(e, results)
	} else {
		err = printStatusTable(e, results)
	}
	if err != nil {
		return err
	}
	return statusExit(results, noCheck, rt)
}

func statusExit(results []pairing.CheckResult, noCheck bool, rt *app.Runtime) error {
	active, netFailed := 0, 0
	for _, r := range results {
		if r.Pairing.Status == providers.StatusActive {
			active++
		}
		if k := providers.KindOf(r.Err); k == providers.KindNetwork || k == providers.KindTimeout {
			netFailed++
		}
	}
	switch {
	case len(results) == 0:
		// Name where it looked: a mistyped --config-dir shows up here.
		return withExit(ExitNoPairing, &userError{msg: fmt.Sprintf("No pairings recorded in %s%s. Start pairing on the terminal, then run `%s`.",
			rt.RecordsPath, missingDirNote(rt.RecordsPath), pairHint(rt))})
	case !noCheck && netFailed == len(results):
		return withExit(ExitNetwork, &userError{msg: "No pairing could be checked: please check network and terminal connections and try again."})
	case active == 0:
		return withExit(ExitNoPairing, &userError{msg: "No active pairings found."})
	}
	return nil
}

// missingDirNote says when the config dir does not exist: a fresh install,
// or a mistyped --config-dir.
func missingDirNote(recordsPath string) string {
	dir := filepath.Dir(recordsPath)
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	return fmt.Sprintf(" (%s does not exist)", dir)
}

// pairHint is the pair command for a provider this runtime can pair with:
// plain `--code` only when that default (SCI) is configured.
func pairHint(rt *app.Runtime) string {
	for _, id := range rt.Providers {
		if _, needs := rt.NeedsSetup[id]; needs {
			continue
		}
		if id == providers.SCI {
			return "tillpair pair --code CODE"
		}
		return "tillpair pair --provider " + id + " --code CODE"
	}
	return "tillpair pair --code CODE"
}

func printStatusJSON(e *env, results []pairing.CheckResult) error {
	out := statusJSON{Pairings: []statusPairing{}}
	for _, r := range results {
		p := r.Pairing
		sp := statusPairing{Provider: p.Provider, PairingID: p.ID, Status: string(p.Status), PairingNickname: p.PairingNickname,
			TID: p.TID, TerminalNickname: p.TerminalNickname}
		if !p.CheckedAt.IsZero() {
			t := p.CheckedAt.UTC()
			sp.CheckedAt = &t
		}
		if r.Err != nil {
			sp.CheckError, sp.CheckErrorKind = checkProblem(r)
		}
		out.Pairings = append(out.Pairings, sp)
	}
	return writeJSON(e, out)
}

func printStatusTable(e *env, results []pairing.CheckResult) error {
	if len(results) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tPAIRING ID\tSTATUS\tNICKNAME\tTID\tTERMINAL\tCHECKED")
	for _, r := range results {
		p := r.Pairing
		status := string(p.Status)
		if p.Status == providers.StatusUnpaired {
			status = "unpaired (externally)"
		}
		checked := "never"
		if !p.CheckedAt.IsZero() {
			checked = p.CheckedAt.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Provider, p.ID, status, dash(p.PairingNickname), dash(p.TID), dash(p.TerminalNickname), checked)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.Err == nil {
			continue
		}
		msg, _ := checkProblem(r)
		fmt.Fprintf(e.stderr, "%s: %s\n", r.Pairing.ID, msg)
	}
	return nil
}

// kindNotConfirmed is check_error_kind for a pairing awaiting
// confirmation: SCI answers its check as not paired, but nothing was
// unpaired, and a script must not forget it or pair again.
const kindNotConfirmed = "not_confirmed"

// checkProblem is why a live check failed, and its stable kind, alike in
// the table's lines and in --json.
func checkProblem(r pairing.CheckResult) (msg, kind string) {
	k := providers.KindOf(r.Err)
	if k == providers.KindNotPaired && r.Pairing.Status == providers.StatusAwaitingConfirmation {
		return fmt.Sprintf("not confirmed yet — confirm on the terminal, then run `tillpair test %s`.", r.Pairing.ID), kindNotConfirmed
	}
	return messageOf(r.Err), k.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
