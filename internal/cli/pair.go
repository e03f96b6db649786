package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// progressEvery spaces the "still waiting" lines.
const progressEvery = 15 * time.Second

type pairOptions struct {
	provider, code, nickname string
	wait                     time.Duration
	noWait, json             bool
}

// pairJSON is `pair --json`'s one object (design.md, CLI).
type pairJSON struct {
	Provider         string `json:"provider"`
	PairingID        string `json:"pairing_id"`
	Status           string `json:"status"`
	ConfirmationCode string `json:"confirmation_code"`
	TID              string `json:"tid"`
	PairingNickname  string `json:"pairing_nickname"`
	TerminalNickname string `json:"terminal_nickname"`
	// ExpiresAt: when the code shown lapses (code_from_pos, awaiting).
	ExpiresAt string `json:"expires_at,omitempty"`
}

func newPairCmd(e *env) *cobra.Command {
	var o pairOptions
	cmd := &cobra.Command{
		Use:   "pair --code CODE [--provider " + strings.Join(registry.All().IDs(), "|") + "] [--nickname NAME] [--wait DUR | --no-wait] [--json]",
		Short: "Pair with a terminal using the code it shows",
		Long: `Pair this register with a terminal. Start pairing on the terminal first; it
shows a pairing code (Helcim: switch it to pairing mode; it shows a
4-character device code).

SmartConnect and Helcim pairings are active at once: there is no waiting step.
SmartConnect needs the register identity first (tillpair setup smartconnect);
its codes refresh on the terminal, so enter the current one promptly. Helcim
looks the device up on the token's account and pings it: the terminal shows a
message so you can see the right one answered.

Where the register shows the code instead (Square): leave out --code; pair
asks the cloud for a code and prints it with its expiry (local time and
minutes left) and the steps on the terminal, then waits until the terminal
signs in with it or the code expires (exit 4: run pair again for a new
code). --json adds expires_at. There is no remote unpair: sign out on the
terminal, then 'tillpair unpair PAIRING --forget'.

For SCI the terminal then shows a confirmation code: check it matches the one
printed here and confirm on the terminal (a SumUp Solo confirms by itself).
pair waits for that (--wait, by default the provider's window: 2m, SumUp 5m).
If the wait ends or you press Ctrl-C, the pairing is cancelled: it is
unpaired in the cloud and removed here. With --no-wait it is left awaiting
confirmation; confirm on the terminal, then run 'tillpair test PAIRING'.

` + pairInputsHelp(registry.All()) + `--json prints one object on stdout: provider, pairing_id, status,
confirmation_code, tid, pairing_nickname, terminal_nickname. pairing_id is the
SCI pairing id, the SmartConnect register ID or the Helcim device code.
Progress goes to stderr.

Exit codes: 0 paired (or awaiting with --no-wait); 2 bad input or not
configured; 4 the provider refused (unknown or used code, credentials);
5 network, timeout or server error (including no confirmation in time), or
the terminal is not listening; 6 keyring or records store; 1 interrupted.`,
		Example: `  tillpair pair --code 123456 --nickname "Front Bar"
  tillpair pair --code 123456 --no-wait --json
  tillpair pair --provider smartconnect --code 12345678
  tillpair pair --provider helcim --code DY6L
  tillpair pair --provider square --nickname "Front Bar" --no-wait --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("wait") && o.noWait {
				return usagef("--wait and --no-wait cannot be used together; choose one")
			}
			if cmd.Flags().Changed("wait") && o.wait <= 0 {
				return usagef("--wait must be a positive duration such as 2m or 90s")
			}
			if !cmd.Flags().Changed("wait") {
				o.wait = 0 // the provider's own window
			}
			if d, ok := lookup(o.provider); !cmd.Flags().Changed("code") && (!ok || d.Model != providers.CodeFromPOS) {
				return usagef("--code is required: start pairing on the terminal and pass the code it shows, e.g. %s", pairExample(o.provider))
			}
			if d, ok := lookup(o.provider); ok && d.Model == providers.CodeFromPOS && cmd.Flags().Changed("code") {
				return usagef("%s takes no --code: tillpair asks %s for a code and prints it, to type on the terminal, e.g. %s", d.Short, d.Vendor, pairExample(d.ID))
			}
			if err := checkPairInput(o); err != nil {
				return err
			}
			return runPair(e, o)
		},
	}
	// Use lists the flags already: no "[flags]" after them.
	cmd.DisableFlagsInUseLine = true
	f := cmd.Flags()
	f.StringVar(&o.provider, "provider", leadProvider().ID, "provider: "+providerChoices())
	f.StringVar(&o.code, "code", "", "the pairing code the terminal shows (required)")
	f.StringVar(&o.nickname, "nickname", "", fmt.Sprintf("pairing nickname, up to %d characters (optional)", pairing.MaxNicknameRunes))
	f.DurationVar(&o.wait, "wait", pairing.DefaultConfirmWindow, "how long to wait for confirmation on the terminal (default: the provider's window)")
	f.BoolVar(&o.noWait, "no-wait", false, "do not wait for confirmation; leave the pairing awaiting_confirmation")
	f.BoolVar(&o.json, "json", false, "print the result as one JSON object")
	return cmd
}

func runPair(e *env, o pairOptions) error {
	// AllowUnconfigured: with nothing configured, the provider asked for
	// still says what it needs (a keyring-less till gets the env vars).
	rt, done, err := e.buildRuntime(app.Options{ConfirmWindow: o.wait, AllowUnconfigured: true})
	if err != nil {
		return err
	}
	defer done()
	svc := rt.Service
	sess, ok := svc.Session(o.provider)
	if !ok {
		// Pair says why: not configured here (and how to), or unknown.
		_, err := svc.Pair(e.ctx, pairing.PairInput{Provider: o.provider, Code: o.code, Nickname: o.nickname})
		return describe(err)
	}
	// The terminal's code works once: a config dir that cannot hold the
	// pairing must fail before the provider sees it.
	if err := checkRecordsWritable(rt.RecordsPath); err != nil {
		return err
	}
	inputs, err := e.pairInputs(sess.Descriptor())
	if err != nil {
		return err
	}
	p, err := sess.Pair(e.ctx, pairing.PairInput{Code: o.code, Nickname: o.nickname, Inputs: inputs})
	if err != nil {
		return describe(err)
	}
	if p.Status == providers.StatusAwaitingConfirmation && !sess.TakesCode() {
		d := sess.Descriptor()
		fmt.Fprintln(e.stderr, shownCodeLines(d, p, e.now(), !o.noWait))
		if o.noWait {
			fmt.Fprintln(e.stderr, shownCodeNoWait(d, p))
			return printPair(e, o, p)
		}
		fmt.Fprintln(e.stderr, shownCodeWaiting(d, p))
		signed, err := sess.Await(e.ctx, progressPrinter(e, sess.Descriptor()))
		if err != nil {
			if lerr, ok := shownCodeLapsed(e, sess, p, err); ok {
				return lerr
			}
			return pairWaitFailed(e, sess, p, err)
		}
		fmt.Fprintln(e.stderr, "Signed in on the terminal.")
		return printPair(e, o, signed)
	}
	if p.Status == providers.StatusAwaitingConfirmation {
		fmt.Fprintln(e.stderr, awaitingLine(sess.Descriptor(), p))
		if o.noWait {
			fmt.Fprintf(e.stderr, "Pairing %s is awaiting confirmation. After confirming on the terminal, run `tillpair test %s` to finish.\n", p.ID, p.ID)
			return printPair(e, o, p)
		}
		fmt.Fprintf(e.stderr, "Waiting up to %s for the confirmation (Ctrl-C cancels the pairing)…\n", pairing.Duration(sess.ConfirmWindow()))
		confirmed, err := sess.Await(e.ctx, progressPrinter(e, sess.Descriptor()))
		if err != nil {
			return pairWaitFailed(e, sess, p, err)
		}
		fmt.Fprintln(e.stderr, "Confirmed on the terminal.")
		p = confirmed
	}
	return printPair(e, o, p)
}

// awaitingLine says what the merchant does while a pairing awaits
// confirmation, in the pairing model's terms: a code shown on both the
// terminal and here, a code shown here to type on the terminal, or only
// the provider's steps.
func awaitingLine(d *providers.Descriptor, p providers.Pairing) string {
	steps := strings.Join(d.WaitingSteps(), " ")
	switch {
	case d.Model == providers.CodeFromPOS:
		label := d.Labels.Confirmation
		if label == "" {
			label = "Code"
		}
		line := fmt.Sprintf("%s: %s — %s", label, p.ConfirmationCode, steps)
		if !p.ExpiresAt.IsZero() {
			line += fmt.Sprintf(" It expires at %s.", p.ExpiresAt.Local().Format("15:04:05"))
		}
		return line
	case p.ConfirmationCode != "":
		return fmt.Sprintf("Confirmation code: %s — check the terminal shows the same code, then confirm on the terminal.", p.ConfirmationCode)
	case steps != "":
		return "Waiting for the terminal to confirm: " + steps
	}
	return "Waiting for the terminal to confirm the pairing."
}

// progressPrinter reports waiting on stderr: the first poll, then every
// progressEvery. A failing check is reported once, again only when the
// problem changes, and its end is reported too: polls run every few
// seconds, and the same long line each time would bury the rest.
func progressPrinter(e *env, d *providers.Descriptor) func(pairing.Event) {
	words := wording.Await(d)
	var next time.Duration
	var problem string // the failing checks' kind; "" while they work
	return func(ev pairing.Event) {
		switch ev.Type {
		case pairing.EventWaiting:
			if problem != "" {
				problem = ""
				fmt.Fprintln(e.stderr, words.Back)
			}
			if ev.Elapsed >= next {
				if next == 0 {
					fmt.Fprintln(e.stderr, words.First)
				} else {
					fmt.Fprintf(e.stderr, words.Still+"\n", ev.Elapsed.Truncate(time.Second))
				}
				next = ev.Elapsed.Truncate(progressEvery) + progressEvery
			}
		case pairing.EventNetworkWarning:
			if p := problemKey(ev.Err); p != problem {
				problem = p
				fmt.Fprintf(e.stderr, "%s (shown again only if this changes): %s\n", words.Failing, messageOf(ev.Err))
			}
		}
	}
}

// problemKey identifies a failure by what it is, not by its text, which
// may carry details (addresses, timings) that differ on every attempt.
func problemKey(err error) string {
	pe, ok := providers.AsError(err)
	if !ok {
		return "other"
	}
	return fmt.Sprintf("%s/%d/%s", pe.Kind, pe.HTTPStatus, pe.Code)
}

// pairWaitFailed handles a wait that ended without confirmation. Timeout and
// Ctrl-C cancel the pairing (SCIPAIRING07: nothing half-made is left);
// other failures leave it awaiting and say how to continue.
func pairWaitFailed(e *env, sess *pairing.Session, p providers.Pairing, err error) error {
	kind := providers.KindOf(err)
	if kind != providers.KindTimeout && kind != providers.KindCanceled {
		return &userError{err: err, msg: fmt.Sprintf("%s Pairing %s is kept awaiting confirmation: run `tillpair test %s` once fixed, or `tillpair unpair %s`.", messageOf(err), p.ID, p.ID, p.ID)}
	}
	why := fmt.Sprintf("Not confirmed within %s", pairing.Duration(sess.ConfirmWindow()))
	if kind == providers.KindCanceled {
		why = "Interrupted"
	}
	if cerr := sess.Abandon(e.ctx); cerr != nil {
		return &userError{err: errors.Join(err, cerr), msg: fmt.Sprintf("%s, and cancelling the pairing failed: %s It is kept awaiting confirmation; run `tillpair unpair %s` when that is fixed.", why, messageOf(cerr), p.ID)}
	}
	return &userError{err: err, msg: why + ": the pairing was cancelled (unpaired in the cloud and removed here). Start pairing on the terminal again."}
}

func printPair(e *env, o pairOptions, p providers.Pairing) error {
	if o.json {
		out := pairJSON{
			Provider: p.Provider, PairingID: p.ID, Status: string(p.Status), ConfirmationCode: p.ConfirmationCode,
			TID: p.TID, PairingNickname: p.PairingNickname, TerminalNickname: p.TerminalNickname,
		}
		if !p.ExpiresAt.IsZero() && p.Status == providers.StatusAwaitingConfirmation {
			out.ExpiresAt = p.ExpiresAt.UTC().Format(time.RFC3339)
		}
		return writeJSON(e, out)
	}
	line := fmt.Sprintf("%s pairing %s%s%s: %s", providerName(p.Provider), p.ID, nickSuffix(p), withTerminal(" with", p), p.Status)
	if note := testedNote(p); note != "" && p.Status == providers.StatusActive {
		line += "." + note
	}
	_, err := fmt.Fprintln(e.stdout, line)
	return err
}

// checkRecordsWritable proves the records file's dir can be created and
// written; its *keystore.Error names the path and --config-dir (exit 6).
func checkRecordsWritable(recordsPath string) error {
	recs, err := keystore.OpenRecords(filepath.Dir(recordsPath))
	if err != nil {
		return err
	}
	return recs.CheckWritable()
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	return enc.Encode(v)
}

func nickSuffix(p providers.Pairing) string {
	if p.PairingNickname == "" {
		return ""
	}
	return " (" + p.PairingNickname + ")"
}

// withTerminal is " <prep> terminal <name>", or "" when the pairing does
// not name its terminal (a Helcim device is named by its pairing id).
func withTerminal(prep string, p providers.Pairing) string {
	if t := terminalName(p); t != "" {
		return prep + " terminal " + t
	}
	return ""
}

// terminalName is the pairing's terminal by TID and nickname, "" if the
// cloud named neither.
func terminalName(p providers.Pairing) string {
	switch {
	case p.TID != "" && p.TerminalNickname != "":
		return p.TID + " (" + p.TerminalNickname + ")"
	case p.TID != "":
		return p.TID
	case p.TerminalNickname != "":
		return p.TerminalNickname
	}
	return ""
}
