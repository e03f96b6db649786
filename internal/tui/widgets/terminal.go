package widgets

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/assets"
	"github.com/tillpair/tillpair/internal/tui/theme"
)

// TerminalView is what a virtual terminal shows, copied from the sandbox so
// this package needs no sandbox import.
type TerminalView struct {
	ID       string
	Provider string
	// Kind is how the terminal behaves (the root model sets it from the
	// provider's descriptor).
	Kind             DeviceKind
	TID              string
	Nickname         string
	Screen           string // idle | pairing_code | confirm | paired | code_expired | ping ...
	PairingCode      string
	ExpiresAt        time.Time // zero when no code is shown
	ConfirmationCode string
	Message          string
	Pairings         []TerminalPairingView
}

// ErrNothingToConfirm is what a virtual terminal answers to Confirm when it
// shows nothing to confirm (the pane's driver wraps its own error in it).
var ErrNothingToConfirm = errors.New("nothing to confirm")

// TerminalPairingView is one pairing as the terminal lists it.
type TerminalPairingView struct {
	ID       string
	Nickname string
	Status   string
}

// Terminal screens the pane knows how to draw.
const (
	ScreenIdle        = "idle"
	ScreenPairingCode = "pairing_code"
	ScreenConfirm     = "confirm"
	ScreenPaired      = "paired"
	ScreenCodeExpired = "code_expired"
)

// TerminalPane renders a virtual terminal.
type TerminalPane struct {
	View TerminalView
	// Now is the clock reading used for the expiry countdown.
	Now time.Time
	// Keys is the help hint for the pane keys, e.g. "ctrl+p new code".
	Keys []string
}

// Render draws the pane at w×h as a device: a bezel with the terminal's
// name and, inside it, a framed screen with what the terminal shows. The
// device is as tall as its screen needs (and h allows); the rest of h is
// left blank below it. A pane shorter than 7 lines becomes a one-line strip
// inside its border. Keys are not drawn here: the footer's terminal group
// lists them (a device shows no key hints).
func (p TerminalPane) Render(st *theme.Styles, w, h int) string {
	inner := max(w-st.Pane.GetHorizontalFrameSize(), 10)
	if h < 7 {
		line := Truncate(p.stripLine(st), inner)
		return st.Pane.Width(inner + st.Pane.GetHorizontalPadding()).Render(line)
	}
	screen := lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).
		BorderForeground(st.Theme.Border).Padding(0, 1)
	sw := max(inner-screen.GetHorizontalFrameSize(), 8)
	var body []string
	for _, b := range p.body(st, sw) {
		// Wrapped paragraphs count as the lines they take.
		body = append(body, strings.Split(b, "\n")...)
	}
	// Room: the bezel's border, the name and the screen's border.
	maxRows := h - st.Pane.GetVerticalFrameSize() - 1 - screen.GetVerticalFrameSize()
	rows := min(max(len(body)+2, 9), maxRows)
	lines := append([]string{""}, body...)
	if len(lines) > rows {
		lines = lines[:rows]
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = Truncate(l, sw)
	}
	scr := screen.Width(sw + screen.GetHorizontalPadding()).Render(strings.Join(lines, "\n"))
	device := st.Pane.Width(inner + st.Pane.GetHorizontalPadding()).Render(p.title(st, inner) + "\n" + scr)
	if pad := h - lipgloss.Height(device); pad > 0 {
		device += strings.Repeat("\n", pad)
	}
	return lipgloss.NewStyle().Width(w).Render(device)
}

// title names the terminal once in w cells. Terminals are often nicknamed
// after their id ("Terminal 36837159", Helcim's "Smart Terminal DY6L"), so
// the id is added only when the nickname does not already show it, and a
// long nickname is cut rather than the id.
func (p TerminalPane) title(st *theme.Styles, w int) string {
	nick, tid := p.View.Nickname, p.View.TID
	switch {
	case nick == "":
		return Truncate(st.Faint.Render("Terminal ")+st.Value.Render(tid), w)
	case tid == "":
		return Truncate(st.Value.Render(nick), w)
	case strings.Contains(nick, tid):
		before, after, _ := strings.Cut(nick, tid)
		return Truncate(st.Faint.Render(before)+st.Value.Render(tid)+st.Faint.Render(after), w)
	}
	head := st.Faint.Render("Terminal ") + st.Value.Render(tid)
	const sep = " · "
	room := w - lipgloss.Width(head) - len([]rune(sep))
	if room < 2 {
		// No room for a readable part of the nickname: the id alone.
		return Truncate(head, w)
	}
	return head + st.Faint.Render(sep+ansi.Truncate(nick, room, "…"))
}

func (p TerminalPane) countdown() string {
	if p.View.ExpiresAt.IsZero() {
		return ""
	}
	left := p.View.ExpiresAt.Sub(p.Now)
	if left < 0 {
		left = 0
	}
	left = left.Truncate(time.Second)
	return fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)
}

// GroupCode spaces a six-digit code as "123 456" and an eight-digit one
// as "1234 5678" so it reads at a glance.
func GroupCode(c string) string {
	switch len(c) {
	case 6:
		return c[:3] + " " + c[3:]
	case 8:
		return c[:4] + " " + c[4:]
	}
	return c
}

func (p TerminalPane) body(st *theme.Styles, w int) []string {
	v := p.View
	wrap := func(s string) string { return lipgloss.NewStyle().Width(w).Render(s) }
	switch v.Kind {
	case DeviceRefreshes:
		if out, ok := p.smartConnectBody(st, wrap); ok {
			return out
		}
	case DeviceFixedCode:
		return p.helcimBody(st, wrap)
	}
	switch v.Screen {
	case ScreenPairingCode:
		out := []string{st.Faint.Render("Pairing code"), st.Code.Render(GroupCode(v.PairingCode))}
		if c := p.countdown(); c != "" {
			out = append(out, st.Faint.Render("expires in "+c))
		}
		return append(out, "", wrap(st.Text.Render("Enter this code in the POS.")))
	case ScreenConfirm:
		// As large as a real terminal shows it: big digits in a card.
		code := Card(st, st.Code.Render(assets.BigDigits(v.ConfirmationCode)), false)
		if lipgloss.Width(code) > w {
			code = st.Code.Render(v.ConfirmationCode)
		}
		return []string{
			st.Faint.Render("Confirmation code"),
			code,
			"",
			st.Heading.Render("Confirm pairing?"),
		}
	case ScreenCodeExpired:
		return []string{st.Warning.Render("Code expired"), "", wrap(st.Faint.Render("Start pairing again for a new code."))}
	case ScreenPaired:
		// Only current pairings: an ended one is not on a terminal's list.
		out := []string{st.Success.Render(pairedSummary(v.Pairings)), ""}
		for _, pr := range current(v.Pairings) {
			out = append(out, Truncate(st.Text.Render("• "+pr.label()), w))
		}
		return out
	case ScreenIdle, "":
		return []string{st.Text.Render("Idle"), "", wrap(st.Faint.Render("Manage POS pairing is closed."))}
	default:
		out := []string{st.Text.Render(v.Screen)}
		if v.Message != "" {
			out = append(out, wrap(st.Text.Render(v.Message)))
		}
		return out
	}
}

func (p TerminalPane) stripLine(st *theme.Styles) string {
	v := p.View
	head := st.Faint.Render("Terminal "+v.TID) + st.Faint.Render(": ")
	switch v.Kind {
	case DeviceRefreshes:
		if s, ok := p.smartConnectStrip(st, head); ok {
			return s
		}
	case DeviceFixedCode:
		return p.helcimStrip(st, head)
	}
	switch v.Screen {
	case ScreenPairingCode:
		s := head + st.Text.Render("pairing code ") + st.Code.Render(GroupCode(v.PairingCode))
		if c := p.countdown(); c != "" {
			s += st.Faint.Render(" (" + c + ")")
		}
		return s
	case ScreenConfirm:
		return head + st.Text.Render("confirm ") + st.Code.Render(v.ConfirmationCode) + st.Text.Render("?")
	case ScreenCodeExpired:
		return head + st.Warning.Render("code expired")
	case ScreenPaired:
		return head + st.Success.Render(pairedSummary(v.Pairings))
	case ScreenIdle, "":
		return head + st.Text.Render("idle")
	default:
		s := head + st.Text.Render(v.Screen)
		if v.Message != "" {
			s += st.Text.Render(" — " + v.Message)
		}
		return s
	}
}

// pairedSummary counts the pairings the pane lists, so the number never
// disagrees with the list beneath it: "2 registers paired"; the list holds
// current pairings only.
func pairedSummary(ps []TerminalPairingView) string {
	n := countActive(ps)
	noun := "registers"
	if n == 1 {
		noun = "register"
	}
	return fmt.Sprintf("%d %s paired", n, noun)
}

// current are the pairings still active.
func current(ps []TerminalPairingView) []TerminalPairingView {
	var out []TerminalPairingView
	for _, p := range ps {
		if p.Status == "active" {
			out = append(out, p)
		}
	}
	return out
}

func countActive(ps []TerminalPairingView) int {
	n := 0
	for _, p := range ps {
		if p.Status == "active" {
			n++
		}
	}
	return n
}

// label names a pairing in the pane: its nickname, else its short id.
func (pr TerminalPairingView) label() string {
	if pr.Nickname != "" {
		return pr.Nickname
	}
	return shortID(pr.ID)
}

// shortID shows the last 8 characters of a long id: the tail is what the
// CLI accepts as a short reference too.
func shortID(id string) string {
	if len(id) > 8 {
		return "…" + id[len(id)-8:]
	}
	return id
}
