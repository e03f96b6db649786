package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/certify/evidence"
	"github.com/tillpair/tillpair/internal/sandbox"
)

func newEvidenceCmd(e *env) *cobra.Command {
	var (
		o         evidence.Options
		force     bool
		credsFile string
	)
	cmd := &cobra.Command{
		Use:   "evidence --out DIR",
		Short: "Write a certification evidence pack: an HTML report, screenshots, request logs",
		Long: `evidence plays the demo's certification scenarios with no terminal and writes
an evidence pack to DIR for every provider, or the one --provider names:
index.html (the report a certifier opens in a browser: each requirement with
its mark and the screens that show it, every screen in colour beside the
requests its step made, the build, date, size and seed), index.md, and per
provider <id>/index.md, <id>/screens/ (each screen as text, ANSI and PNG) and
<id>/requests/ (each scenario's sandbox request log, secrets redacted). Two
runs write identical captures and logs. The PNGs need Chromium or Chrome
(--chromium); without one the rest is written and the pictures are skipped
with the reason. See docs/evidence.md.

DIR must be new, empty or a previous evidence pack; --force replaces anything.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if o.Out == "" {
				return usagef("--out DIR is required, e.g. tillpair evidence --out ./evidence")
			}
			if o.Width < 60 || o.Height < 20 {
				return usagef("--width %d --height %d is below the minimum 60×20", o.Width, o.Height)
			}
			if _, err := evidence.Select(o.Provider); err != nil {
				return usageError{err}
			}
			if o.Credentials, err = readSandboxCredentials(credsFile); err != nil {
				return usageError{err}
			}
			if err := checkOutWritable(o.Out); err != nil {
				return err
			}
			o.Force = force
			o.Build = fmt.Sprintf("tillpair %s (%s, %s/%s)", e.build.version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
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
			pictures := fmt.Sprintf("%d pictures", res.PNGs)
			if res.PicturesSkipped != "" {
				pictures = "pictures skipped: " + res.PicturesSkipped
			}
			_, err = fmt.Fprintf(e.stdout, "Wrote %d screenshots for %d scenarios of %s to %s (%s); open %s\n",
				res.Shots, res.Scenarios, strings.Join(res.Providers, ", "), res.Dir, pictures, filepath.Join(res.Dir, "index.html"))
			return err
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "directory for the pack (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace DIR even if it is not an evidence pack")
	cmd.Flags().StringVar(&o.Provider, "provider", evidence.AllProviders, "provider whose scenarios to play: "+demo.ProviderList("or")+", or all")
	cmd.Flags().BoolVar(&o.Pictures.On, "pictures", true, "make a PNG of every screen with headless Chromium (--pictures=false skips them)")
	cmd.Flags().StringVar(&o.Pictures.Chromium, "chromium", "", "Chromium or Chrome to make the pictures with (default: chromium, google-chrome … on PATH)")
	// For tests: plant these credentials (JSON, as `tillpair sandbox` prints
	// them) in the sandbox and prove no file of the pack holds them.
	cmd.Flags().StringVar(&credsFile, "sandbox-credentials", "", "JSON file of credentials for the sandbox to accept")
	_ = cmd.Flags().MarkHidden("sandbox-credentials")
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

// readSandboxCredentials reads --sandbox-credentials ("" plants none).
func readSandboxCredentials(path string) (sandbox.Credentials, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--sandbox-credentials: %w", err)
	}
	var c sandbox.Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("--sandbox-credentials %s is not the sandbox's credentials JSON: %w", path, err)
	}
	return c, nil
}
