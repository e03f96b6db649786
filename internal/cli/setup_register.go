package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// maxPromptLine caps one answered prompt line.
const maxPromptLine = 1024

type registerFlags struct {
	registerName, businessName, vendorName, environment string
	regenerateID                                        bool
}

// newSetupRegisterCmd is `tillpair setup <id>` for a provider that knows
// this register by an identity (SmartConnect): the register fields, the
// environment, and the register ID made once.
func newSetupRegisterCmd(e *env, d *providers.Descriptor) *cobra.Command {
	var f registerFlags
	var envNames []string
	for _, en := range d.Environments {
		envNames = append(envNames, en.Name)
	}
	cmd := &cobra.Command{
		Use:   d.ID + " [flags]",
		Short: "Set this register's " + d.Short + " identity (no secrets)",
		Long: wrap("Set the register identity "+d.Short+" knows this register by. "+d.Short+
			" has no credentials: the register ID, business name and vendor name identify the register on every request, so they must stay the same after pairing.", helpColumns) + `

  --register-name   shown on the terminal so staff can tell registers apart
  --business-name   the store's name (changing it needs a new pairing)
  --vendor-name     the POS software vendor (changing it needs a new pairing)
  --environment     ` + orList(envNames) + ` (the first is the default)
  --regenerate-id   make a new register ID (needs a new pairing)

` + wrap("The register ID is generated the first time and kept; support may ask for it. With no flags and a terminal on stdin, asks for each field (Enter keeps the value shown). Otherwise only the flags are used; the first time, all three names are required. The identity is stored in the records file (pairings.json), not the keyring. "+envSettingEnv(d)+" overrides the stored environment.", helpColumns) + `

Ctrl-C at a prompt cancels, and nothing is saved.

Exit codes: 0 saved; 1 cancelled (Ctrl-C); 2 missing or invalid field;
6 records store.`,
		Example: `  tillpair setup ` + d.ID + ` --register-name "Main Register" --business-name "Toys Shop" --vendor-name "Till2Go"
  tillpair setup ` + d.ID + ` --environment ` + envNames[len(envNames)-1],
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSetupRegister(e, d, cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.registerName, "register-name", "", "register name shown on the terminal")
	fl.StringVar(&f.businessName, "business-name", "", "business (store) name")
	fl.StringVar(&f.vendorName, "vendor-name", "", "POS software vendor name")
	fl.StringVar(&f.environment, "environment", "", orList(envNames))
	fl.BoolVar(&f.regenerateID, "regenerate-id", false, "generate a new register ID (the terminal must be paired again)")
	return cmd
}

func runSetupRegister(e *env, d *providers.Descriptor, cmd *cobra.Command, f registerFlags) error {
	var envNames []string
	for _, en := range d.Environments {
		envNames = append(envNames, en.Name)
	}
	if f.environment != "" && !slices.Contains(envNames, f.environment) {
		return usagef("--environment must be %s, not %q", orList(envNames), f.environment)
	}
	// In-memory secrets: this setup stores no secret, and must not make
	// the OS keyring ask to be unlocked just to read the records file.
	rt, done, err := e.buildRuntime(app.Options{AllowUnconfigured: true, Secrets: keystore.NewMemorySecrets()})
	if err != nil {
		return err
	}
	defer done()
	svc := rt.Service
	cur, have, err := svc.Register()
	if err != nil {
		return describe(err)
	}
	in := pairing.RegisterInput{RegisterName: cur.RegisterName, BusinessName: cur.BusinessName, VendorName: cur.VendorName, RegenerateID: f.regenerateID}
	fields := []struct {
		flag, label string
		value       *string
		given       string
	}{
		{"register-name", "Register name", &in.RegisterName, f.registerName},
		{"business-name", "Business name", &in.BusinessName, f.businessName},
		{"vendor-name", "Vendor name", &in.VendorName, f.vendorName},
	}
	anyFlag := cmd.Flags().NFlag() > 0
	if _, tty := e.stdinIsTerminal(); tty && !anyFlag {
		rd := bufio.NewReader(io.LimitReader(e.stdin, 16*maxPromptLine))
		for _, fl := range fields {
			v, err := prompt(e, rd, fl.label, *fl.value)
			if err != nil {
				return err
			}
			*fl.value = v
		}
	} else {
		var missing []string
		for _, fl := range fields {
			if cmd.Flags().Changed(fl.flag) {
				*fl.value = fl.given
			}
			if strings.TrimSpace(*fl.value) == "" {
				missing = append(missing, "--"+fl.flag)
			}
		}
		if len(missing) > 0 {
			return usagef("this register has no %s identity yet: give %s (stdin is not a terminal, so tillpair cannot ask)", d.Short, strings.Join(missing, ", "))
		}
	}
	change, err := svc.SaveRegister(in)
	if err != nil {
		return describe(err)
	}
	if f.environment != "" {
		if err := svc.SetSetting(d.ID, envSettingName(d), f.environment); err != nil {
			return describe(err)
		}
	}
	stored, err := svc.Setting(envSettingName(d))
	if err != nil {
		return describe(err)
	}
	verb := "updated"
	if !have {
		verb = "saved"
	}
	id := change.Identity
	envNow := stored
	if v := strings.TrimSpace(e.getenv(envSettingEnv(d))); v != "" {
		envNow = strings.ToLower(v)
	}
	if envNow == "" {
		envNow = envNames[0]
	}
	fmt.Fprintf(e.stdout, "%s register identity %s in %s:\n", d.Short, verb, rt.RecordsPath)
	fmt.Fprintf(e.stdout, "  Register ID:    %s (read-only; support may ask for it)\n", id.RegisterID)
	fmt.Fprintf(e.stdout, "  Register name:  %s\n", id.RegisterName)
	fmt.Fprintf(e.stdout, "  Business name:  %s\n", id.BusinessName)
	fmt.Fprintf(e.stdout, "  Vendor name:    %s\n", id.VendorName)
	fmt.Fprintf(e.stdout, "  Environment:    %s\n", envNow)
	if v := strings.TrimSpace(e.getenv(envSettingEnv(d))); v != "" {
		fmt.Fprintf(e.stderr, "Note: %s=%s overrides the stored environment.\n", envSettingEnv(d), v)
	}
	for _, r := range change.Reasons {
		fmt.Fprintf(e.stderr, "Warning: %s\n", r)
	}
	if change.NeedsRepair {
		fmt.Fprintf(e.stderr, "Warning: existing %s pairings stop working until you pair again: start pairing on the terminal, then run `%s`.\n", d.Short, pairExampleWith(d, "CODE"))
	}
	_, err = fmt.Fprintf(e.stdout, "Next: start pairing on the terminal (it shows a pairing code), then run `%s` promptly: the code refreshes.\n", pairExampleWith(d, "CODE"))
	return err
}

// prompt asks for one field on stderr, showing the current value as the
// default that Enter keeps. Ctrl-C ends it at once, before anything is
// saved.
func prompt(e *env, rd *bufio.Reader, label, current string) (string, error) {
	if current != "" {
		fmt.Fprintf(e.stderr, "%s [%s]: ", label, current)
	} else {
		fmt.Fprintf(e.stderr, "%s: ", label)
	}
	line, err := awaitInput(e.ctx, func() (string, error) { return rd.ReadString('\n') })
	if errors.Is(err, promptInterrupted{}) {
		// The terminal echoed ^C on the prompt's line: end that line.
		fmt.Fprintln(e.stderr)
		return "", interrupted(e.ctx)
	}
	if err != nil && line == "" {
		return "", usagef("no answer for %s; run again, or pass the values as flags (see tillpair setup PROVIDER --help)", strings.ToLower(label))
	}
	if len(line) > maxPromptLine {
		return "", withExit(ExitUsage, &userError{msg: fmt.Sprintf("The %s is too long; the limit is %d characters.", strings.ToLower(label), pairing.MaxRegisterFieldRunes),
			err: &providers.Error{Kind: providers.KindInvalidInput}})
	}
	if v := strings.TrimSpace(line); v != "" {
		return v, nil
	}
	return current, nil
}

// envSettingName is the setting that picks d's environment (an optional,
// non-secret credential: SmartConnect's smartconnect_env).
func envSettingName(d *providers.Descriptor) string {
	for _, c := range d.Credentials {
		if !c.Secret && c.Optional {
			return c.Name
		}
	}
	return ""
}

// envSettingEnv is its environment variable (TILLPAIR_SMARTCONNECT_ENV).
func envSettingEnv(d *providers.Descriptor) string {
	if n := envSettingName(d); n != "" {
		return providers.EnvName(n)
	}
	return ""
}
