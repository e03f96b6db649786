// Package theme holds tillpair's colour roles and the styles derived from
// them. Colours are ANSI-16/256 indices in AdaptiveColor pairs so the app
// follows the user's palette on light and dark terminals; NO_COLOR is
// honoured by lipgloss's own profile detection, so nothing here forces a
// profile.
package theme

import "github.com/charmbracelet/lipgloss"

// Theme names every colour role the UI uses. Roles are semantic: a screen
// asks for "the primary action" or "a destructive action", never for a
// hue, so one magenta no longer does focus, buttons, key hints, spinner,
// code and badge at once.
type Theme struct {
	// Brand is the provider's mark, the product title and the
	// confirmation code: what the vendor's screens show in its colour.
	Brand lipgloss.AdaptiveColor
	// Primary is focus and the primary action (the focused field, the
	// selected row, the default button, the spinner).
	Primary lipgloss.AdaptiveColor
	// Accent is kept for secondary highlights (informational lines).
	Accent lipgloss.AdaptiveColor
	// Text is body text; Heading is brighter than it, bold.
	Text, Heading lipgloss.AdaptiveColor
	// Muted is secondary text (labels' help, key descriptions);
	// Placeholder is dimmer still, so an empty field never reads as text.
	Faint, Placeholder lipgloss.AdaptiveColor
	Success            lipgloss.AdaptiveColor
	Warning            lipgloss.AdaptiveColor
	// Error is an error message; Danger is a destructive action (Unpair,
	// Forget), the same hue family so the two read together.
	Error, Danger lipgloss.AdaptiveColor
	Border        lipgloss.AdaptiveColor
	// Focus is the border of the focused field or card.
	Focus lipgloss.AdaptiveColor

	BadgeText    lipgloss.AdaptiveColor
	BadgeSandbox lipgloss.AdaptiveColor
	BadgeTest    lipgloss.AdaptiveColor
	BadgeLive    lipgloss.AdaptiveColor
	BadgeDev     lipgloss.AdaptiveColor
}

// Default is the built-in theme. ANSI-256 indices chosen for contrast on
// both a white and a black background (each foreground is at least 4.5:1
// against the xterm default of its side; badges are white on a dark fill).
func Default() Theme {
	return Theme{
		Brand:        lipgloss.AdaptiveColor{Light: "25", Dark: "75"},
		Primary:      lipgloss.AdaptiveColor{Light: "127", Dark: "212"},
		Accent:       lipgloss.AdaptiveColor{Light: "30", Dark: "80"},
		Text:         lipgloss.AdaptiveColor{Light: "237", Dark: "252"},
		Heading:      lipgloss.AdaptiveColor{Light: "232", Dark: "231"},
		Faint:        lipgloss.AdaptiveColor{Light: "242", Dark: "246"},
		Placeholder:  lipgloss.AdaptiveColor{Light: "248", Dark: "240"},
		Success:      lipgloss.AdaptiveColor{Light: "28", Dark: "114"},
		Warning:      lipgloss.AdaptiveColor{Light: "130", Dark: "221"},
		Error:        lipgloss.AdaptiveColor{Light: "160", Dark: "203"},
		Danger:       lipgloss.AdaptiveColor{Light: "124", Dark: "210"},
		Border:       lipgloss.AdaptiveColor{Light: "250", Dark: "238"},
		Focus:        lipgloss.AdaptiveColor{Light: "127", Dark: "212"},
		BadgeText:    lipgloss.AdaptiveColor{Light: "231", Dark: "231"},
		BadgeSandbox: lipgloss.AdaptiveColor{Light: "91", Dark: "91"},
		BadgeTest:    lipgloss.AdaptiveColor{Light: "130", Dark: "130"},
		BadgeLive:    lipgloss.AdaptiveColor{Light: "124", Dark: "124"},
		BadgeDev:     lipgloss.AdaptiveColor{Light: "24", Dark: "24"},
	}
}

// Styles are derived once from a Theme and shared read-only by all widgets
// and screens.
type Styles struct {
	Theme Theme

	Title       lipgloss.Style // a heading: bold, brighter than body text
	Brand       lipgloss.Style
	Logo        lipgloss.Style
	Text        lipgloss.Style
	Faint       lipgloss.Style
	Placeholder lipgloss.Style
	Label       lipgloss.Style
	Value       lipgloss.Style
	Success     lipgloss.Style
	Warning     lipgloss.Style
	Error       lipgloss.Style
	Info        lipgloss.Style
	Key         lipgloss.Style // a key in a hint ("enter"); its words are Faint
	Code        lipgloss.Style
	Button      lipgloss.Style
	// DangerButton is a destructive action: Unpair, Forget.
	DangerButton lipgloss.Style
	Selected     lipgloss.Style
	Spinner      lipgloss.Style
	// Heading is a section heading inside a screen ("How to pair"): as
	// bright as Title, so it never reads dimmer than the body beneath it.
	Heading lipgloss.Style
	// Wordmark is the provider's name drawn as its brand (beside its mark).
	Wordmark lipgloss.Style
	// FieldLabel is an input's label, FieldLabelFocused the focused one's.
	FieldLabel, FieldLabelFocused lipgloss.Style
	// Hint is the rule beside a field's label ("6 digits").
	Hint lipgloss.Style

	Header lipgloss.Style
	Pane   lipgloss.Style
	// Card frames one prominent value (the confirmation code); Field frames
	// an input, FieldFocused the focused one.
	Card, Field, FieldFocused lipgloss.Style
	Badge                     lipgloss.Style
}

// New derives the styles.
func New(t Theme) *Styles {
	field := lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).
		BorderBottom(true).BorderForeground(t.Border)
	return &Styles{
		Theme:             t,
		Title:             lipgloss.NewStyle().Bold(true).Foreground(t.Heading),
		Brand:             lipgloss.NewStyle().Bold(true).Foreground(t.Brand),
		Logo:              lipgloss.NewStyle().Foreground(t.Brand),
		Text:              lipgloss.NewStyle().Foreground(t.Text),
		Faint:             lipgloss.NewStyle().Foreground(t.Faint),
		Placeholder:       lipgloss.NewStyle().Foreground(t.Placeholder),
		Label:             lipgloss.NewStyle().Foreground(t.Text),
		Value:             lipgloss.NewStyle().Foreground(t.Heading).Bold(true),
		Success:           lipgloss.NewStyle().Foreground(t.Success).Bold(true),
		Warning:           lipgloss.NewStyle().Foreground(t.Warning),
		Error:             lipgloss.NewStyle().Foreground(t.Error).Bold(true),
		Info:              lipgloss.NewStyle().Foreground(t.Accent),
		Key:               lipgloss.NewStyle().Foreground(t.Text).Bold(true),
		Code:              lipgloss.NewStyle().Foreground(t.Brand).Bold(true),
		Button:            lipgloss.NewStyle().Foreground(t.Primary).Bold(true),
		DangerButton:      lipgloss.NewStyle().Foreground(t.Danger).Bold(true),
		Selected:          lipgloss.NewStyle().Foreground(t.Primary).Bold(true),
		Spinner:           lipgloss.NewStyle().Foreground(t.Primary),
		Heading:           lipgloss.NewStyle().Bold(true).Foreground(t.Heading),
		Wordmark:          lipgloss.NewStyle().Bold(true).Foreground(t.Brand),
		FieldLabel:        lipgloss.NewStyle().Foreground(t.Text),
		FieldLabelFocused: lipgloss.NewStyle().Bold(true).Foreground(t.Primary),
		Hint:              lipgloss.NewStyle().Foreground(t.Faint),
		Header: lipgloss.NewStyle().
			BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).BorderForeground(t.Border),
		Pane: lipgloss.NewStyle().
			BorderStyle(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1),
		Card: lipgloss.NewStyle().
			BorderStyle(lipgloss.RoundedBorder()).BorderForeground(t.Brand).Padding(1, 3),
		Field:        field,
		FieldFocused: field.BorderForeground(t.Focus),
		Badge:        lipgloss.NewStyle().Bold(true).Foreground(t.BadgeText).Padding(0, 1),
	}
}

// BadgeColor picks the background for an environment badge label.
func (s *Styles) BadgeColor(label string) lipgloss.AdaptiveColor {
	switch label {
	case "SANDBOX":
		return s.Theme.BadgeSandbox
	case "TEST":
		return s.Theme.BadgeTest
	case "LIVE":
		return s.Theme.BadgeLive
	default:
		return s.Theme.BadgeDev
	}
}
