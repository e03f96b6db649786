package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// BenchmarkPairKeystrokes counts the keys a person presses from launch to
// "Pairing successful" in the sandbox SCI flow, reported as keys/pairing:
// the same path as TestFlowPairWithPaneKeys (show a code on the virtual
// terminal, type it, enter, confirm on the terminal), through the real
// service and the sandbox over loopback. Its ns/op is a whole pairing
// through the UI, dominated by the 1 s poll; run it with -benchtime=1x.
func BenchmarkPairKeystrokes(b *testing.B) {
	keys := 0
	for b.Loop() {
		keys = pairByKeys(b)
	}
	b.ReportMetric(float64(keys), "keys/pairing")
}

func pairByKeys(b *testing.B) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt, err := app.Build(ctx, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 7}})
	if err != nil {
		b.Fatalf("app.Build: %v", err)
	}
	defer rt.Close()
	m := New(Options{Service: rt.Service, Terminals: app.Terminals(rt.Sandbox), Badge: rt.Badge[providers.SCI], Context: ctx})
	tm := teatest.NewTestModel(b, m, teatest.WithInitialTermSize(80, 24))
	keys := 0
	press := func(k tea.KeyMsg) {
		keys++
		tm.Send(k)
	}
	wait := func(text string) {
		teatest.WaitFor(b, tm.Output(), func(out []byte) bool { return bytes.Contains(out, []byte(text)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}

	wait("Pairing Code")
	press(tea.KeyMsg{Type: tea.KeyCtrlP})
	code := shownCode(b, rt.Sandbox)
	for _, r := range code {
		press(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	press(tea.KeyMsg{Type: tea.KeyEnter})
	wait("Confirm the pairing")
	press(tea.KeyMsg{Type: tea.KeyCtrlO})
	wait("Pairing successful")
	tm.Send(quitMsg{})
	tm.WaitFinished(b, teatest.WithFinalTimeout(10*time.Second))
	return keys
}

// shownCode waits on the sandbox's change feed for the SCI terminal's code.
func shownCode(b *testing.B, sb *sandbox.Sandbox) string {
	ch, unsub := sb.Changes()
	defer unsub()
	deadline := time.After(10 * time.Second)
	for {
		for _, t := range sb.Terminals() {
			if t.Provider == providers.SCI && t.PairingCode != "" {
				return t.PairingCode
			}
		}
		select {
		case <-ch:
		case <-deadline:
			b.Fatal("the virtual terminal never showed a pairing code")
		}
	}
}
