package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// SCIPAIRING07: quitting while a pairing awaits confirmation cancels it
// first, so neither the cloud nor the records keep a half-made pairing.
func TestFlowQuitWhileConfirmingCancels(t *testing.T) {
	for _, tc := range []struct {
		name string
		quit tea.Msg
	}{
		{"q", keyRunes("q")},
		{"ctrl+c", tea.KeyMsg{Type: tea.KeyCtrlC}},
		{"quitMsg", Quit()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlow(t, 80, 24)
			f.toConfirming()
			if ps, err := f.rt.Service.List(); err != nil || len(ps) != 1 || ps[0].Status != providers.StatusAwaitingConfirmation {
				t.Fatalf("before quitting the service lists %+v (%v), want one awaiting pairing", ps, err)
			}
			f.tm.Send(tc.quit)
			fm := f.tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(*Model)
			if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
				t.Errorf("after quitting the records still hold %+v (%v)", ps, err)
			}
			f.waitTerminal(func(term sandbox.Terminal) bool {
				for _, p := range term.Pairings {
					if p.Status != "unpaired" {
						return false
					}
				}
				return true
			})
			if note := fm.QuitNote(); !strings.Contains(note, "Pairing cancelled before quitting") {
				t.Errorf("QuitNote = %q, want the cancel's outcome", note)
			}
			if view := fm.View(); !strings.Contains(view, "Pairing cancelled before quitting") {
				t.Errorf("final view lacks the cancel's outcome:\n%s", view)
			}
		})
	}
}

func TestQuitWhileConfirmingCancelFails(t *testing.T) {
	svc := newStubService()
	svc.cancelErr = &providers.Error{Provider: providers.SCI, Op: providers.OpUnpair, Kind: providers.KindNetwork}
	m, clock := newGoldenModel(svc, nil)
	showConfirming(m, clock)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	tm.Send(Quit())
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	id := confirmingPairing().ID
	svc.mu.Lock()
	if svc.cancels != 1 {
		t.Errorf("Cancel was called %d times, want 1", svc.cancels)
	}
	svc.mu.Unlock()
	view := fm.View()
	if !strings.Contains(view, "Not cancelled — run: tillpair unpair "+id) {
		t.Errorf("final status does not say how to remove the pairing:\n%s", view)
	}
	if note := fm.QuitNote(); !strings.Contains(note, "tillpair unpair "+id) || !strings.Contains(note, "Could not cancel") {
		t.Errorf("QuitNote = %q", note)
	}
}

// While the cancel runs, other answers and keys change nothing, and a
// second ctrl+c quits at once, saying the pairing may be left.
func TestQuitWhileConfirmingSecondCtrlC(t *testing.T) {
	svc := newStubService() // Cancel blocks: the cancel never answers here
	m, clock := newGoldenModel(svc, nil)
	showConfirming(m, clock)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	cmd := m.quit()
	if cmd == nil || (m.phase == phaseStopped) || m.phase != phaseQuitting {
		t.Fatalf("quit while confirming should start a cancel, got cmd=%v quitting=%v", cmd != nil, (m.phase == phaseStopped))
	}
	if v := m.View(); !strings.Contains(v, "Cancelling the pairing before quitting") ||
		!strings.Contains(v, "ctrl+c quit now") || strings.Contains(v, "q quit") || strings.Contains(v, "Test now") {
		t.Errorf("while cancelling, the view should show the status and offer only ctrl+c:\n%s", v)
	}
	if _, c := m.Update(keyRunes("t")); c != nil || (m.phase == phaseStopped) {
		t.Errorf("a key while cancelling should do nothing")
	}
	if _, c := m.Update(keyRunes("q")); c != nil || (m.phase == phaseStopped) {
		t.Errorf("q again while cancelling should keep waiting for the cancel")
	}
	_, c := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if c == nil || !(m.phase == phaseStopped) {
		t.Fatalf("a second ctrl+c should quit at once")
	}
	if note := m.QuitNote(); !strings.Contains(note, "may still be waiting") || !strings.Contains(note, "tillpair unpair "+confirmingPairing().ID) {
		t.Errorf("QuitNote = %q", note)
	}
}

// Quitting while the pair request is in flight waits for its answer: a
// pairing that comes back awaiting confirmation is cancelled, then the
// program quits.
func TestQuitWhilePairRequestInFlight(t *testing.T) {
	p := confirmingPairing()
	svc := newStubService()
	svc.paired, svc.cancelOK = &p, true
	m, _ := newGoldenModel(svc, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	_, pair := m.Update(screens.PairMsg{Code: "123456"})
	if pair == nil {
		t.Fatal("PairMsg started no request")
	}
	if _, c := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); c != nil || (m.phase == phaseStopped) {
		t.Fatal("ctrl+c with a pair request in flight should wait for its answer")
	}
	if !strings.Contains(m.View(), "Finishing the pairing request before quitting") {
		t.Errorf("no status while waiting:\n%s", m.View())
	}
	_, cancel := m.Update(pair())
	if cancel == nil || (m.phase == phaseStopped) || m.waiting != p.ID {
		t.Fatalf("an awaiting pairing should be cancelled before quitting (waiting=%q)", m.waiting)
	}
	if _, c := m.Update(cancel()); c == nil || !(m.phase == phaseStopped) {
		t.Fatal("the cancel's answer should quit")
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.cancels != 1 {
		t.Errorf("Cancel called %d times, want 1", svc.cancels)
	}
	if !strings.Contains(m.QuitNote(), "Pairing cancelled before quitting") {
		t.Errorf("QuitNote = %q", m.QuitNote())
	}
}

// A refused pair request leaves nothing to cancel: quitting goes on.
func TestQuitWhilePairRequestRefused(t *testing.T) {
	svc := newStubService()
	svc.pairErr = &providers.Error{Provider: providers.SCI, Kind: providers.KindInvalidCode}
	m, _ := newGoldenModel(svc, nil)
	_, pair := m.Update(screens.PairMsg{Code: "123456"})
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if _, c := m.Update(pair()); c == nil || !(m.phase == phaseStopped) {
		t.Fatal("a refused pair should let quitting go on")
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.cancels != 0 {
		t.Errorf("Cancel called %d times for a refused pair", svc.cancels)
	}
}
