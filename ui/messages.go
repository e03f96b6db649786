package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// Result messages: every service call runs in a tea.Cmd and answers with
// one of these.
type (
	refreshedMsg struct {
		stamp
		gen      int
		results  []pairing.CheckResult
		pairings []providers.Pairing
		err      error
	}
	pairDoneMsg struct {
		stamp
		in  screens.PairMsg
		p   providers.Pairing
		err error
	}
	awaitEventMsg struct {
		gen int
		ev  pairing.Event
	}
	awaitDoneMsg struct {
		gen int
		p   providers.Pairing
		err error
	}
	cancelDoneMsg struct {
		stamp
		id       string
		pairings []providers.Pairing
		err      error
	}
	testDoneMsg struct {
		stamp
		id  string
		p   providers.Pairing
		err error
	}
	// removedMsg answers Unpair and Forget.
	removedMsg struct {
		stamp
		id, name string
		forgot   bool
		pairings []providers.Pairing
		err      error
	}
	terminalsMsg      struct{ views []widgets.TerminalView }
	terminalActionMsg struct {
		err  error
		view widgets.TerminalView
	}
	tickMsg struct{}
)

// Answer is the kind of an answer to the model's own work, for a tool that
// drives the model and waits for it to settle (the demo player): it tells
// the answers apart without knowing the ui's message types.
type Answer int

// The answers AnswerOf tells apart.
const (
	// AnswerNone: not one of the answers below.
	AnswerNone Answer = iota
	// AnswerTerminals: a new picture of the sandbox's virtual terminals.
	AnswerTerminals
	// AnswerListed: the pairings, re-read without a live check.
	AnswerListed
	// AnswerRefreshed: the pairings, re-checked live (the entry check of a
	// provider whose check is silent).
	AnswerRefreshed
)

// AnswerOf says which answer msg is.
func AnswerOf(msg tea.Msg) Answer {
	switch msg.(type) {
	case terminalsMsg:
		return AnswerTerminals
	case listedMsg:
		return AnswerListed
	case refreshedMsg:
		return AnswerRefreshed
	}
	return AnswerNone
}

// stamp is the provider generation (Model.gen) a service call was started
// in; every call's answer embeds one and is dropped when the provider
// changed since. The answers keep their own types (the demo player counts
// them by type).
type stamp struct{ provGen int }

func (s stamp) startedIn() int { return s.provGen }

// stamped is an answer tied to a provider generation.
type stamped interface{ startedIn() int }

func (m *Model) stamp() stamp { return stamp{provGen: m.gen} }

// dropStale forgets an answer about a provider no longer shown; only the
// count of pair requests in flight must still follow it.
func (m *Model) dropStale(msg tea.Msg) {
	if _, ok := msg.(pairDoneMsg); ok {
		// Switching provider is refused while a pair request is in flight,
		// so this is not expected; a pairing it left awaiting confirmation
		// is in the records and is resumed when its provider is entered.
		m.pairsInFlight--
	}
}

// callTimeout bounds one service call from the UI; each request inside has
// its own shorter deadline.
const callTimeout = 60 * time.Second

// quitCancelTimeout bounds cancelling a pairing before quitting.
const quitCancelTimeout = 15 * time.Second

// entryCmd is what entering a provider runs, on start-up and on every
// switch to it: the pairings are re-read (so a pairing left awaiting
// confirmation is resumed) and, for SCI only, re-checked live
// (SCIPAIRING10). Helcim's check is a ping that shows on the device and
// counts against a per-minute limit, and README promises it is only sent
// when asked (Test); SmartConnect's check runs a transaction on the
// terminal. Neither is sent just because the app opened.
func (m *Model) entryCmd() tea.Cmd {
	if checksOnEntry(m.desc()) {
		return m.refreshCmd()
	}
	return m.listCmd()
}

// checksOnEntry: the provider's check is a silent read of the cloud's own
// record of the pairing (a cloud that keeps one can unpair it, hence
// RemoteUnpair), not a request relayed to the terminal, so it is sent on
// every entry (SCIPAIRING10).
func checksOnEntry(d *providers.Descriptor) bool { return d.SilentCheck && d.RemoteUnpair }

// refreshCmd re-checks the shown provider's pairings live, then lists them
// all; other providers' pairings are not touched (their devices would show
// a ping, or their terminals run a status transaction, unasked).
func (m *Model) refreshCmd() tea.Cmd {
	svc, ctx, gen, prov, st := m.svc, m.ctx, m.listGen, m.provider, m.stamp()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		res, err := svc.RefreshWhere(ctx, func(p providers.Pairing) bool {
			return p.Provider == prov && p.Status != providers.StatusUnpaired
		})
		if err != nil {
			return refreshedMsg{stamp: st, gen: gen, err: err}
		}
		ps, err := svc.List()
		return refreshedMsg{stamp: st, gen: gen, results: res, pairings: ps, err: err}
	}
}

func (m *Model) pairCmd(in screens.PairMsg) tea.Cmd {
	svc, ctx, prov, st := m.svc, m.ctx, m.provider, m.stamp()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Pair(ctx, pairing.PairInput{Provider: prov, Code: in.Code, Nickname: in.Nickname})
		return pairDoneMsg{stamp: st, in: in, p: p, err: err}
	}
}

// awaitCmd runs AwaitConfirmation and bridges its events into the program:
// the first Cmd starts the wait and returns its first message; listen is
// re-armed after each event. Cancelling the context ends both.
func (m *Model) awaitCmd(id string) tea.Cmd {
	m.stopAwait()
	m.awaitGen++
	gen := m.awaitGen
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancelAwait = cancel
	ch := make(chan tea.Msg, 8)
	m.awaitCh = ch
	svc := m.svc
	start := func() tea.Msg {
		go func() {
			p, err := svc.AwaitConfirmation(ctx, id, func(ev pairing.Event) {
				select {
				case ch <- awaitEventMsg{gen: gen, ev: ev}:
				default: // progress only: a later event supersedes a dropped one
				}
			})
			select {
			case ch <- awaitDoneMsg{gen: gen, p: p, err: err}:
			case <-ctx.Done():
			}
		}()
		return listen(ctx, ch)()
	}
	return start
}

func listen(ctx context.Context, ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-ch:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

func (m *Model) stopAwait() {
	if m.cancelAwait != nil {
		m.cancelAwait()
		m.cancelAwait = nil
	}
}

func (m *Model) cancelCmd(id string) tea.Cmd {
	return cancelWithin(m.svc, m.ctx, callTimeout, id, m.stamp())
}

// quitCancelCmd cancels before quitting: bounded tighter, because the
// merchant is waiting to leave, and not cut short when the program's
// context ends, because a half-made pairing must not be left behind.
func (m *Model) quitCancelCmd(id string) tea.Cmd {
	return cancelWithin(m.svc, context.WithoutCancel(m.ctx), quitCancelTimeout, id, m.stamp())
}

func cancelWithin(svc Service, ctx context.Context, timeout time.Duration, id string, st stamp) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		err := svc.Cancel(ctx, id)
		ps, lerr := svc.List()
		if err == nil {
			err = lerr
		}
		return cancelDoneMsg{stamp: st, id: id, pairings: ps, err: err}
	}
}

func (m *Model) testCmd(id string) tea.Cmd {
	svc, ctx, st := m.svc, m.ctx, m.stamp()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Test(ctx, id)
		return testDoneMsg{stamp: st, id: id, p: p, err: err}
	}
}

func (m *Model) removeCmd(id string, forget bool) tea.Cmd {
	svc, ctx, name, st := m.svc, m.ctx, m.nameOf(id), m.stamp()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		var err error
		if forget {
			err = svc.Forget(ctx, id)
		} else {
			err = svc.Unpair(ctx, id)
		}
		ps, lerr := svc.List()
		if err == nil {
			err = lerr
		}
		return removedMsg{stamp: st, id: id, name: name, forgot: forget, pairings: ps, err: err}
	}
}

// watchCmd waits for the next sandbox change; Update re-arms it.
func (m *Model) watchCmd() tea.Cmd {
	ch, t := m.changes, m.terms
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return terminalsMsg{views: t.Snapshot()}
	}
}

func (m *Model) terminalCmd(action func(string) error, v widgets.TerminalView) tea.Cmd {
	return func() tea.Msg { return terminalActionMsg{err: action(v.ID), view: v} }
}

func tickCmd(ctx context.Context, c clockwork.Clock) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-c.After(time.Second):
			return tickMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}
