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
// one of these, carrying its request id (requests.go).
type (
	// enteredMsg answers entryCmd: the provider's pairings (re-checked
	// live where the session's entry check does so; results) and every
	// stored pairing.
	enteredMsg struct {
		req
		results  []pairing.CheckResult
		pairings []providers.Pairing
		err      error
	}
	pairDoneMsg struct {
		req
		in  screens.PairMsg
		p   providers.Pairing
		err error
		// attempt is the pairing attempt the request named.
		attempt string
	}
	awaitEventMsg struct {
		req
		ev pairing.Event
	}
	awaitDoneMsg struct {
		req
		p   providers.Pairing
		err error
	}
	cancelDoneMsg struct {
		req
		id       string
		pairings []providers.Pairing
		err      error
	}
	testDoneMsg struct {
		req
		id  string
		p   providers.Pairing
		err error
	}
	// removedMsg answers Unpair and Forget.
	removedMsg struct {
		req
		id, name string
		forgot   bool
		// quiet: a stale record dropped after the merchant was told it
		// was unpaired elsewhere (no screen change, no status line).
		quiet    bool
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

func (awaitEventMsg) progress() {}

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
	// AnswerEntryCheck: the pairings, re-read by the entry check (and
	// re-checked live where the provider's check is silent).
	AnswerEntryCheck
)

// AnswerOf says which answer msg is.
func AnswerOf(msg tea.Msg) Answer {
	switch msg.(type) {
	case terminalsMsg:
		return AnswerTerminals
	case enteredMsg:
		return AnswerEntryCheck
	}
	return AnswerNone
}

// callTimeout bounds one service call from the UI; each request inside has
// its own shorter deadline.
const callTimeout = 60 * time.Second

// entryCmd is what entering a provider runs, on start-up, on every switch
// to it and whenever its pairings are viewed: the pairing session's entry
// check (pairings re-read, so one left awaiting confirmation is resumed,
// and re-checked live only where the check disturbs nobody, SCIPAIRING10).
func (m *Model) entryCmd() tea.Cmd {
	svc, ctx, prov, r := m.env.svc, m.env.ctx, m.c.Provider, m.ask(reqRead)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		res, err := svc.EntryCheck(ctx, prov)
		if err != nil {
			return enteredMsg{req: r, err: err}
		}
		ps, err := svc.List()
		return enteredMsg{req: r, results: res, pairings: ps, err: err}
	}
}

func (m *Model) pairCmd(in screens.PairMsg) tea.Cmd {
	svc, ctx, prov, r := m.env.svc, m.env.ctx, m.c.Provider, m.ask(reqPair)
	// A retry of the same Pair reuses the attempt, as pairing.Session.Pair
	// does: an idempotent create makes no second code.
	attempt := m.attemptFor(in)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Pair(ctx, pairing.PairInput{Provider: prov, Code: in.Code, Nickname: in.Nickname, Inputs: in.Inputs, Attempt: attempt})
		// The pair inputs are sent once: a retry goes back to the form.
		in.Inputs = nil
		return pairDoneMsg{req: r, in: in, p: p, err: err, attempt: attempt}
	}
}

// awaitCmd runs AwaitConfirmation and bridges its events into the program:
// the first Cmd starts the wait and returns its first message; listen is
// re-armed after each event. Cancelling the context ends both; a new wait
// drops the previous one's answers.
func (m *Model) awaitCmd(id string) tea.Cmd {
	m.stopAwait()
	m.reqs.drop(reqAwait)
	r := m.ask(reqAwait)
	ctx, cancel := context.WithCancel(m.env.ctx)
	ch := make(chan tea.Msg, 8)
	m.await = awaitRun{cancel: cancel, ch: ch}
	svc := m.env.svc
	start := func() tea.Msg {
		go func() {
			p, err := svc.AwaitConfirmation(ctx, id, func(ev pairing.Event) {
				select {
				case ch <- awaitEventMsg{req: r, ev: ev}:
				default: // progress only: a later event supersedes a dropped one
				}
			})
			select {
			case ch <- awaitDoneMsg{req: r, p: p, err: err}:
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
	if m.await.cancel != nil {
		m.await.cancel()
		m.await.cancel = nil
	}
}

// cancelCmd undoes pairing id, never confirmed: the session's
// CancelUnconfirmed, bounded by its one timeout and not cut short when the
// program's context ends (quitting), so nothing half-made is left.
func (m *Model) cancelCmd(id string) tea.Cmd {
	svc, ctx, r := m.env.svc, m.env.ctx, m.ask(reqOther)
	return func() tea.Msg {
		err := svc.CancelUnconfirmed(ctx, id)
		ps, lerr := svc.List()
		if err == nil {
			err = lerr
		}
		return cancelDoneMsg{req: r, id: id, pairings: ps, err: err}
	}
}

func (m *Model) testCmd(id string) tea.Cmd {
	svc, ctx, r := m.env.svc, m.env.ctx, m.ask(reqOther)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := svc.Test(ctx, id)
		return testDoneMsg{req: r, id: id, p: p, err: err}
	}
}

func (m *Model) removeCmd(id string, forget bool) tea.Cmd {
	svc, ctx, name, r := m.env.svc, m.env.ctx, m.nameOf(id), m.ask(reqOther)
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
		return removedMsg{req: r, id: id, name: name, forgot: forget, pairings: ps, err: err}
	}
}

// dropStaleCmd forgets a pairing found unpaired elsewhere, quietly: the
// merchant is already looking at why.
func (m *Model) dropStaleCmd(id string) tea.Cmd {
	remove := m.removeCmd(id, true)
	return func() tea.Msg {
		msg := remove()
		if r, ok := msg.(removedMsg); ok {
			r.quiet = true
			return r
		}
		return msg
	}
}

// watchCmd waits for the next sandbox change; Update re-arms it.
func (m *Model) watchCmd() tea.Cmd {
	ch, t := m.pane.changes, m.env.terms
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
