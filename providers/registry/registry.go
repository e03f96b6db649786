// Package registry lists the providers tillpair ships. It is the one place
// that names every provider package: adding a provider is a line here (and
// the provider's package and simulator).
package registry

import (
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/smartconnect"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
)

// All lists the providers in display order, the lead provider first. It
// returns a new slice each call, so a caller may filter or reorder it.
func All() providers.Registry {
	return providers.Registry{
		sci.Descriptor,
		smartconnect.Descriptor,
		helcim.Descriptor,
		sumup.Descriptor,
		square.Descriptor,
		linkly.Descriptor,
	}
}
