package screens

import "github.com/tillpair/tillpair/providers"

// ProductName is a provider's display name: the screens' title and the
// header's product.
func ProductName(id string) string {
	switch id {
	case providers.SmartConnect:
		return "Smartpay SmartConnect"
	case providers.Helcim:
		return "Helcim Payment Hardware"
	default:
		return "Simple Cloud Integration"
	}
}

// PairSteps are the numbered pairing instructions for a provider. SCI's are
// SCIPAIRING09's; SmartConnect's put the code entry right after the code
// appears because codes refresh within a minute or two (reference §4.5);
// Helcim's follow the device's own "Switch" flow [DOC S23].
func PairSteps(id string) []string {
	switch id {
	case providers.SmartConnect:
		return []string{
			"On the terminal start pairing: Smartpay/SmartConnect app → Settings → Pair with POS (or MENU → CONFIG → POS INTEGRATIONS → AUTHORISE POS).",
			"Type the code it shows here promptly: codes refresh every minute or two.",
			"Optionally add a Pairing Nickname.",
			"Choose Pair.",
		}
	case providers.Helcim:
		return []string{
			`On the device log in and choose "Switch": it shows its 4-character device code (if not, Options shows it); choose "Continue".`,
			`Card Reader: menu → "Switch to pairing mode".`,
			"Type the device code here and choose Pair.",
		}
	default:
		return []string{
			`On the terminal open "Manage POS pairing".`,
			"Create a new POS pairing.",
			`Select "Simple Cloud Integration".`,
			"Enter the pairing code the terminal shows.",
			"Optionally add a Pairing Nickname.",
			"Choose Pair.",
		}
	}
}

// pairStepsCompact is PairSteps as one short paragraph for small terminals.
func pairStepsCompact(id string) string {
	switch id {
	case providers.SmartConnect:
		return "On the terminal: Settings → Pair with POS (or MENU → CONFIG → POS INTEGRATIONS → AUTHORISE POS). Type the code at once: it refreshes every minute or two."
	case providers.Helcim:
		return `On the device: log in → "Switch" → Continue (Card Reader: "Switch to pairing mode"). Type the 4-character device code here.`
	default:
		return "On the terminal: Manage POS pairing → new POS pairing → Simple Cloud Integration. Then type the code here and press enter."
	}
}

// UnpairSteps is what to do on the terminal for providers without a
// POS-side unpair ("" for SCI).
func UnpairSteps(id string) string {
	switch id {
	case providers.SmartConnect:
		return "SmartConnect has no unpair from the register: unpair on the terminal (MENU → CONFIG → POS INTEGRATIONS; PAX A920: Smartpay/SmartConnect app → Settings), then forget it here."
	case providers.Helcim:
		return `To stop using the device from this register, switch it back to standalone mode on the terminal (Helcim app menu), then forget it here.`
	}
	return ""
}
