package screens

import (
	"reflect"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/jonboulle/clockwork"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

func memoPairings() []providers.Pairing {
	checked := time.Date(2026, 11, 21, 14, 29, 55, 0, time.UTC)
	return []providers.Pairing{
		{Provider: providers.SCI, ID: "b7c1e0f2", Status: providers.StatusActive, PairingNickname: "Front counter",
			TID: "T-1001", TerminalNickname: "Counter 1", CheckedAt: checked},
		{Provider: providers.SCI, ID: "0a9d3c55", Status: providers.StatusActive, PairingNickname: "Back office",
			TID: "T-1002", TerminalNickname: "Office"},
	}
}

func memoScreen(t *testing.T) *PairedScreen {
	t.Helper()
	c := testCommon()
	c.Clock = clockwork.NewFakeClockAt(time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC))
	s := NewPaired(c, memoPairings(), "")
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

// Every field of PairedScreen and Common must either reach pairedState (or
// the pairings' rows) or be named here as not drawn; otherwise View would
// keep returning a stale drawing after that field changed. A field added
// later fails here until it is accounted for.
func TestPairedStateCoversEveryField(t *testing.T) {
	colour(t)
	drawn := map[string]func(s *PairedScreen){
		"pairings":   func(s *PairedScreen) { s.pairings = s.pairings[:1] },
		"sel":        func(s *PairedScreen) { s.sel = 1 },
		"justPaired": func(s *PairedScreen) { s.justPaired = s.pairings[0].ID },
		"result":     func(s *PairedScreen) { s.Tested("Pairing is active") },
		"asking":     func(s *PairedScreen) { s.asking = true },
		"askForget":  func(s *PairedScreen) { s.asking, s.askForget = true, true },
		"busy":       func(s *PairedScreen) { s.busy = "Unpairing…" },
		"testing":    func(s *PairedScreen) { s.busy, s.testing = "Testing…", true },
		"started": func(s *PairedScreen) {
			s.busy, s.testing = "Testing…", true
			s.View()
			s.started = s.started.Add(-5 * time.Second)
		},
		"spin": func(s *PairedScreen) {
			s.busy, s.testing = "Testing…", true
			s.View()
			s.spin, _ = s.spin.Update(s.spin.Tick())
		},
		"w":    func(s *PairedScreen) { s.w = 30 },
		"h":    func(s *PairedScreen) { s.h = 8 },
		"logo": func(s *PairedScreen) { s.SetLogo(false) },
	}
	notDrawn := map[string]string{
		"c":     "Common: its fields are checked below",
		"keys":  "the buttons are fixed text; only ShortHelp reads the bindings",
		"memo":  "the memo itself",
		"fixed": "constant pieces, drawn again when the styles or colour profile change",
	}
	commonDrawn := map[string]func(s *PairedScreen){
		"Styles": func(s *PairedScreen) {
			st := theme.Default()
			st.Text.Dark, st.Text.Light = "1", "1"
			st.Accent.Dark, st.Accent.Light = "2", "2"
			s.c.Styles = theme.New(st)
		},
		"Clock": func(s *PairedScreen) {
			s.c.Clock = clockwork.NewFakeClockAt(time.Date(2026, 11, 21, 14, 30, 0, 0, time.FixedZone("AEDT", 11*3600)))
		},
		"Product":  func(s *PairedScreen) { s.c.Product = "Another product" },
		"Provider": func(s *PairedScreen) { s.c.Provider = providers.Helcim },
	}
	commonNotDrawn := map[string]string{
		"Caps":          "the view reads the provider, not its capabilities",
		"StaticSpinner": "it stops the spinner's ticks; the frame is drawn through spin",
		"Parts":         "constant pieces keyed by style and text (TestPairedFixedPartsFollowStyles)",
	}
	check := func(kind, name string, mutate func(*PairedScreen)) {
		t.Helper()
		s := memoScreen(t)
		before := s.View()
		mutate(s)
		want := s.render()
		if want == before {
			t.Fatalf("%s.%s: the mutation does not change the drawing; it proves nothing", kind, name)
		}
		if got := s.View(); got != want {
			t.Errorf("%s.%s changed but View returned the stale drawing", kind, name)
		}
	}
	rt := reflect.TypeOf(PairedScreen{})
	for i := range rt.NumField() {
		name := rt.Field(i).Name
		if mutate, ok := drawn[name]; ok {
			check("PairedScreen", name, mutate)
			continue
		}
		if _, ok := notDrawn[name]; !ok {
			t.Errorf("PairedScreen.%s is new: add it to pairedState (and to this test), or say here why View does not draw it", name)
		}
	}
	ct := reflect.TypeOf(Common{})
	for i := range ct.NumField() {
		name := ct.Field(i).Name
		if mutate, ok := commonDrawn[name]; ok {
			check("Common", name, mutate)
			continue
		}
		if _, ok := commonNotDrawn[name]; !ok {
			t.Errorf("Common.%s is new: add it to pairedState (and to this test), or say here why View does not draw it", name)
		}
	}
	check("lipgloss", "ColorProfile", func(*PairedScreen) { lipgloss.SetColorProfile(termenv.Ascii) })
}

// Every field of a pairing reaches its row, including a register identity
// changed through its pointer, so an in-place edit of the list is seen.
func TestPairedRowCoversEveryPairingField(t *testing.T) {
	base := providers.Pairing{Register: &providers.RegisterIdentity{}}
	rt := reflect.TypeOf(base)
	for i := range rt.NumField() {
		f := rt.Field(i)
		p := base
		p.Register = &providers.RegisterIdentity{}
		v := reflect.ValueOf(&p).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeOf(time.Time{}):
			v.Set(reflect.ValueOf(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)))
		case f.Type.Kind() == reflect.String:
			v.SetString("changed")
		case f.Type == reflect.TypeOf(&providers.RegisterIdentity{}):
			p.Register.VendorName = "changed"
		case f.Type == reflect.TypeOf(&providers.Health{}):
			p.Health = &providers.Health{State: "changed"}
		default:
			t.Fatalf("Pairing.%s is a %s: teach rowOf and this test about it", f.Name, f.Type)
		}
		if rowOf(p) == rowOf(base) {
			t.Errorf("changing Pairing.%s does not change its row", f.Name)
		}
	}
}

func TestPairedViewSeesInPlaceEdits(t *testing.T) {
	s := memoScreen(t)
	s.View()
	s.pairings[1].PairingNickname = "Renamed"
	if got, want := s.View(), s.render(); got != want {
		t.Error("a nickname changed in place was not drawn")
	}
	c := testCommon()
	c.Provider = providers.SmartConnect
	reg := &providers.RegisterIdentity{RegisterID: "r-1", RegisterName: "Till 1"}
	sc := NewPaired(c, []providers.Pairing{{Provider: providers.SmartConnect, ID: "r-1", Status: providers.StatusActive, Register: reg}}, "")
	sc.SetSize(80, 40)
	sc.View()
	reg.RegisterName = "Till 2"
	if got, want := sc.View(), sc.render(); got != want {
		t.Error("a register identity changed through its pointer was not drawn")
	}
}

func TestPairedViewReusesUnchangedState(t *testing.T) {
	s := memoScreen(t)
	first := s.View()
	for range 3 {
		if s.View() != first {
			t.Fatal("an unchanged screen drew something else")
		}
	}
	if s.memo.renders != 1 {
		t.Fatalf("rendered %d times for one state, want 1", s.memo.renders)
	}
	s.Update(tea.KeyMsg{Type: tea.KeyDown})
	if s.View() == first || s.memo.renders != 2 {
		t.Fatalf("moving the selection: renders %d, want 2 and a new drawing", s.memo.renders)
	}
}

// The fixed pieces follow a change of colour profile or styles: a warm
// screen draws what a fresh one does.
func TestPairedFixedPartsFollowStyles(t *testing.T) {
	colour(t)
	s := memoScreen(t)
	s.View()
	lipgloss.SetColorProfile(termenv.Ascii)
	if got, want := s.View(), memoScreen(t).View(); got != want {
		t.Errorf("after the profile changed to no colour:\n%q\nwant\n%q", got, want)
	}
	lipgloss.SetColorProfile(termenv.ANSI256)
	s.View()
	th := theme.Default()
	th.Brand.Dark, th.Brand.Light = "1", "1"
	th.Faint.Dark, th.Faint.Light = "2", "2"
	th.Accent.Dark, th.Accent.Light = "3", "3"
	s.c.Styles = theme.New(th)
	fresh := memoScreen(t)
	fresh.c.Styles = s.c.Styles
	if got, want := s.View(), fresh.View(); got != want {
		t.Errorf("after the styles changed:\n%q\nwant\n%q", got, want)
	}
}

// Screens sharing Common.Parts draw what unshared ones do, and a second
// screen's first frame finds its fixed pieces already drawn.
func TestPairedSharedPartsDrawTheSame(t *testing.T) {
	colour(t)
	c := memoScreen(t).c
	c.Parts = &Parts{}
	first := NewPaired(c, memoPairings(), "")
	first.SetSize(80, 40)
	first.View()
	n := len(c.Parts.m)
	if n == 0 {
		t.Fatal("the shared parts stayed empty")
	}
	second := NewPaired(c, memoPairings(), "")
	second.SetSize(80, 40)
	alone := memoScreen(t)
	if got, want := second.View(), alone.View(); got != want {
		t.Errorf("with shared parts:\n%q\nwithout:\n%q", got, want)
	}
	if len(c.Parts.m) != n {
		t.Errorf("the second screen drew %d fixed pieces again", len(c.Parts.m)-n)
	}
}
