package cli

import (
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/smartconnect"
)

// codeSpec is a provider's code rules without a client: an unconfigured
// provider has none, yet a mistyped code must be explained before "not
// configured" or any keyring or network matter.
func codeSpec(provider string) (providers.CodeSpec, bool) {
	switch provider {
	case providers.SCI:
		return sci.Capabilities().Code, true
	case providers.SmartConnect:
		return smartconnect.Capabilities().Code, true
	case providers.Helcim:
		return helcim.Capabilities().Code, true
	}
	return providers.CodeSpec{}, false
}

// checkPairInput applies the rules pairing.Service.Pair applies, with the
// same messages, before the runtime is built. The service checks again; the
// rules are its, so the two cannot disagree.
func checkPairInput(o pairOptions) error {
	spec, ok := codeSpec(o.provider)
	if !ok {
		return usagef("unknown provider %q; choose sci, smartconnect or helcim (e.g. --provider helcim)", o.provider)
	}
	if _, err := pairing.NormalizeCode(spec, o.code); err != nil {
		return describe(pairing.Stamp(err, o.provider, providers.OpPair))
	}
	if _, err := pairing.NormalizeNickname(o.nickname); err != nil {
		return describe(pairing.Stamp(err, o.provider, providers.OpPair))
	}
	return nil
}

// pairExample is a pair command line for provider with its example code.
func pairExample(provider string) string {
	spec, ok := codeSpec(provider)
	if !ok || provider == providers.SCI {
		return "tillpair pair --code " + sci.Capabilities().Code.Example
	}
	return "tillpair pair --provider " + provider + " --code " + spec.Example
}
