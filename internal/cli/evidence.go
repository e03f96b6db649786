package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/certify/evidence"
)

func newEvidenceCmd(e *env) *cobra.Command {
	var (
		o     evidence.Options
		force bool
	)
	cmd := &cobra.Command{
		Use:   "evidence --out DIR",
		Short: "Write a certification evidence pack: screenshots, requirement index, request logs",
		Long: `evidence plays the demo's certification scenarios with no terminal and writes
an evidence pack to DIR: screens/ (one screenshot per screen state, plain text
and ANSI), index.md (each pairing requirement of the provider linked to the
screenshots that show it) and requests/ (each scenario's sandbox request log,
secrets redacted). Two runs write identical files apart from index.md's
"Generated:" line. One pack holds one provider: --provider sci (the default,
mx51's checklist), smartconnect or helcim.

DIR must be new, empty or a previous evidence pack; --force replaces anything.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Out == "" {
				return usagef("--out DIR is required, e.g. tillpair evidence --out ./evidence")
			}
			if o.Width < 60 || o.Height < 20 {
				return usagef("--width %d --height %d is below the minimum 60×20", o.Width, o.Height)
			}
			if _, err := demo.ScriptFor(o.Provider); err != nil {
				return usageError{err}
			}
			if err := checkOutWritable(o.Out); err != nil {
				return err
			}
			o.Force = force
			if e.clock != nil {
				o.Now = e.clock.Now
			}
			res, err := evidence.Run(e.ctx, o)
			if oe := (evidence.OutError{}); errors.As(err, &oe) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "Wrote %d screenshots for %d scenarios to %s (open %s)\n",
				res.Shots, res.Scenarios, res.Dir, filepath.Join(res.Dir, "index.md"))
			return err
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "directory for the pack (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace DIR even if it is not an evidence pack")
	cmd.Flags().StringVar(&o.Provider, "provider", "sci", "provider whose scenarios to play: sci, smartconnect or helcim")
	cmd.Flags().IntVar(&o.Width, "width", 80, "screen width in columns")
	cmd.Flags().IntVar(&o.Height, "height", 24, "screen height in rows")
	return cmd
}

// checkOutWritable fails fast, before the scenarios play, when the pack
// could not be written: it is built in a directory beside DIR, so the
// nearest existing ancestor of DIR's parent must take a new directory. A
// trial one is made there and removed, which tests what the OS will allow
// (permissions, read-only or pseudo file systems) rather than guessing it.
// An unusable --out is a setting to change, so it exits 2 (usage).
func checkOutWritable(out string) error {
	dir := filepath.Dir(filepath.Clean(out))
	for {
		fi, err := os.Stat(dir)
		if err == nil && !fi.IsDir() {
			return outError(out, fmt.Sprintf("%s is not a directory", dir))
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return outError(out, fmt.Sprintf("%s cannot be read (%v)", dir, reason(err)))
		}
		up := filepath.Dir(dir)
		if up == dir {
			return outError(out, fmt.Sprintf("%s does not exist", dir))
		}
		dir = up
	}
	trial, err := os.MkdirTemp(dir, ".tillpair-evidence-check-")
	if err != nil {
		return outError(out, fmt.Sprintf("nothing can be created in %s (%v)", dir, reason(err)))
	}
	if err := os.Remove(trial); err != nil {
		return fmt.Errorf("removing the trial directory %s: %w", trial, err)
	}
	return nil
}

func outError(out, why string) error {
	return withExit(ExitUsage, &userError{msg: fmt.Sprintf("cannot write the evidence pack to %s: %s. Choose a directory you can write, e.g. --out ./evidence.", out, why)})
}

// reason is the OS's own words for err, without the path the message
// already names.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
