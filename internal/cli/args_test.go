package cli

import (
	"context"
	"strings"
	"testing"
)

// A usage error points at the help of the command that was mistyped.
func TestUsageErrorsNameTheSubcommandsHelp(t *testing.T) {
	unconfiguredCLI(t, false)
	for _, tc := range []struct {
		args       []string
		want, help string
	}{
		{[]string{"nosuch"}, `unknown command "nosuch"`, "tillpair"},
		{[]string{"--bogus"}, "unknown flag: --bogus", "tillpair"},
		{[]string{"pair", "--bogus"}, "unknown flag: --bogus", "tillpair pair"},
		{[]string{"pair", "--code", "123456", "--wait", "soon"}, "invalid argument", "tillpair pair"},
		{[]string{"status", "extra"}, `tillpair status takes no arguments, but got "extra"`, "tillpair status"},
		{[]string{"test"}, "name the pairing: tillpair test PAIRING", "tillpair test"},
		{[]string{"unpair", "Front", "Bar"}, `takes one PAIRING, but got 2 ("Front" "Bar"); quote a nickname that has spaces`, "tillpair unpair"},
		{[]string{"setup"}, "name a provider", "tillpair setup"},
		{[]string{"setup", "foo"}, `unknown provider "foo"`, "tillpair setup"},
		{[]string{"setup", "smartconnect", "--environment", "x"}, "--environment must be dev or production", "tillpair setup smartconnect"},
		{[]string{"sandbox", "--listen", "0.0.0.0:1"}, "only serves on loopback", "tillpair sandbox"},
		{[]string{"version", "x"}, "takes no arguments", "tillpair version"},
	} {
		r := runCLI(context.Background(), "", tc.args...)
		hint := "Run '" + tc.help + " --help' for usage.\n"
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || !strings.HasSuffix(r.stderr, hint) {
			t.Errorf("%q: exit %d stderr %q; want %q ending %q", tc.args, r.code, r.stderr, tc.want, hint)
		}
	}
}

// A credential typed as an argument is refused without being repeated.
func TestSetupArgumentIsNotEchoed(t *testing.T) {
	unconfiguredCLI(t, false)
	const key = "test_pak_c2VjcmV0a2V5=="
	for _, p := range []string{"sci", "helcim"} {
		r := runCLI(context.Background(), "", "setup", p, key)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "never read from the command line") {
			t.Errorf("setup %s KEY: exit %d stderr %q", p, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "c2Vj") {
			t.Errorf("setup %s echoed the argument: %q", p, r.stderr)
		}
	}
}
