// Package screens holds tillpair's screens. Each is a small component that
// renders from its own view-model and turns keys into intent messages
// (PairMsg, CancelMsg, …); the root model in package ui performs the I/O and
// answers with new screens. That keeps every screen renderable from plain
// data in goldens.
package screens

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

// Screen is one full-body view.
type Screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	help.KeyMap
}

// Typer is implemented by screens with a text field. While Typing reports
// true, single-letter global keys (q, ?) belong to the field.
type Typer interface{ Typing() bool }

// ID names a screen for navigation.
type ID int

const (
	Unpaired ID = iota + 1
	Confirming
	Paired
	ErrorView
	// Setup is SmartConnect's register identity form.
	Setup
)

// Common is what every screen shares.
type Common struct {
	Styles *theme.Styles
	Clock  clockwork.Clock
	// Product is the provider's display name, e.g. "Simple Cloud Integration".
	Product string
	// Provider is the provider id (sci, smartconnect, helcim).
	Provider string
	// Caps are the provider's capabilities (which steps apply).
	Caps providers.Capabilities
	// StaticSpinner freezes spinners on their first frame, for goldens.
	StaticSpinner bool
}

// Intent messages: a screen asks, the root acts.
type (
	// PairMsg asks to pair with a normalised code.
	PairMsg struct{ Code, Nickname string }
	// CancelMsg cancels a pairing awaiting confirmation (unpairs it).
	CancelMsg struct{ PairingID string }
	// TestMsg checks a pairing with the cloud.
	TestMsg struct{ PairingID string }
	// UnpairMsg unpairs (remote, then local).
	UnpairMsg struct{ PairingID string }
	// ForgetMsg removes a pairing locally only.
	ForgetMsg struct{ PairingID string }
	// WaitAgainMsg resumes waiting for the terminal's confirmation.
	WaitAgainMsg struct{ PairingID string }
	// NavigateMsg switches screens; the root builds the screen from its state.
	NavigateMsg struct{ To ID }
	// SaveRegisterMsg asks to save SmartConnect's register identity.
	SaveRegisterMsg struct {
		RegisterName, BusinessName, VendorName string
		RegenerateID                           bool
	}
	// PickProviderMsg switches to another provider ("" keeps the current one).
	PickProviderMsg struct{ Provider string }
)

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
