package screens

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/keys"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
)

// UnpairedKeys are the pairing form's keys.
type UnpairedKeys struct {
	Pair key.Binding
	Next key.Binding
	Prev key.Binding
	Back key.Binding
}

func newUnpairedKeys(canGoBack bool) UnpairedKeys {
	k := UnpairedKeys{
		Pair: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pair")),
		Next: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "pairings")),
	}
	k.Back.SetEnabled(canGoBack)
	return k
}

// UnpairedScreen is the pairing form: branding, Pairing Code, Pairing
// Nickname, instructions and Pair.
type UnpairedScreen struct {
	c     Common
	spec  providers.CodeSpec
	keys  UnpairedKeys
	code  textinput.Model
	nick  textinput.Model
	focus int // 0 code, 1 nickname
	// nickOnly: the pairing model has the cloud make the code
	// (providers.CodeFromPOS), so the form asks only for the nickname.
	nickOnly bool
	invalid  string
	// busy: the form's values are on their way in a pair request; they
	// are shown dimmed and take no keys until the answer comes.
	busy bool
	note string // a line under the title, e.g. SmartConnect's register
	// banner is an error the form is shown for (a pairing unpaired on the
	// terminal: wording.TextNoActive) with what to do; it stays
	// until a pair request is sent.
	banner, bannerNext string
	w, h               int
	art                unpairedArt // rendered logo and steps, reused between frames
	logo               logoChoice
}

// NewUnpaired builds the form. canGoBack shows "esc pairings" when other
// pairings exist.
func NewUnpaired(c Common, spec providers.CodeSpec, canGoBack bool) *UnpairedScreen {
	if spec.Label == "" {
		spec.Label = "Pairing Code"
	}
	code := textinput.New()
	code.Prompt = ""
	code.Placeholder = "e.g. " + spec.Example
	code.CharLimit = max(spec.MaxLen, 1) + 8 // room for the spaces and dashes people type
	// As wide as the longest code typed, so none scrolls out of sight.
	code.Width = code.CharLimit
	code.TextStyle = c.Styles.Value
	code.PlaceholderStyle = c.Styles.Placeholder
	code.Focus()

	nick := textinput.New()
	nick.Prompt = ""
	nick.Placeholder = "e.g. Front counter"
	// The same cap the service enforces, as in the CLI and accessible mode.
	nick.CharLimit = pairing.MaxNicknameRunes
	nick.Width = 26
	nick.TextStyle = c.Styles.Value
	nick.PlaceholderStyle = c.Styles.Placeholder

	s := &UnpairedScreen{c: c, spec: spec, keys: newUnpairedKeys(canGoBack), code: code, nick: nick}
	if descriptor(c.Provider).Model == providers.CodeFromPOS {
		s.nickOnly = true
		s.keys.Next.SetEnabled(false)
		s.keys.Prev.SetEnabled(false)
		s.setFocus(1)
	}
	return s
}

// ID implements Screen.
func (s *UnpairedScreen) ID() ID { return Unpaired }

func (s *UnpairedScreen) Init() tea.Cmd { return textinput.Blink }

// Typing: a field always has focus on this screen.
func (s *UnpairedScreen) Typing() bool { return true }

func (s *UnpairedScreen) SetSize(w, h int) { s.w, s.h = w, h }

// SetValues fills the fields (tests, and returning from an error).
func (s *UnpairedScreen) SetValues(code, nickname string) {
	s.code.SetValue(code)
	s.nick.SetValue(nickname)
}

// SetNote sets the line under the title ("" for none).
func (s *UnpairedScreen) SetNote(note string) { s.note = note }

// SetCanGoBack enables esc when there are pairings to go back to.
func (s *UnpairedScreen) SetCanGoBack(ok bool) { s.keys.Back.SetEnabled(ok) }

// SetBusy marks a pair request from this form in flight (true) or
// answered (false). The model, which counts the requests, is the one
// source of truth: the form does not guess from its own submit, which the
// model may refuse.
func (s *UnpairedScreen) SetBusy(busy bool) {
	if busy == s.busy {
		return
	}
	s.busy = busy
	if busy {
		s.code.Blur()
		s.nick.Blur()
		return
	}
	s.setFocus(s.focus)
}

// Busy reports whether a pair request from this form is in flight.
func (s *UnpairedScreen) Busy() bool { return s.busy }

// Pristine reports that nothing has been typed yet.
func (s *UnpairedScreen) Pristine() bool { return s.code.Value() == "" && s.nick.Value() == "" }

// Invalid is the current validation message ("" when none).
func (s *UnpairedScreen) Invalid() string { return s.invalid }

func (s *UnpairedScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Pair, s.keys.Next, s.keys.Back}
}

// FullHelp lists every key the form takes: its own, and the text keys of
// its fields (bubbles' textinput), so ↑/↓ and ctrl+u are found too.
func (s *UnpairedScreen) FullHelp() [][]key.Binding {
	next, prev := s.keys.Next, s.keys.Prev
	next.SetHelp("tab/↓", "next field")
	prev.SetHelp("shift+tab/↑", "previous field")
	return [][]key.Binding{{s.keys.Pair, next, prev, s.keys.Back}, editKeys()}
}

// editKeys are the text keys of a focused field, for the full help.
func editKeys() []key.Binding {
	b := func(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }
	return []key.Binding{
		b("←/→", "move in the field"),
		b("home/end", "start / end"),
		b("ctrl+u", "delete to the start"),
		b("ctrl+k", "delete to the end"),
		b("ctrl+v", "paste"),
	}
}

func (s *UnpairedScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case BusyMsg:
		s.SetBusy(msg.Busy)
		return s, nil
	case NoteMsg:
		s.SetNote(msg.Note)
		return s, nil
	case BannerMsg:
		s.banner, s.bannerNext = msg.Line, msg.Next
		return s, nil
	case CanGoBackMsg:
		s.SetCanGoBack(msg.OK)
		return s, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if ok && s.busy {
		// Edits would be thrown away when the answer comes.
		return s, nil
	}
	if !ok {
		var cmd tea.Cmd
		if s.focus == 0 {
			s.code, cmd = s.code.Update(msg)
		} else {
			s.nick, cmd = s.nick.Update(msg)
		}
		return s, cmd
	}
	switch {
	case key.Matches(km, s.keys.Back):
		return s, send(NavigateMsg{To: Paired})
	case key.Matches(km, s.keys.Pair):
		return s, s.submit()
	case key.Matches(km, s.keys.Next), key.Matches(km, s.keys.Prev):
		if !s.nickOnly {
			s.setFocus(1 - s.focus)
		}
		return s, nil
	}
	var cmd tea.Cmd
	if s.focus == 0 {
		if km.Type == tea.KeyRunes {
			typed := km.Runes
			km.Runes = s.allowedCodeRunes(km.Runes)
			if len(km.Runes) == 0 {
				s.invalid = s.rejected(typed)
				return s, nil
			}
		}
		s.code, cmd = s.code.Update(km)
		s.invalid = ""
	} else {
		s.nick, cmd = s.nick.Update(km)
	}
	return s, cmd
}

func (s *UnpairedScreen) setFocus(i int) {
	s.focus = i
	if i == 0 {
		s.code.Focus()
		s.nick.Blur()
	} else {
		s.nick.Focus()
		s.code.Blur()
	}
}

// allowedCodeRunes drops keystrokes that can never be part of a code, so a
// stray letter in a digits-only field is refused as it is typed.
func (s *UnpairedScreen) allowedCodeRunes(rs []rune) []rune {
	out := rs[:0:0]
	for _, r := range rs {
		switch {
		case r == ' ' || r == '-':
			out = append(out, r)
		case unicode.IsDigit(r) && r < 128:
			out = append(out, r)
		case !s.spec.Digits && r < 128 && unicode.IsLetter(r):
			if descriptor(s.c.Provider).Model == providers.DeviceCode {
				// Device codes are shown upper-case on the terminal; typing
				// them in lower case must look the same here.
				r = unicode.ToUpper(r)
			}
			out = append(out, r)
		}
	}
	return out
}

// rejected says why a key was not taken into the code field. It is about
// the key, never the code: what is typed so far may well be valid. The
// keys people press expecting a command (? and q elsewhere) are told the
// key that does that here, where a field has focus.
func (s *UnpairedScreen) rejected(rs []rune) string {
	k := string(rs)
	if len(rs) == 1 && unicode.IsPrint(rs[0]) {
		k = Quote(k)
	} else {
		k = "That key"
	}
	switch string(rs) {
	case "?":
		return fmt.Sprintf("%s is not part of a %s — %s shows the keys", k, s.spec.Label, keys.TypingHelpKey)
	case "q", "Q":
		return fmt.Sprintf("%s is not part of a %s — ctrl+c quits", k, s.spec.Label)
	}
	what := "letters and digits"
	if s.spec.Digits {
		what = "digits"
	}
	return fmt.Sprintf("%s is not part of a %s: it has %s only", k, s.spec.Label, what)
}

// submit checks the code with the pairing session's one code check
// (Common.ValidateCode) and sends it normalised, or says why it was refused.
func (s *UnpairedScreen) submit() tea.Cmd {
	if s.nickOnly {
		return send(PairMsg{Nickname: strings.TrimSpace(s.nick.Value())})
	}
	code := s.code.Value()
	if s.c.ValidateCode != nil {
		var err error
		if code, err = s.c.ValidateCode(code); err != nil {
			s.invalid = refusal(err)
			s.setFocus(0)
			return nil
		}
	}
	s.invalid, s.banner, s.bannerNext = "", "", ""
	return send(PairMsg{Code: code, Nickname: strings.TrimSpace(s.nick.Value())})
}

// refusal is why a code was refused before anything was sent: the check's
// own message, which names the rule and what to check.
func refusal(err error) string {
	if pe, ok := providers.AsError(err); ok && pe.Message != "" {
		return pe.Message
	}
	return Describe(err).Line
}

// instructions are the provider's numbered steps (SCIPAIRING09 for SCI);
// compact is one wrapped paragraph.
func (s *UnpairedScreen) instructions(compact bool) []string {
	if compact {
		text := pairStepsCompact(s.c.Provider)
		return []string{widgets.Para(s.c.Styles.Text, text, max(s.w, 20))}
	}
	// The heading is as bright as a title: never dimmer than its steps.
	out := []string{s.c.Styles.Heading.Render("How to pair")}
	for i, st := range PairSteps(s.c.Provider) {
		// Long steps wrap under their text, not under the number.
		num := s.c.Styles.Faint.Render(fmt.Sprintf(" %d. ", i+1))
		out = append(out, num+widgets.Hang(s.c.Styles.Text, "", st, max(s.w, 20)-4))
		if lines := strings.Split(out[len(out)-1], "\n"); len(lines) > 1 {
			for j := 1; j < len(lines); j++ {
				lines[j] = "    " + lines[j]
			}
			out[len(out)-1] = strings.Join(lines, "\n")
		}
	}
	return out
}

func (s *UnpairedScreen) View() string {
	out := s.view()
	if s.h > 0 && lipgloss.Height(out) > s.h {
		// The Pair button is the way on: cut above it, never it.
		return join(cutAbove([]string{out}, s.h, 1)...)
	}
	return out
}

// hint is the code field's rule in a few words ("6 digits").
func (s *UnpairedScreen) hint() string {
	if s.spec.MaxLen == 0 {
		return ""
	}
	what := "chars"
	if s.spec.Digits {
		what = "digits"
	}
	n := fmt.Sprintf("%d", s.spec.MaxLen)
	if s.spec.MinLen != s.spec.MaxLen {
		n = fmt.Sprintf("%d–%d", s.spec.MinLen, s.spec.MaxLen)
	}
	return n + " " + what
}

// formView draws the two fields and, under them, why a value was refused.
func (s *UnpairedScreen) formView() string {
	st := s.c.Styles
	field := func(label, hint string, in textinput.Model, focused bool) widgets.Field {
		// The input draws one cell past its width for the cursor.
		f := widgets.Field{Label: label, Hint: hint, Input: in.View(), Width: in.Width + 1,
			Focused: focused && !s.busy, Dim: s.busy}
		if s.busy {
			// Dimmed and without a cursor: nothing here can be edited
			// until the answer comes.
			value := in.Value()
			if value == "" {
				value = in.Placeholder
			}
			f.Input = st.Placeholder.Render(truncateText(value, max(in.Width, 1)))
		}
		return f
	}
	code := field(s.spec.Label, s.hint(), s.code, s.focus == 0)
	code.Invalid = s.invalid != ""
	nickHint := "optional"
	if c := s.nickCount(); c != "" {
		nickHint = c
	}
	nick := field("Pairing Nickname", nickHint, s.nick, s.focus == 1)
	form := widgets.Fields(st, max(s.w, 20), code, nick)
	if s.nickOnly {
		form = widgets.Fields(st, max(s.w, 20), nick)
	}
	if s.invalid != "" {
		// Continuation lines keep the hint's indent, so a wrapped hint
		// still reads as one paragraph under the fields.
		form = join(form, widgets.Hang(st.Error.UnsetBold(), "✗ ", s.invalid, max(s.w, 20)))
	}
	return form
}

func (s *UnpairedScreen) view() string {
	st := s.c.Styles
	button := widgets.Button(st, "Pair", "enter", widgets.Primary)
	if s.busy {
		button = st.Faint.Render("[ Pairing… ]")
	}
	art := s.rendered()
	full, compact := art.logo, art.logoCompact
	if s.note != "" {
		note := widgets.Para(st.Faint, s.note, max(s.w, 20))
		full, compact = join(full, note), join(compact, note)
	}
	if s.banner != "" {
		// The error this form is shown for, under the brand, above the
		// fields it asks to fill in again.
		b := widgets.Hang(st.Error, "✗ ", s.banner, max(s.w, 20))
		if s.bannerNext != "" {
			b = join(b, widgets.Hang(st.Text, "  ", s.bannerNext, max(s.w, 20)))
		}
		full, compact = join(full, "", b), join(compact, b)
	}
	form := s.formView()
	steps, brief := art.steps, join(s.instructions(true)...)
	// The first layout that fits wins: blank lines go first, then the
	// numbered steps for a paragraph, then the full mark for the compact.
	fullLayouts := [][]string{
		{full, "", form, "", steps, "", button},
		{full, "", form, "", steps, button},
		{full, form, "", steps, button},
		{full, form, steps, button},
		{full, "", form, "", brief, button},
		{full, form, "", brief, button},
		{full, form, brief, button},
	}
	compactLayouts := [][]string{
		{compact, "", form, "", steps, "", button},
		{compact, "", form, "", steps, button},
		{compact, form, "", steps, button},
		{compact, "", form, "", brief, button},
		{compact, form, brief, button},
	}
	var layouts [][]string
	if s.logo != logoCompact {
		layouts = fullLayouts
	}
	if s.logo != logoFull || s.h > 0 {
		layouts = append(layouts, compactLayouts...)
	}
	for _, l := range layouts {
		if s.h == 0 || linesHeight(l) <= s.h {
			return join(l...)
		}
	}
	return join(layouts[len(layouts)-1]...)
}

// fitsFull reports whether the pristine form fits h with the full mark.
func (s *UnpairedScreen) fitsFull(h int) bool {
	art := s.rendered()
	form := lipgloss.Height(s.formView()) + 1 // the button
	brief := lipgloss.Height(join(s.instructions(true)...))
	return lipgloss.Height(art.logo)+form+brief <= h
}

// nickCount shows how much of the nickname's limit is used once it is
// near: the field stops taking characters there, which would otherwise
// look like a stuck keyboard.
func (s *UnpairedScreen) nickCount() string {
	n := len([]rune(s.nick.Value()))
	if n < pairing.MaxNicknameRunes-10 {
		return ""
	}
	return fmt.Sprintf("%d/%d", n, pairing.MaxNicknameRunes)
}

// SetLogo implements LogoSetter.
func (s *UnpairedScreen) SetLogo(full bool) { s.logo = choiceOf(full) }

func join(parts ...string) string { return lipgloss.JoinVertical(lipgloss.Left, parts...) }
