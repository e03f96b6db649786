package screens

import (
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// descriptor is a provider's descriptor; an unknown or empty id is the
// lead provider's, as the screens have always defaulted.
func descriptor(id string) *providers.Descriptor {
	reg := registry.All()
	if d, ok := reg.Lookup(id); ok {
		return d
	}
	return reg[0]
}

// Descriptor is a provider's descriptor, the lead provider's for an
// unknown or empty id.
func Descriptor(id string) *providers.Descriptor { return descriptor(id) }

// ProductName is a provider's display name: the screens' title and the
// header's product.
func ProductName(id string) string { return descriptor(id).Name }

// ShortName is a provider's name in running text: the header's, where the
// screen below carries the full name with the brand.
func ShortName(id string) string {
	if d := descriptor(id); d.Short != "" {
		return d.Short
	}
	return descriptor(id).Name
}

// PairSteps are the numbered pairing instructions for a provider.
func PairSteps(id string) []string { return descriptor(id).Steps.Pair }

// pairStepsCompact is PairSteps as one short paragraph for small terminals.
func pairStepsCompact(id string) string { return descriptor(id).Steps.PairCompact }

// UnpairSteps is what to do on the terminal for providers without a
// POS-side unpair ("" for those that unpair remotely).
func UnpairSteps(id string) string {
	if s := descriptor(id).Steps.Unpair; s != "" {
		return s + ", then forget it here."
	}
	return ""
}
