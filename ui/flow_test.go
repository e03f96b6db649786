package ui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// flow drives the real UI against the real pairing service and the
// in-process sandbox over loopback HTTP.
type flow struct {
	t     *testing.T
	rt    *app.Runtime
	tm    *teatest.TestModel
	mu    sync.Mutex
	seen  bytes.Buffer // all output, for the secrets check
	keys  int          // keystrokes sent, for the key-count budget
	model *Model
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
	f.waitText("No active pairings found")
	f.typeText("f")
	f.waitText("Forgot")
	f.wantNothingLeft("forget")
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
