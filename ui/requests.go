package ui

// Requests: every service call the model starts gets one id, and its
// answer carries it back. An answer is taken only while its request is
// still pending; a request is dropped when its answer could only be
// stale — every one on a provider switch (an answer about the old
// provider's pairings would be drawn as the new one's), the pairing reads
// started before a removal (they would bring a removed pairing back), the
// previous confirmation wait when a new one starts. This one scheme
// replaces the separate provider, list and await generations. A request
// also names the screen that asked (the active one when it started), so
// its answer is delivered to that screen only (Model.reply).

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/screens"
)

// reqKind is what a request is, for dropping and counting them by kind.
type reqKind int

const (
	// reqRead re-reads (or re-checks) the pairings.
	reqRead reqKind = iota
	// reqPair is a pair request; the form waits while one is pending.
	reqPair
	// reqAwait is a confirmation wait; it answers with events, then once.
	reqAwait
	// reqOther is any other call (cancel, test, unpair, register, …).
	reqOther
)

// req is what an answer embeds: the request's id and the screen that
// asked (nil: none).
type req struct {
	id    int
	asker screens.Screen
}

func (r req) request() req { return r }

// answer is a message answering a request.
type answer interface{ request() req }

// progress is an answer that does not end its request (a wait's events).
type progress interface{ progress() }

// requests are the pending requests by id.
type requests struct {
	last    int
	pending map[int]reqKind
}

// ask starts a request of kind k for the active screen.
func (m *Model) ask(k reqKind) req {
	r := m.reqs.start(k)
	r.asker = m.screen
	return r
}

// reply delivers an update message to the screen that asked r, if it is
// still the one shown.
func (m *Model) reply(r req, msg tea.Msg) tea.Cmd {
	if r.asker == nil || r.asker != m.screen {
		return nil
	}
	return m.deliver(msg)
}

// start records a new request of kind k.
func (r *requests) start(k reqKind) req {
	if r.pending == nil {
		r.pending = map[int]reqKind{}
	}
	r.last++
	r.pending[r.last] = k
	return req{id: r.last}
}

// take reports whether a's request is pending, and ends it unless a is
// progress.
func (r *requests) take(a answer) bool {
	id := a.request().id
	if _, ok := r.pending[id]; !ok {
		return false
	}
	if _, more := a.(progress); !more {
		delete(r.pending, id)
	}
	return true
}

// drop forgets the pending requests of kind k: their answers are stale.
func (r *requests) drop(k reqKind) {
	for id, kind := range r.pending {
		if kind == k {
			delete(r.pending, id)
		}
	}
}

// dropAll forgets every pending request.
func (r *requests) dropAll() { clear(r.pending) }

// count is how many requests of kind k are pending.
func (r *requests) count(k reqKind) int {
	n := 0
	for _, kind := range r.pending {
		if kind == k {
			n++
		}
	}
	return n
}
