package cli

import (
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// The command line names no provider: ids, names, code rules, steps and
// setup prompts all come from the registry's descriptors.

// lookup finds a registered provider by id.
func lookup(id string) (*providers.Descriptor, bool) { return registry.All().Lookup(id) }

// leadProvider is the registry's first provider, the default of --provider.
func leadProvider() *providers.Descriptor { return registry.All()[0] }

// providerName is a provider's display name in running text.
func providerName(id string) string {
	if d, ok := lookup(id); ok {
		return d.Name
	}
	if id == "" {
		return "The provider"
	}
	return id
}

// providerChoices lists the registered ids as "a, b or c".
func providerChoices() string { return orList(registry.All().IDs()) }

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// pairFlagFor is the --provider part of a pair command line: none for
// the lead provider, the default.
func pairFlagFor(id string) string {
	if id == leadProvider().ID {
		return ""
	}
	return " --provider " + id
}

// onTerminalSteps is the on-terminal unpair guidance: the only way for
// providers without a register-side unpair, and for the others the way
// left when the cloud cannot be asked.
func onTerminalSteps(id string) string {
	if d, ok := lookup(id); ok && !d.RemoteUnpair && d.Steps.Unpair != "" {
		return d.Steps.Unpair + "."
	}
	return "To end it on the terminal, " + terminalUnpair(id) + "."
}

// terminalUnpair is the on-terminal unpair step of a provider that also
// unpairs from the register, as a clause.
func terminalUnpair(id string) string {
	if d, ok := lookup(id); ok && d.Steps.TerminalUnpair != "" {
		return d.Steps.TerminalUnpair
	}
	return "unpair it on the terminal"
}

// lastProvider is the registry's last provider, for examples of
// --provider.
func lastProvider() *providers.Descriptor {
	all := registry.All()
	return all[len(all)-1]
}
