package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// The code_from_pos model (providers.CodeFromPOS): the cloud makes the code
// the register shows (screens.ShowCode). Everything here keys on the
// descriptor's pairing model, never on a provider.

// pairAttempt names the pairing attempt in flight, as pairing.Session does:
// a Pair repeated after a failure (r on the error screen) with the same
// form values reuses it, so an idempotent create (Square's
// idempotency_key) cannot mint a second code; a successful Pair, other
// values or a new code ask for a new one.
type pairAttempt struct {
	id string
	// for_ is what the attempt was made for: the code and nickname, never
	// the one-time pair inputs (secrets are not kept).
	for_ [2]string
}

// attemptFor is the attempt for a Pair of in.
func (m *Model) attemptFor(in screens.PairMsg) string {
	for_ := [2]string{in.Code, in.Nickname}
	if m.pair.attempt.id == "" || m.pair.attempt.for_ != for_ {
		id := uuid.NewString()
		if m.env.newAttempt != nil {
			id = m.env.newAttempt()
		}
		m.pair.attempt = pairAttempt{id: id, for_: for_}
	}
	return m.pair.attempt.id
}

// attemptDone: the attempt made its pairing; the next Pair is a new one.
func (m *Model) attemptDone(id string) {
	if m.pair.attempt.id == id {
		m.pair.attempt = pairAttempt{}
	}
}

// showsCode reports whether the active provider's register shows the code.
func (m *Model) showsCode() bool { return m.desc().Model == providers.CodeFromPOS }

// codeLapsed: the wait on a shown code ended because the code can no longer
// be used (its expiry bounds the wait; the cloud says it expired).
func codeLapsed(err error) bool {
	switch providers.KindOf(err) {
	case providers.KindTimeout, providers.KindCodeUsed:
		return true
	}
	return false
}

// expireShownCode tells the show-code screen its code lapsed: plain expiry
// says "code expired — press r for a new one", another reason is named.
func (m *Model) expireShownCode(err error) tea.Cmd {
	reason := ""
	if providers.KindOf(err) == providers.KindCodeUsed {
		if w := screens.Describe(err); w.Title != "" && w.Title != "Code expired" {
			reason = w.Line
		}
	}
	m.setStatus(widgets.StatusNone, "")
	return m.tell(screens.TimedOutMsg{Line: reason}, screens.ShowCodeView)
}

// newCodeMsg answers newCodeCmd.
type newCodeMsg struct {
	req
	in      screens.PairMsg
	attempt string
	p       providers.Pairing
	err     error
}

// newCodeCmd forgets the lapsed pairing old (the cloud cannot withdraw a
// code; it just expired) and asks for a new code with the same nickname.
func (m *Model) newCodeCmd(old string, in screens.PairMsg) tea.Cmd {
	m.stopAwait()
	svc, ctx, prov, r := m.env.svc, m.env.ctx, m.c.Provider, m.ask(reqPair)
	attempt := m.attemptFor(in)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		if old != "" {
			if err := svc.CancelUnconfirmed(ctx, old); err != nil {
				return newCodeMsg{req: r, in: in, attempt: attempt, err: err}
			}
		}
		p, err := svc.Pair(ctx, pairing.PairInput{Provider: prov, Nickname: in.Nickname, Attempt: attempt})
		return newCodeMsg{req: r, in: in, attempt: attempt, p: p, err: err}
	}
}

// newCodeDone shows the new code and waits for it, or says on the
// show-code screen why there is none (r tries again, same attempt).
func (m *Model) newCodeDone(msg newCodeMsg) tea.Cmd {
	sc, ok := m.screen.(*screens.ShowCode)
	if !ok {
		return nil
	}
	if msg.err != nil {
		sc.Expired(screens.Describe(msg.err).Line)
		return nil
	}
	m.attemptDone(msg.attempt)
	if msg.p.Status != providers.StatusAwaitingConfirmation {
		return m.pairedNow(msg.p)
	}
	sc.SetPairing(msg.p)
	m.run.waiting = msg.p.ID
	return m.awaitCmd(msg.p.ID)
}

// handleShowCodeFlow is handleFlow's part for the show-code screen.
func (m *Model) handleShowCodeFlow(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case screens.NewCodeRequested:
		return m.newCodeCmd(msg.PairingID, m.pair.last), true
	case newCodeMsg:
		return m.newCodeDone(msg), true
	case awaitDoneMsg:
		if m.showsCode() && m.on(screens.ShowCodeView) && codeLapsed(msg.err) {
			m.await.cancel = nil
			return m.expireShownCode(msg.err), true
		}
	}
	return nil, false
}
