package screens

import (
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// Wording is how an error is put to the user: the catalogue's
// (internal/wording) heading, line and next step.
type Wording = providers.Wording

// Exact texts required by SCI certification, from the catalogue.
const (
	TextNetwork  = wording.TextNetwork
	TextNoActive = wording.TextNoActive
)

// Describe words any error from the catalogue, with the provider's own
// words where its descriptor has them. Screens switch on Kind, never on
// message text.
func Describe(err error) Wording {
	return wording.Describe(registry.All(), err).WithSetup(setupRef)
}

// setupRef names the provider's setup in wording: the global Setup key.
const setupRef = "Setup (ctrl+e)"

// KindWording words one Kind in no provider's terms; pe (may be nil)
// supplies the vendor message where the wording quotes it.
func KindWording(k providers.Kind, pe *providers.Error) Wording { return wording.Generic(k, pe) }

// CancelFailedWording words a failed cancel of a pairing that awaits
// confirmation (wording.CancelFailed); where trying again can help, the
// next step is this screen's retry key.
func CancelFailedWording(err error) Wording {
	w := wording.CancelFailed(registry.All(), err).WithSetup(setupRef)
	if w.Retry {
		w.Next = "Press r to try the cancel again."
	}
	return w
}

// Quote wraps a user-chosen name in the curly quotes every screen and
// status line uses, so a name reads the same wherever it appears.
func Quote(name string) string { return "“" + name + "”" }

// RepairFromTerminal is the prompt under the no-active-pairings line for
// the pairing named name, found unpaired on the terminal or in the cloud.
func RepairFromTerminal(name string) string { return wording.RepairFromTerminal(name) }
