package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// showsLogo reports whether every line of art appears in body, in order,
// each on its own line.
func showsLogo(body []string, art string) bool {
	want := strings.Split(art, "\n")
	for i := range body {
		if i+len(want) > len(body) {
			return false
		}
		ok := true
		for j, l := range want {
			if !strings.Contains(body[i+j], strings.TrimSpace(l)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// showsName reports whether name is on one line of body, or its two halves
// on consecutive lines one under the other (the wordmark beside the mark
// on a narrow screen).
func showsName(body []string, name string) bool {
	if strings.Contains(strings.Join(body, "\n"), name) {
		return true
	}
	for i := 0; i+1 < len(body); i++ {
		for cut := strings.Index(name, " "); cut > 0; {
			a, b := name[:cut], name[cut+1:]
			at, bt := strings.Index(body[i], a), strings.Index(body[i+1], b)
			if at >= 0 && bt >= 0 && ansi.StringWidth(body[i][:at]) == ansi.StringWidth(body[i+1][:bt]) {
				return true
			}
			next := strings.Index(name[cut+1:], " ")
			if next < 0 {
				break
			}
			cut += next + 1
		}
	}
	return false
}

// SCIPAIRING02: the pairing screens show "Simple Cloud Integration" and
// the SCI logo, unpaired and paired, at every size the app draws a screen
// for; the full logo where it fits, the compact one otherwise.
func TestBrandingAtEverySize(t *testing.T) {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	two := activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office")
	three := activePairing("5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "", "T-1003", "")
	paired := func(just string, ps ...providers.Pairing) func(*Model) {
		return func(m *Model) {
			m.pairings = ps
			m.show(screens.NewPaired(m.c, m.active(), just))
		}
	}
	states := []struct {
		name string
		prep func(*Model)
	}{
		{"unpaired", nil},
		{"just_paired", paired(one.ID, one)},
		{"several", paired("", one, two, three)},
	}
	full, compact := 0, 0
	for _, st := range states {
		for _, terms := range []Terminals{nil, stubTerminals{view: paneView(widgets.ScreenPaired)}} {
			for _, w := range []int{MinWidth, 70, 80, besideMinWidth - 1, besideMinWidth, 120} {
				for h := MinHeight; h <= 40; h++ {
					m, _ := newGoldenModel(newStubService(), terms)
					m.Update(tea.WindowSizeMsg{Width: w, Height: h})
					if st.prep != nil {
						st.prep(m)
					}
					view := m.View()
					m.quit()
					// Below the two header lines, so the header's product name does not count.
					body := strings.Split(view, "\n")[2:]
					where := fmt.Sprintf("%s, pane %t, %dx%d", st.name, terms != nil, w, h)
					if !showsName(body, "Simple Cloud Integration") {
						t.Errorf("%s: no \"Simple Cloud Integration\" below the header:\n%s", where, view)
					}
					switch {
					case showsLogo(body, assets.Logo()):
						full++
					case showsLogo(body, assets.LogoCompact()):
						compact++
					default:
						t.Errorf("%s: no SCI logo:\n%s", where, view)
					}
				}
			}
		}
	}
	// Both logos must be reached, or the sizes above test only one of them.
	if full == 0 || compact == 0 {
		t.Errorf("full logo drawn %d times, compact %d: the sizes must reach both", full, compact)
	}
}

// At 100×30 beside the sandbox pane there is room for the full logo; the
// paired screen used to draw the compact one there regardless.
func TestPairedShowsFullLogoWhenItFits(t *testing.T) {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m, _ := newGoldenModel(newStubService(), stubTerminals{view: paneView(widgets.ScreenPaired)})
	defer func() { _ = m.quit() }() // its command is not needed: nothing runs it here
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), one.ID))
	view := m.View()
	if !showsLogo(strings.Split(view, "\n"), assets.Logo()) {
		t.Errorf("paired at 100x30 does not draw the full logo:\n%s", view)
	}
}
