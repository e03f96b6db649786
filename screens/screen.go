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

// Screen is one full-body view: the root model's only contract with a
// screen. It builds screens by ID, routes keys and the answers the screen
// waits for (the update messages below) through Update, and sizes it.
type Screen interface {
	// ID is which screen this is.
	ID() ID
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
	// Setup is the register identity form of a provider that has one.
	Setup
	// Picker lists the providers.
	Picker
	// ShowCode shows a code the POS obtained (code_from_pos pairing model).
	ShowCodeView
)

// Pristiner is implemented by a form that can tell nothing was typed yet.
type Pristiner interface{ Pristine() bool }

// Common is what every screen shares.
type Common struct {
	Styles *theme.Styles
	Clock  clockwork.Clock
	// Product is the provider's display name, e.g. "Simple Cloud Integration".
	Product string
	// Provider is the provider id (sci, smartconnect, helcim).
	Provider string
	// ValidateCode is the pairing session's code check for the provider
	// (pairing.Service.ValidateCode): the normalised code, or why it is
	// refused. nil: codes are sent as typed.
	ValidateCode func(raw string) (string, error)
	// StaticSpinner freezes spinners on their first frame, for goldens.
	StaticSpinner bool
}

// Intent messages: a screen asks, the root acts.
type (
	// PairMsg asks to pair with a code normalised by Common.ValidateCode.
	// Inputs are the descriptor's pair inputs by name (Linkly's username
	// and password), for this one request: never kept for a retry.
	PairMsg struct {
		Code, Nickname string
		Inputs         map[string]providers.Secret
	}
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
	// RefreshMsg re-checks the pairings now, as entering them does.
	RefreshMsg struct{}
	// PickProviderMsg switches to another provider ("" keeps the current one).
	PickProviderMsg struct{ Provider string }
)

// Update messages: the root tells a screen what became of what it asked
// for, or what changed around it.
type (
	// PairingsMsg replaces the paired screen's list and ends its busy
	// note. IfIdle leaves a screen alone that is testing or asking.
	PairingsMsg struct {
		Pairings []providers.Pairing
		IfIdle   bool
	}
	// TestedMsg ends a Test: the paired screen's busy note; the
	// confirming screen shows Note (may be "").
	TestedMsg struct{ Note string }
	// TestPassedMsg: a Test found the pairing active; the paired screen
	// shows Line by its Test button.
	TestPassedMsg struct{ Line string }
	// WaitingMsg: a confirmation poll said "not yet".
	WaitingMsg struct{ Attempt int }
	// WarnMsg shows a warning while the confirmation wait goes on.
	WarnMsg struct{ Line string }
	// TimedOutMsg: the confirm window passed; the wait has stopped.
	TimedOutMsg struct{ Line string }
	// CancelStartedMsg shows a cancel started elsewhere (quitting).
	CancelStartedMsg struct{}
	// CancelFailedMsg re-enables the confirming screen after a failed
	// cancel.
	CancelFailedMsg struct{}
	// BusyMsg: a pair request from the form is in flight (or answered).
	BusyMsg struct{ Busy bool }
	// NoteMsg sets the line under the form's title ("" for none).
	NoteMsg struct{ Note string }
	// BannerMsg shows the form with an error it is shown for (Line) and
	// what to do (Next), until a pair request is sent.
	BannerMsg struct{ Line, Next string }
	// CanGoBackMsg enables the form's way back to the pairings.
	CanGoBackMsg struct{ OK bool }
	// SaveFailedMsg: the register identity was refused; Line says why.
	SaveFailedMsg struct{ Line string }
	// SavedMsg: the identity was saved but needs re-pairing, for Reasons.
	SavedMsg struct {
		Identity providers.RegisterIdentity
		Reasons  []string
	}
)

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
