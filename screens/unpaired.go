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
	inputs  []pairInput
	code    textinput.Model
	nick    textinput.Model
	focus   int // an index into fields: the inputs, then the code, then the nickname
	invalid string
	// busy: the form's values are on their way in a pair request; they
	// are shown dimmed and take no keys until the answer comes.
	busy bool
	note string // a line under the title, e.g. SmartConnect's register
	w, h int
	art  unpairedArt // rendered logo and steps, reused between frames
	logo logoChoice
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
	code.PlaceholderStyle = c.Styles.Faint
	code.Focus()

	nick := textinput.New()
	nick.Prompt = ""
	nick.Placeholder = "optional, e.g. Front counter"
	// The same cap the service enforces, as in the CLI and accessible mode.
	nick.CharLimit = pairing.MaxNicknameRunes
	nick.Width = 30
	nick.TextStyle = c.Styles.Value
	nick.PlaceholderStyle = c.Styles.Faint

	s := &UnpairedScreen{c: c, spec: spec, keys: newUnpairedKeys(canGoBack), code: code, nick: nick}
	for _, cred := range descriptor(c.Provider).PairInputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 256
		in.Width = 30
		in.TextStyle = c.Styles.Value
		in.PlaceholderStyle = c.Styles.Faint
		if cred.Secret {
			// Never drawn: not on screen, in a golden or in a log.
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
			in.Placeholder = "not shown, not stored"
		}
		s.inputs = append(s.inputs, pairInput{cred: cred, in: in})
	}
	s.setFocus(0)
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

func (s *UnpairedScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.keys.Pair, s.keys.Next, s.keys.Prev, s.keys.Back}}
}

func (s *UnpairedScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case BusyMsg:
		s.SetBusy(msg.Busy)
		return s, nil
	case NoteMsg:
		s.SetNote(msg.Note)
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
		s.setFocus((s.focus + 1) % len(s.fields()))
		return s, nil
	case key.Matches(km, s.keys.Prev):
		s.setFocus((s.focus + len(s.fields()) - 1) % len(s.fields()))
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
	s.invalid = ""
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
		return []string{lipgloss.NewStyle().Width(max(s.w, 20)).Render(s.c.Styles.Faint.Render(text))}
	}
	out := []string{s.c.Styles.Label.Render("How to pair")}
	for i, st := range PairSteps(s.c.Provider) {
		// Long steps wrap under their number rather than under it.
		num := fmt.Sprintf(" %d. ", i+1)
		body := lipgloss.NewStyle().Width(max(s.w, 20) - len(num)).Render(st)
		if s.w == 0 || len(st)+len(num) <= s.w {
			out = append(out, s.c.Styles.Text.Render(fmt.Sprintf(" %d. %s", i+1, st)))
			continue
		}
		lines := strings.Split(body, "\n")
		for j, l := range lines {
			lead := num
			if j > 0 {
				lead = strings.Repeat(" ", len(num))
			}
			lines[j] = s.c.Styles.Text.Render(strings.TrimRight(lead+l, " "))
		}
		out = append(out, strings.Join(lines, "\n"))
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

func (s *UnpairedScreen) view() string {
	st := s.c.Styles
	labelW := 17
	for _, f := range s.inputs {
		labelW = max(labelW, len([]rune(f.cred.Label))+1)
	}
	field := func(label string, in textinput.Model, focused bool) string {
		if s.busy {
			// Dimmed and without a cursor or focus marker: nothing here
			// can be edited until the answer comes.
			value := in.Value()
			if in.EchoMode == textinput.EchoPassword {
				value = strings.Repeat(string(in.EchoCharacter), len([]rune(value)))
			}
			if value == "" {
				value = in.Placeholder
			}
			return "  " + st.Faint.Render(fmt.Sprintf("%-*s", labelW, label)+truncateText(value, max(in.Width, 1)))
		}
		marker := "  "
		if focused {
			marker = st.Selected.Render("> ")
		}
		return marker + st.Label.Render(fmt.Sprintf("%-*s", labelW, label)) + in.View()
	}
	var form []string
	for i, f := range s.inputs {
		form = append(form, field(f.cred.Label, f.in, s.focus == i))
	}
	form = append(form,
		field(s.spec.Label, s.code, s.focus == s.codeField()),
		field("Pairing Nickname", s.nick, s.focus == s.codeField()+1)+s.nickCount(),
	)
	if s.invalid != "" {
		// Continuation lines keep the hint's indent, so a wrapped hint
		// still reads as one paragraph under the fields.
		form = append(form, lipgloss.NewStyle().Width(max(s.w, 20)).PaddingLeft(2).Render(st.Error.Render(s.invalid)))
	}
	button := st.Button.Render("[ Pair ]") + st.Faint.Render("  enter")
	if s.busy {
		button = st.Faint.Render("[ Pairing… ]")
	}

	title := st.Title.Render(s.c.Product)
	art := s.rendered()
	formV := join(form...)
	// A vertical join is as tall as its parts together, so the layout that
	// fits is chosen before any is joined.
	fixed := lipgloss.Height(title) + lipgloss.Height(formV) + lipgloss.Height(button)
	if art.logo == "" {
		// The logo is a provider's certification branding (SCI's);
		// providers without one are titled by their own name only.
		steps := lipgloss.Height(art.steps)
		if s.note != "" {
			title = join(title, lipgloss.NewStyle().Width(max(s.w, 20)).Render(st.Faint.Render(s.note)))
			fixed = lipgloss.Height(title) + lipgloss.Height(formV) + lipgloss.Height(button)
		}
		switch {
		case fixed+steps+3 <= s.h || s.h == 0:
			return join(title, "", formV, "", art.steps, "", button)
		case fixed+steps+1 <= s.h:
			return join(title, formV, "", art.steps, button)
		}
		return join(title, formV, join(s.instructions(true)...), button)
	}
	logo, steps := lipgloss.Height(art.logo), lipgloss.Height(art.steps)
	switch s.logo {
	case logoFull:
		// The size allows the full logo: blank lines go before it does.
		switch {
		case s.h == 0 || fixed+logo+steps+3 <= s.h:
			return join(title, art.logo, "", formV, "", art.steps, "", button)
		case fixed+logo+steps+2 <= s.h:
			return join(title, art.logo, "", formV, "", art.steps, button)
		case fixed+logo+steps+1 <= s.h:
			return join(title, art.logo, "", formV, art.steps, button)
		case fixed+logo+steps <= s.h:
			return join(title, art.logo, formV, art.steps, button)
		}
	case logoAuto:
		if fixed+logo+steps+3 <= s.h || s.h == 0 {
			return join(title, art.logo, "", formV, "", art.steps, "", button)
		}
	}
	if fixed+lipgloss.Height(art.logoCompact)+steps+2 <= s.h {
		return join(title, art.logoCompact, "", formV, "", art.steps, button)
	}
	return join(title, art.logoCompact, formV, join(s.instructions(true)...), button)
}

// fixedHeight is the pristine form's height without logo, steps and blank
// lines: what FullLogoFits measures against.
func (s *UnpairedScreen) fixedHeight() int {
	const fieldsAndButton = 3 // two one-line fields, one button line
	return lipgloss.Height(s.c.Styles.Title.Render(s.c.Product)) + fieldsAndButton + len(s.inputs)
}

// nickCount shows how much of the nickname's limit is used once it is
// near: the field stops taking characters there, which would otherwise
// look like a stuck keyboard.
func (s *UnpairedScreen) nickCount() string {
	n := len([]rune(s.nick.Value()))
	if n < pairing.MaxNicknameRunes-10 {
		return ""
	}
	return s.c.Styles.Faint.Render(fmt.Sprintf(" %d/%d", n, pairing.MaxNicknameRunes))
}

// SetLogo implements LogoSetter.
func (s *UnpairedScreen) SetLogo(full bool) { s.logo = choiceOf(full) }

func join(parts ...string) string { return lipgloss.JoinVertical(lipgloss.Left, parts...) }
