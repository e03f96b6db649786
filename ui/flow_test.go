package ui

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/screens"
)

// flow drives the real UI against the real pairing service and the
// in-process sandbox over loopback HTTP.
type flow struct {
	t    *testing.T
	rt   *app.Runtime
	tm   *teatest.TestModel
	mu   sync.Mutex
	seen bytes.Buffer // all output, for the secrets check
	keys int          // keystrokes sent, for the key-count budget
}

func newFlow(t *testing.T, w, h int) *flow {
	t.Helper()
	return newFlowOn(t, w, h, providers.SCI, nil)
}

func (f *flow) key(k tea.KeyMsg) {
	f.keys++
	f.tm.Send(k)
}

// typeText sends one key per rune, as a person types.
func (f *flow) typeText(s string) {
	for _, r := range s {
		f.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// waitText waits until the screen shows text. WaitFor drains the output, so
// each call only sees what was drawn since the previous one.
func (f *flow) waitText(text string) {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool {
		f.mu.Lock()
		f.seen.Write(b)
		f.mu.Unlock()
		return bytes.Contains(b, []byte(text))
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// sciTerminal is the sandbox's SCI terminal now.
func (f *flow) sciTerminal() sandbox.Terminal { return f.terminalOf(providers.SCI) }

// terminalOf is the sandbox's first terminal of a provider now.
func (f *flow) terminalOf(provider string) sandbox.Terminal {
	for _, t := range f.rt.Sandbox.Terminals() {
		if t.Provider == provider {
			return t
		}
	}
	f.t.Fatalf("the sandbox has no %s terminal", provider)
	return sandbox.Terminal{}
}

// waitTerminal waits on the sandbox's change feed until the SCI terminal
// satisfies cond.
func (f *flow) waitTerminal(cond func(sandbox.Terminal) bool) sandbox.Terminal {
	f.t.Helper()
	return f.waitTerminalOf(providers.SCI, cond)
}

func (f *flow) waitTerminalOf(provider string, cond func(sandbox.Terminal) bool) sandbox.Terminal {
	f.t.Helper()
	ch, unsub := f.rt.Sandbox.Changes()
	defer unsub()
	deadline := time.After(10 * time.Second)
	for {
		if t := f.terminalOf(provider); cond(t) {
			return t
		}
		select {
		case <-ch:
		case <-deadline:
			f.t.Fatalf("terminal never reached the expected state: %+v", f.terminalOf(provider))
		}
	}
}

// toConfirming runs launch → confirming with the pane keys.
func (f *flow) toConfirming() {
	f.t.Helper()
	f.waitText("Pairing Code")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlP})
	term := f.waitTerminal(func(t sandbox.Terminal) bool { return t.PairingCode != "" })
	f.typeText(term.PairingCode)
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("Confirm the pairing")
}

// pairThroughUI runs launch → paired with the pane keys.
func (f *flow) pairThroughUI() {
	f.t.Helper()
	f.toConfirming()
	f.key(tea.KeyMsg{Type: tea.KeyCtrlO})
	f.waitText("Pairing successful")
}

// wantNothingLeft checks that after op the service lists no pairing and,
// on quitting, the app is back on the pairing form.
func (f *flow) wantNothingLeft(op string) {
	f.t.Helper()
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		f.t.Errorf("after %s the service still lists %+v (%v)", op, ps, err)
	}
	if view := f.finish(); !strings.Contains(view, "Pairing Code") {
		f.t.Errorf("%s did not return to the pairing form:\n%s", op, view)
	}
}

// finish quits and returns the final view, checking no secret was ever drawn.
func (f *flow) finish() string {
	f.t.Helper()
	f.tm.Send(quitMsg{})
	fm := f.tm.FinalModel(f.t, teatest.WithFinalTimeout(10*time.Second))
	view := fm.View()
	rest, _ := io.ReadAll(f.tm.Output())
	f.mu.Lock()
	f.seen.Write(rest)
	all := f.seen.String() + view
	f.mu.Unlock()
	creds := f.rt.Sandbox.Info()
	for name, secret := range map[string]string{"API key": creds.Credential("sci_api_key"), "signing secret Part A": creds.Credential("sci_signing_secret_part_a")} {
		if secret == "" {
			f.t.Fatalf("sandbox has no %s to check for", name)
		}
		if strings.Contains(all, secret) {
			f.t.Errorf("the %s appeared on screen", name)
		}
	}
	return view
}

func TestFlowPairWithPaneKeys(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.pairThroughUI()
	if f.keys > 12 {
		t.Errorf("launch → paired took %d keystrokes, budget is 12", f.keys)
	}
	term := f.waitTerminal(func(t sandbox.Terminal) bool { return len(t.Pairings) == 1 && t.Pairings[0].Status == "active" })
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusActive || ps[0].ID != term.Pairings[0].PairingID {
		t.Fatalf("service pairings = %+v, %v; terminal = %+v", ps, err, term.Pairings)
	}
	view := f.finish()
	for _, want := range []string{"Pairing successful", "Pairing ID", ps[0].ID, "TID", term.TID} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
}

func TestFlowCancelWhileConfirming(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.toConfirming()
	f.typeText("c")
	f.waitText("Pairing cancelled")
	term := f.sciTerminal()
	for _, p := range term.Pairings {
		if p.Status != "unpaired" {
			t.Errorf("after cancel the terminal still has pairing %+v", p)
		}
	}
	f.wantNothingLeft("cancel")
}

func TestFlowUnpairedExternally(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.pairThroughUI()
	term := f.sciTerminal()
	if _, err := f.rt.Sandbox.UnpairFromTerminal(term.ID); err != nil {
		t.Fatal(err)
	}
	// Leave the pairings screen and come back: entering it re-checks.
	f.typeText("a")
	f.waitText("How to pair")
	f.key(tea.KeyMsg{Type: tea.KeyEsc})
	// The unpaired state: the pairing form with the error and a prompt to
	// pair again from the terminal; the stale record is dropped without
	// asking (no "forget it here").
	f.waitText("from this register")
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		t.Errorf("the stale record is still listed: %+v (%v)", ps, err)
	}
	view := strings.Join(strings.Fields(f.finish()), " ")
	for _, want := range []string{"No active pairings found", "start a new pairing on the terminal", "Pairing Code"} {
		if !strings.Contains(view, want) {
			t.Errorf("the unpaired state lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "Forget") {
		t.Errorf("the unpaired state asks to forget:\n%s", view)
	}
}

func TestFlowResizeMovesPane(t *testing.T) {
	f := newFlow(t, 120, 30)
	f.waitText("Terminal ") // the pane, beside the form
	f.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	f.waitText(": idle") // strip below; the keys are in the footer either way
	f.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	f.waitText("ctrl+o confirm")
	view := f.finish()
	lines := strings.Split(view, "\n")
	if len(lines) != 30 {
		t.Errorf("view has %d lines at height 30", len(lines))
	}
	if !strings.Contains(lines[2], "╭") {
		t.Errorf("at 100 columns the pane should sit beside the form, first body line: %q", lines[2])
	}
}

// With two pairings, the unpaired state after a Test names the one that
// was unpaired on the terminal.
func TestFlowErrorNamesThePairing(t *testing.T) {
	f := newFlow(t, 100, 30)
	f.pairThroughUI()
	second, err := f.rt.Sandbox.AddTerminal(providers.SCI)
	if err != nil {
		t.Fatal(err)
	}
	f.typeText("a")
	f.waitText("How to pair")
	shown, err := f.rt.Sandbox.StartPairing(second.ID)
	if err != nil || shown.PairingCode == "" {
		t.Fatalf("second terminal shows no code: %+v, %v", shown, err)
	}
	f.typeText(shown.PairingCode)
	f.key(tea.KeyMsg{Type: tea.KeyTab})
	f.typeText("Back office")
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("Confirm the pairing")
	if _, err := f.rt.Sandbox.Confirm(second.ID); err != nil {
		t.Fatal(err)
	}
	f.waitText("Pairing successful")
	if _, err := f.rt.Sandbox.UnpairFromTerminal(second.ID); err != nil {
		t.Fatal(err)
	}
	f.typeText("t") // the just-paired "Back office" is selected
	f.waitText("No active pairings found")
	view := f.finish()
	if !strings.Contains(strings.Join(strings.Fields(view), " "), "“Back office” was unpaired on the terminal") {
		t.Errorf("the unpaired state does not name the pairing:\n%s", view)
	}
}

// switchProvider opens the picker with ctrl+t and chooses by number, as a
// user with a field focused would.
func (f *flow) switchProvider(id string) {
	f.t.Helper()
	f.key(tea.KeyMsg{Type: tea.KeyCtrlT})
	f.waitText("Choose the payment provider")
	for i, p := range f.rt.Service.Providers() {
		if p.ID() == id {
			f.typeText(strconv.Itoa(i + 1))
			return
		}
	}
	f.t.Fatalf("the runtime offers no %s provider", id)
}

// waitTexts waits until everything drawn since the call holds every text.
func (f *flow) waitTexts(texts ...string) {
	f.t.Helper()
	var since bytes.Buffer
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool {
		f.mu.Lock()
		f.seen.Write(b)
		f.mu.Unlock()
		since.Write(b)
		for _, text := range texts {
			if !bytes.Contains(since.Bytes(), []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func TestFlowSmartConnectPairTestForget(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.waitText("Pairing Code")
	f.switchProvider(providers.SmartConnect)
	// The status line says the switch happened (the picker lists the
	// name too); the model is not read from this goroutine, which would
	// race the program's.
	f.waitText("Provider: Smartpay SmartConnect")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlP})
	term := f.waitTerminalOf(providers.SmartConnect, func(t sandbox.Terminal) bool { return t.PairingCode != "" })
	f.typeText(term.PairingCode)
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("this register is paired with the terminal")
	term = f.waitTerminalOf(providers.SmartConnect, func(t sandbox.Terminal) bool { return len(t.Pairings) == 1 })
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Provider != providers.SmartConnect || ps[0].ID != term.Pairings[0].PairingID {
		t.Fatalf("service pairings = %+v, %v; terminal = %+v", ps, err, term.Pairings)
	}

	f.typeText("t")
	f.waitText("Testing… (asking the terminal)")
	f.waitText("Terminal reachable")

	f.typeText("f")
	f.waitText("on this register?")
	f.typeText("y")
	f.waitText("Forgot")
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		t.Errorf("after forget the service still lists %+v (%v)", ps, err)
	}
	if view := f.finish(); !strings.Contains(view, "Pairing Code") || !strings.Contains(view, "Smartpay SmartConnect") {
		t.Errorf("forget did not return to SmartConnect's pairing form:\n%s", view)
	}
}

func TestFlowHelcimPairPingAsleep(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.waitText("Pairing Code")
	f.switchProvider(providers.Helcim)
	f.waitText("Device Code")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlP})
	term := f.waitTerminalOf(providers.Helcim, func(t sandbox.Terminal) bool { return t.PairingCode != "" })
	f.typeText(strings.ToLower(term.PairingCode))
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	// The pane shows what the device shows; the ping lands during Pair, so
	// both may arrive in one frame.
	f.waitTexts("Check the terminal screen for the ping message", helcim.PingMessage)
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].ID != term.PairingCode {
		t.Fatalf("service pairings = %+v, %v; device code %s", ps, err, term.PairingCode)
	}

	// ctrl+w puts the device to sleep from the pane; a Test then finds it
	// not listening.
	f.key(tea.KeyMsg{Type: tea.KeyCtrlW})
	f.waitTerminalOf(providers.Helcim, func(t sandbox.Terminal) bool { return t.Screen == helcim.ScreenAsleep })
	f.typeText("t")
	f.waitText("The terminal is not listening")
	view := f.finish()
	if !strings.Contains(view, "Terminal not listening") {
		t.Errorf("final view lacks the not-listening error:\n%s", view)
	}
}

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

// Choosing the provider already shown (ctrl+t, then enter on it) re-checks
// its pairings (SCIPAIRING10): a pairing unpaired on the terminal no
// longer shows as active. The refresh key (r) does the same.
func TestFlowRechoosingTheProviderRechecks(t *testing.T) {
	for _, how := range []string{"ctrl+t enter", "r"} {
		t.Run(how, func(t *testing.T) {
			f := newFlow(t, 80, 24)
			f.pairThroughUI()
			term := f.sciTerminal()
			if _, err := f.rt.Sandbox.UnpairFromTerminal(term.ID); err != nil {
				t.Fatal(err)
			}
			if how == "r" {
				f.typeText("r")
			} else {
				f.key(tea.KeyMsg{Type: tea.KeyCtrlT})
				f.waitText("Choose the payment provider")
				f.key(tea.KeyMsg{Type: tea.KeyEnter}) // the provider shown is selected
			}
			f.waitText("from this register")
			view := strings.Join(strings.Fields(f.finish()), " ")
			if !strings.Contains(view, "No active pairings found") || strings.Contains(view, "Pairing successful") {
				t.Errorf("re-checking did not find the pairing unpaired:\n%s", view)
			}
		})
	}
}

// toShownCode chooses the code_from_pos provider, pairs with nickname
// only and returns the pairing whose code the screen shows.
func (f *flow) toShownCode(id, nickname string) providers.Pairing {
	f.t.Helper()
	f.waitText("Pairing Code")
	f.switchProvider(id)
	f.waitText("Pairing Nickname")
	f.typeText(nickname)
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("to sign in")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusAwaitingConfirmation || ps[0].ConfirmationCode == "" {
		f.t.Fatalf("pairings %+v, %v", ps, err)
	}
	if ps[0].PairingNickname != nickname {
		f.t.Errorf("nickname %q, want %q", ps[0].PairingNickname, nickname)
	}
	return ps[0]
}

// The code_from_pos model end to end against the sandbox: the form asks
// only for the nickname, Pair shows the cloud's code, the code expires and
// r makes a new one, signing in with it on the virtual Terminal pairs, and
// the paired screen names the device.
func TestFlowCodeFromPOSExpiryNewCodeSignIn(t *testing.T) {
	f := newFlow(t, 80, 24)
	p := f.toShownCode(square.ID, "Counter")
	term := f.terminalOf(square.ID)
	if _, err := f.rt.Sandbox.ExpireCode(term.ID, p.ConfirmationCode); err != nil {
		t.Fatal(err)
	}
	f.waitText("for a new one")
	f.typeText("r")
	f.waitText("to sign in")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].ConfirmationCode == p.ConfirmationCode || ps[0].PairingNickname != "Counter" {
		t.Fatalf("after r: pairings %+v, %v; want one new code for Counter", ps, err)
	}
	if _, err := f.rt.Sandbox.SignIn(term.ID, ps[0].ConfirmationCode); err != nil {
		t.Fatal(err)
	}
	f.waitText("signed in with the code")
	view := f.finish()
	for _, want := range []string{"Device ID", "Terminal name", "Counter", "active"} {
		if !strings.Contains(view, want) {
			t.Errorf("paired view lacks %q:\n%s", want, view)
		}
	}
}

// Cancel (esc) on the shown code forgets the pending pairing here.
func TestFlowCodeFromPOSCancel(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.toShownCode(square.ID, "Counter")
	f.key(tea.KeyMsg{Type: tea.KeyEsc})
	f.waitText("Pairing cancelled")
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		t.Errorf("after cancel the service still lists %+v (%v)", ps, err)
	}
	f.finish()
}

// The pane's confirm key (ctrl+o) signs the virtual Terminal in with the
// code shown here, as the operator would type it; with no code shown it
// says to pair first.
func TestFlowCodeFromPOSConfirmKeySignsIn(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.waitText("Pairing Code")
	f.switchProvider(square.ID)
	f.waitText("Pairing Nickname")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlO})
	f.waitText("pair here for a code")
	f.typeText("Counter")
	f.key(tea.KeyMsg{Type: tea.KeyEnter})
	f.waitText("to sign in")
	f.key(tea.KeyMsg{Type: tea.KeyCtrlO})
	f.waitText("signed in with the code")
	ps, err := f.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusActive || ps[0].TID != f.terminalOf(square.ID).TID {
		t.Fatalf("after ctrl+o: pairings %+v, %v; want one active on the virtual Terminal", ps, err)
	}
	f.finish()
}
