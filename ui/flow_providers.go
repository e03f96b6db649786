package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// Switching providers and a provider's register setup.

type (
	// registerMsg answers loadRegisterCmd; then is where to go when an
	// identity exists.
	registerMsg struct {
		req
		id   providers.RegisterIdentity
		ok   bool
		err  error
		then screens.ID
	}
	registerSavedMsg struct {
		req
		change pairing.RegisterChange
		err    error
	}
)

func (m *Model) loadRegisterCmd(then screens.ID) tea.Cmd {
	svc, r := m.env.svc, m.ask(reqOther)
	return func() tea.Msg {
		id, ok, err := svc.Register()
		return registerMsg{req: r, id: id, ok: ok, err: err, then: then}
	}
}

func (m *Model) saveRegisterCmd(in screens.SaveRegisterMsg) tea.Cmd {
	svc, r := m.env.svc, m.ask(reqOther)
	return func() tea.Msg {
		ch, err := svc.SaveRegister(pairing.RegisterInput{
			RegisterName: in.RegisterName, BusinessName: in.BusinessName, VendorName: in.VendorName,
			RegenerateID: in.RegenerateID,
		})
		return registerSavedMsg{req: r, change: ch, err: err}
	}
}

// handleProviderFlow is handleFlow's part for the messages of this file.
func (m *Model) handleProviderFlow(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case screens.PickProviderMsg:
		return m.pickProvider(msg.Provider), true
	case screens.SaveRegisterMsg:
		return m.saveRegisterCmd(msg), true
	case registerMsg:
		if msg.err != nil {
			return m.showError(screenArgs{err: msg.err, back: screens.Unpaired}), true
		}
		m.register = registerState{id: msg.id, ok: msg.ok}
		// The pairings were drawn before the identity was known.
		m.tell(screens.NoteMsg{Note: m.registerNote()}, screens.Unpaired)
		m.tell(screens.PairingsMsg{Pairings: m.shownPairings(), IfIdle: true}, screens.Paired)
		if !m.desc().Register.Asks() {
			// No fields to ask (a generated id alone): no setup screen.
			return nil, true
		}
		if !msg.ok || msg.then == screens.Setup {
			return m.open(screens.Setup, screenArgs{}), true
		}
		if m.on(screens.Picker) || msg.then != screens.Unpaired {
			return m.navigate(msg.then), true
		}
		return nil, true
	case registerSavedMsg:
		return m.registerSaved(msg), true
	}
	return nil, false
}

// pairingWaits: a pairing of this run awaits confirmation (on its screen,
// or on an error screen that returns to it), so the provider stays put.
func (m *Model) pairingWaits() bool { return m.run.waiting != "" }

// providerKey is the provider binding as the footer offers it: hidden where
// pressing it is refused.
func (m *Model) providerKey() key.Binding {
	b := m.keys.global.Provider
	if m.on(screens.Picker) || m.pairingWaits() {
		b.SetEnabled(false)
	}
	return b
}

// openPicker shows the provider list; a pairing waiting for confirmation
// must be finished or cancelled first, so none is left half made.
func (m *Model) openPicker() tea.Cmd {
	if m.on(screens.Picker) {
		return nil
	}
	if m.pairingWaits() {
		m.setStatus(widgets.StatusWarning, "Finish or cancel this pairing before switching provider")
		return nil
	}
	if m.pairingBusy() {
		// Its answer may be a pairing awaiting confirmation, which must be
		// shown (and confirmed or cancelled) on its own provider.
		m.setStatus(widgets.StatusWarning, pairingBusyText)
		return nil
	}
	m.kept[screens.Picker] = m.screen
	return m.open(screens.Picker, screenArgs{})
}

func (m *Model) pickProvider(id string) tea.Cmd {
	back := m.kept[screens.Picker]
	delete(m.kept, screens.Picker)
	if id == "" || id == m.c.Provider {
		var show tea.Cmd
		if back == nil {
			show = m.navigate(screens.Unpaired)
		} else {
			show = m.show(back)
		}
		if id == "" {
			return show
		}
		// The provider shown, chosen again: entering its pairing section
		// re-checks them (SCIPAIRING10), as switching to it does.
		return tea.Batch(show, m.entryCmd())
	}
	m.setProvider(id)
	m.settle()
	delete(m.kept, screens.Unpaired)
	m.cache = renderCache{}
	m.setStatus(widgets.StatusInfo, "Provider: "+m.c.Product)
	// What is known now is shown at once; the entry check then does what
	// starting on this provider does: resume a pairing awaiting
	// confirmation and re-check (silent checks) or re-read the pairings.
	var show tea.Cmd
	if len(m.active()) > 0 {
		show = m.open(screens.Paired, screenArgs{})
	} else {
		show = m.navigate(screens.Unpaired)
	}
	cmds := []tea.Cmd{show, m.entryCmd()}
	if m.desc().Register != nil {
		// The identity decides between setup and the pairing screens.
		cmds = append(cmds, m.loadRegisterCmd(screens.Unpaired))
	}
	return tea.Batch(cmds...)
}

func (m *Model) registerSaved(msg registerSavedMsg) tea.Cmd {
	onSetup := m.on(screens.Setup) && m.screen == msg.asker
	if msg.err != nil {
		if onSetup {
			return m.reply(msg.req, screens.SaveFailedMsg{Line: screens.Describe(msg.err).Line})
		}
		return m.showError(screenArgs{err: msg.err, back: screens.Setup})
	}
	m.register = registerState{id: msg.change.Identity, ok: true}
	if msg.change.NeedsRepair && onSetup {
		return m.reply(msg.req, screens.SavedMsg{Identity: msg.change.Identity, Reasons: msg.change.Reasons})
	}
	cmd := m.navigate(screens.Paired)
	m.setStatus(widgets.StatusSuccess, "Register identity saved")
	if msg.change.NeedsRepair {
		m.setStatus(widgets.StatusWarning, "Re-pairing is needed: pair this register with the terminal again")
	}
	if len(msg.change.Reasons) > 0 {
		m.setStatus(widgets.StatusWarning, msg.change.Reasons[0])
	}
	return cmd
}

// registerNote names the register identity the provider pairs with, and
// how to change it, on the pairing form of a provider that has one.
func (m *Model) registerNote() string {
	if !m.desc().Register.Asks() || !m.register.ok {
		return ""
	}
	return "Register " + screens.Quote(m.register.id.RegisterName) + " of " + m.register.id.BusinessName + " — ctrl+e to change"
}
