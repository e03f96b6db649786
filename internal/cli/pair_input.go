package cli

import (
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

// checkPairInput applies the rules pairing.Service.Pair applies, with the
// same messages, before the runtime is built: an unconfigured provider has
// no client, yet a mistyped code must be explained before "not configured"
// or any keyring or network matter. The rules are the pairing session's
// (pairing.ValidateCode), so the two cannot disagree.
func checkPairInput(o pairOptions) error {
	d, ok := lookup(o.provider)
	if !ok {
		return usagef("unknown provider %q; choose %s (e.g. --provider %s)", o.provider, providerChoices(), lastProvider().ID)
	}
	if _, err := pairing.ValidateCode(d, o.code); err != nil {
		return describe(err)
	}
	if _, err := pairing.NormalizeNickname(o.nickname); err != nil {
		return describe(pairing.Stamp(err, o.provider, providers.OpPair))
	}
	return nil
}

// pairExample is a pair command line for provider with its example code.
func pairExample(provider string) string {
	d, ok := lookup(provider)
	if !ok {
		d = leadProvider()
	}
	if d.Model == providers.CodeFromPOS {
		return "tillpair pair" + pairFlagFor(d.ID)
	}
	return "tillpair pair" + pairFlagFor(d.ID) + " --code " + d.Code.Example
}
