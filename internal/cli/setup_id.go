package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// idLabel names the id made once per register for d ("POS ID").
func idLabel(d *providers.Descriptor) string {
	if d.Register != nil && d.Register.IDLabel != "" {
		return d.Register.IDLabel
	}
	return d.Labels.PairingID
}

// environmentSetting is d's setting that picks its environment (the
// optional non-secret credential), nil when it has none.
func environmentSetting(d *providers.Descriptor) *providers.Credential {
	for i, c := range d.Credentials {
		if !c.Secret && c.Optional {
			return &d.Credentials[i]
		}
	}
	return nil
}

// newSetupIDCmd is `tillpair setup <id>` for a provider that knows this
// register by a generated id alone, with no fields to ask (Linkly's
// posId): it makes the id once and keeps it, and stores the environment
// when --environment is given. Its pair inputs are asked at every
// pairing, never here.
func newSetupIDCmd(e *env, d *providers.Descriptor) *cobra.Command {
	var environment string
	var envNames []string
	for _, en := range d.Environments {
		envNames = append(envNames, en.Name)
	}
	label := idLabel(d)
	var asks []string
	for _, in := range d.PairInputs {
		asks = append(asks, in.Label)
	}
	long := "Make this register's " + d.Short + " " + label + ": generated the first time and kept, because changing it breaks every " + d.Short + " pairing of this register. It is stored in the records file (pairings.json), not the keyring; no secret is asked here."
	if len(asks) > 0 {
		long += " The " + strings.Join(asks, " and ") + " are asked at every pairing by `tillpair pair --provider " + d.ID + "` and never stored."
	}
	cmd := &cobra.Command{
		Use:   d.ID + " [flags]",
		Short: "Make this register's " + d.Short + " " + label + " (no secrets)",
		Long:  wrap(long, helpColumns) + "\n\nExit codes: 0 saved; 2 invalid flag; 6 records store.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if environment != "" && !slices.Contains(envNames, environment) {
				return usagef("--environment must be %s, not %q", orList(envNames), environment)
			}
			return runSetupID(e, d, environment)
		},
	}
	if s := environmentSetting(d); s != nil && len(envNames) > 0 {
		cmd.Flags().StringVar(&environment, "environment", "", orList(envNames)+" (the first is the default; "+s.Env()+" overrides it)")
	}
	return cmd
}

func runSetupID(e *env, d *providers.Descriptor, environment string) error {
	// In-memory secrets: nothing secret is stored, and reading the records
	// must not make the OS keyring ask to be unlocked.
	rt, done, err := e.buildRuntime(app.Options{AllowUnconfigured: true, Secrets: keystore.NewMemorySecrets()})
	if err != nil {
		return err
	}
	defer done()
	id, created, err := rt.Service.EnsureRegisterID()
	if err != nil {
		return describe(err)
	}
	if s := environmentSetting(d); s != nil && environment != "" {
		if _, err := e.storeSettings([]providers.Credential{*s}, map[string]providers.Secret{s.Name: providers.NewSecret(environment)}); err != nil {
			return err
		}
	}
	verb := "kept"
	if created {
		verb = "made"
	}
	fmt.Fprintf(e.stdout, "%s %s %s in %s:\n", d.Short, idLabel(d), verb, rt.RecordsPath)
	fmt.Fprintf(e.stdout, "  %-16s%s (read-only; support may ask for it)\n", idLabel(d)+":", id.RegisterID)
	if s := environmentSetting(d); s != nil {
		now := strings.TrimSpace(e.getenv(s.Env()))
		if now == "" {
			now = environment
		}
		if now == "" {
			now = storedSetting(rt, s.Name)
		}
		if now == "" && len(d.Environments) > 0 {
			now = d.Environments[0].Name
		}
		fmt.Fprintf(e.stdout, "  %-16s%s\n", "Environment:", now)
	}
	_, err = fmt.Fprintf(e.stdout, "Next: start pairing on the terminal, then run `%s`.\n", pairExampleWith(d, "CODE"))
	return err
}

// storedSetting is the records file's value of setting name, "" if none
// or unreadable.
func storedSetting(rt *app.Runtime, name string) string {
	recs, err := keystore.OpenRecords(filepath.Dir(rt.RecordsPath))
	if err != nil {
		return ""
	}
	f, err := recs.Load()
	if err != nil {
		return ""
	}
	return f.Settings.Value(name)
}
