// Package keys holds the key bindings the root model owns. Screens define
// their own maps next to their code; the footer shows the active screen's
// bindings followed by these.
package keys

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// TypingHelpKey opens and closes the help while a text field has focus,
// where ? is typed. ctrl+g because nothing else wants it: bubbles'
// textinput binds no ctrl+g, terminals pass it on as BEL, tmux leaves it
// alone, whereas ctrl+h is backspace in many terminals and F1 opens
// GNOME Terminal's own help (F1 is bound too, for where it arrives).
const TypingHelpKey = "ctrl+g"

// Global keys work on every screen. Quit's "q" and Help's "?" are ignored
// while a text field has focus, so they can be typed; HelpFor gives the
// help toggle that works there.
type Global struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
	// Provider opens the provider picker; Setup opens SmartConnect's
	// register setup. Both are ctrl keys so they work while a field has
	// focus.
	Provider key.Binding
	Setup    key.Binding
}

// NewGlobal returns the global bindings.
func NewGlobal() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?", "f1", TypingHelpKey), key.WithHelp("?", "help")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Provider:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "provider")),
		Setup:     key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "register setup"), key.WithDisabled()),
	}
}

// HelpFor is the help toggle as a screen offers it: with a text field
// focused (typing) ? is typed, so only ctrl+g and F1 toggle and the help
// names ctrl+g; while the help is open the toggle reads "close help". The
// root model matches keys against it, before the typing check, and shows
// it in the footer, so the help can be opened and closed on every screen.
func (g Global) HelpFor(typing, open bool) key.Binding {
	b := g.Help
	desc := "help"
	if open {
		desc = "close help"
	}
	if typing {
		b.SetKeys("f1", TypingHelpKey)
		b.SetHelp(TypingHelpKey, desc)
		return b
	}
	b.SetHelp("?", desc)
	return b
}

// Terminal keys drive the sandbox's virtual terminal. They are control
// chords so they work while the Pairing Code field has focus, and none of
// them is bound by bubbles' text input (ctrl+u, its delete-line, is avoided).
type Terminal struct {
	NewCode key.Binding
	Confirm key.Binding
	Unpair  key.Binding
	// Sleep puts a Helcim device to sleep or wakes it.
	Sleep key.Binding
}

// NewTerminal returns the virtual-terminal bindings.
func NewTerminal() Terminal {
	return Terminal{
		NewCode: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "new code")),
		Confirm: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "confirm")),
		Unpair:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "unpair")),
		Sleep:   key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", "sleep/wake"), key.WithDisabled()),
	}
}

// ForProvider words the keys for what the provider's terminal does (its
// descriptor's widgets.DeviceKind): only a terminal that confirms has a
// confirm step, only a device with a fixed code sleeps.
func (t *Terminal) ForProvider(d *providers.Descriptor) {
	kind := widgets.DeviceKindOf(d)
	newCode, unpair := "new code", "unpair"
	switch kind {
	case widgets.DeviceRefreshes:
		newCode = "show code"
	case widgets.DeviceFixedCode:
		newCode, unpair = "pairing mode", "standalone"
	}
	t.NewCode.SetHelp("ctrl+p", newCode)
	t.Unpair.SetHelp("ctrl+x", unpair)
	t.NewCode.SetEnabled(true)
	t.Unpair.SetEnabled(true)
	t.Confirm.SetEnabled(kind == widgets.DeviceConfirms)
	t.Sleep.SetEnabled(kind == widgets.DeviceFixedCode)
}

// Disable turns every terminal key off (no sandbox, no pane).
func (t *Terminal) Disable() {
	for _, b := range []*key.Binding{&t.NewCode, &t.Confirm, &t.Unpair, &t.Sleep} {
		b.SetEnabled(false)
	}
}

// Bindings lists the terminal keys for help; the footer prefixes them with
// "terminal:" so the short descriptions stay unambiguous.
func (t Terminal) Bindings() []key.Binding {
	var out []key.Binding
	for _, b := range []key.Binding{t.NewCode, t.Confirm, t.Unpair, t.Sleep} {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}
