package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
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
	// Serial and Model identify the device where the cloud says (a SumUp
	// reader's serial survives re-pairing; its id does not).
	Serial string `json:"serial,omitempty"`
	Model  string `json:"model,omitempty"`
	// Health is what the last live check learned about the terminal
	// (online, battery, last activity, state), where the provider says.
	Health *providers.Health `json:"health,omitempty"`
}

func newStatusCmd(e *env) *cobra.Command {
	var asJSON, noCheck bool
	var m metricsOut
	cmd := &cobra.Command{
		Use:   "status [--json | --format openmetrics | --textfile DIR] [--no-check]",
		Short: "List pairings, checking each one live",
		Long: `List this register's pairings. Each is checked live with its provider (SCI
pairing-info, SmartConnect Terminal.GetStatus, Helcim ping) unless --no-check
is given: a pairing removed on the terminal shows as unpaired. A check that
fails on the network, or a terminal that is asleep or offline, leaves the last
known status and is reported for that pairing; it never means unpaired. No
credentials are needed to list: a pairing whose provider is not configured here
is listed and reported as not checked (check_error_kind config), and --no-check
reads only the records file.

--json prints {"pairings":[{provider, pairing_id, status, pairing_nickname,
tid, terminal_nickname, checked_at, check_error?, check_error_kind?, serial?,
model?, health?}]}. health is what the last live check learned about the
terminal, where the provider says: online, battery_percent, last_activity,
state, model, detail. check_error_kind is the failure's kind (network, timeout,
not_paired, config, …), or not_confirmed for a pairing still awaiting
confirmation on the terminal. checked_at is when a live check last got an
answer (null: never).

Exit codes follow this run's live checks, not the stored statuses: 0 at least
one pairing answered as active; 3 none is active (no pairings, or every check
answered unpaired or not confirmed yet). Otherwise no pairing could be
confirmed, and the first of these that applies says why: 1 interrupted;
6 keyring or records store; 2 a provider is not configured; 4 the provider
refused the check (credentials, signature, …); 5 network, timeout, server error
or terminal not listening (try again later).

With --no-check the exit code reflects the stored statuses: 0 at least one is
stored as active; 3 none is (or there are no pairings); 6 records store.

Fleet health (docs/fleet-health.md): --format openmetrics prints the live
checks as Prometheus metrics, one series per pairing; --textfile DIR writes
them to DIR/tillpair.prom, replaced whole, for node_exporter's or
windows_exporter's textfile collector, even when checks fail. Exit codes as
above; 2 when DIR cannot be written.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return runStatus(e, asJSON, noCheck, &m) },
	}
	// Use lists the flags already: no "[flags]" after them.
	cmd.DisableFlagsInUseLine = true
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pairings as JSON")
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "show the stored statuses without checking live")
	m.addFlags(cmd.Flags())
	return cmd
}

func runStatus(e *env, asJSON, noCheck bool, m *metricsOut) error {
	if err := m.validate(asJSON, noCheck); err != nil {
		return err
	}
	open := e.openRecordsRuntime
	if noCheck {
		// Listing reads the records file alone: no keyring, no D-Bus.
		open = func() (*app.Runtime, func(), error) {
			return e.buildRuntime(app.Options{AllowUnconfigured: true, RecordsOnly: true})
		}
	}
	rt, done, err := open()
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
	} else {
		if results, err = rt.Service.Refresh(e.ctx); err != nil {
			return describe(err)
		}
		stampAnswered(results, e.now())
	}

	switch {
	case m.on():
		if err = m.write(e, results); err == nil {
			printProblems(e, results)
		}
	case asJSON:
		err = printStatusJSON(e, results)
	default:
		err = printStatusTable(e, results)
	}
	if err != nil {
		return err
	}
	if noCheck {
		return storedStatusExit(results, rt)
	}
	return liveStatusExit(results, rt)
}

// now is the time of the command's clock (the provider clients' clock).
func (e *env) now() time.Time {
	if e.clock == nil {
		return time.Now()
	}
	return e.clock.Now()
}

// stampAnswered sets CheckedAt on pairings whose check got an answer that
// the service does not record (not confirmed yet): a check did run, so
// "never" would be false.
func stampAnswered(results []pairing.CheckResult, at time.Time) {
	for i, r := range results {
		if verdict(r) == ExitNoPairing && r.Pairing.CheckedAt.Before(at) && r.Pairing.Status != providers.StatusUnpaired {
			results[i].Pairing.CheckedAt = at
		}
	}
}

// verdict is what one live check says: ExitOK confirmed active,
// ExitNoPairing answered as not active, else the exit code of the failure
// that left it undecided.
func verdict(r pairing.CheckResult) int {
	switch {
	case r.Err == nil && r.Pairing.Status == providers.StatusActive:
		return ExitOK
	case r.Err == nil:
		return ExitNoPairing
	}
	return exitCode(r.Err)
}

// liveStatusExit: 0 only when this run's check confirmed a pairing active.
func liveStatusExit(results []pairing.CheckResult, rt *app.Runtime) error {
	if len(results) == 0 {
		return noPairingsError(rt)
	}
	seen := map[int]bool{}
	for _, r := range results {
		v := verdict(r)
		if v == ExitOK {
			return nil
		}
		seen[v] = true
	}
	code := ExitNoPairing
	// Why no pairing could be confirmed: the first that applies wins.
	// Problems a retry cannot fix come before transient ones, so a script
	// retrying on 5 does not retry a refusal forever.
	for _, c := range []int{ExitUnexpected, ExitStore, ExitUsage, ExitRejected, ExitNetwork} {
		if seen[c] {
			code = c
			break
		}
	}
	var msg string
	switch code {
	case ExitNoPairing:
		msg = "No pairing is active: " + notActiveSummary(results) + "."
	case ExitUnexpected:
		msg = "Interrupted: not every pairing was checked. Run `tillpair status` again."
	case ExitStore:
		msg = "No pairing could be confirmed active: the keyring or records store failed (the reason is given for each pairing); fix that and run `tillpair status` again."
	case ExitUsage:
		msg = "No pairing could be confirmed active: a provider is not configured here (the reason is given for each pairing). Set it up with `tillpair setup PROVIDER`, or see the stored statuses with `tillpair status --no-check`."
	case ExitRejected:
		msg = "No pairing could be confirmed active: the provider refused the check (the reason is given for each pairing); fix that and run `tillpair status` again."
	default:
		msg = "No pairing could be confirmed active: the check failed on the network, timed out, met a server error or found the terminal not listening (the reason is given for each pairing). Check network and terminal connections and try again."
	}
	return withExit(code, &userError{msg: msg})
}

// storedStatusExit is --no-check's exit: what the records say, unchecked.
func storedStatusExit(results []pairing.CheckResult, rt *app.Runtime) error {
	if len(results) == 0 {
		return noPairingsError(rt)
	}
	for _, r := range results {
		if r.Pairing.Status == providers.StatusActive {
			return nil
		}
	}
	return withExit(ExitNoPairing, &userError{msg: "No pairing is stored as active (not checked live; run `tillpair status` to check): " +
		notActiveSummary(results) + "."})
}

// notActiveSummary counts the pairings by why they are not active, with
// the next step; never wording.TextNoActive, which is the SCI
// certification wording for a pairing unpaired elsewhere, reported per
// pairing.
func notActiveSummary(results []pairing.CheckResult) string {
	var awaiting, unpaired, other int
	for _, r := range results {
		switch r.Pairing.Status {
		case providers.StatusAwaitingConfirmation:
			awaiting++
		case providers.StatusUnpaired:
			unpaired++
		default:
			other++
		}
	}
	var parts []string
	if awaiting > 0 {
		parts = append(parts, fmt.Sprintf("%d %s confirmation on the terminal (confirm it there, then run `tillpair test PAIRING`)", awaiting, plural(awaiting, "awaits", "await")))
	}
	if unpaired > 0 {
		parts = append(parts, fmt.Sprintf("%d %s unpaired on the terminal or elsewhere (pair again, or remove it here with `tillpair unpair PAIRING`)", unpaired, plural(unpaired, "was", "were")))
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not active (run `tillpair test PAIRING` for details)", other, plural(other, "is", "are")))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// noPairingsError names where it looked (a mistyped --config-dir shows up
// here) and the next step.
func noPairingsError(rt *app.Runtime) error {
	return withExit(ExitNoPairing, &userError{msg: fmt.Sprintf("No pairings on this register: none recorded in %s%s. %s",
		rt.RecordsPath, missingDirNote(rt.RecordsPath), firstPairingStep(rt))})
}

// firstPairingStep says how to make the first pairing: with a configured
// provider, the pair command; with none, setting one up first.
func firstPairingStep(rt *app.Runtime) string {
	if rt.RecordsOnly {
		// Built without looking at the credentials: say both steps.
		return "Start pairing on the terminal, then run `tillpair pair --code CODE` (with --provider for " +
			"SmartConnect or Helcim); if no provider is configured yet, run `tillpair setup sci` (or smartconnect, " +
			"helcim) first."
	}
	if hint, ok := pairHint(rt); ok {
		return fmt.Sprintf("Start pairing on the terminal, then run `%s`.", hint)
	}
	all := registry.All()
	lead := all[0]
	var names, setups []string
	for _, d := range all[1:] {
		names = append(names, d.Short)
		setups = append(setups, "`tillpair setup "+d.ID+"`")
	}
	others := "For " + orList(names) + ", run " + orList(setups) + "."
	if setup := rt.NeedsSetup[lead.ID]; setup != "" {
		return "No provider is configured yet. " + setup + " " + others
	}
	return "No provider is configured yet: run `tillpair setup " + lead.ID + "` first. " + others
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
// plain `--code` only when that default (the lead provider) is configured. ok is false
// when none is configured.
func pairHint(rt *app.Runtime) (hint string, ok bool) {
	for _, id := range rt.Providers {
		if _, needs := rt.NeedsSetup[id]; needs {
			continue
		}
		return "tillpair pair" + pairFlagFor(id) + " --code CODE", true
	}
	return "tillpair pair --code CODE", false
}

func printStatusJSON(e *env, results []pairing.CheckResult) error {
	out := statusJSON{Pairings: []statusPairing{}}
	for _, r := range results {
		p := r.Pairing
		sp := statusPairing{Provider: p.Provider, PairingID: p.ID, Status: string(p.Status), PairingNickname: p.PairingNickname,
			TID: p.TID, TerminalNickname: p.TerminalNickname, Serial: p.Serial, Model: p.Model, Health: p.Health}
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
	// Buffered: tabwriter writes each cell on its own, a system call each
	// on a terminal or pipe (30,000 for 10,000 pairings).
	bw := bufio.NewWriterSize(e.stdout, 64<<10)
	tw := tabwriter.NewWriter(bw, 2, 4, 2, ' ', 0)
	// HEALTH only when a provider reported any (SumUp's readers do): the
	// table of the others stays as scripts know it.
	now, health := e.now(), false
	lines := make([]string, len(results)) // each row's health, made once
	for i, r := range results {
		if r.Pairing.Health != nil {
			lines[i] = wording.HealthLine(r.Pairing.Health, now)
			health = health || lines[i] != ""
		}
	}
	head := "PROVIDER\tPAIRING ID\tSTATUS\tNICKNAME\tTID\tTERMINAL\tCHECKED"
	if health {
		head += "\tHEALTH"
	}
	fmt.Fprintln(tw, head)
	// One Write a row, built in one buffer: Fprintf with its seven
	// arguments was half of the table's cost at 10,000 pairings.
	row := make([]byte, 0, 256)
	for i, r := range results {
		p := r.Pairing
		status := string(p.Status)
		if p.Status == providers.StatusUnpaired {
			status = "unpaired (externally)"
		}
		row = row[:0]
		for _, cell := range [...]string{p.Provider, p.ID, status, dash(p.PairingNickname), dash(p.TID), dash(p.TerminalNickname)} {
			row = append(append(row, cell...), '\t')
		}
		if p.CheckedAt.IsZero() {
			row = append(row, "never"...)
		} else {
			row = p.CheckedAt.Local().AppendFormat(row, "2006-01-02 15:04:05")
		}
		if health {
			row = append(append(row, '\t'), dash(lines[i])...)
		}
		if _, err := tw.Write(append(row, '\n')); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	printProblems(e, results)
	return nil
}

// printProblems says on stderr why each failed check failed.
func printProblems(e *env, results []pairing.CheckResult) {
	for _, r := range results {
		if r.Err == nil {
			continue
		}
		msg, _ := checkProblem(r)
		fmt.Fprintf(e.stderr, "%s: %s\n", r.Pairing.ID, msg)
	}
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
