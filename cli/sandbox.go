package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSandboxCmd is replaced by the sandbox command (issue 2).
func newSandboxCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "sandbox", RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
