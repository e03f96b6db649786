package screens

import (
	"fmt"
	"slices"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/providers"
)

// pairedState is everything PairedScreen.View draws from, besides the
// pairings (pairedRow). Bubble Tea asks for a frame after every message —
// clock ticks, terminal changes, the other pane's countdown — and the
// paired screen's ~30 styled pieces were the costliest part of a frame, so
// View reuses its last rendering while this state is unchanged.
// TestPairedStateCoversEveryField fails when PairedScreen or Common gains a
// field that this state does not account for.
type pairedState struct {
	profile  termenv.Profile
	dark     bool
	styles   *theme.Styles
	product  string
	provider string
	// loc is the clock's zone, which "checked 15:04:05" is shown in.
	loc        *time.Location
	sel        int
	justPaired string
	result     string
	asking     bool
	askForget  bool
	busy       string
	testing    bool
	// spin and elapsed are the live indicator's text while testing (the
	// spinner's frame and the clock enter the view only through them).
	spin    string
	elapsed string
	// w, h and logo choose the layout, the full or the compact logo included.
	w, h int
	logo logoChoice
}

// pairedRow is one pairing as the key holds it: a copy, with the register
// identity copied by value, so a change made in place to the caller's slice
// or to the identity it points to is still seen.
type pairedRow struct {
	p   providers.Pairing // Register is nil here; reg holds its value
	reg providers.RegisterIdentity
	has bool
	// health is Health by value (its pointers dereferenced), so an edit
	// through the pointer is seen.
	health string
}

func rowOf(p providers.Pairing) pairedRow {
	r := pairedRow{p: p}
	if p.Register != nil {
		r.reg, r.has = *p.Register, true
	}
	r.p.Register = nil
	if h := p.Health; h != nil {
		r.health = fmt.Sprintf("%v|%v|%v|%s|%s|%s", deref(h.Online), deref(h.Battery), h.LastActivity, h.State, h.Model, h.Detail)
	}
	r.p.Health = nil
	return r
}

// pairedMemo is the last rendering and the state it was drawn from.
type pairedMemo struct {
	valid   bool
	state   pairedState
	rows    []pairedRow
	out     string
	renders int // how often View rendered; tests prove reuse with it
}

func (s *PairedScreen) state() pairedState {
	k := pairedState{
		profile:    lipgloss.ColorProfile(),
		dark:       lipgloss.HasDarkBackground(),
		styles:     s.c.Styles,
		product:    s.c.Product,
		provider:   s.c.Provider,
		sel:        s.sel,
		justPaired: s.justPaired,
		result:     s.result,
		asking:     s.asking,
		askForget:  s.askForget,
		busy:       s.busy,
		testing:    s.testing,
		loc:        s.c.Clock.Now().Location(),
		w:          s.w,
		h:          s.h,
		logo:       s.logo,
	}
	if s.testing {
		k.spin, k.elapsed = s.spinView(), s.elapsed()
	}
	return k
}

func (s *PairedScreen) rowsMatch() bool {
	return slices.EqualFunc(s.memo.rows, s.pairings, func(r pairedRow, p providers.Pairing) bool {
		return r == rowOf(p)
	})
}

// View draws the screen, or returns the last drawing when nothing it is
// drawn from changed.
func (s *PairedScreen) View() string {
	k := s.state()
	if s.memo.valid && s.memo.state == k && s.rowsMatch() {
		return s.memo.out
	}
	rows := make([]pairedRow, len(s.pairings))
	for i, p := range s.pairings {
		rows[i] = rowOf(p)
	}
	s.memo = pairedMemo{valid: true, state: k, rows: rows, out: s.render(), renders: s.memo.renders + 1}
	return s.memo.out
}

// fixedKey names one fixed piece: a style of the shared Styles and its text.
type fixedKey struct {
	style *lipgloss.Style
	text  string
}

type fixedEnv struct {
	styles  *theme.Styles
	profile termenv.Profile
	dark    bool
}

// Parts are the pieces no pairing changes (title, labels, buttons),
// rendered once per style environment: a key press that moves the
// selection redraws the screen, and each lipgloss Render costs microseconds
// whether or not its text changed. Only constant texts go in, so the map
// stays small. One Parts may be shared by every screen of a model
// (Common.Parts), so a newly built screen's first frame reuses them too;
// like the screens, it is used from the Bubble Tea goroutine only.
type Parts struct {
	env fixedEnv
	m   map[fixedKey]string
}

// reset empties the parts when the styles or the global colour state
// changed since they were drawn.
func (f *Parts) reset(styles *theme.Styles) {
	env := fixedEnv{styles: styles, profile: lipgloss.ColorProfile(), dark: lipgloss.HasDarkBackground()}
	if f.m == nil || f.env != env {
		f.env, f.m = env, map[fixedKey]string{}
	}
}

func (f *Parts) get(style *lipgloss.Style, text string) string {
	k := fixedKey{style, text}
	if out, ok := f.m[k]; ok {
		return out
	}
	out := style.Render(text)
	f.m[k] = out
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
