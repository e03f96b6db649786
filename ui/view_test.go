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

// On the pairing form a field always has the focus, so ? is typed there:
// ctrl+g (or F1) opens the help and closes it again, and the footer says so.
func TestHelpOpensAndClosesWhileTyping(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !m.typing() {
		t.Fatal("the pairing form should have a field with the focus")
	}
	if v := m.View(); !strings.Contains(v, "ctrl+g help") {
		t.Fatalf("the footer does not offer the help key:\n%s", v)
	}
	m.Update(keyRunes("?"))
	if m.fullHelp {
		t.Fatal("? opened the help while a field has the focus")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !m.fullHelp {
		t.Fatal("ctrl+g did not open the help on the form")
	}
	if v := m.View(); !strings.Contains(v, "ctrl+g close help") {
		t.Fatalf("the open help does not say how to close it:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyF1})
	if m.fullHelp {
		t.Fatal("F1 did not close the help on the form")
	}
}

// lastLines is the footer: the view's last n lines.
func lastLines(view string, n int) string {
	lines := strings.Split(view, "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// A narrow footer drops the least essential key first: at 60×20 the form
// keeps "tab next field" (the only way to the nickname), and at 80×24 with
// two pairings the paired screen keeps "ctrl+t provider" (it drops "a add
// pairing", which is on the screen as a button).
func TestFooterDropsTheLeastEssentialFirst(t *testing.T) {
	for _, terms := range []Terminals{nil, stubTerminals{view: paneView(widgets.ScreenIdle)}} {
		m, _ := newGoldenModel(newStubService(), terms)
		m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
		if f := lastLines(m.View(), 2); !strings.Contains(f, "tab next field") || !strings.Contains(f, "ctrl+c quit") {
			t.Errorf("60x20 form (pane %t): footer lost tab next field or quit:\n%s", terms != nil, f)
		}
		m.quit()

		m, _ = newGoldenModel(newStubService(), terms)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m.pairings = []providers.Pairing{
			activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1"),
			activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office"),
		}
		m.show(screens.NewPaired(m.c, m.active(), ""))
		f := lastLines(m.View(), 2)
		for _, want := range []string{"ctrl+t provider", "t test", "u unpair", "? help", "q quit"} {
			if !strings.Contains(f, want) {
				t.Errorf("80x24 with two pairings (pane %t): footer lost %q:\n%s", terms != nil, want, f)
			}
		}
		m.quit()
	}
}

// During a y/n question the footer offers y, n and esc only: no help, no
// quit, no provider, no terminal keys; the full help says the same.
func TestFooterDuringAQuestionOffersOnlyTheAnswers(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), stubTerminals{view: paneView(widgets.ScreenPaired)})
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))
	m.Update(keyRunes("u"))
	f := lastLines(m.View(), 2)
	if !strings.Contains(f, "y yes, unpair") || !strings.Contains(f, "n/esc no") {
		t.Fatalf("the question's footer lacks y or n/esc:\n%s", f)
	}
	for _, not := range []string{"help", "quit", "provider", "ctrl+p", "terminal"} {
		if strings.Contains(f, not) {
			t.Errorf("the question's footer offers %q:\n%s", not, f)
		}
	}
	var keys []string
	for _, g := range m.FullHelp() {
		for _, b := range g {
			keys = append(keys, b.Help().Key)
		}
	}
	if strings.Join(keys, " ") != "y n/esc" {
		t.Errorf("the full help during the question lists %v, want y and n/esc", keys)
	}
}

// The full help lists every key once, in groups: the form's own keys with
// ↑/↓, its text keys (ctrl+u), the app's (quit once, with both its keys
// where q is not typed) and the virtual terminal's.
func TestFullHelpGroupsEveryKeyOnce(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), stubTerminals{view: paneView(widgets.ScreenIdle)})
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !m.fullHelp {
		t.Fatal("ctrl+g did not open the help")
	}
	v := m.View()
	for _, want := range []string{"this screen", "move and edit", "app", "terminal (sandbox)",
		"tab/↓", "shift+tab/↑", "ctrl+u", "ctrl+t", "ctrl+p", "ctrl+c"} {
		if !strings.Contains(v, want) {
			t.Errorf("the full help lacks %q:\n%s", want, v)
		}
	}
	if n := strings.Count(v, "quit"); n != 1 {
		t.Errorf("quit is listed %d times:\n%s", n, v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlG})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))
	m.Update(keyRunes("?"))
	v = m.View()
	if !strings.Contains(v, "q/ctrl+c") || strings.Count(v, "quit") != 1 {
		t.Errorf("quit should be one entry, q/ctrl+c:\n%s", v)
	}
}

// After Back from an error, the paired screen still shows the full success
// message of the pairing just made, not a bare "✓ Paired".
func TestBackFromAnErrorKeepsTheSuccessMessage(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	defer func() { _ = m.quit() }()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m.pairedNow(one)
	full := "Pairing successful — register paired with the terminal" // SCI's JustPaired
	if !strings.Contains(m.View(), full) {
		t.Fatalf("no success message after pairing:\n%s", m.View())
	}
	m.showError(screenArgs{err: &providers.Error{Provider: providers.SCI, Kind: providers.KindNetwork},
		retry: screens.TestMsg{PairingID: one.ID}, back: screens.Paired, pairingID: one.ID})
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter on the error screen did nothing")
	}
	m.Update(cmd()) // the way back: NavigateMsg to the pairings
	if v := m.View(); !strings.Contains(v, full) {
		t.Errorf("back from the error, the success line is not the full message %q:\n%s", full, v)
	}
}

// Error bodies wrap once, to the area's width: a wrapped line hangs under
// the text after "✗ " and no line but the last of a paragraph is a single
// word; at 120 columns the text wraps at the content column, not at 80.
func TestErrorBodiesWrapToTheArea(t *testing.T) {
	err := &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindInvalidCode}
	for _, w := range []int{80, 120} {
		m, _ := newGoldenModel(newStubService(), nil)
		m.setProvider(providers.SmartConnect)
		m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		m.showError(screenArgs{err: err, back: screens.Unpaired})
		lines := strings.Split(m.View(), "\n")
		at := -1
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), "✗ ") {
				at = i
			}
		}
		if at < 0 {
			t.Fatalf("%d: no error line:\n%s", w, m.View())
		}
		first := lines[at]
		col := strings.Index(first, "✗")
		for _, l := range lines[at+1:] {
			if strings.TrimSpace(l) == "" {
				break
			}
			if !strings.HasPrefix(l, first[:col]+"  ") {
				t.Errorf("%d: %q does not hang under the text of %q", w, l, first)
			}
		}
		if n := len([]rune(strings.TrimRight(first, " "))); n > maxContent+pageMargin+1 {
			t.Errorf("%d: the error line is %d cells, wider than the content column", w, n)
		}
		m.quit()
	}
}
