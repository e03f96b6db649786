// Package cli holds tillpair's cobra commands. With no subcommand the root
// command opens the pairing screens (package ui), or the line prompts of
// package accessible, through app.Runtime (tui.go). The subcommands are thin
// layers over package pairing (pair, status, test, unpair), the keyring and
// records (setup sci|smartconnect|helcim), package sandbox (sandbox), and
// packages demo and evidence: each parses flags, calls one service, and
// prints lines or JSON. Exit codes are in exit.go.
//
// Departure from design.md: design.md puts the cobra commands in main.go.
// They live here instead so main.go stays wiring only and the commands can
// be tested in-process with their own stdin/stdout.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Build describes this binary.
type Build struct {
	Version string
}

// globals are the persistent flags every command sees.
type globals struct {
	configDir  string
	debug      bool
	logFile    string
	accessible bool
	sandbox    bool
	// provider is the root command's --provider: the provider the screens
	// (or the line prompts) open on ("" : sci, or the first available).
	provider string
}

// env is what a command needs from the process: streams, flags, build info.
// Commands never touch os.Stdin/os.Stdout directly, so tests can run them.
type env struct {
	ctx    context.Context
	build  Build
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	g      *globals
	// getenv reads the environment; tests replace it.
	getenv func(string) string
	// clock drives the provider clients (nil: real); tests use a fake one
	// so SmartConnect status polling needs no real waiting.
	clock clockwork.Clock
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, b Build, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, build: b, stdin: stdin, stdout: stdout, stderr: stderr, g: &globals{}, getenv: osGetenv}
	return execute(e, args)
}

func execute(e *env, args []string) int {
	ctx, stdin, stdout, stderr := e.ctx, e.stdin, e.stdout, e.stderr
	root := newRootCmd(e)
	lowerProviderFlags(root)
	root.SetArgs(lowerSetupProvider(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		// The help of the command that was mistyped, not the root's list
		// of commands: that is where its flags and arguments are.
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "tillpair: %v\nRun '%s --help' for usage.\n", err, path)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "tillpair: %v\n", err)
	return exitCode(err)
}

// usageError marks bad arguments.
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "tillpair",
		Short: "Pair this register with a cloud payment terminal (mx51 SCI, SmartConnect, Helcim)",
		Long: `tillpair pairs this register with a cloud-connected payment terminal.

With no arguments it opens the pairing screens. When no provider credentials
are configured it runs against the built-in sandbox, which simulates the
clouds and their terminals, so it works with no hardware.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(e)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.g.configDir, "config-dir", "", "config directory (default $TILLPAIR_CONFIG_DIR, $XDG_CONFIG_HOME/tillpair or ~/.config/tillpair)")
	pf.BoolVar(&e.g.debug, "debug", false, "write a debug log (secrets redacted) to --log-file or tillpair-debug.log in the config dir")
	pf.StringVar(&e.g.logFile, "log-file", "", "debug log path (implies --debug)")
	pf.BoolVar(&e.g.accessible, "accessible", false, "plain line prompts with no redraws (also ACCESSIBLE=1)")
	root.Flags().BoolVar(&e.g.sandbox, "sandbox", false, "run against the built-in sandbox even when credentials are configured")
	root.Flags().StringVar(&e.g.provider, "provider", "", "provider to open on: sci, smartconnect or helcim (default sci)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	root.AddCommand(
		newVersionCmd(e),
		newSandboxCmd(e),
		newPairCmd(e),
		newStatusCmd(e),
		newTestCmd(e),
		newUnpairCmd(e),
		newSetupCmd(e),
		newDemoCmd(e),
		newEvidenceCmd(e),
	)
	return root
}

// providerValue is a --provider flag's value, lower-cased as it is set:
// provider names are accepted in any case ("SCI", "Helcim").
type providerValue struct{ pflag.Value }

func (v providerValue) Set(s string) error { return v.Value.Set(strings.ToLower(strings.TrimSpace(s))) }

// lowerProviderFlags makes every command's --provider flag case-insensitive,
// so each command that reads a provider name (and any added later) sees it
// lower-cased, whoever defined the flag.
func lowerProviderFlags(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.LocalNonPersistentFlags().Lookup("provider"); f != nil {
			f.Value = providerValue{f.Value}
		}
		if f := c.PersistentFlags().Lookup("provider"); f != nil {
			f.Value = providerValue{f.Value}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// lowerSetupProvider rewrites "setup SCI" as "setup sci". Cobra matches
// subcommand names case-sensitively unless a package-wide switch is flipped,
// which would also change every other command; only provider names are
// meant to be case-insensitive.
func lowerSetupProvider(root *cobra.Command, args []string) []string {
	setup, _, err := root.Find(args)
	if err != nil || setup.Name() != "setup" || setup.Parent() != root {
		return args
	}
	// Which word is the provider takes cobra's parsing to tell (a flag's
	// value may be the same word), so each candidate is tried in turn.
	for i, a := range args {
		lower := strings.ToLower(a)
		if lower == a || !slices.ContainsFunc(setup.Commands(), func(c *cobra.Command) bool { return c.Name() == lower }) {
			continue
		}
		try := slices.Clone(args)
		try[i] = lower
		if c, _, err := root.Find(try); err == nil && c.Parent() == setup {
			return try
		}
	}
	return args
}

// isCobraUsage reports cobra's own argument errors, which it returns as plain
// errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "required flag", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
