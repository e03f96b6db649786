// Package theme holds tillpair's colour roles and the styles derived from
// them. Colours are ANSI-16/256 indices in AdaptiveColor pairs so the app
// follows the user's palette on light and dark terminals; NO_COLOR is
// honoured by lipgloss's own profile detection, so nothing here forces a
// profile.
package theme

import "github.com/charmbracelet/lipgloss"

// Theme names every colour role the UI uses.
type Theme struct {
	Brand   lipgloss.AdaptiveColor
	Accent  lipgloss.AdaptiveColor
	Text    lipgloss.AdaptiveColor
	Faint   lipgloss.AdaptiveColor
	Success lipgloss.AdaptiveColor
	Warning lipgloss.AdaptiveColor
	Error   lipgloss.AdaptiveColor
	Border  lipgloss.AdaptiveColor

	BadgeText    lipgloss.AdaptiveColor
	BadgeSandbox lipgloss.AdaptiveColor
	BadgeTest    lipgloss.AdaptiveColor
	BadgeLive    lipgloss.AdaptiveColor
	BadgeDev     lipgloss.AdaptiveColor
}

// Default is the built-in theme.
func Default() Theme {
	return Theme{
		Brand:        lipgloss.AdaptiveColor{Light: "25", Dark: "75"},
		Accent:       lipgloss.AdaptiveColor{Light: "5", Dark: "13"},
		Text:         lipgloss.AdaptiveColor{Light: "0", Dark: "15"},
		Faint:        lipgloss.AdaptiveColor{Light: "243", Dark: "245"},
		Success:      lipgloss.AdaptiveColor{Light: "2", Dark: "10"},
		Warning:      lipgloss.AdaptiveColor{Light: "130", Dark: "11"},
		Error:        lipgloss.AdaptiveColor{Light: "1", Dark: "9"},
		Border:       lipgloss.AdaptiveColor{Light: "250", Dark: "240"},
		BadgeText:    lipgloss.AdaptiveColor{Light: "15", Dark: "0"},
		BadgeSandbox: lipgloss.AdaptiveColor{Light: "5", Dark: "13"},
		BadgeTest:    lipgloss.AdaptiveColor{Light: "3", Dark: "11"},
		BadgeLive:    lipgloss.AdaptiveColor{Light: "1", Dark: "9"},
		BadgeDev:     lipgloss.AdaptiveColor{Light: "4", Dark: "12"},
	}
}

// Styles are derived once from a Theme and shared read-only by all widgets
// and screens.
type Styles struct {
	Theme Theme

	Title    lipgloss.Style
	Brand    lipgloss.Style
	Logo     lipgloss.Style
	Text     lipgloss.Style
	Faint    lipgloss.Style
	Label    lipgloss.Style
	Value    lipgloss.Style
	Success  lipgloss.Style
	Warning  lipgloss.Style
	Error    lipgloss.Style
	Info     lipgloss.Style
	Key      lipgloss.Style
	Code     lipgloss.Style
	Button   lipgloss.Style
	Selected lipgloss.Style

	Header lipgloss.Style
	Pane   lipgloss.Style
	Badge  lipgloss.Style
}

// New derives the styles.
func New(t Theme) *Styles {
	return &Styles{
		Theme:    t,
		Title:    lipgloss.NewStyle().Bold(true).Foreground(t.Brand),
		Brand:    lipgloss.NewStyle().Bold(true).Foreground(t.Brand),
		Logo:     lipgloss.NewStyle().Foreground(t.Brand),
		Text:     lipgloss.NewStyle().Foreground(t.Text),
		Faint:    lipgloss.NewStyle().Foreground(t.Faint),
		Label:    lipgloss.NewStyle().Foreground(t.Faint),
		Value:    lipgloss.NewStyle().Foreground(t.Text).Bold(true),
		Success:  lipgloss.NewStyle().Foreground(t.Success).Bold(true),
		Warning:  lipgloss.NewStyle().Foreground(t.Warning),
		Error:    lipgloss.NewStyle().Foreground(t.Error).Bold(true),
		Info:     lipgloss.NewStyle().Foreground(t.Accent),
		Key:      lipgloss.NewStyle().Foreground(t.Accent).Bold(true),
		Code:     lipgloss.NewStyle().Foreground(t.Accent).Bold(true),
		Button:   lipgloss.NewStyle().Foreground(t.Accent).Bold(true),
		Selected: lipgloss.NewStyle().Foreground(t.Accent).Bold(true),
		Header: lipgloss.NewStyle().
			BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).BorderForeground(t.Border),
		Pane: lipgloss.NewStyle().
			BorderStyle(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1),
		Badge: lipgloss.NewStyle().Bold(true).Foreground(t.BadgeText).Padding(0, 1),
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
