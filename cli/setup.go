package cli

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tillpair/tillpair/app"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// maxCredentialLine caps one line of piped credentials.
const maxCredentialLine = 4096

func newSetupCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup PROVIDER",
		Short: "Configure a provider: sci, smartconnect or helcim",
		Long: `Configure a provider.

  sci           SCI Pairing API key and signing secret Part A (OS keyring)
  smartconnect  register identity for SmartConnect (records file; no secrets)
  helcim        Helcim API token (OS keyring)

Credentials are never printed. Run 'tillpair setup PROVIDER --help' for
details.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("name a provider: tillpair setup sci, tillpair setup smartconnect or tillpair setup helcim")
			}
			return usagef("unknown provider %q; choose sci, smartconnect or helcim (e.g. tillpair setup sci)", args[0])
		},
	}
	cmd.AddCommand(newSetupSCICmd(e), newSetupSmartConnectCmd(e), newSetupHelcimCmd(e))
	return cmd
}

func newSetupSCICmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "sci",
		Short: "Store the SCI Pairing API key and signing secret Part A in the OS keyring",
		Long: `Store the SCI credentials in the OS keyring. They are never printed.

Asks for the SCI Pairing API key and the signing secret Part A without echoing
them when stdin is a terminal. Otherwise it reads them as two lines from
stdin:

  printf '%s\n%s\n' "$KEY" "$PART_A" | tillpair setup sci

When TILLPAIR_SCI_API_KEY and TILLPAIR_SCI_SIGNING_SECRET_PART_A are both set,
tillpair uses them and nothing needs storing.

SCI API keys start with test_ or live_. A key that does not is stored anyway,
with a warning: it is most often the signing secret Part A pasted in its place.

Exit codes: 0 stored (or env vars in use); 2 bad or missing input; 6 keyring
failure.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return runSetupSCI(e) },
	}
}

func runSetupSCI(e *env) error {
	if strings.TrimSpace(e.getenv(app.EnvSCIAPIKey)) != "" && strings.TrimSpace(e.getenv(app.EnvSCISigningPartA)) != "" {
		_, err := fmt.Fprintf(e.stdout, "%s and %s are set: tillpair uses them, and nothing needs storing.\n", app.EnvSCIAPIKey, app.EnvSCISigningPartA)
		warnSCIKey(e, providers.NewSecret(strings.TrimSpace(e.getenv(app.EnvSCIAPIKey))), providers.NewSecret(strings.TrimSpace(e.getenv(app.EnvSCISigningPartA))), app.EnvSCIAPIKey)
		return err
	}
	read, extra := e.credentialReader(`pipe the API key and Part A as two lines, e.g. printf '%s\n%s\n' "$KEY" "$PART_A" | tillpair setup sci`)
	key, err := read("SCI Pairing API key")
	if err != nil {
		return err
	}
	partA, err := read("SCI signing secret Part A")
	if err != nil {
		return err
	}
	warnExtraLines(e, extra, "two lines (the API key, then Part A)")
	service, err := e.storeCredentials(keyringItem{keystore.SCIAPIKey, key}, keyringItem{keystore.SCISigningPartA, partA})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "SCI credentials stored in the OS keyring (service %q): Pairing API key and signing secret Part A.\n", service)
	warnSCIKey(e, key, partA, "the API key")
	if strings.TrimSpace(e.getenv(app.EnvSCIAPIKey)+e.getenv(app.EnvSCISigningPartA)) != "" {
		fmt.Fprintf(e.stderr, "Note: %s or %s is set and takes precedence over the stored value.\n", app.EnvSCIAPIKey, app.EnvSCISigningPartA)
	}
	_, err = fmt.Fprintln(e.stdout, "Next: start pairing on the terminal, then run `tillpair pair --code CODE`.")
	return err
}

// keyringItem is one credential for storeCredentials.
type keyringItem struct {
	name  string
	value providers.Secret
}

// storeCredentials writes items to the OS keyring in order, logging each
// item's name (never its value), and returns the keyring service for the
// confirmation line. It stops at the first failure.
func (e *env) storeCredentials(items ...keyringItem) (service string, err error) {
	log, closeLog, err := e.openLogger()
	if err != nil {
		return "", err
	}
	defer closeLog()
	kr := keystore.NewKeyring(e.getenv(app.EnvKeyringService))
	for _, item := range items {
		if err := kr.Set(item.name, item.value); err != nil {
			log.Error("setup: keyring write failed", "item", item.name, "err", err)
			return "", err
		}
		log.Info("setup: stored", "item", item.name)
	}
	return kr.Service(), nil
}

// credentialReader returns a func reading one credential: without echo from
// a terminal, else the next line of stdin; and one reporting piped lines
// left over once all were read (never for a terminal).
// pipeHint says how to pipe the credentials, for a missing line.
func (e *env) credentialReader(pipeHint string) (read func(label string) (providers.Secret, error), extra func() bool) {
	if fd, ok := e.stdinIsTerminal(); ok {
		return func(label string) (providers.Secret, error) {
			fmt.Fprintf(e.stderr, "%s: ", label)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(e.stderr)
			if err != nil {
				return providers.Secret{}, fmt.Errorf("reading the %s: %w", label, err)
			}
			return checkCredential(label, string(b))
		}, func() bool { return false }
	}
	p := newPipedLines(e.stdin, pipeHint)
	return p.next, p.extra
}

// warnExtraLines warns, without quoting it, about piped input after the
// credentials: it was ignored, and a user who piped three lines may have
// meant another order. want says what was read.
func warnExtraLines(e *env, extra func() bool, want string) {
	if extra() {
		fmt.Fprintf(e.stderr, "Warning: stdin held more than %s; the rest was ignored and not stored. Check you piped only those, in that order.\n", want)
	}
}

// checkCredential trims outer whitespace (pasting drags newlines) and
// rejects empty values or values with whitespace inside, which no vendor
// credential has. The value never appears in the message.
func checkCredential(label, raw string) (providers.Secret, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return providers.Secret{}, usagef("the %s is empty; paste the value you were given and try again", label)
	}
	if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return providers.Secret{}, usagef("the %s contains whitespace, which it never does; check you pasted only the value and try again", label)
	}
	return providers.NewSecret(v), nil
}
