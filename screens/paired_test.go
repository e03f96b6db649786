package screens

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/jonboulle/clockwork"
	"github.com/muesli/termenv"
	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

func samplePairings() []providers.Pairing {
	checked := time.Date(2026, 11, 21, 14, 29, 55, 0, time.UTC)
	return []providers.Pairing{
		{Provider: providers.SCI, ID: "b7c1e0f2", Status: providers.StatusActive, PairingNickname: "Front counter",
			TID: "T-1001", TerminalNickname: "Counter 1", CheckedAt: checked},
		{Provider: providers.SCI, ID: "0a9d3c55", Status: providers.StatusActive, PairingNickname: "Back office",
			TID: "T-1002", TerminalNickname: "Office"},
	}
}

func pairedSample(t *testing.T) *PairedScreen {
	t.Helper()
	c := testCommon()
	c.Clock = clockwork.NewFakeClockAt(time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC))
	s := NewPaired(c, samplePairings(), "")
	s.SetSize(80, 40)
	return s
}

// colour makes style changes visible in the output for the test's length.
func colour(t *testing.T) {
	t.Helper()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}

// manyPairings are n active pairings of provider; every seventh is another
// provider's when mixed.
func manyPairings(n int, provider string, mixed bool) []providers.Pairing {
	ps := make([]providers.Pairing, n)
	for i := range ps {
		p := provider
		if mixed && i%7 == 3 {
			p = providers.Helcim
		}
		ps[i] = providers.Pairing{Provider: p, ID: fmt.Sprintf("p-%05d", i), Status: providers.StatusActive,
			PairingNickname: fmt.Sprintf("Register %d", i), TID: fmt.Sprintf("T-%d", 1000+i), TerminalNickname: "Counter"}
	}
	return ps
}

// layoutByTrial is the layout as it was before issue 17: it tried every
// count of list rows from all of them down until one fitted, drawing about
// n²/2 rows. It stays here as the reference the window must match.
func (s *PairedScreen) layoutByTrial(head, tail, actions []string) []string {
	st := s.c.Styles
	title := st.Wordmark.Render(s.c.Product)
	n := len(s.pairings)
	build := func(title, logo string, rows int, dense bool) []string {
		var out []string
		if title != "" {
			out = append(out, title)
		}
		if logo != "" {
			out = append(out, logo)
		}
		if title != "" || logo != "" {
			out = append(out, "")
		}
		out = append(out, head...)
		if n > 1 {
			out = append(out, s.list(rows)...)
		}
		out = append(append(out, tail...), actions...)
		if dense {
			return s.fit(out)
		}
		return out
	}
	fits := func(lines []string) bool { return s.h == 0 || linesHeight(lines) <= s.h }
	compact := ""
	b := s.desc().Branding
	if b.Logo != "" {
		// The wordmark is locked up with the mark (issue 16).
		full := BrandBlock(st, s.c.Provider, s.c.Product, max(s.w, 20), false)
		title = ""
		switch s.logo {
		case logoFull:
			if lines := build(title, full, n, true); fits(lines) {
				return lines
			}
		case logoAuto:
			if lines := build(title, full, n, false); fits(lines) && lipgloss.Width(full) <= max(s.w, 20) {
				return lines
			}
		}
	}
	if b.Logo != "" {
		compact = BrandBlock(st, s.c.Provider, s.c.Product, max(s.w, 20), true)
	}
	for rows := n; rows >= 1; rows-- {
		if lines := build(title, compact, rows, true); fits(lines) {
			return lines
		}
	}
	if lines := build("", compact, 1, true); fits(lines) {
		return lines
	}
	lines := build("", "", 1, true)
	if fits(lines) {
		return lines
	}
	if head[0] == st.Success.Render("✓ Paired") {
		head = nil
		if lines = build("", "", 1, true); fits(lines) {
			return lines
		}
	}
	return cutAbove(lines, s.h, len(linesOf(actions)))
}

// The window worked out from the height draws exactly what trying every
// row count drew, across providers, list lengths, selections, heights,
// logo choices and questions, with colour and without, and with a
// nickname spanning two lines (the only case where the first count tried
// does not fit).
func TestPairedWindowMatchesTrial(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI256} {
		prev := lipgloss.ColorProfile()
		lipgloss.SetColorProfile(profile)
		t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
		provs := []string{providers.SCI, providers.Helcim, providers.SmartConnect}
		if profile != termenv.Ascii {
			provs = provs[:1]
		}
		for _, provider := range provs {
			for _, n := range []int{0, 1, 2, 5, 12} {
				for _, variant := range []string{"plain", "mixed", "tall name", "asking", "forget", "testing"} {
					if (profile != termenv.Ascii || provider != providers.SCI) && variant != "plain" && variant != "tall name" {
						continue // the questions draw the same way everywhere; colour changes no height
					}
					ps := manyPairings(n, provider, variant == "mixed")
					if variant == "tall name" && n > 2 {
						ps[n/2].PairingNickname = "two\nlines"
					}
					logos := []logoChoice{logoAuto, logoFull, logoCompact}
					if provider != providers.SCI {
						logos = logos[:1] // no logo: the choice changes nothing
					}
					for _, logo := range logos {
						for _, sel := range []int{0, n - 1} {
							c := testCommon()
							c.Provider = provider
							s := NewPaired(c, ps, "")
							s.logo = logo
							s.sel = max(sel, 0)
							switch variant {
							case "asking":
								s.asking = true
							case "forget":
								s.asking, s.askForget = true, true
							case "testing":
								s.busy, s.testing = "Testing…", true
							}
							for _, h := range []int{0, 1, 6, 11, 13, 15, 17, 19, 21, 28} {
								s.SetSize(80, h)
								got, want := s.View(), s.draw(s.layoutByTrial)
								if got != want {
									t.Fatalf("%v %s n=%d %s logo=%d sel=%d h=%d:\n%s\n--- by trial:\n%s",
										profile, provider, n, variant, logo, sel, h, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}

// A frame costs what the screen's height allows, not what the list holds:
// with 10,000 pairings View allocates no more than with 100 (the trial
// layout drew about n²/2 rows, 6 M allocations at 1,000).
func TestPairedViewCostFollowsHeightNotPairings(t *testing.T) {
	allocs := func(n int) float64 {
		s := NewPaired(testCommon(), manyPairings(n, providers.SCI, false), "")
		s.SetSize(80, 21)
		s.SetLogo(false)
		s.Update(tea.KeyMsg{Type: tea.KeyDown})
		return testing.AllocsPerRun(20, func() { _ = s.View() })
	}
	small, big := allocs(100), allocs(10_000)
	if big > small+2 {
		t.Errorf("View allocates %.0f times with 10,000 pairings against %.0f with 100: it draws rows that do not show", big, small)
	}
	s := NewPaired(testCommon(), manyPairings(10_000, providers.SCI, false), "")
	s.SetSize(80, 21)
	if rows := strings.Count(s.View(), "Register "); rows > 21 {
		t.Errorf("%d list rows drawn on a 21-line screen", rows)
	}
}

// Moving the selection down a long list keeps it in the window, the header
// counting what is above and below.
func TestPairedWindowFollowsSelection(t *testing.T) {
	s := NewPaired(testCommon(), manyPairings(1000, providers.SCI, false), "")
	s.SetSize(80, 21)
	s.SetLogo(false)
	for range 600 {
		s.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	v := s.View()
	if !strings.Contains(v, "> Register 600 ") {
		t.Fatalf("the selected row is not drawn:\n%s", v)
	}
	if !strings.Contains(v, "Pairings (1000)") || !strings.Contains(v, "↑ ") || !strings.Contains(v, "↓ ") {
		t.Errorf("the header does not count the rows above and below:\n%s", v)
	}
}

// Whatever happens to the screen, View shows what a fresh drawing shows:
// every change reaches the change counter. A random walk through keys,
// lists, sizes, logo choices, Test's live indicator, the clock and the
// colour profile compares View with an uncached drawing after each step.
func TestPairedViewFollowsEveryChange(t *testing.T) {
	colour(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC))
	c := testCommon()
	c.Clock = clock
	s := NewPaired(c, manyPairings(30, providers.SCI, false), "")
	s.SetSize(80, 21)
	keys := []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}, runes("t"), runes("u"), runes("f"),
		runes("y"), runes("n"), {Type: tea.KeyEsc}, runes("a"), runes("s"), runes("j"), runes("k")}
	rng := rand.New(rand.NewPCG(17, 17))
	for step := range 3000 {
		var did string
		switch op := rng.IntN(20); {
		case op < 10:
			k := keys[rng.IntN(len(keys))]
			s.Update(k)
			did = "key " + k.String()
		case op == 10:
			n := rng.IntN(40)
			ps := manyPairings(n, providers.SCI, rng.IntN(2) == 0)
			if n > 0 {
				ps[rng.IntN(n)].PairingNickname = fmt.Sprintf("Renamed %d", step)
				ps[rng.IntN(n)].Status = providers.StatusUnpaired
			}
			s.SetPairings(ps)
			did = fmt.Sprintf("SetPairings(%d)", n)
		case op == 11:
			w, h := 40+rng.IntN(60), rng.IntN(40)
			s.SetSize(w, h)
			did = fmt.Sprintf("SetSize(%d, %d)", w, h)
		case op == 12:
			full := rng.IntN(2) == 0
			s.SetLogo(full)
			did = fmt.Sprintf("SetLogo(%t)", full)
		case op == 13:
			s.Done()
			did = "Done"
		case op == 14:
			s.Update(s.spin.Tick())
			did = "spinner tick"
		case op == 15:
			clock.Advance(time.Duration(1+rng.IntN(3)) * time.Second)
			did = "clock"
		case op == 16:
			p := termenv.Ascii
			if rng.IntN(2) == 0 {
				p = termenv.ANSI256
			}
			lipgloss.SetColorProfile(p)
			did = fmt.Sprintf("profile %v", p)
		default:
			s.Update(tea.WindowSizeMsg{Width: 10, Height: 10}) // not the screen's to handle
			did = "other message"
		}
		if got, want := s.View(), s.draw(s.layout); got != want {
			t.Fatalf("step %d, after %s: View shows a stale drawing:\n%s\n--- fresh:\n%s", step, did, got, want)
		}
	}
}

// A frame asked for with nothing changed reuses the last drawing; a change
// draws again.
func TestPairedViewReusesUnchangedDrawing(t *testing.T) {
	s := pairedSample(t)
	first := s.View()
	if again := s.View(); unsafe.StringData(again) != unsafe.StringData(first) {
		t.Fatal("an unchanged screen was drawn again")
	}
	s.Update(tea.KeyMsg{Type: tea.KeyDown})
	if s.View() == first {
		t.Fatal("moving the selection did not change the drawing")
	}
}

func firstLine(art string) string { return strings.TrimSpace(strings.SplitN(art, "\n", 2)[0]) }

// The height decides between the full and the compact logo: after a resize
// the screen must draw exactly what a screen created at that size draws,
// and the sizes must reach both logos.
func TestPairedLogoFollowsHeight(t *testing.T) {
	colour(t)
	s := pairedSample(t)
	_ = s.View()
	full, compact := false, false
	// Below 12 lines the actions need the logo's line (TestPairedKeepsActionsAtMinimum).
	for _, h := range []int{40, 18, 17, 16, 12, 40, 17} {
		s.SetSize(80, h)
		fresh := NewPaired(s.c, samplePairings(), "")
		fresh.SetSize(80, h)
		got, want := s.View(), fresh.View()
		if got != want {
			t.Errorf("at height %d after a resize:\n%s\nfresh:\n%s", h, got, want)
		}
		hasFull := strings.Contains(got, firstLine(assets.Logo()))
		hasCompact := strings.Contains(got, firstLine(assets.LogoCompact()))
		if hasFull == hasCompact {
			t.Errorf("at height %d want exactly one logo, full %t compact %t:\n%s", h, hasFull, hasCompact, got)
		}
		full, compact = full || hasFull, compact || hasCompact
	}
	if !full || !compact {
		t.Errorf("full logo drawn %t, compact %t: the heights must reach both", full, compact)
	}
}

// The full logo is chosen only when the whole spaced layout fits; a
// screen just too short for it gets the compact logo, still spaced.
func TestPairedFullLogoOnlyWhenItFits(t *testing.T) {
	s := pairedSample(t)
	s.SetSize(80, 0)
	tall := s.View()
	if !strings.Contains(tall, firstLine(assets.Logo())) {
		t.Fatalf("an unsized screen draws the full logo:\n%s", tall)
	}
	n := strings.Count(tall, "\n") + 1
	s.SetSize(80, n)
	if got := s.View(); got != tall {
		t.Errorf("at exactly its height (%d) the full layout must stay:\n%s", n, got)
	}
	s.SetSize(80, n-1)
	short := s.View()
	if !strings.Contains(short, firstLine(assets.LogoCompact())) || strings.Contains(short, firstLine(assets.Logo())) {
		t.Errorf("one line short (%d) the compact logo must replace the full one:\n%s", n-1, short)
	}
	if lines := strings.Count(short, "\n") + 1; lines > n-1 || !hasBlankLine(short) {
		t.Errorf("one line short (%d) the compact layout must fit and keep its spacing (%d lines):\n%s", n-1, lines, short)
	}
}

// A screen too narrow for the full logo would cut it off mid-letter; it
// gets the compact one even with height to spare.
func TestPairedCompactLogoWhenTooNarrow(t *testing.T) {
	s := pairedSample(t)
	s.SetSize(lipgloss.Width(assets.Logo())-1, 0)
	got := s.View()
	if !strings.Contains(got, firstLine(assets.LogoCompact())) || strings.Contains(got, firstLine(assets.Logo())) {
		t.Errorf("too narrow for the full logo, the compact one must stand in:\n%s", got)
	}
}

func hasBlankLine(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			return true
		}
	}
	return false
}

// Finding 13: the heading above a pairing that no longer works warns and
// names the way out with the key this provider offers, instead of a green
// "✓ Paired" that contradicts the status row.
func TestPairedHeadingFollowsSelectedStatus(t *testing.T) {
	for _, tc := range []struct {
		provider string
		status   providers.Status
		want     string
	}{
		{providers.SmartConnect, StatusNeedsRepair, "! Re-pairing needed — pair this register again, or forget it (f)"},
		{providers.SmartConnect, providers.StatusUnpaired, "! Unpaired on the terminal — forget it (f), then pair again"},
		{providers.Helcim, providers.StatusUnpaired, "! Unpaired on the terminal — forget it (f), then pair again"},
		{providers.SCI, providers.StatusUnpaired, "! Unpaired on the terminal — unpair it here (u), then pair again"},
		{providers.SCI, providers.StatusAwaitingConfirmation, "! Not confirmed on the terminal yet — test it (t), or unpair it here (u)"},
	} {
		t.Run(tc.provider+"/"+string(tc.status), func(t *testing.T) {
			bad := providers.Pairing{Provider: tc.provider, ID: "p1", PairingNickname: "Front", Status: tc.status}
			good := providers.Pairing{Provider: tc.provider, ID: "p2", PairingNickname: "Back", Status: providers.StatusActive}
			// Just paired or not, a pairing that does not work is not "Paired".
			s := NewPaired(providerCommon(tc.provider), []providers.Pairing{bad, good}, "p1")
			s.SetSize(100, 40)
			v := ansi.Strip(s.View())
			if !strings.Contains(v, tc.want) || strings.Contains(v, "✓") {
				t.Errorf("want heading %q and no tick:\n%s", tc.want, v)
			}
			// The heading is the selected pairing's: the working one is Paired.
			s.Update(runes("j"))
			v = ansi.Strip(s.View())
			if !strings.Contains(v, "✓ Paired") || strings.Contains(v, "!") {
				t.Errorf("an active pairing selected: want ✓ Paired and no warning:\n%s", v)
			}
		})
	}
}

// At the smallest sizes the plain "✓ Paired" may give way, but a warning
// says something the rest of the screen does not: it stays.
func TestPairedWarningSurvivesSmallSize(t *testing.T) {
	p := providers.Pairing{Provider: providers.SmartConnect, ID: "p1", Status: StatusNeedsRepair}
	s := NewPaired(providerCommon(providers.SmartConnect), []providers.Pairing{p}, "")
	s.SetSize(60, 12)
	if v := ansi.Strip(s.View()); !strings.Contains(v, "! Re-pairing needed") {
		t.Errorf("60x12 lost the warning:\n%s", v)
	}
}

// Every provider's paired screen labels the add button the same, and the
// unpair prompt quotes the name as the status lines do.
func TestPairedWordingIsUniform(t *testing.T) {
	for _, provider := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		t.Run(provider, func(t *testing.T) {
			c := testCommon()
			c.Provider = provider
			p := providers.Pairing{Provider: provider, ID: "p1", PairingNickname: "Front Bar", Status: providers.StatusActive}
			s := NewPaired(c, []providers.Pairing{p}, "")
			s.SetSize(80, 40)
			if v := ansi.Strip(s.View()); !strings.Contains(v, "[ Add pairing ] a") {
				t.Errorf("no [ Add pairing ] a button:\n%s", v)
			}
		})
	}
	s := NewPaired(testCommon(), []providers.Pairing{{Provider: providers.SCI, ID: "p1", PairingNickname: "Front Bar", Status: providers.StatusActive}}, "")
	s.SetSize(80, 40)
	s.Update(runes("u"))
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "Unpair "+Quote("Front Bar")+"?") || strings.Contains(v, `"Front Bar"`) {
		t.Errorf("unpair prompt does not quote the name as %s:\n%s", Quote("Front Bar"), v)
	}
}

func TestPairedListNamesProviderWhenMixed(t *testing.T) {
	ps := []providers.Pairing{
		{Provider: providers.SCI, ID: "pid_1", PairingNickname: "Front", Status: providers.StatusActive},
		{Provider: providers.Helcim, ID: "DY6L", PairingNickname: "Reader", Status: providers.StatusActive},
	}
	mixed := NewPaired(testCommon(), ps, "")
	mixed.SetSize(100, 30)
	view := mixed.View()
	if !strings.Contains(view, "Helcim Payment Hardware") {
		t.Errorf("a mixed list does not name each row's provider:\n%s", view)
	}
	one := NewPaired(testCommon(), ps[:1], "")
	one.SetSize(100, 30)
	single := one.View()
	if strings.Contains(single, "Helcim") {
		t.Errorf("a one-provider list names providers:\n%s", single)
	}
}

// With five pairings at the minimum size the paired screen used to run
// past its height, and the root cut the actions off: Unpair is an SCI
// certification item, so the list shrinks and the logo goes first.
func TestPairedKeepsActionsAtMinimumSize(t *testing.T) {
	for _, tc := range []struct {
		provider string
		button   string
	}{
		{providers.SCI, "[ Unpair ] u"},
		{providers.SmartConnect, "[ Forget ] f"},
		{providers.Helcim, "[ Forget ] f"},
	} {
		for _, sel := range []int{0, 2, 4} {
			s := NewPaired(providerCommon(tc.provider), fivePairings(tc.provider), "")
			for range sel {
				s.Update(tea.KeyMsg{Type: tea.KeyDown})
			}
			for _, h := range []int{minBodyH, minBodyH - 2, 6} {
				s.SetSize(minBodyW, h)
				v := s.View()
				what := fmt.Sprintf("%s sel %d at %d×%d", tc.provider, sel, minBodyW, h)
				fitsIn(t, what, v, minBodyW, h)
				if !strings.Contains(v, tc.button) || !strings.Contains(v, "[ Add pairing ] a") {
					t.Errorf("%s: action row missing:\n%s", what, v)
				}
				if h >= minBodyH-2 && !strings.Contains(v, "> ") {
					t.Errorf("%s: the selected pairing is not in the list:\n%s", what, v)
				}
			}
			s.SetSize(minBodyW, minBodyH)
			v := s.View()
			if tc.provider == providers.SCI {
				for _, want := range []string{"Terminal Nickname", "Status", "more"} {
					if !strings.Contains(v, want) {
						t.Errorf("%s sel %d at the minimum: %q missing:\n%s", tc.provider, sel, want, v)
					}
				}
			}
		}
	}
}

// Names with wide characters (two cells each) used to be padded by runes,
// pushing the TID column right; every row's TID must start in one column.
func TestPairedListAlignsWideNames(t *testing.T) {
	s := NewPaired(testCommon(), fivePairings(providers.SCI), "")
	s.SetSize(80, 0)
	col := -1
	for _, l := range strings.Split(ansi.Strip(s.View()), "\n") {
		i := strings.Index(l, "T-10")
		if i < 0 || strings.HasPrefix(l, "TID") {
			continue
		}
		c := ansi.StringWidth(l[:i])
		if col >= 0 && c != col {
			t.Errorf("TID at column %d, want %d:\n%s", c, col, s.View())
		}
		col = c
	}
	if col < 0 {
		t.Fatalf("no list rows:\n%s", s.View())
	}
	// Cut to 20 cells, the name keeps its mark of being cut.
	if !strings.Contains(s.View(), "…") {
		t.Errorf("the wide name was cut without an ellipsis:\n%s", s.View())
	}
}

// A value longer than the screen is cut with "…", not silently.
func TestPairedLongValueIsMarkedCut(t *testing.T) {
	c := providerCommon(providers.SmartConnect)
	long := strings.Repeat("Register", 8) // 64 characters, the field's limit
	p := providers.Pairing{Provider: providers.SmartConnect, ID: "r1", Status: providers.StatusActive,
		Register: &providers.RegisterIdentity{RegisterName: long, RegisterID: "r1"}}
	s := NewPaired(c, []providers.Pairing{p}, "")
	s.SetSize(minBodyW, 0)
	v := ansi.Strip(s.View())
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(l, "Register name") && !strings.Contains(l, "…") {
			t.Errorf("64-character register name cut without a mark: %q", l)
		}
	}
}

// The success message belongs to the pairing just made, not to whichever
// pairing is selected later.
func TestPairedSuccessOnlyForTheJustPairedOne(t *testing.T) {
	ps := fivePairings(providers.SCI)
	s := NewPaired(testCommon(), ps, ps[2].ID)
	s.SetSize(80, 0)
	if v := s.View(); !strings.Contains(v, "Pairing successful") {
		t.Fatalf("just paired: no success message:\n%s", v)
	}
	s.Update(tea.KeyMsg{Type: tea.KeyUp})
	if v := s.View(); strings.Contains(v, "Pairing successful") {
		t.Errorf("an older pairing selected, still says the success:\n%s", v)
	}
}

// For a provider with one pairing per register (SmartConnect), Add pairing
// first says that a new pairing moves this register to the other terminal
// and points to a second register identity; y goes on to the form, n
// stays. The words are the catalogue's, from the descriptor's flag; a
// provider without the flag goes to the form at once.
func TestAddPairingWarnsWhenTheRegisterMoves(t *testing.T) {
	p := providers.Pairing{ID: "reg-1", Provider: providers.SmartConnect, Status: providers.StatusActive, PairingNickname: "Front"}
	s := NewPaired(providerCommon(providers.SmartConnect), []providers.Pairing{p}, "")
	s.SetSize(80, 30)
	if _, cmd := s.Update(runes("a")); cmd != nil {
		t.Fatal("a went to the form without the warning")
	}
	v := strings.Join(strings.Fields(ansi.Strip(s.View())), " ")
	want := strings.Join(strings.Fields(wording.MovesRegister(s.desc())), " ")
	if want == "" || !strings.Contains(v, want) || !strings.Contains(v, "second register identity") {
		t.Fatalf("the warning is not shown:\n%s", s.View())
	}
	if !s.Asking() {
		t.Error("the warning is a question: the footer must offer only y and n")
	}
	if _, cmd := s.Update(runes("n")); cmd != nil || s.Asking() {
		t.Error("n should stay on the pairings")
	}
	s.Update(runes("a"))
	_, cmd := s.Update(runes("y"))
	if cmd == nil {
		t.Fatal("y did nothing")
	}
	if msg, ok := cmd().(NavigateMsg); !ok || msg.To != Unpaired {
		t.Errorf("y sent %#v, want the pairing form", cmd())
	}

	sci := NewPaired(testCommon(), []providers.Pairing{{ID: "p-1", Status: providers.StatusActive}}, "")
	sci.SetSize(80, 30)
	_, cmd = sci.Update(runes("a"))
	if cmd == nil {
		t.Fatal("for SCI, a goes to the form at once")
	}
	if msg, ok := cmd().(NavigateMsg); !ok || msg.To != Unpaired {
		t.Errorf("a sent %#v", cmd())
	}
}

// r re-checks the pairings: the root runs the entry check.
func TestPairedRefreshKey(t *testing.T) {
	s := NewPaired(testCommon(), []providers.Pairing{{ID: "p-1", Status: providers.StatusActive}}, "")
	s.SetSize(80, 30)
	_, cmd := s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	if cmd == nil {
		t.Fatal("r sent nothing")
	}
	if _, ok := cmd().(RefreshMsg); !ok {
		t.Errorf("r sent %#v, want RefreshMsg", cmd())
	}
}
