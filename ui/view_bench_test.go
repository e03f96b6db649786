package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

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
	}
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
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
	b.Run("ansi256", func(b *testing.B) {
		lipgloss.SetColorProfile(termenv.ANSI256)
		b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
		for _, s := range benchStates() {
			b.Run(s.name, func(b *testing.B) {
				m := newBenchModel(b, s)
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
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

// BenchmarkFreshPaired is the first frame of a newly built paired screen
// (after pairing, unpairing or switching provider), in both profiles: the
// screen's own memo is empty, the model's shared fixed pieces are not.
func BenchmarkFreshPaired(b *testing.B) {
	s := benchStates()[3]
	for _, prof := range []struct {
		name string
		p    termenv.Profile
	}{{"ascii", termenv.Ascii}, {"ansi256", termenv.ANSI256}} {
		b.Run(prof.name, func(b *testing.B) {
			lipgloss.SetColorProfile(prof.p)
			b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
			m := newBenchModel(b, s)
			b.ReportAllocs()
			for b.Loop() {
				m.show(screens.NewPaired(m.c, m.active(), ""))
				_ = m.View()
			}
		})
	}
}
