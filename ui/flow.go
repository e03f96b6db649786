package ui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// handleFlow answers intents from screens and results of service calls.
func (m *Model) handleFlow(msg tea.Msg) (tea.Cmd, bool) {
	if cmd, ok := m.handleProviderFlow(msg); ok {
		return cmd, true
	}
	switch msg := msg.(type) {
	case screens.NavigateMsg:
		return m.navigate(msg.To), true
	case screens.PairMsg:
		m.setStatus(widgets.StatusInfo, "Pairing…")
		m.pairsInFlight++
		return m.pairCmd(msg), true
	case screens.CancelMsg:
		m.stopAwait()
		return m.cancelCmd(msg.PairingID), true
	case screens.TestMsg:
		return m.testCmd(msg.PairingID), true
	case screens.UnpairMsg:
		return m.removeCmd(msg.PairingID, false), true
	case screens.ForgetMsg:
		return m.removeCmd(msg.PairingID, true), true
	case screens.WaitAgainMsg:
		return m.awaitCmd(msg.PairingID), true

	case refreshedMsg:
		if msg.gen != m.listGen {
			return nil, true
		}
		return m.applyRefresh(msg), true
	case pairDoneMsg:
		m.pairsInFlight--
		return m.pairDone(msg), true
	case awaitEventMsg:
		if msg.gen != m.awaitGen {
			return nil, true
		}
		if m.confirming != nil && m.confirming.PairingID() == msg.ev.PairingID {
			switch msg.ev.Type {
			case pairing.EventWaiting:
				m.confirming.Waiting(msg.ev.Attempt)
			case pairing.EventNetworkWarning:
				m.confirming.Warn(screens.Describe(msg.ev.Err).Line)
			}
		}
		return listen(m.ctx, m.awaitCh), true
	case awaitDoneMsg:
		if msg.gen != m.awaitGen {
			return nil, true
		}
		m.cancelAwait = nil
		return m.awaitDone(msg), true
	case cancelDoneMsg:
		if msg.err != nil {
			return m.cancelFailed(msg), true
		}
		m.pairings = msg.pairings
		m.form = screens.NewUnpaired(m.c, m.spec, len(m.active()) > 0)
		cmd := m.show(m.form)
		m.setStatus(widgets.StatusInfo, "Pairing cancelled; nothing is left paired on the terminal")
		return cmd, true
	case testDoneMsg:
		return m.testDone(msg), true
	case removedMsg:
		return m.removed(msg), true
	}
	return nil, false
}

func (m *Model) navigate(to screens.ID) tea.Cmd {
	switch to {
	case screens.Paired:
		if len(m.active()) == 0 {
			return m.navigate(screens.Unpaired)
		}
		if !checksOnEntry(m.desc()) {
			return tea.Batch(m.show(screens.NewPaired(m.c, m.shownPairings(), m.justPaired)), m.listCmd())
		}
		// SCIPAIRING10: re-check pairing-info whenever the pairings are viewed.
		// Back from an error keeps the success message of the pairing just
		// made.
		return tea.Batch(m.show(screens.NewPaired(m.c, m.shownPairings(), m.justPaired)), m.refreshCmd())
	case screens.Setup:
		if m.desc().Register == nil {
			return nil
		}
		return m.loadRegisterCmd(screens.Setup)
	case screens.Confirming:
		if c := m.confirmingBack; c != nil {
			m.confirmingBack = nil
			c.CancelFailed()
			return tea.Batch(m.show(c), m.awaitCmd(c.PairingID()))
		}
		return m.navigate(screens.Paired)
	default:
		if m.form == nil {
			m.form = screens.NewUnpaired(m.c, m.spec, false)
		}
		m.form.SetCanGoBack(len(m.active()) > 0)
		return m.show(m.form)
	}
}

// applyRefresh takes the entry check's outcome to the right screen.
func (m *Model) applyRefresh(msg refreshedMsg) tea.Cmd {
	if msg.err != nil {
		return m.show(screens.NewError(m.c, msg.err, nil, screens.Unpaired, ""))
	}
	m.pairings = msg.pairings
	for _, r := range msg.results {
		if r.Pairing.Provider != m.provider {
			continue
		}
		gone := r.Pairing.Status == providers.StatusUnpaired ||
			(providers.KindOf(r.Err) == providers.KindNotPaired && r.Pairing.Status != providers.StatusAwaitingConfirmation)
		if gone {
			back := screens.Unpaired
			if len(m.active()) > 0 {
				back = screens.Paired
			}
			err := r.Err
			if err == nil {
				err = &providers.Error{Provider: r.Pairing.Provider, Kind: providers.KindNotPaired}
			}
			return m.show(screens.NewError(m.c, err, nil, back, r.Pairing.ID).About(screens.DisplayName(r.Pairing)))
		}
		switch providers.KindOf(r.Err) {
		case providers.KindNetwork, providers.KindTimeout:
			m.setStatus(widgets.StatusWarning, screens.TextNetwork)
		}
	}
	for _, r := range msg.results {
		if r.Pairing.Provider == m.provider && secretMissing(r.Err) {
			return m.cannotSign(r.Err, r.Pairing.ID)
		}
	}
	if m.confirming == nil {
		for _, p := range m.pairings {
			if p.Provider == m.provider && p.Status == providers.StatusAwaitingConfirmation {
				// A pairing left waiting by an earlier run: resume it, so it is
				// either confirmed or cancelled, never left half-made.
				return tea.Batch(m.show(screens.NewConfirming(m.c, p, m.static)), m.awaitCmd(p.ID))
			}
		}
	}
	switch s := m.screen.(type) {
	case *screens.PairedScreen:
		if len(m.active()) == 0 {
			return m.navigate(screens.Unpaired)
		}
		s.SetPairings(m.shownPairings())
		return nil
	case *screens.UnpairedScreen:
		if len(m.active()) > 0 && s == m.form && s.Pristine() {
			return m.show(screens.NewPaired(m.c, m.shownPairings(), ""))
		}
	}
	return nil
}

func (m *Model) pairDone(msg pairDoneMsg) tea.Cmd {
	m.setStatus(widgets.StatusNone, "")
	if msg.err != nil {
		return m.show(screens.NewError(m.c, msg.err, msg.in, screens.Unpaired, ""))
	}
	m.form = nil
	if msg.p.Status == providers.StatusAwaitingConfirmation {
		return tea.Batch(m.show(screens.NewConfirming(m.c, msg.p, m.static)), m.awaitCmd(msg.p.ID))
	}
	return m.pairedNow(msg.p)
}

// pairedNow shows the success screen for a pairing that just became active.
func (m *Model) pairedNow(p providers.Pairing) tea.Cmd {
	m.stopAwait()
	m.confirmingBack = nil
	m.upsert(p)
	m.justPaired = p.ID
	return m.show(screens.NewPaired(m.c, m.shownPairings(), p.ID))
}

func (m *Model) upsert(p providers.Pairing) {
	for i := range m.pairings {
		if m.pairings[i].ID == p.ID && m.pairings[i].Provider == p.Provider {
			m.pairings[i] = p
			return
		}
	}
	m.pairings = append(m.pairings, p)
}

func (m *Model) awaitDone(msg awaitDoneMsg) tea.Cmd {
	switch {
	case msg.err == nil:
		return m.pairedNow(msg.p)
	case providers.KindOf(msg.err) == providers.KindCanceled:
		return nil
	case providers.KindOf(msg.err) == providers.KindTimeout && m.confirming != nil:
		// The confirm window passed: the pairing is still waiting on the
		// terminal; the merchant chooses to keep waiting or cancel.
		line := "Not confirmed in time"
		if pe, ok := providers.AsError(msg.err); ok && pe.Message != "" {
			line = pe.Message
		}
		m.confirming.TimedOut(line)
		return nil
	case secretMissing(msg.err) && m.confirming != nil:
		return m.cannotSign(msg.err, m.confirming.PairingID())
	default:
		m.confirmingBack = m.confirming
		return m.show(screens.NewError(m.c, msg.err, screens.WaitAgainMsg{PairingID: msg.p.ID}, screens.Confirming, ""))
	}
}

// cancelFailed keeps the pairing's way back to its confirming screen (also
// when the cancel was retried from the error screen, where no confirming
// screen is shown) and says what failed: the pairing still waits on the
// terminal and r tries the cancel again.
func (m *Model) cancelFailed(msg cancelDoneMsg) tea.Cmd {
	if m.confirming != nil {
		m.confirmingBack = m.confirming
	}
	if secretMissing(msg.err) {
		return m.cannotSign(msg.err, msg.id)
	}
	es := screens.NewCancelFailed(m.c, msg.err, screens.CancelMsg{PairingID: msg.id}, screens.Confirming).About(m.nameOf(msg.id))
	cmd := m.show(es)
	text := "Cancel failed: pairing still waiting on the terminal"
	if es.Wording().Retry {
		text += " — r retries the cancel"
	}
	m.setStatus(widgets.StatusError, text)
	return cmd
}

// secretMissing: the pairing's own signing secret is not in this
// register's keyring, so the call failed here before anything was sent.
// Only forgetting the pairing and pairing again helps. A missing Part A is
// the integration's set-up, not the pairing's, and is not matched.
func secretMissing(err error) bool {
	var sm *pairing.SecretMissingError
	return errors.As(err, &sm)
}

// cannotSign shows that pairing id cannot be used from this till and offers
// to forget it. Nothing is left to wait for or to cancel from here (a
// cancel needs the same secret), so the screen does not return to the
// confirming screen, and switching provider stays possible.
func (m *Model) cannotSign(err error, id string) tea.Cmd {
	m.stopAwait()
	m.confirmingBack = nil
	back := screens.Unpaired
	if len(m.active()) > 0 {
		back = screens.Paired
	}
	// The error's wording offers Forget for id, the way out.
	return m.show(screens.NewError(m.c, err, nil, back, id).About(m.nameOf(id)))
}

func (m *Model) testDone(msg testDoneMsg) tea.Cmd {
	if m.confirming != nil && m.confirming.PairingID() == msg.id {
		switch {
		case msg.err == nil && msg.p.Status == providers.StatusActive:
			return m.pairedNow(msg.p)
		case msg.err == nil || providers.KindOf(msg.err) == providers.KindNotPaired:
			m.confirming.TestDone("Not confirmed on the terminal yet")
		case secretMissing(msg.err):
			return m.cannotSign(msg.err, msg.id)
		default:
			m.confirming.TestDone(screens.Describe(msg.err).Line)
		}
		return nil
	}
	if ps, ok := m.screen.(*screens.PairedScreen); ok {
		ps.Done()
	}
	if secretMissing(msg.err) {
		return m.cannotSign(msg.err, msg.id)
	}
	if msg.err != nil {
		back := screens.Paired
		if providers.KindOf(msg.err) == providers.KindNotPaired {
			m.markUnpaired(msg.id)
			if len(m.active()) == 0 {
				back = screens.Unpaired
			}
		}
		return m.show(screens.NewError(m.c, msg.err, screens.TestMsg{PairingID: msg.id}, back, msg.id).About(m.nameOf(msg.id)))
	}
	m.upsert(msg.p)
	var cmd tea.Cmd
	ps, ok := m.screen.(*screens.PairedScreen)
	if ok {
		ps.SetPairings(m.shownPairings())
	} else {
		// A Test retried from the error screen succeeded: leave the error.
		ps = screens.NewPaired(m.c, m.shownPairings(), m.justPaired)
		cmd = m.show(ps)
	}
	// The outcome shows by the Test button that asked for it.
	ps.Tested(screens.TestedText(m.provider, m.clock.Now()))
	return cmd
}

// nameOf is how a pairing is named to the merchant: its nickname, else id.
func (m *Model) nameOf(id string) string {
	for _, p := range m.pairings {
		if p.ID == id {
			return screens.DisplayName(p)
		}
	}
	return id
}

func (m *Model) markUnpaired(id string) {
	for i := range m.pairings {
		if m.pairings[i].ID == id {
			m.pairings[i].Status = providers.StatusUnpaired
		}
	}
}

func (m *Model) removed(msg removedMsg) tea.Cmd {
	if msg.err != nil {
		var retry tea.Msg = screens.UnpairMsg{PairingID: msg.id}
		if msg.forgot {
			retry = screens.ForgetMsg{PairingID: msg.id}
		}
		return m.show(screens.NewError(m.c, msg.err, retry, screens.Paired, msg.id).About(msg.name))
	}
	m.pairings = msg.pairings
	m.listGen++
	verb := "Unpaired"
	if msg.forgot {
		verb = "Forgot"
	}
	var cmd tea.Cmd
	if len(m.active()) > 0 {
		cmd = m.show(screens.NewPaired(m.c, m.shownPairings(), ""))
	} else {
		m.form = screens.NewUnpaired(m.c, m.spec, false)
		cmd = m.show(m.form)
	}
	m.setStatus(widgets.StatusSuccess, verb+" "+screens.Quote(msg.name))
	return cmd
}
