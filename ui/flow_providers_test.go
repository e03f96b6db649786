package ui

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/providers"
)

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
	f.waitText("Smartpay SmartConnect")
	if got := f.model.Provider(); got != providers.SmartConnect {
		t.Fatalf("active provider = %q after choosing SmartConnect", got)
	}
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
