package ui

import (
	"context"
	"sync/atomic"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// A Test that failed, retried from the error screen and then succeeded
// must leave the error screen for the paired screen.
func TestTestRetrySuccessLeavesErrorScreen(t *testing.T) {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m, _ := newGoldenModel(newStubService(one), nil)
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))

	m.handleFlow(testDoneMsg{id: one.ID, err: &providers.Error{Provider: providers.SCI, Kind: providers.KindNetwork}})
	if _, ok := m.screen.(*screens.PairedScreen); ok {
		t.Fatal("a failed Test should show the error screen")
	}
	m.handleFlow(testDoneMsg{id: one.ID, p: one})
	if _, ok := m.screen.(*screens.PairedScreen); !ok {
		t.Fatalf("after a successful retry the screen is %T, want the paired screen", m.screen)
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

// countingTerminals counts snapshots; its change feed is already closed,
// so the feed's command returns at once.
type countingTerminals struct {
	stubTerminals
	snapshots *atomic.Int32
}

func (t countingTerminals) Snapshot() []widgets.TerminalView {
	t.snapshots.Add(1)
	return t.stubTerminals.Snapshot()
}

func (countingTerminals) Changes() (<-chan struct{}, func()) {
	ch := make(chan struct{})
	close(ch)
	return ch, func() {}
}

// runAll runs a command tree to the end, batches included.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}

// Start-up takes one picture of the terminals, in New. A second one from
// Init ran concurrently with the change feed and could be delivered after
// a newer picture, leaving the pane on a state that had already passed (the
// demo once waited 20 s for a pairing code the sandbox was showing).
func TestStartupTakesOneTerminalSnapshot(t *testing.T) {
	var n atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the clock tick ends at once
	m := New(Options{Service: newStubService(), Terminals: countingTerminals{snapshots: &n},
		Clock: clockwork.NewFakeClockAt(goldenNow), StaticSpinner: true, Context: ctx})
	m.env.skipEntryCheck = true
	runAll(m.Init())
	if got := n.Load(); got != 1 {
		t.Fatalf("start-up took %d terminal snapshots, want 1 (New's)", got)
	}
}
