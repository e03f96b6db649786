package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/testkit/cputime"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// benchState builds a model in one of the states the goldens draw, sized to
// 80×24, without a running program: View is measured on its own.
type benchState struct {
	name  string
	terms Terminals
	prep  func(m *Model)
}

func benchStates() []benchState {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	two := activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office")
	three := activePairing("5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "", "T-1003", "")
	paired := func(ps ...providers.Pairing) func(*Model) {
		return func(m *Model) {
			m.pairings = ps
			m.show(screens.NewPaired(m.c, m.active(), ""))
		}
	}
	return []benchState{
		{name: "unpaired"},
		{name: "confirming", prep: func(m *Model) { m.handleFlow(pairDoneMsg{p: confirmingPairing()}) }},
		{name: "paired_one", prep: paired(one)},
		{name: "paired_several", prep: paired(one, two, three)},
		{name: "error", prep: func(m *Model) {
			err := &providers.Error{Provider: providers.SCI, Op: providers.OpPair, Kind: providers.KindNotFound,
				HTTPStatus: 404, Code: "pairing_not_found", Message: "Pairing not found"}
			m.show(screens.NewError(m.c, err, screens.PairMsg{Code: "123456"}, screens.Unpaired, ""))
		}},
		{name: "sandbox_pane", terms: stubTerminals{view: paneView(widgets.ScreenPairingCode)}},
		// A big store's list: the screen draws the rows that fit (issue 17).
		{name: "paired_100", prep: paired(manyActive(100)...)},
	}
}

// manyActive are n active SCI pairings.
func manyActive(n int) []providers.Pairing {
	ps := make([]providers.Pairing, n)
	for i := range ps {
		ps[i] = activePairing(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), fmt.Sprintf("Register %d", i+1),
			fmt.Sprintf("T-%d", 1001+i), "Counter")
	}
	return ps
}

func newBenchModel(tb testing.TB, s benchState) *Model {
	tb.Helper()
	m, _ := newGoldenModel(newStubService(), s.terms)
	tb.Cleanup(func() { m.quit() })
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if s.prep != nil {
		s.prep(m)
	}
	if v := m.View(); !strings.Contains(v, "Simple Cloud Integration") {
		tb.Fatalf("%s: the view is not a full frame:\n%s", s.name, v)
	}
	return m
}

// BenchmarkView is the cost of one full frame of each screen at 80×24,
// without colour (as the goldens draw) and in 256 colours (what most
// terminals get; the escape codes make every string longer to measure).
func BenchmarkView(b *testing.B) {
	for _, s := range benchStates() {
		b.Run(s.name, func(b *testing.B) {
			m := newBenchModel(b, s)
			done := cputime.Budget(b, "op", 1, 0)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
			done()
		})
	}
	b.Run("ansi256", func(b *testing.B) {
		lipgloss.SetColorProfile(termenv.ANSI256)
		b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
		for _, s := range benchStates() {
			b.Run(s.name, func(b *testing.B) {
				m := newBenchModel(b, s)
				done := cputime.Budget(b, "op", 1, 0)
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
				done()
			})
		}
	})
}

// BenchmarkKeyView is a key press that changes little (moving the cursor
// between fields, or the selection in the pairings list) followed by the
// frame Bubble Tea draws for it.
func BenchmarkKeyView(b *testing.B) {
	cases := []struct {
		state benchState
		keys  []tea.KeyMsg
	}{
		{benchStates()[0], []tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}}},
		{benchStates()[3], []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}},
		{benchStates()[5], []tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}}},
	}
	for _, c := range cases {
		b.Run(c.state.name, func(b *testing.B) {
			m := newBenchModel(b, c.state)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Update(c.keys[i%len(c.keys)])
				_ = m.View()
				i++
			}
		})
	}
}

// BenchmarkKeys is a key press and the frame drawn for it, with 1 to 10,000
// pairings: ↓ or ↑ on the paired screen (the selection walks down the list
// and back) and tab or shift+tab on the pairing form. It fails when a key
// costs more than 1 ms of CPU per 1,000 pairings (at least 1 ms): the goal
// is ≤ 1 ms at 1,000 and growth no worse than linear; scripts/bench.sh
// checks the ratios between the sizes too.
func BenchmarkKeys(b *testing.B) {
	screensByName := []struct {
		name string
		show func(m *Model)
		keys [2]tea.KeyMsg // forward, back
	}{
		{"paired", func(m *Model) { m.show(screens.NewPaired(m.c, m.active(), "")) },
			[2]tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}},
		{"form", func(*Model) {}, [2]tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyShiftTab}}},
	}
	for _, sc := range screensByName {
		for _, n := range []int{1, 100, 1_000, 10_000} {
			b.Run(fmt.Sprintf("%s/n=%d", sc.name, n), func(b *testing.B) {
				m := newBenchModel(b, benchState{name: sc.name, prep: func(m *Model) {
					m.pairings = manyActive(n)
					sc.show(m)
				}})
				step, at := 1, 0
				done := cputime.Budget(b, "op", 1, time.Millisecond*time.Duration(max(1, n/1000)))
				b.ReportAllocs()
				for b.Loop() {
					if at+step < 0 || at+step >= n {
						step = -step
					}
					key := sc.keys[0]
					if step < 0 {
						key = sc.keys[1]
					}
					m.Update(key)
					_ = m.View()
					at = min(max(at+step, 0), n-1)
				}
				done()
			})
		}
	}
}
