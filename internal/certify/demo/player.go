// Package demo plays the certification scenarios on the real TUI against
// the in-process sandbox: a Player wraps the ui root model, types scripted
// keys into it, acts on the sandbox between steps, advances a stepping
// fake clock, and draws a caption bar naming the requirement on show.
// `tillpair demo` runs it on a terminal; package evidence runs it headless.
//
// The scripts are script_sci.go, script_smartconnect.go and
// script_helcim.go; the requirement each scenario shows is listed in
// requirements.go and requirements_providers.go. Determinism comes from a
// fixed sandbox seed, a frozen spinner and StepClock, a fake clock the
// player advances only to the wait the app is blocked on, so every run
// shows the same codes, ids, times and request order.
package demo

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/ui"
)

// Defaults.
const (
	DefaultPace        = 2500 * time.Millisecond
	DefaultStepTimeout = 20 * time.Second
	// typingPace is the gap between scripted key presses on screen.
	typingPace = 70 * time.Millisecond
	// checkEvery is how often a waiting step re-reads the screen; the
	// sandbox and the service answer on their own goroutines.
	checkEvery = 15 * time.Millisecond
)

// Shot is a settled, shown step.
type Shot struct {
	N             int // 1-based count of shots so far
	ScenarioIndex int // 0-based
	Scenario      Scenario
	Step          Step
	Inner         string // the app's view
	Outer         string // caption bar and app
	// Requests is how many requests the scenario had made when the step
	// settled: ScenarioDone.Log[:Requests] came before this screen.
	Requests int
}

// ScenarioDone reports a scenario's requests once its last step settled.
type ScenarioDone struct {
	Index    int
	Scenario Scenario
	Log      []sandbox.Entry
}

// Options configure a Player.
type Options struct {
	Provider string        // "" = SCI
	Pace     time.Duration // dwell per step (0: DefaultPace)
	Loop     bool
	// Headless plays every step as soon as the last settles, with no
	// typing pace, and quits after the last scenario (evidence packs).
	Headless bool
	// Width and Height are the size until a WindowSizeMsg says otherwise.
	Width, Height int
	StepTimeout   time.Duration // 0: DefaultStepTimeout
	Context       context.Context
	OnShot        func(Shot)
	OnScenario    func(ScenarioDone)
	// Credentials, when set, are planted as the sandbox's (and so the
	// app's) credentials, so a test can prove they never reach a capture.
	Credentials sandbox.Credentials
}

// Player is the demo's tea.Model.
type Player struct {
	o      Options
	script Script
	keys   KeyMap
	ctx    context.Context

	sess *Session
	gen  int // which session's messages are current
	env  *Env
	pos  Position

	settled  bool
	pending  []tea.Msg // scripted keys still to send
	started  time.Time // real time the step began, for its timeout
	paused   bool
	skip     bool      // → pressed while waiting: no dwell when it settles
	ff       *Position // replaying quickly up to here
	token    int       // invalidates stale dwell and typing ticks
	finished bool
	quitting bool
	final    string // the last frame, kept on screen after quitting
	err      error
	shots    int
	logStart int

	w, h int
	// dwellTick schedules the end of a dwell: tea.Tick, or a fake in
	// tests, which decide when the pace has passed.
	dwellTick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// Messages the player sends itself.
type (
	startMsg struct{}
	innerMsg struct {
		gen int
		msg tea.Msg
	}
	checkMsg struct{ gen, token int }
	feedMsg  struct{ gen, token int }
	dwellMsg struct{ token int }
)

// New builds a player for the provider's script.
func New(o Options) (*Player, error) {
	s, err := ScriptFor(o.Provider)
	if err != nil {
		return nil, err
	}
	if o.Pace <= 0 {
		o.Pace = DefaultPace
	}
	if o.StepTimeout <= 0 {
		o.StepTimeout = DefaultStepTimeout
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 80, 24
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	return &Player{o: o, script: s, keys: DefaultKeys(), ctx: o.Context, w: o.Width, h: o.Height, dwellTick: tea.Tick}, nil
}

// Err is why playback stopped early (nil when it did not).
func (p *Player) Err() error { return p.err }

// Script is what the player plays.
func (p *Player) Script() Script { return p.script }

// Position is the step on show.
func (p *Player) Position() Position { return p.pos }

// Paused reports whether playback is paused.
func (p *Player) Paused() bool { return p.paused }

// Settled reports whether the step on show reached its screen.
func (p *Player) Settled() bool { return p.settled }

func (p *Player) Init() tea.Cmd { return func() tea.Msg { return startMsg{} } }

func (p *Player) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case startMsg:
		return p, p.begin(Position{}, true)
	case tea.WindowSizeMsg:
		was := p.tooSmall()
		p.w, p.h = msg.Width, msg.Height
		cmds := []tea.Cmd{p.resizeInner()}
		switch now := p.tooSmall(); {
		case now && !was:
			// Drop the typing, polling and dwell ticks in flight: nothing
			// moves on while the viewer cannot see the app.
			p.token++
		case was && !now:
			cmds = append(cmds, p.resume())
		}
		return p, tea.Batch(cmds...)
	case tea.KeyMsg:
		return p, p.handleKey(msg)
	case innerMsg:
		if msg.gen != p.gen || p.sess == nil {
			return p, nil // a closed session's late answer
		}
		if _, ok := msg.msg.(tea.QuitMsg); ok {
			return p, nil
		}
		p.sess.pane.markDelivered(msg.msg)
		p.sess.markDelivered(msg.msg)
		return p, tea.Batch(p.forward(msg.msg), p.check())
	case checkMsg:
		if msg.gen != p.gen || msg.token != p.token || p.settled || p.err != nil {
			return p, nil
		}
		return p, p.check()
	case feedMsg:
		if msg.gen != p.gen || msg.token != p.token {
			return p, nil
		}
		return p, p.feed()
	case dwellMsg:
		if msg.token != p.token || p.paused || !p.settled || p.tooSmall() {
			return p, nil
		}
		return p, p.advance()
	}
	return p, nil
}

func (p *Player) handleKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, p.keys.Quit):
		p.final = p.View()
		p.quitting = true
		p.closeSession()
		return tea.Quit
	case key.Matches(k, p.keys.Pause):
		p.paused = !p.paused
		if !p.paused && p.settled {
			return p.dwell()
		}
	case key.Matches(k, p.keys.Forward):
		if p.err != nil || p.finished {
			return nil
		}
		if p.settled {
			return p.advance()
		}
		p.skip = true
	case key.Matches(k, p.keys.Back):
		return p.replayTo(p.script.Prev(p.pos))
	}
	return nil
}

// replayTo rebuilds the target's session and plays quickly up to it.
func (p *Player) replayTo(target Position) tea.Cmd {
	p.err, p.finished = nil, false
	p.ff = &target
	return p.begin(Position{Scenario: p.script.ChainStart(target.Scenario)}, true)
}

func (p *Player) scenario() Scenario { return p.script.Scenarios[p.pos.Scenario] }
func (p *Player) step() Step         { return p.scenario().Steps[p.pos.Step] }

// quick: no dwell and no typing pace.
func (p *Player) quick() bool {
	return p.o.Headless || p.ff != nil || p.step().Setup
}

// begin starts the step at pos, on a fresh session when asked or when the
// scenario needs one.
func (p *Player) begin(pos Position, fresh bool) tea.Cmd {
	p.pos = pos
	p.token++
	p.settled, p.skip, p.pending = false, false, nil
	var cmds []tea.Cmd
	if fresh || p.sess == nil || (pos.Step == 0 && p.scenario().Fresh) {
		p.closeSession()
		s, err := newSession(p.ctx, p.script.Provider, p.o.Credentials)
		if err != nil {
			return p.fail(err)
		}
		p.sess = s
		p.gen++
		cmds = append(cmds, p.wrap(s.Model.Init()), p.resizeInner())
	}
	if pos.Step == 0 {
		p.logStart = p.sess.LogLen()
	}
	p.env = &Env{Session: p.sess, Provider: p.script.Provider, mark: p.sess.Clock.Waits(), logMark: p.sess.LogLen(),
		delivered: maps.Clone(p.sess.delivered)}
	p.started = time.Now()
	msgs, err := p.step().Do(p.env)
	if err != nil {
		return p.fail(fmt.Errorf("%s: %w", p.where(), err))
	}
	p.pending = msgs
	cmds = append(cmds, p.feed())
	return tea.Batch(cmds...)
}

// feed sends the scripted keys: all at once when quick, else one per
// typingPace so the audience sees them typed. While the window is too
// small the keys wait for resume.
func (p *Player) feed() tea.Cmd {
	if p.tooSmall() {
		return nil
	}
	var cmds []tea.Cmd
	for len(p.pending) > 0 {
		m := p.pending[0]
		p.pending = p.pending[1:]
		cmds = append(cmds, p.forward(m))
		if !p.quick() && len(p.pending) > 0 {
			gen, tok := p.gen, p.token
			cmds = append(cmds, tea.Tick(typingPace, func(time.Time) tea.Msg { return feedMsg{gen, tok} }))
			return tea.Batch(cmds...)
		}
	}
	return tea.Batch(append(cmds, p.check())...)
}

// forward gives the app one message and tags what comes back with the
// session, so answers for a closed session are dropped.
func (p *Player) forward(msg tea.Msg) tea.Cmd {
	if p.sess == nil {
		return nil
	}
	_, cmd := p.sess.Model.Update(msg)
	return p.wrap(cmd)
}

func (p *Player) wrap(cmd tea.Cmd) tea.Cmd { return p.wrapGen(p.gen, cmd) }

func (p *Player) wrapGen(gen int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		switch m := msg.(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(m))
			for _, c := range m {
				out = append(out, p.wrapGen(gen, c))
			}
			return out
		}
		return innerMsg{gen, msg}
	}
}

// check settles the step once its screen shows, else polls again.
func (p *Player) check() tea.Cmd {
	if p.settled || p.err != nil || len(p.pending) > 0 || p.sess == nil || p.tooSmall() {
		return nil
	}
	view := ansi.Strip(p.sess.Model.View())
	if p.step().Until(p.env, view) && p.sess.pane.inSync() {
		return p.settle()
	}
	if time.Since(p.started) > p.o.StepTimeout {
		return p.fail(fmt.Errorf("%s: %s never appeared within %s; the screen was:\n%s", p.where(), p.step().Expect, p.o.StepTimeout, view))
	}
	gen, tok := p.gen, p.token
	return tea.Tick(checkEvery, func(time.Time) tea.Msg { return checkMsg{gen, tok} })
}

func (p *Player) settle() tea.Cmd {
	p.settled = true
	if !p.step().Setup && p.o.OnShot != nil && p.ff == nil {
		p.shots++
		p.o.OnShot(Shot{N: p.shots, ScenarioIndex: p.pos.Scenario, Scenario: p.scenario(), Step: p.step(),
			Inner: p.sess.Model.View(), Outer: p.View(), Requests: p.sess.LogLen() - p.logStart})
	}
	last := p.pos.Step == len(p.scenario().Steps)-1
	if last && p.o.OnScenario != nil && p.ff == nil {
		p.o.OnScenario(ScenarioDone{Index: p.pos.Scenario, Scenario: p.scenario(), Log: p.sess.Log(p.logStart)})
	}
	if p.ff != nil && !p.pos.Before(*p.ff) {
		p.ff = nil // arrived: from here on, normal pace
		return p.dwell()
	}
	if p.quick() || p.skip {
		return p.advance()
	}
	return p.dwell()
}

func (p *Player) dwell() tea.Cmd {
	if p.paused || p.finished || p.tooSmall() {
		return nil
	}
	p.token++
	tok := p.token
	return p.dwellTick(p.o.Pace, func(time.Time) tea.Msg { return dwellMsg{tok} })
}

// tooSmall: the app cannot draw its screens, so the viewer would miss
// steps; playback waits for a bigger window. A headless run has no viewer,
// and its size is checked before it starts.
func (p *Player) tooSmall() bool {
	return !p.o.Headless && (p.w < ui.MinWidth || p.h < ui.MinHeight)
}

// resume goes on where a too-small window stopped playback: typing,
// waiting for the step's screen, or a whole new dwell, so the step the
// viewer could not see gets its full time on screen.
func (p *Player) resume() tea.Cmd {
	if p.err != nil || p.finished || p.sess == nil {
		return nil
	}
	// The step's timeout is for a slow app, not for the time the window
	// was too small.
	p.started = time.Now()
	switch {
	case len(p.pending) > 0:
		return p.feed()
	case !p.settled:
		return p.check()
	}
	return p.dwell()
}

// advance moves to the next step, loops, or ends.
func (p *Player) advance() tea.Cmd {
	next, ok := p.script.Next(p.pos)
	if ok {
		return p.begin(next, false)
	}
	if p.o.Loop && !p.o.Headless {
		return p.begin(Position{}, true)
	}
	p.finished = true
	if p.o.Headless {
		p.closeSession()
		return tea.Quit
	}
	return nil
}

func (p *Player) fail(err error) tea.Cmd {
	p.err = err
	p.ff = nil
	if p.o.Headless {
		p.closeSession()
		return tea.Quit
	}
	return nil
}

func (p *Player) where() string {
	sc := p.scenario()
	return fmt.Sprintf("scenario %d/%d %q, step %q", p.pos.Scenario+1, len(p.script.Scenarios), sc.Slug, p.step().Slug)
}

func (p *Player) closeSession() {
	if p.sess == nil {
		return
	}
	_ = p.sess.Close()
	p.sess = nil
	p.gen++
}

// captionLines is 2 when the app still gets its minimum height below it.
func (p *Player) captionLines() int {
	if p.h-2 >= ui.MinHeight {
		return 2
	}
	return 1
}

// innerHeight never goes below the app's minimum: on a small terminal the
// player squeezes blank lines out of the app's view instead (View).
func (p *Player) innerHeight() int {
	return max(p.h-p.captionLines(), min(ui.MinHeight, p.h))
}

func (p *Player) resizeInner() tea.Cmd {
	return p.forward(tea.WindowSizeMsg{Width: p.w, Height: p.innerHeight()})
}

// Caption is the bar for the step on show.
func (p *Player) Caption() Caption {
	c := Caption{Index: p.pos.Scenario + 1, Total: len(p.script.Scenarios), Requirement: p.scenario().Requirement,
		Step: p.step().Caption, Keys: p.keys}
	switch {
	case p.err != nil:
		c.State, c.Step = stateFailed, firstLine(p.err.Error())
	case p.finished:
		c.State, c.Step = stateEnd, "That was every scenario: ← to go back, q to quit"
	case p.tooSmall():
		c.State, c.Step = stateTooSmall, fmt.Sprintf("Paused until the window is at least %d×%d", ui.MinWidth, ui.MinHeight)
	case p.ff != nil:
		c.State = stateReplaying
	case p.paused:
		c.State = statePaused
	}
	return c
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// View is the caption bar over the app.
func (p *Player) View() string {
	if p.quitting {
		return p.final
	}
	caption := p.Caption().Render(p.w, p.captionLines())
	room := p.h - p.captionLines()
	if p.tooSmall() && room > 0 {
		return caption + "\n" + p.tooSmallView(room)
	}
	if p.sess == nil || p.tooSmall() {
		return caption
	}
	inner := p.sess.Model.View()
	return caption + "\n" + squeeze(inner, room)
}

// tooSmallView replaces the app's own "Terminal too small", which cannot
// know that the demo waits: as many of these lines as fit, in this order.
func (p *Player) tooSmallView(room int) string {
	lines := []string{
		"Terminal too small: the demo is paused.",
		fmt.Sprintf("Need %d×%d, have %d×%d.", ui.MinWidth, ui.MinHeight, p.w, p.h),
		"It goes on when the window is bigger; q quits.",
	}
	lines = lines[:min(len(lines), room)]
	wrap := lipgloss.NewStyle().Width(p.w).Align(lipgloss.Center)
	body := wrap.Render(strings.Join(lines, "\n"))
	body = strings.Join(strings.Split(body, "\n")[:min(room, lipgloss.Height(body))], "\n")
	return lipgloss.Place(p.w, room, lipgloss.Center, lipgloss.Center, body)
}

// squeeze fits view into n lines: blank lines go first, from the bottom
// up (the footer stays), then the bottom is cut.
func squeeze(view string, n int) string {
	lines := strings.Split(view, "\n")
	for i := len(lines) - 2; i > 0 && len(lines) > n; i-- {
		if strings.TrimSpace(ansi.Strip(lines[i])) == "" {
			lines = append(lines[:i], lines[i+1:]...)
		}
	}
	if n > 0 && len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
