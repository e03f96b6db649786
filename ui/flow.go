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
	if cmd, ok := m.handleShowCodeFlow(msg); ok {
		return cmd, true
	}
	switch msg := msg.(type) {
	case screens.NavigateMsg:
		return m.navigate(msg.To), true
	case screens.PairMsg:
		m.setStatus(widgets.StatusInfo, "Pairing…")
		if m.phase == phaseIdle {
			m.phase = phasePairing
		}
		// Kept for a new code (code_from_pos); the one-time pair inputs
		// (a password) never are.
		m.pair.last = screens.PairMsg{Code: msg.Code, Nickname: msg.Nickname}
		return m.pairCmd(msg), true
	case screens.CancelMsg:
		m.stopAwait()
		m.phase = phaseCancelling
		return m.cancelCmd(msg.PairingID), true
	case screens.ShowCodeCancelled:
		// The cloud cannot withdraw a code the POS showed: the session's
		// cancel forgets the pending pairing here.
		m.stopAwait()
		m.phase = phaseCancelling
		return m.cancelCmd(msg.PairingID), true
	case screens.TestMsg:
		return m.testCmd(msg.PairingID), true
	case screens.UnpairMsg:
		return m.removeCmd(msg.PairingID, false), true
	case screens.ForgetMsg:
		return m.removeCmd(msg.PairingID, true), true
	case screens.WaitAgainMsg:
		return m.awaitCmd(msg.PairingID), true
	case screens.RefreshMsg:
		// The refresh key: the entry check, as entering the pairings does.
		m.setStatus(widgets.StatusInfo, checkingText)
		return m.entryCmd(), true

	case enteredMsg:
		return m.applyRefresh(msg), true
	case pairDoneMsg:
		return m.pairDone(msg), true
	case awaitEventMsg:
		if m.onAwaiting() && m.run.waiting == msg.ev.PairingID {
			switch msg.ev.Type {
			case pairing.EventWaiting:
				m.reply(msg.req, screens.WaitingMsg{Attempt: msg.ev.Attempt})
			case pairing.EventNetworkWarning:
				m.reply(msg.req, screens.WarnMsg{Line: screens.Describe(msg.ev.Err).Line})
			}
		}
		return listen(m.env.ctx, m.await.ch), true
	case awaitDoneMsg:
		m.await.cancel = nil
		return m.awaitDone(msg), true
	case cancelDoneMsg:
		if msg.err != nil {
			return m.cancelFailed(msg), true
		}
		if p, ok := confirmedIn(msg.pairings, msg.id); ok {
			// Confirmed on the terminal before the cancel reached it: the
			// session leaves a confirmed pairing alone.
			m.pairings = msg.pairings
			return m.pairedNow(p), true
		}
		m.settle()
		m.pairings = msg.pairings
		cmd := m.open(screens.Unpaired, screenArgs{})
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
		// SCIPAIRING10: the entry check re-checks pairing-info whenever
		// the pairings are viewed. Back from an error keeps the success
		// message of the pairing just made.
		return tea.Batch(m.open(screens.Paired, screenArgs{justPaired: m.run.justPaired}), m.entryCmd())
	case screens.Setup:
		if !m.desc().Register.Asks() {
			return nil
		}
		return m.loadRegisterCmd(screens.Setup)
	case screens.Confirming:
		if c := m.kept[screens.Confirming]; c != nil && m.run.waiting != "" {
			m.phase = phaseConfirming
			c.Update(screens.CancelFailedMsg{})
			return tea.Batch(m.show(c), m.awaitCmd(m.run.waiting))
		}
		return m.navigate(screens.Paired)
	default:
		f := m.kept[screens.Unpaired]
		if f == nil {
			return m.open(screens.Unpaired, screenArgs{})
		}
		f.Update(screens.CanGoBackMsg{OK: len(m.active()) > 0})
		return m.show(f)
	}
}

// backFromPairing is where an error about one pairing returns to: the
// pairings while some are active, else the pairing form.
func (m *Model) backFromPairing() screens.ID {
	if len(m.active()) > 0 {
		return screens.Paired
	}
	return screens.Unpaired
}

// applyRefresh takes the entry check's outcome to the right screen; only
// the pairings it re-checked live can have been found gone.
func (m *Model) applyRefresh(msg enteredMsg) tea.Cmd {
	if msg.err != nil {
		return m.showError(screenArgs{err: msg.err, back: screens.Unpaired})
	}
	m.pairings = msg.pairings
	for _, r := range msg.results {
		if r.Pairing.Provider != m.c.Provider || !r.Checked {
			continue
		}
		gone := r.Pairing.Status == providers.StatusUnpaired ||
			(providers.KindOf(r.Err) == providers.KindNotPaired && r.Pairing.Status != providers.StatusAwaitingConfirmation)
		if gone {
			err := r.Err
			if err == nil {
				err = &providers.Error{Provider: r.Pairing.Provider, Kind: providers.KindNotPaired}
			}
			return m.unpairedExternally(r.Pairing.ID, err)
		}
		switch providers.KindOf(r.Err) {
		case providers.KindNetwork, providers.KindTimeout:
			m.setStatus(widgets.StatusWarning, screens.TextNetwork)
		}
	}
	for _, r := range msg.results {
		if r.Pairing.Provider == m.c.Provider && r.Checked && secretMissing(r.Err) {
			return m.cannotSign(r.Err, r.Pairing.ID)
		}
	}
	if !m.onAwaiting() {
		for _, p := range m.pairings {
			if p.Provider == m.c.Provider && p.Status == providers.StatusAwaitingConfirmation {
				// A pairing left waiting by an earlier run: resume it, so it is
				// either confirmed or cancelled, never left half-made.
				return m.confirm(p)
			}
		}
	}
	if m.status.text == checkingText {
		m.setStatus(widgets.StatusSuccess, "Pairings checked")
	}
	switch {
	case m.on(screens.Paired):
		if len(m.active()) == 0 {
			return m.navigate(screens.Unpaired)
		}
		return m.tell(screens.PairingsMsg{Pairings: m.shownPairings()})
	case m.on(screens.Unpaired):
		if p, ok := m.screen.(screens.Pristiner); ok && len(m.active()) > 0 && m.screen == m.kept[screens.Unpaired] && p.Pristine() {
			return m.open(screens.Paired, screenArgs{})
		}
	}
	return nil
}

// confirmedIn finds pairing id active in ps.
func confirmedIn(ps []providers.Pairing, id string) (providers.Pairing, bool) {
	for _, p := range ps {
		if p.ID == id && p.Status == providers.StatusActive {
			return p, true
		}
	}
	return providers.Pairing{}, false
}

// confirm shows pairing p awaiting confirmation and waits for it.
func (m *Model) confirm(p providers.Pairing) tea.Cmd {
	m.run.waiting = p.ID
	if m.phase < phaseQuitting {
		m.phase = phaseConfirming
	}
	return tea.Batch(m.open(screens.Confirming, screenArgs{pairing: p}), m.awaitCmd(p.ID))
}

func (m *Model) pairDone(msg pairDoneMsg) tea.Cmd {
	m.setStatus(widgets.StatusNone, "")
	if m.phase == phasePairing && !m.pairingBusy() {
		m.phase = phaseIdle
	}
	if msg.err != nil {
		var retry tea.Msg = msg.in
		if len(m.desc().PairInputs) > 0 {
			// Its inputs were sent once and not kept: they are typed
			// again on the form (back), not repeated from here.
			retry = nil
		}
		return m.showError(screenArgs{err: msg.err, retry: retry, back: screens.Unpaired})
	}
	m.attemptDone(msg.attempt)
	delete(m.kept, screens.Unpaired)
	if msg.p.Status == providers.StatusAwaitingConfirmation {
		return m.confirm(msg.p)
	}
	return m.pairedNow(msg.p)
}

// pairedNow shows the success screen for a pairing that just became active.
func (m *Model) pairedNow(p providers.Pairing) tea.Cmd {
	m.settle()
	m.upsert(p)
	m.run.justPaired = p.ID
	return m.open(screens.Paired, screenArgs{justPaired: p.ID})
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
	confirming := m.onAwaiting()
	switch {
	case msg.err == nil:
		return m.pairedNow(msg.p)
	case providers.KindOf(msg.err) == providers.KindCanceled:
		return nil
	case providers.KindOf(msg.err) == providers.KindTimeout && confirming:
		// The confirm window passed: the pairing is still waiting on the
		// terminal; the merchant chooses to keep waiting or cancel.
		line := "Not confirmed in time"
		if pe, ok := providers.AsError(msg.err); ok && pe.Message != "" {
			line = pe.Message
		}
		return m.reply(msg.req, screens.TimedOutMsg{Line: line})
	case secretMissing(msg.err) && confirming:
		return m.cannotSign(msg.err, m.run.waiting)
	default:
		return m.showError(screenArgs{err: msg.err, retry: screens.WaitAgainMsg{PairingID: msg.p.ID}, back: screens.Confirming})
	}
}

// cancelFailed keeps the pairing's way back to its confirming screen (also
// when the cancel was retried from the error screen, where no confirming
// screen is shown) and says what failed: the pairing still waits on the
// terminal and r tries the cancel again.
func (m *Model) cancelFailed(msg cancelDoneMsg) tea.Cmd {
	m.phase = phaseConfirming
	if secretMissing(msg.err) {
		return m.cannotSign(msg.err, msg.id)
	}
	cmd := m.showError(screenArgs{err: msg.err, retry: screens.CancelMsg{PairingID: msg.id}, back: screens.Confirming,
		about: m.nameOf(msg.id), cancelFailed: true})
	text := "Cancel failed: pairing still waiting on the terminal"
	if screens.CancelFailedWording(msg.err).Retry {
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
	m.settle()
	// The error's wording offers Forget for id, the way out.
	return m.showError(screenArgs{err: err, back: m.backFromPairing(), pairingID: id, about: m.nameOf(id)})
}

func (m *Model) testDone(msg testDoneMsg) tea.Cmd {
	if m.onAwaiting() && m.run.waiting == msg.id {
		switch {
		case msg.err == nil && msg.p.Status == providers.StatusActive:
			return m.pairedNow(msg.p)
		case msg.err == nil || providers.KindOf(msg.err) == providers.KindNotPaired:
			return m.reply(msg.req, screens.TestedMsg{Note: "Not confirmed on the terminal yet"})
		case secretMissing(msg.err):
			return m.cannotSign(msg.err, msg.id)
		default:
			return m.reply(msg.req, screens.TestedMsg{Note: screens.Describe(msg.err).Line})
		}
	}
	m.reply(msg.req, screens.TestedMsg{})
	if secretMissing(msg.err) {
		return m.cannotSign(msg.err, msg.id)
	}
	if msg.err != nil {
		if providers.KindOf(msg.err) == providers.KindNotPaired {
			return m.unpairedExternally(msg.id, msg.err)
		}
		return m.showError(screenArgs{err: msg.err, retry: screens.TestMsg{PairingID: msg.id}, back: screens.Paired,
			pairingID: msg.id, about: m.nameOf(msg.id)})
	}
	m.upsert(msg.p)
	var cmd tea.Cmd
	if m.on(screens.Paired) {
		m.tell(screens.PairingsMsg{Pairings: m.shownPairings()})
	} else {
		// A Test retried from the error screen succeeded: leave the error.
		cmd = m.open(screens.Paired, screenArgs{justPaired: m.run.justPaired})
	}
	// The outcome shows by the Test button that asked for it.
	m.tell(screens.TestPassedMsg{Line: screens.TestedText(m.c.Provider, m.env.clock.Now())}, screens.Paired)
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

// checkingText is the status line while the refresh key's check runs.
const checkingText = "Checking the pairings…"

// unpairedExternally answers a pairing found unpaired on the terminal or in
// the cloud as the vendor asks: the unpaired state (the pairing form) with
// the error and a prompt to pair again from the terminal, and the stale
// record dropped here now that the merchant is told.
func (m *Model) unpairedExternally(id string, err error) tea.Cmd {
	name := m.nameOf(id)
	m.markUnpaired(id)
	cmd := m.navigate(screens.Unpaired)
	m.tell(screens.BannerMsg{Line: screens.Describe(err).Line, Next: screens.RepairFromTerminal(name)}, screens.Unpaired)
	return tea.Batch(cmd, m.dropStaleCmd(id))
}

func (m *Model) markUnpaired(id string) {
	for i := range m.pairings {
		if m.pairings[i].ID == id {
			m.pairings[i].Status = providers.StatusUnpaired
		}
	}
}

func (m *Model) removed(msg removedMsg) tea.Cmd {
	if msg.quiet && msg.err != nil {
		// The banner stays: only the record here could not be dropped.
		m.setStatus(widgets.StatusWarning, "Could not forget "+screens.Quote(msg.name)+" here: "+screens.Describe(msg.err).Line)
		return nil
	}
	if msg.err != nil {
		var retry tea.Msg = screens.UnpairMsg{PairingID: msg.id}
		if msg.forgot {
			retry = screens.ForgetMsg{PairingID: msg.id}
		}
		return m.showError(screenArgs{err: msg.err, retry: retry, back: screens.Paired, pairingID: msg.id, about: msg.name})
	}
	m.pairings = msg.pairings
	// A read started before the removal would bring the pairing back.
	m.reqs.drop(reqRead)
	if msg.quiet {
		// A stale record dropped while its banner is on screen: the form
		// stays as it is, with its way back if pairings remain.
		m.tell(screens.CanGoBackMsg{OK: len(m.active()) > 0}, screens.Unpaired)
		m.setStatus(widgets.StatusInfo, "Removed "+screens.Quote(msg.name)+" from this register")
		return nil
	}
	verb := "Unpaired"
	if msg.forgot {
		verb = "Forgot"
	}
	var cmd tea.Cmd
	if len(m.active()) > 0 {
		cmd = m.open(screens.Paired, screenArgs{})
	} else {
		cmd = m.open(screens.Unpaired, screenArgs{})
	}
	m.setStatus(widgets.StatusSuccess, verb+" "+screens.Quote(msg.name))
	return cmd
}
