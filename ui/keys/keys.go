// Package keys holds the key bindings the root model owns. Screens define
// their own maps next to their code; the footer shows the active screen's
// bindings followed by these.
package keys

import "github.com/charmbracelet/bubbles/key"

// Global keys work on every screen. Quit's "q" and Help's "?" are ignored
// while a text field has focus, so they can be typed.
type Global struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
}

// NewGlobal returns the global bindings.
func NewGlobal() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// Terminal keys drive the sandbox's virtual terminal. They are control
// chords so they work while the Pairing Code field has focus, and none of
// them is bound by bubbles' text input (ctrl+u, its delete-line, is avoided).
type Terminal struct {
	NewCode key.Binding
	Confirm key.Binding
	Unpair  key.Binding
}

// NewTerminal returns the virtual-terminal bindings.
func NewTerminal() Terminal {
	return Terminal{
		NewCode: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "new code")),
		Confirm: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "confirm")),
		Unpair:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "unpair")),
	}
}

// Bindings lists the terminal keys for help; the footer prefixes them with
// "terminal:" so the short descriptions stay unambiguous.
func (t Terminal) Bindings() []key.Binding { return []key.Binding{t.NewCode, t.Confirm, t.Unpair} }
