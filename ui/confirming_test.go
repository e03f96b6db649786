package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// A Test now's finding stays on screen through the polls that follow, until
// a network warning (or the next Test now) replaces it.
func TestConfirmingTestNoteOutlivesPolls(t *testing.T) {
	m, clock := newGoldenModel(newStubService(), nil)
	showConfirming(m, clock)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	id := confirmingPairing().ID
	const note = "Not confirmed on the terminal yet"

	m.Update(keyRunes("t"))
	m.Update(testDoneMsg{req: m.asked(reqOther), id: id, err: &providers.Error{Kind: providers.KindNotPaired}})
	if !strings.Contains(m.View(), note) {
		t.Fatalf("Test now's result not shown:\n%s", m.View())
	}
	for attempt := 2; attempt < 6; attempt++ {
		clock.Advance(300 * time.Millisecond)
		m.Update(awaitEventMsg{req: m.awaiting(), ev: pairing.Event{Type: pairing.EventWaiting, PairingID: id, Attempt: attempt}})
		if !strings.Contains(m.View(), note) {
			t.Fatalf("poll %d wiped Test now's result:\n%s", attempt, m.View())
		}
	}
	m.Update(awaitEventMsg{req: m.awaiting(), ev: pairing.Event{Type: pairing.EventNetworkWarning, PairingID: id,
		Err: &providers.Error{Kind: providers.KindNetwork}}})
	v := m.View()
	if strings.Contains(v, note) || !strings.Contains(v, screens.TextNetwork) {
		t.Errorf("a network warning should replace Test now's result:\n%s", v)
	}

	m.Update(testDoneMsg{req: m.asked(reqOther), id: id, err: &providers.Error{Kind: providers.KindNotPaired}})
	m.Update(keyRunes("t"))
	if strings.Contains(m.View(), note) {
		t.Errorf("a new Test now should clear the previous result:\n%s", m.View())
	}
}

// The provider key is refused while a pairing is being confirmed, so the
// footer must not offer it there; elsewhere it is offered.
func TestProviderKeyHiddenWhereRefused(t *testing.T) {
	offered := func(m *Model) (short, full bool) {
		for _, b := range m.ShortHelp() {
			if b.Enabled() && b.Help().Key == "ctrl+t" {
				short = true
			}
		}
		for _, col := range m.FullHelp() {
			for _, b := range col {
				if b.Enabled() && b.Help().Key == "ctrl+t" {
					full = true
				}
			}
		}
		return short, full
	}
	m, clock := newGoldenModel(newStubService(), nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if s, f := offered(m); !s || !f {
		t.Errorf("pairing form: ctrl+t offered short=%v full=%v, want both", s, f)
	}
	showConfirming(m, clock)
	if s, f := offered(m); s || f {
		t.Errorf("confirming: ctrl+t offered short=%v full=%v, want neither", s, f)
	}
	if strings.Contains(m.View(), "ctrl+t") {
		t.Errorf("confirming footer shows ctrl+t:\n%s", m.View())
	}
	// An error while waiting returns to the confirming screen: still refused.
	m.Update(awaitDoneMsg{req: m.awaiting(), p: confirmingPairing(), err: &providers.Error{Kind: providers.KindServer}})
	if _, ok := m.Screen().(*screens.ErrorScreen); !ok {
		t.Fatalf("expected the error screen, got %T", m.Screen())
	}
	if s, f := offered(m); s || f {
		t.Errorf("error screen of a waiting pairing: ctrl+t offered short=%v full=%v", s, f)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlT})
	if _, ok := m.Screen().(*screens.PickerScreen); ok {
		t.Error("ctrl+t opened the picker while a pairing awaits confirmation")
	}
}

// Test now on the confirming screen checks at once (issue 17): the key runs
// the service's Test without waiting for the clock (the next poll), and an
// active answer shows the paired screen.
func TestConfirmingTestNowChecksAtOnce(t *testing.T) {
	m, clock := newGoldenModel(newStubService(), nil)
	showConfirming(m, clock)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	call := pressKeyCall(t, m, keyRunes("t"))
	answered := make(chan tea.Msg, 1)
	go func() { answered <- call() }() // the clock stays where it is
	var msg tea.Msg
	select {
	case msg = <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("Test now did not check until the clock moved")
	}
	done, ok := msg.(testDoneMsg)
	if !ok {
		t.Fatalf("Test now answered %T, want the service's Test", msg)
	}
	done.p = confirmingPairing()
	done.p.Status = providers.StatusActive
	m.Update(done)
	if v := m.View(); !strings.Contains(v, "Pairing successful") {
		t.Errorf("an active answer to Test now did not show the paired screen:\n%s", v)
	}
}
