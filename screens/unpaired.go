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
	c    Common
	spec providers.CodeSpec
	keys UnpairedKeys
	// inputs are the descriptor's pair inputs (Linkly's username and
	// password), shown before the code: asked at every pairing, sent once
	// and never kept (a secret one is masked and emptied on submit).
	inputs []pairInput
	code   textinput.Model
	nick   textinput.Model
	focus  int // an index into fields: the inputs, then the code, then the nickname
	// nickOnly: the pairing model has the cloud make the code
	// (providers.CodeFromPOS), so the form skips the code field.
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

// pairInput is one pair input's field.
type pairInput struct {
	cred providers.Credential
	in   textinput.Model
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
	for _, cred := range descriptor(c.Provider).PairInputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 256
		// Two fit side by side in 60 columns.
		in.Width = 24
		in.TextStyle = c.Styles.Value
		in.PlaceholderStyle = c.Styles.Placeholder
		if cred.Secret {
			// Never drawn: not on screen, in a golden or in a log.
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
			in.Placeholder = "not shown, not stored"
		}
		s.inputs = append(s.inputs, pairInput{cred: cred, in: in})
	}
	s.setFocus(0)
	if descriptor(c.Provider).Model == providers.CodeFromPOS {
		s.nickOnly = true
		if len(s.inputs) == 0 {
			s.keys.Next.SetEnabled(false)
			s.keys.Prev.SetEnabled(false)
		}
		s.setFocus(s.codeField() + 1)
	}
	return s
}

// fields are the form's inputs in focus order: the pair inputs, the code,
// the nickname.
func (s *UnpairedScreen) fields() []*textinput.Model {
	out := make([]*textinput.Model, 0, len(s.inputs)+2)
	for i := range s.inputs {
		out = append(out, &s.inputs[i].in)
	}
	return append(out, &s.code, &s.nick)
}

// codeField is the code's index in fields.
func (s *UnpairedScreen) codeField() int { return len(s.inputs) }

// step is the field d steps from the focused one, round the form; a form
// whose code the cloud makes (nickOnly) never focuses the code field.
func (s *UnpairedScreen) step(d int) int {
	n := len(s.fields())
	i := (s.focus + d + n) % n
	if s.nickOnly && i == s.codeField() {
		i = (i + d + n) % n
	}
	return i
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
		for _, f := range s.fields() {
			f.Blur()
		}
		return
	}
	s.setFocus(s.focus)
}

// Busy reports whether a pair request from this form is in flight.
func (s *UnpairedScreen) Busy() bool { return s.busy }

// Pristine reports that nothing has been typed yet.
func (s *UnpairedScreen) Pristine() bool {
	for _, f := range s.fields() {
		if f.Value() != "" {
			return false
		}
	}
	return true
}

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
		f := s.fields()[s.focus]
		var cmd tea.Cmd
		*f, cmd = f.Update(msg)
		return s, cmd
	}
	switch {
	case key.Matches(km, s.keys.Back):
		return s, send(NavigateMsg{To: Paired})
	case key.Matches(km, s.keys.Pair):
		return s, s.submit()
	case key.Matches(km, s.keys.Next):
		s.setFocus(s.step(1))
		return s, nil
	case key.Matches(km, s.keys.Prev):
		s.setFocus(s.step(-1))
		return s, nil
	}
	var cmd tea.Cmd
	if s.focus == s.codeField() {
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
		f := s.fields()[s.focus]
		*f, cmd = f.Update(km)
	}
	return s, cmd
}

func (s *UnpairedScreen) setFocus(i int) {
	s.focus = i
	for j, f := range s.fields() {
		if j == i {
			f.Focus()
		} else {
			f.Blur()
		}
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
			s.setFocus(s.codeField())
			return nil
		}
	}
	var inputs map[string]providers.Secret
	for i, f := range s.inputs {
		v := f.in.Value()
		if !f.cred.Secret {
			v = strings.TrimSpace(v)
		}
		if v == "" {
			s.invalid = "Enter the " + f.cred.Label + "."
			s.setFocus(i)
			return nil
		}
		if inputs == nil {
			inputs = map[string]providers.Secret{}
		}
		inputs[f.cred.Name] = providers.NewSecret(v)
	}
	for i := range s.inputs {
		if s.inputs[i].cred.Secret {
			// Sent once: a second pairing asks for it again.
			s.inputs[i].in.SetValue("")
		}
	}
	s.invalid, s.banner, s.bannerNext = "", "", ""
	return send(PairMsg{Code: code, Nickname: strings.TrimSpace(s.nick.Value()), Inputs: inputs})
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

// formView draws the fields and, under them, why a value was refused.
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
			if in.EchoMode == textinput.EchoPassword {
				value = strings.Repeat(string(in.EchoCharacter), len([]rune(value)))
			}
			if value == "" {
				value = in.Placeholder
			}
			f.Input = st.Placeholder.Render(truncateText(value, max(in.Width, 1)))
		}
		return f
	}
	var fields []widgets.Field
	for i, f := range s.inputs {
		hint := ""
		if f.cred.Secret {
			hint = "hidden"
		}
		fields = append(fields, field(f.cred.Label, hint, f.in, s.focus == i))
	}
	code := field(s.spec.Label, s.hint(), s.code, s.focus == s.codeField())
	code.Invalid = s.invalid != ""
	nickHint := "optional"
	if c := s.nickCount(); c != "" {
		nickHint = c
	}
	nick := field("Pairing Nickname", nickHint, s.nick, s.focus == s.codeField()+1)
	// The pair inputs share a row, the code and nickname the next, each
	// row side by side where it fits.
	form := widgets.Fields(st, max(s.w, 20), code, nick)
	if s.nickOnly {
		form = widgets.Fields(st, max(s.w, 20), nick)
	}
	if len(fields) > 0 {
		form = join(widgets.Fields(st, max(s.w, 20), fields...), "", form)
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
	steps, brief := art.steps, art.brief
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
