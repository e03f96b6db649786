package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// noArgs replaces cobra.NoArgs on leaf commands, whose "unknown command"
// misleads when the stray word is a value that lost its flag.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if d, ok := lookup(cmd.Name()); ok && !hasRegisterFields(d) && cmd.HasParent() && cmd.Parent().Name() == "setup" {
		// Not echoed: the word may be a pasted credential.
		return usagef("%s takes no arguments: credentials are never read from the command line, where the shell history would keep them; run %s and paste them at the prompt, or pipe them on stdin", cmd.CommandPath(), cmd.CommandPath())
	}
	if cmd.Name() == "pair" {
		if fix, ok := pairFlags(args, cmd.Flags().Changed("code")); ok {
			return usagef("tillpair pair takes its values as flags: %s", fix)
		}
	}
	return usagef("%s takes no arguments, but got %s; give values with their flags", cmd.CommandPath(), quoteAll(args))
}

// pairFlags rewrites stray pair arguments as the flags they were meant for
// (a provider name and at most one code — or, once --code is given, one
// nickname), e.g. "helcim DY6L" → "tillpair pair --provider helcim --code
// DY6L"; ok is false when they do not read so.
func pairFlags(args []string, haveCode bool) (string, bool) {
	var provider, code string
	for _, a := range args {
		switch _, isProvider := lookup(a); {
		case isProvider:
			if provider != "" {
				return "", false
			}
			provider = strings.ToLower(a)
		default:
			if code != "" {
				return "", false
			}
			code = a
		}
	}
	fix := "tillpair pair"
	if provider != "" {
		fix += " --provider " + provider
	}
	switch {
	case haveCode && code != "":
		return fix + " --code … --nickname " + fmt.Sprintf("%q", code), true
	case haveCode:
		return fix + " --code …", true
	case code == "":
		code = "CODE"
	}
	return fix + " --code " + code, true
}

// onePairing is the Args rule of test and unpair: exactly one PAIRING.
func onePairing(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 1:
		return nil
	case 0:
		return usagef("name the pairing: %s PAIRING, where PAIRING is its id, at least 4 characters of the id, or its nickname (`tillpair status --no-check` lists them)", cmd.CommandPath())
	}
	return usagef("%s takes one PAIRING, but got %d (%s); quote a nickname that has spaces, e.g. %s \"Front Bar\"", cmd.CommandPath(), len(args), quoteAll(args), cmd.CommandPath())
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}
