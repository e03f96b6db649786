package widgets

import (
	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

// DeviceKind is how a provider's terminal behaves, which decides how the
// pane draws it and what the terminal keys do.
type DeviceKind int

const (
	// DeviceConfirms shows a code that expires, then asks to confirm the
	// pairing with a confirmation code.
	DeviceConfirms DeviceKind = iota
	// DeviceRefreshes shows a code that refreshes, pairs without a confirm
	// step and lists the registers paired to it.
	DeviceRefreshes
	// DeviceFixedCode has its own fixed code, shown in pairing mode; it
	// shows the pings it gets and may be put to sleep.
	DeviceFixedCode
)

// DeviceKindOf is the kind of a provider's terminal, from its descriptor.
func DeviceKindOf(d *providers.Descriptor) DeviceKind {
	switch {
	case d.Model == providers.DeviceCode:
		return DeviceFixedCode
	case !d.Confirms:
		return DeviceRefreshes
	}
	return DeviceConfirms
}

// Helcim device screens besides idle (standalone) and pairing_code.
const (
	ScreenPing   = "ping"
	ScreenAsleep = "asleep"
)

// smartConnectBody draws a SmartConnect terminal: its code refreshes
// rather than expires, and it lists the registers paired to it. ok is false
// for screens the shared drawing covers.
func (p TerminalPane) smartConnectBody(st *theme.Styles, wrap func(string) string) ([]string, bool) {
	v := p.View
	switch v.Screen {
	case ScreenPairingCode:
		out := []string{st.Faint.Render("Pair with POS — code"), st.Code.Render(GroupCode(v.PairingCode))}
		if c := p.countdown(); c != "" {
			out = append(out, st.Faint.Render("refreshes in "+c))
		}
		return append(out, "", wrap(st.Text.Render("Enter this code in the POS now."))), true
	case ScreenPaired:
		out := []string{st.Success.Render(pairedSummary(v.Pairings)), ""}
		for _, pr := range current(v.Pairings) {
			out = append(out, Truncate(st.Text.Render("• "+pr.label()), 40))
		}
		return out, true
	case ScreenIdle, "":
		return []string{st.Text.Render("Idle"), "", wrap(st.Faint.Render("Not pairing: Settings → Pair with POS shows a code."))}, true
	}
	return nil, false
}

func (p TerminalPane) smartConnectStrip(st *theme.Styles, head string) (string, bool) {
	v := p.View
	switch v.Screen {
	case ScreenPairingCode:
		s := head + st.Text.Render("code ") + st.Code.Render(GroupCode(v.PairingCode))
		if c := p.countdown(); c != "" {
			s += st.Faint.Render(" (refreshes " + c + ")")
		}
		return s, true
	case ScreenPaired:
		return head + st.Success.Render(pairedSummary(v.Pairings)), true
	}
	return "", false
}

// helcimBody draws a Helcim device: standalone, pairing mode with its
// device code, the ping message, or asleep.
func (p TerminalPane) helcimBody(st *theme.Styles, wrap func(string) string) []string {
	v := p.View
	switch v.Screen {
	case ScreenPairingCode:
		return []string{st.Faint.Render("Pairing mode — device code"), st.Code.Render(v.PairingCode), "", wrap(st.Text.Render(v.Message))}
	case ScreenPing:
		return []string{st.Success.Render(v.Message), "", st.Faint.Render("Device code ") + st.Value.Render(v.PairingCode)}
	case ScreenAsleep:
		return []string{st.Warning.Render("Asleep"), "", wrap(st.Faint.Render(v.Message))}
	default:
		return []string{st.Text.Render("Standalone mode"), "", wrap(st.Faint.Render(v.Message))}
	}
}

func (p TerminalPane) helcimStrip(st *theme.Styles, head string) string {
	v := p.View
	switch v.Screen {
	case ScreenPairingCode:
		return head + st.Text.Render("pairing mode, code ") + st.Code.Render(v.PairingCode)
	case ScreenPing:
		return head + st.Success.Render(v.Message)
	case ScreenAsleep:
		return head + st.Warning.Render("asleep")
	default:
		return head + st.Text.Render("standalone mode")
	}
}
