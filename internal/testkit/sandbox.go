// Package testkit holds the test set-up that the packages testing against
// the built-in sandbox share: starting it on loopback and finding its
// virtual terminals. Only _test.go files import it.
package testkit

import (
	"testing"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers"
)

// StartSandbox starts a sandbox with opts on a free loopback port and
// closes it when the test ends.
func StartSandbox(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb := clouds.New(opts)
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}

// Terminal returns the sandbox's first virtual terminal for provider (the
// sandbox starts with one of each); the test fails if there is none.
func Terminal(t testing.TB, sb *sandbox.Sandbox, provider string) sandbox.Terminal {
	t.Helper()
	for _, term := range sb.Terminals() {
		if term.Provider == provider {
			return term
		}
	}
	t.Fatalf("the sandbox has no %s terminal", provider)
	return sandbox.Terminal{}
}

// LivePairings lists terminal id's pairings that are not unpaired: the
// terminal keeps unpaired ones, so a count of all of them proves nothing.
func LivePairings(t testing.TB, sb *sandbox.Sandbox, id string) []sandbox.TerminalPairing {
	t.Helper()
	term, err := sb.Terminal(id)
	if err != nil {
		t.Fatal(err)
	}
	var out []sandbox.TerminalPairing
	for _, p := range term.Pairings {
		if p.Status != string(providers.StatusUnpaired) {
			out = append(out, p)
		}
	}
	return out
}
