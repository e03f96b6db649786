package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// The SCI logo is chosen from the terminal size alone: at one size, every
// screen and state that shows it shows the same one (a certifier notices
// the branding change otherwise).
func TestLogoStableAtOneSize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 20}, {80, 22}, {100, 30}, {120, 40}} {
		for _, terms := range []Terminals{nil, stubTerminals{view: paneView(widgets.ScreenIdle)}} {
			m, _ := newGoldenModel(newStubService(), terms)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			seen := map[string][]string{}
			look := func(state string) {
				v := m.View()
				kind := "none"
				switch {
				case strings.Contains(v, strings.Split(assets.Logo(), "\n")[2]):
					kind = "full"
				case strings.Contains(v, assets.LogoCompact()):
					kind = "compact"
				}
				seen[kind] = append(seen[kind], state)
			}
			look("form")
			m.Update(keyRunes("12"))
			m.Update(tea.KeyMsg{Type: tea.KeyEnter})
			look("form with a validation error")
			m.setStatus(widgets.StatusInfo, "a status line")
			look("form with a status line")
			one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
			m.pairings = []providers.Pairing{one}
			m.setStatus(widgets.StatusNone, "")
			m.show(screens.NewPaired(m.c, m.active(), one.ID))
			look("just paired")
			m.setStatus(widgets.StatusSuccess, "Pairing is active")
			look("paired with a status line")
			m.Update(keyRunes("u"))
			look("unpair prompt")
			if len(seen) != 1 || len(seen["none"]) > 0 {
				t.Errorf("%dx%d (pane %v): the logo changes with the state: %v", sz[0], sz[1], terms != nil, seen)
			}
		}
	}
}
