package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/keystore"
)

func newSetupHelcimCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "helcim",
		Short: "Store the Helcim API token in the OS keyring",
		Long: `Store the Helcim API token in the OS keyring (item helcim/api-token). It is
never printed. The token needs General: Read and Settings: Read permissions,
and must belong to the Helcim account the terminals are registered on.

Asks for the token without echoing it when stdin is a terminal; otherwise it
reads one line from stdin:

  printf '%s\n' "$HELCIM_TOKEN" | tillpair setup helcim

When TILLPAIR_HELCIM_API_TOKEN is set, tillpair uses it and nothing needs
storing: stdin is not read, and anything piped in is ignored (a note on stderr
says so). Ctrl-C at the prompt cancels, and Ctrl-D at it ends the input: either
way nothing is stored.

Exit codes: 0 stored (or env var in use); 1 cancelled (Ctrl-C); 2 bad or
missing input; 6 keyring failure.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return runSetupHelcim(e) },
	}
}

func runSetupHelcim(e *env) error {
	if strings.TrimSpace(e.getenv(app.EnvHelcimAPIToken)) != "" {
		_, err := fmt.Fprintf(e.stdout, "%s is set: tillpair uses it, and nothing needs storing.\n", app.EnvHelcimAPIToken)
		e.noteStdinUnread(app.EnvHelcimAPIToken)
		return err
	}
	read, extra := e.credentialReader("tillpair setup helcim", `pipe the token as one line, e.g. printf '%s\n' "$HELCIM_TOKEN" | tillpair setup helcim`)
	token, err := read("Helcim API token")
	if err != nil {
		return err
	}
	warnExtraLines(e, extra, "one line (the token)")
	service, err := e.storeCredentials(keyringItem{keystore.HelcimAPIToken, token})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Helcim API token stored in the OS keyring (service %q).\n", service)
	_, err = fmt.Fprintln(e.stdout, "Next: on the terminal, switch to pairing mode (it shows a 4-character device code), then run `tillpair pair --provider helcim --code CODE`.")
	return err
}
