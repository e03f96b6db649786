package screens

import (
	"fmt"
	"time"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// The paired screen's provider-specific parts: SmartConnect and Helcim have
// no POS-side unpair, so they offer Forget with the on-terminal step, and
// their Test asks the terminal itself.

func (s *PairedScreen) desc() *providers.Descriptor { return descriptor(s.c.Provider) }

// ForgetHelp names the forget action in help and menus.
func ForgetHelp(provider string) string { return wording.TextsOf(descriptor(provider)).ForgetHelp }

// ForgetWhere says where a forget takes effect: here, not on the terminal.
// "register" is the word for this POS everywhere (design.md), whatever the
// provider.
func ForgetWhere(_ string) string {
	return "on this register"
}

// TestingText names what Test waits for, in the provider's terms.
func TestingText(provider string) string { return wording.TextsOf(descriptor(provider)).Testing }

// TestedText is the outcome of a successful Test checked at at.
func TestedText(provider string, at time.Time) string {
	return wording.Tested(descriptor(provider), at)
}

func (s *PairedScreen) spinView() string { return s.spin.View() }

func (s *PairedScreen) elapsed() string {
	d := max(s.c.Clock.Since(s.started), 0).Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// buttons are the paired screen's actions: Test the way on, Unpair or
// Forget in the danger role, the rest aside.
func (s *PairedScreen) buttons(forget bool) string {
	st := s.c.Styles
	remove := widgets.Button(st, "Unpair", "u", widgets.Danger)
	if forget {
		remove = widgets.Button(st, "Forget", "f", widgets.Danger)
	}
	setup := ""
	if s.keys.Setup.Enabled() {
		setup = widgets.Button(st, "Setup", "s", widgets.Secondary)
	}
	return widgets.Buttons(widgets.Button(st, "Test", "t", widgets.Primary), remove,
		widgets.Button(st, "Add pairing", "a", widgets.Secondary), setup)
}

// actions are the buttons and, since unpairing happens on the terminal,
// where to do it.
func (s *PairedScreen) actions() []string {
	st := s.c.Styles
	return []string{widgets.Para(st.Faint, UnpairSteps(s.c.Provider), max(s.w, 20)), "", s.buttons(true)}
}
