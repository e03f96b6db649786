package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/pairing"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
	"github.com/tillpair/tillpair/ui/widgets"
)

// Result messages: every service call runs in a tea.Cmd and answers with
// one of these.
type (
	refreshedMsg struct {
		gen      int
		results  []pairing.CheckResult
		pairings []providers.Pairing
		err      error
	}
	pairDoneMsg struct {
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
		id       string
		pairings []providers.Pairing
		err      error
	}
	testDoneMsg struct {
		id  string
		p   providers.Pairing
		err error
	}
	// removedMsg answers Unpair and Forget.
	removedMsg struct {
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

// callTimeout bounds one service call from the UI; each request inside has
// its own shorter deadline.
const callTimeout = 60 * time.Second

// quitCancelTimeout bounds cancelling a pairing before quitting.
const quitCancelTimeout = 15 * time.Second

func (m *Model) refreshCmd() tea.Cmd {
	svc, ctx, gen := m.svc, m.ctx, m.listGen
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		res, err := svc.Refresh(ctx)
		if err != nil {
			return refreshedMsg{gen: gen, err: err}
		}
		ps, err := svc.List()
		return refreshedMsg{gen: gen, results: res, pairings: ps, err: err}
	}
}

func (m *Model) pairCmd(in screens.PairMsg) tea.Cmd {
	svc, ctx, prov := m.svc, m.ctx, m.provider
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Pair(ctx, pairing.PairInput{Provider: prov, Code: in.Code, Nickname: in.Nickname})
		return pairDoneMsg{in: in, p: p, err: err}
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

func (m *Model) cancelCmd(id string) tea.Cmd { return cancelWithin(m.svc, m.ctx, callTimeout, id) }

// quitCancelCmd cancels before quitting: bounded tighter, because the
// merchant is waiting to leave, and not cut short when the program's
// context ends, because a half-made pairing must not be left behind.
func (m *Model) quitCancelCmd(id string) tea.Cmd {
	return cancelWithin(m.svc, context.WithoutCancel(m.ctx), quitCancelTimeout, id)
}

func cancelWithin(svc Service, ctx context.Context, timeout time.Duration, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		err := svc.Cancel(ctx, id)
		ps, lerr := svc.List()
		if err == nil {
			err = lerr
		}
		return cancelDoneMsg{id: id, pairings: ps, err: err}
	}
}

func (m *Model) testCmd(id string) tea.Cmd {
	svc, ctx := m.svc, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Test(ctx, id)
		return testDoneMsg{id: id, p: p, err: err}
	}
}

func (m *Model) removeCmd(id string, forget bool) tea.Cmd {
	svc, ctx, name := m.svc, m.ctx, m.nameOf(id)
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
		return removedMsg{id: id, name: name, forgot: forget, pairings: ps, err: err}
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
