package demo

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the player's keys. Every other key is swallowed: in a demo only
// the script types into the app.
type KeyMap struct {
	Pause   key.Binding
	Forward key.Binding
	Back    key.Binding
	Quit    key.Binding
}

// DefaultKeys are space, →, ← and q (ctrl+c also quits).
func DefaultKeys() KeyMap {
	return KeyMap{
		Pause:   key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause")),
		Forward: key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "next")),
		Back:    key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "back")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}
