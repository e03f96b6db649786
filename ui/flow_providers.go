package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// Switching providers and SmartConnect's register setup.

type (
	// registerMsg answers loadRegisterCmd; then is where to go when an
	// identity exists.
	registerMsg struct {
		stamp
		id   providers.RegisterIdentity
		ok   bool
		err  error
		then screens.ID
	}
	registerSavedMsg struct {
		stamp
		change pairing.RegisterChange
		err    error
	}
	// listedMsg answers listCmd: the pairings without a live check.
	listedMsg struct {
		stamp
		gen      int
		pairings []providers.Pairing
		err      error
	}
)

func (m *Model) loadRegisterCmd(then screens.ID) tea.Cmd {
	svc, st := m.svc, m.stamp()
	return func() tea.Msg {
		id, ok, err := svc.Register()
		return registerMsg{stamp: st, id: id, ok: ok, err: err, then: then}
	}
}

func (m *Model) saveRegisterCmd(in screens.SaveRegisterMsg) tea.Cmd {
	svc, st := m.svc, m.stamp()
	return func() tea.Msg {
		ch, err := svc.SaveRegister(pairing.RegisterInput{
			RegisterName: in.RegisterName, BusinessName: in.BusinessName, VendorName: in.VendorName,
			RegenerateID: in.RegenerateID,
		})
		return registerSavedMsg{stamp: st, change: ch, err: err}
	}
}

// listCmd re-reads the pairings without asking the clouds: Helcim counts
// every ping against a per-minute limit and SmartConnect's check waits on
// the terminal, so only SCI re-checks whenever its pairings are viewed.
func (m *Model) listCmd() tea.Cmd {
	svc, gen, st := m.svc, m.listGen, m.stamp()
	return func() tea.Msg {
		ps, err := svc.List()
		return listedMsg{stamp: st, gen: gen, pairings: ps, err: err}
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
			return m.show(screens.NewError(m.c, msg.err, nil, screens.Unpaired, "")), true
		}
		m.register, m.hasRegister = msg.id, msg.ok
		if f, ok := m.screen.(*screens.UnpairedScreen); ok {
			f.SetNote(m.registerNote())
		}
		if ps, ok := m.screen.(*screens.PairedScreen); ok && !ps.Testing() && !ps.Asking() {
			// The pairings were drawn before the identity was known.
			ps.SetPairings(m.shownPairings())
		}
		if m.desc().Register == nil {
			return nil, true
		}
		if !msg.ok || msg.then == screens.Setup {
			return m.show(screens.NewRegister(m.c, msg.id, msg.ok)), true
		}
		if _, onPicker := m.screen.(*screens.PickerScreen); onPicker || msg.then != screens.Unpaired {
			return m.navigate(msg.then), true
		}
		return nil, true
	case registerSavedMsg:
		return m.registerSaved(msg), true
	case listedMsg:
		if msg.gen != m.listGen {
			return nil, true
		}
		if msg.err != nil {
			return m.show(screens.NewError(m.c, msg.err, nil, screens.Unpaired, "")), true
		}
		return m.applyRefresh(refreshedMsg{stamp: msg.stamp, gen: msg.gen, pairings: msg.pairings}), true
	}
	return nil, false
}

// pairingWaits: a pairing of this run awaits confirmation (on its screen,
// or on an error screen that returns to it), so the provider stays put.
func (m *Model) pairingWaits() bool { return m.waitingPairing() != "" }

// providerKey is the provider binding as the footer offers it: hidden where
// pressing it is refused.
func (m *Model) providerKey() key.Binding {
	b := m.gkeys.Provider
	if _, on := m.screen.(*screens.PickerScreen); on || m.pairingWaits() {
		b.SetEnabled(false)
	}
	return b
}

// openPicker shows the provider list; a pairing waiting for confirmation
// must be finished or cancelled first, so none is left half made.
func (m *Model) openPicker() tea.Cmd {
	if _, on := m.screen.(*screens.PickerScreen); on {
		return nil
	}
	if m.pairingWaits() {
		m.setStatus(widgets.StatusWarning, "Finish or cancel this pairing before switching provider")
		return nil
	}
	if m.pairsInFlight > 0 {
		// Its answer may be a pairing awaiting confirmation, which must be
		// shown (and confirmed or cancelled) on its own provider.
		m.setStatus(widgets.StatusWarning, pairingBusyText)
		return nil
	}
	var items []screens.PickerItem
	for _, p := range m.svc.Providers() {
		items = append(items, screens.PickerItem{ID: p.ID(), Badge: m.badges[p.ID()]})
	}
	m.pickerBack = m.screen
	return m.show(screens.NewPicker(m.c, items))
}

func (m *Model) pickProvider(id string) tea.Cmd {
	back := m.pickerBack
	m.pickerBack = nil
	if id == "" || id == m.provider {
		if back == nil {
			return m.navigate(screens.Unpaired)
		}
		return m.show(back)
	}
	m.setProvider(id)
	m.stopAwait()
	m.form = nil
	m.confirmingBack = nil
	m.cache = renderCache{}
	m.setStatus(widgets.StatusInfo, "Provider: "+m.c.Product)
	// What is known now is shown at once; the entry check then does what
	// starting on this provider does: resume a pairing awaiting
	// confirmation and re-check (SCI) or re-read the pairings.
	var show tea.Cmd
	if len(m.active()) > 0 {
		show = m.show(screens.NewPaired(m.c, m.shownPairings(), ""))
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
	rs, onSetup := m.screen.(*screens.RegisterScreen)
	if msg.err != nil {
		if onSetup {
			rs.Failed(screens.Describe(msg.err).Line)
			return nil
		}
		return m.show(screens.NewError(m.c, msg.err, nil, screens.Setup, ""))
	}
	m.register, m.hasRegister = msg.change.Identity, true
	if msg.change.NeedsRepair && onSetup {
		rs.Saved(msg.change.Identity, msg.change.Reasons)
		return nil
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
	if m.desc().Register == nil || !m.hasRegister {
		return ""
	}
	return "Register " + screens.Quote(m.register.RegisterName) + " of " + m.register.BusinessName + " — ctrl+e to change"
}
