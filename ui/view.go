package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/screens"
)

// Pane geometry.
const (
	besideMinWidth = 100 // at or above: the pane sits beside the POS side
	paneWidth      = 36
	paneGap        = 2
	fullPaneHeight = 13
	stripHeight    = 3
	// tallBody: below this body height the pane shrinks to a strip.
	tallBody = 32
	// pageMargin is the blank column each side of every line; maxContent
	// is the widest a screen's content column grows, so text on a wide
	// terminal keeps a readable measure and sits in a column, not a sprawl.
	pageMargin = 1
	maxContent = 76
)

// pageW is the width inside the page margins.
func (m *Model) pageW() int { return max(m.w-2*pageMargin, 1) }

type paneMode int

const (
	paneNone paneMode = iota
	paneBeside
	paneBelow
	paneStrip
)

// frame is one layout pass: chrome rendered once, sizes derived from it
// (never from constants), as soft-serve and pug do.
type frame struct {
	header, footer string
	pane           paneMode
	posW, posH     int
	paneW, paneH   int
}

func (m *Model) frame() frame {
	m.cache.check()
	w := m.pageW()
	f := frame{posW: w}
	product := screens.ShortName(m.c.Provider)
	f.header = m.cache.header.get(headerKey{product: product, badge: m.badge(), w: w}, func() string {
		return widgets.Header{Product: product, Badge: m.badge()}.Render(m.c.Styles, w)
	})
	bodyH := m.h - lipgloss.Height(f.header) - 1 // 1: the status line
	if m.env.terms != nil {
		switch {
		case m.w >= besideMinWidth:
			f.pane = paneBeside
		case bodyH >= tallBody && !m.fullHelp:
			f.pane = paneBelow
		case m.fullHelp:
			// The open help needs the rows; the terminal's keys are in it.
			f.pane = paneNone
		default:
			f.pane = paneStrip
		}
	}
	f.footer = m.cache.footer.get(m.footerKey(f.pane), func() string { return m.footer(f.pane) })
	bodyH -= lipgloss.Height(f.footer)
	f.posH = bodyH
	switch f.pane {
	case paneBeside:
		f.paneW, f.paneH = paneWidth, bodyH
		f.posW = w - paneWidth - paneGap
	case paneBelow:
		f.paneW, f.paneH = w, fullPaneHeight
		f.posH = bodyH - fullPaneHeight
	case paneStrip:
		f.paneW, f.paneH = w, stripHeight
		f.posH = bodyH - stripHeight
	}
	f.posH = max(f.posH, 1)
	return f
}

func (m *Model) footer(_ paneMode) string {
	w := m.pageW()
	if m.fullHelp {
		return widgets.FullFooter(m.help, m.c.Styles.Heading, w, m.helpGroups())
	}
	cut, rank, pinned := m.shortHelpParts()
	lines := []string{widgets.ShortFooterBy(m.help, w, cut, rank, pinned)}
	if m.env.terms != nil && !m.asking() && m.phase != phaseQuitting {
		// The virtual terminal's keys are the footer's terminal group: a
		// device shows no key hints of its own.
		prefix := "terminal  "
		lines = append(lines, m.c.Styles.Heading.Render(prefix)+
			widgets.Footer(m.help, w-len(prefix), m.terminalHelp(), nil, false))
	}
	return lipgloss.JoinVertical(lipgloss.Left, lines...)
}

func (m *Model) terminalHelp() []key.Binding {
	return m.keys.terminal.Bindings()
}

func (m *Model) tooSmall() bool { return m.w < MinWidth || m.h < MinHeight }

// layout tells the active screen its size.
func (m *Model) layout() {
	if m.w == 0 || m.tooSmall() {
		return
	}
	f := m.frame()
	m.screen.SetSize(min(f.posW, maxContent), f.posH)
	if ls, ok := m.screen.(screens.LogoSetter); ok {
		ls.SetLogo(m.fullLogo(f))
	}
}

// logoKey is what the logo choice is made from: the provider (its header)
// and the terminal size.
type logoKey struct {
	provider string
	w, h     int
}

// fullLogo decides from the terminal size alone whether the SCI screens
// show the full logo: the status line's row is always reserved (frame), and
// the body is measured with the short help even while the full help is
// open, so neither a status nor a screen change flips the logo.
func (m *Model) fullLogo(f frame) bool {
	k := logoKey{provider: m.c.Provider, w: m.w, h: m.h}
	if m.cache.logo.ok && m.cache.logo.key == k {
		return m.cache.logo.full
	}
	if m.fullHelp {
		m.fullHelp = false
		f = m.frame()
		m.fullHelp = true
	}
	m.cache.logo.ok, m.cache.logo.key, m.cache.logo.full = true, k, screens.FullLogoFits(m.c, f.posW, f.posH)
	return m.cache.logo.full
}

// View composes header, body (screen and pane), status line and footer.
func (m *Model) View() string {
	if m.w == 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	f := m.frame()
	screen := m.screen.View()
	pos := m.cache.pos.get(sizedKey{in: screen, w: f.posW, h: f.posH}, func() string {
		return lipgloss.NewStyle().Width(f.posW).MaxWidth(f.posW).Height(f.posH).MaxHeight(f.posH).
			Render(screen)
	})
	body := pos
	if f.pane != paneNone {
		v, _ := m.paneTerminal()
		pane := widgets.TerminalPane{View: v, Now: m.env.clock.Now()}
		rendered := m.cache.pane.get(sizedKey{in: pane.Key(), w: f.paneW, h: f.paneH}, func() string {
			return pane.Render(m.c.Styles, f.paneW, f.paneH)
		})
		body = m.cache.body.get(bodyKey{pos: pos, pane: rendered, mode: f.pane}, func() string {
			if f.pane == paneBeside {
				return lipgloss.JoinHorizontal(lipgloss.Top, pos, strings.Repeat(" ", paneGap), rendered)
			}
			return lipgloss.JoinVertical(lipgloss.Left, pos, rendered)
		})
	}
	status := widgets.Status(m.c.Styles, m.status.kind, m.status.text, m.pageW())
	return m.cache.frame.get(frameKey{header: f.header, body: body, status: status, footer: f.footer}, func() string {
		return lipgloss.NewStyle().Padding(0, pageMargin).Render(
			lipgloss.JoinVertical(lipgloss.Left, f.header, body, status, f.footer))
	})
}

func (m *Model) tooSmallView() string {
	st := m.c.Styles
	w, h := max(m.w, 1), max(m.h, 1)
	wrap := lipgloss.NewStyle().Width(w).Align(lipgloss.Center)
	// In reading order; keep says which go first when the height is short:
	// what is wrong, then the way out, then the sizes.
	paras := []struct {
		text string
		keep int
	}{
		{wrap.Render(st.Warning.Render("Terminal too small")), 0},
		{wrap.Render(st.Text.Render(fmt.Sprintf("Need %d×%d, have %d×%d.", MinWidth, MinHeight, m.w, m.h))), 2},
		{wrap.Render(st.Faint.Render("Enlarge the window, or ctrl+c to quit.")), 1},
	}
	shown := make([]bool, len(paras))
	used := 0
	for rank := range paras {
		for i, p := range paras {
			if p.keep == rank && used+lipgloss.Height(p.text) <= h {
				shown[i], used = true, used+lipgloss.Height(p.text)
			}
		}
	}
	var lines []string
	for i, p := range paras {
		if shown[i] {
			lines = append(lines, strings.Split(p.text, "\n")...)
		}
	}
	if len(lines) == 0 {
		// Not even the first line fits whole: show as much of it as does.
		lines = strings.Split(paras[0].text, "\n")[:1]
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center,
		lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).Render(strings.Join(lines, "\n")))
}
