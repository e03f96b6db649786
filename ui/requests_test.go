package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// One scheme for stale answers: an answer is taken once, only while its
// request is pending; progress does not end it; dropping by kind or all
// makes the answers stale; pair requests are counted while pending.
func TestRequestsTakeOncePendingOnly(t *testing.T) {
	var r requests
	read, pair, wait := r.start(reqRead), r.start(reqPair), r.start(reqAwait)
	if r.count(reqPair) != 1 {
		t.Fatalf("pair requests pending: %d, want 1", r.count(reqPair))
	}
	for range 2 {
		if !r.take(awaitEventMsg{req: wait}) {
			t.Fatal("a wait's progress was not taken while it is pending")
		}
	}
	if !r.take(awaitDoneMsg{req: wait}) || r.take(awaitDoneMsg{req: wait}) {
		t.Fatal("a wait's answer must be taken exactly once")
	}
	r.drop(reqRead)
	if r.take(enteredMsg{req: read}) {
		t.Fatal("a dropped read's answer was taken")
	}
	if !r.take(pairDoneMsg{req: pair}) || r.count(reqPair) != 0 {
		t.Fatal("the pair answer was not taken, or it is still counted")
	}
	other := r.start(reqOther)
	r.dropAll()
	if r.take(testDoneMsg{req: other}) {
		t.Fatal("an answer taken after every request was dropped")
	}
	if r.take(testDoneMsg{}) {
		t.Fatal("an answer to no request was taken")
	}
}

// A list answer started before a Forget must not bring the forgotten
// pairing back.
func TestStaleListAfterForgetIsIgnored(t *testing.T) {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	two := activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office")
	m, _ := newGoldenModel(newStubService(one, two), nil)
	m.pairings = []providers.Pairing{one, two}
	m.show(screens.NewPaired(m.c, m.active(), ""))

	// A list and a refresh were started now…
	list, refresh := m.asked(reqRead), m.asked(reqRead)
	m.handleFlow(removedMsg{id: one.ID, name: "Front counter", forgot: true, pairings: []providers.Pairing{two}})
	// …and answer after the Forget finished.
	m.Update(enteredMsg{req: list, pairings: []providers.Pairing{one, two}})
	m.Update(enteredMsg{req: refresh, pairings: []providers.Pairing{one, two}})
	if got := len(m.active()); got != 1 || m.active()[0].ID != two.ID {
		t.Fatalf("active pairings after a stale list = %v, want only %s", m.active(), two.ID)
	}
	// A list started after the Forget is applied.
	m.Update(enteredMsg{req: m.asked(reqRead), pairings: []providers.Pairing{two}})
	if got := len(m.active()); got != 1 {
		t.Fatalf("fresh list not applied: %v", m.active())
	}
}

// recorder is a screen that keeps the messages it gets.
type recorder struct {
	screens.Screen
	got []tea.Msg
}

func (r *recorder) Update(msg tea.Msg) (screens.Screen, tea.Cmd) {
	r.got = append(r.got, msg)
	return r, nil
}

// An answer reaches the screen that asked, and only while it is shown.
func TestReplyGoesToTheScreenThatAsked(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	asker := &recorder{Screen: m.screen}
	m.screen = asker
	r := m.asked(reqOther)
	m.reply(r, screens.TestedMsg{Note: "one"})
	other := &recorder{Screen: m.screen}
	m.screen = other
	m.reply(r, screens.TestedMsg{Note: "two"})
	if len(asker.got) != 1 || len(other.got) != 0 {
		t.Fatalf("asker got %v, the screen shown since got %v; want one answer for the asker only", asker.got, other.got)
	}
}
