package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/tui/widgets"
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
	if cancel == nil || (m.phase == phaseStopped) || m.run.waiting != p.ID {
		t.Fatalf("an awaiting pairing should be cancelled before quitting (waiting=%q)", m.run.waiting)
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

// SmartConnect's "code not accepted" screen names the key for Setup: it
// must be the key that opens Setup there.
func TestSmartConnectCodeErrorNamesRealSetupKey(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.setProvider(providers.SmartConnect)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	err := &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindCodeUsed}
	m.show(screens.NewError(m.c, err, screens.PairMsg{Code: "123456"}, screens.Unpaired, ""))
	setup := m.keys.global.Setup.Help().Key
	if v := m.View(); !strings.Contains(v, "Setup ("+setup+")") {
		t.Fatalf("the error screen does not name %s for Setup:\n%s", setup, v)
	}
	cmd := m.handleKey(tea.KeyMsg{Type: tea.KeyCtrlE})
	if cmd == nil {
		t.Fatalf("%s does nothing on the error screen", setup)
	}
	m.Update(cmd())
	if _, ok := m.Screen().(*screens.RegisterScreen); !ok {
		t.Errorf("%s led to %T, want the register setup screen", setup, m.Screen())
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
