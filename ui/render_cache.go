package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// memo keeps the last rendering of one part of the frame and the inputs it
// was drawn from. Bubble Tea asks for a whole frame after every message, but
// most messages (a key moving the cursor, a clock tick) change one part at
// most; lipgloss measures every cell of every part it pads or joins, so
// redrawing the unchanged parts was most of a frame's cost.
type memo[K comparable] struct {
	key     K
	out     string
	valid   bool
	renders int // how often render ran; tests prove reuse with it
}

func (c *memo[K]) get(k K, render func() string) string {
	if c.valid && c.key == k {
		return c.out
	}
	c.key, c.out, c.valid = k, render(), true
	c.renders++
	return c.out
}

func (c *memo[K]) reset() { c.valid = false }

// renderEnv is the global lipgloss state every style resolves against: a
// change of profile or background must redraw everything.
type renderEnv struct {
	profile termenv.Profile
	dark    bool
}

type headerKey struct {
	product, badge string
	w              int
}

type sizedKey struct {
	in   string
	w, h int
}

type bodyKey struct {
	pos, pane string
	mode      paneMode
}

type frameKey struct {
	header, body, status, footer string
}

// renderCache holds the memos of the root model's frame.
type renderCache struct {
	env    renderEnv
	header memo[headerKey]
	footer memo[string]
	pos    memo[sizedKey]
	pane   memo[sizedKey]
	body   memo[bodyKey]
	frame  memo[frameKey]
	// logo is the last full-logo decision and what it was made from.
	logo struct {
		ok   bool
		key  logoKey
		full bool
	}
}

// check drops every memo when the global style state changed since the
// last frame.
func (c *renderCache) check() {
	env := renderEnv{profile: lipgloss.ColorProfile(), dark: lipgloss.HasDarkBackground()}
	if env == c.env {
		return
	}
	c.env = env
	c.header.reset()
	c.footer.reset()
	c.pos.reset()
	c.pane.reset()
	c.body.reset()
	c.frame.reset()
}

// footerKey spells out everything footer draws from: the width, the help
// mode, the pane mode and each binding's keys, text and enabled state.
func (m *Model) footerKey(p paneMode) string {
	var b strings.Builder
	b.Grow(256)
	b.WriteString(strconv.Itoa(m.w))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(int(p)))
	b.WriteByte(0)
	b.WriteString(strconv.FormatBool(m.fullHelp))
	b.WriteByte(0)
	b.WriteString(strconv.FormatBool(m.env.terms != nil))
	writeBindings := func(bs []key.Binding) {
		b.WriteByte(1)
		for _, k := range bs {
			h := k.Help()
			b.WriteString(h.Key)
			b.WriteByte(0)
			b.WriteString(h.Desc)
			b.WriteByte(0)
			b.WriteString(strconv.FormatBool(k.Enabled()))
			b.WriteByte(0)
		}
	}
	if m.fullHelp {
		for _, g := range m.FullHelp() {
			writeBindings(g)
		}
	} else {
		cut, _, pinned := m.shortHelpParts()
		writeBindings(cut)
		writeBindings(pinned)
	}
	if m.env.terms != nil {
		writeBindings(m.terminalHelp())
	}
	return b.String()
}
