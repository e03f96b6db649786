// Package ui is tillpair's root Bubble Tea model. It routes: keys and the
// screens' intents (screens.PairMsg, …) come in, every service call runs as
// a tea.Cmd whose answer carries its request id (requests.go), and the
// answer goes back, as an update message, to the screen that asked. The
// model owns the global keys, the status line and the layout of header,
// body (plus the sandbox's virtual-terminal pane) and footer; screens are
// built from one table by screen id (table.go), and the run's state is one
// explicit phase (idle, pairing, confirming, cancelling, quitting, stopped).
//
// Departure from design.md: pairings are re-checked live when viewed only
// where the provider's check is a silent read of the cloud's own record
// (SCI's pairing-info, SCIPAIRING10). A Helcim check is a ping the device
// shows and a SmartConnect check runs on the terminal, so those are checked
// only when the merchant presses Test; opening the app never disturbs a
// device.
package ui

import (
	"context"
	"errors"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/keys"
	"github.com/tillpair/tillpair/internal/tui/theme"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
	"github.com/tillpair/tillpair/screens"
)

// Options configure the root model.
type Options struct {
	Service Service
	// Terminals is the sandbox's virtual terminals; nil outside sandbox mode.
	Terminals Terminals
	// Provider is the provider to pair with (default: the registry's lead
	// provider).
	Provider string
	// Badge is the environment label for the header (SANDBOX, TEST, LIVE, DEV).
	Badge string
	// Badges are every provider's labels, for switching providers; Badge
	// wins for Provider.
	Badges map[string]string
	// Notice is shown on the status line at start (why sandbox mode).
	Notice string
	// Clock drives elapsed times and countdowns (nil: real clock).
	Clock clockwork.Clock
	// StaticSpinner freezes the spinner, for goldens.
	StaticSpinner bool
	// NewAttempt names each new pairing attempt (nil: a random UUID); the
	// demo passes a counter so its request logs match from run to run.
	NewAttempt func() string
	// Context ends every call when cancelled (nil: Background).
	Context context.Context
}

// Minimum usable size; below it the too-small view is shown.
const (
	MinWidth  = 60
	MinHeight = 20
)

// phase is where the run stands. It decides which keys act, whether the
// provider may change and what quitting must do first.
type phase int

const (
	// phaseIdle: nothing of this run is in flight or waiting.
	phaseIdle phase = iota
	// phasePairing: a pair request is in flight; its answer may be a
	// pairing awaiting confirmation.
	phasePairing
	// phaseConfirming: a pairing of this run (Model.run.waiting) awaits
	// confirmation, on its screen or on an error screen that returns to it.
	phaseConfirming
	// phaseCancelling: that pairing is being cancelled.
	phaseCancelling
	// phaseQuitting: quitting waits for the pair request in flight
	// (waiting "") or for the cancel of the waiting pairing; only a second
	// ctrl+c acts.
	phaseQuitting
	// phaseStopped: the program has quit; late answers change nothing.
	phaseStopped
)

// Model is the root model.
type Model struct {
	env env
	// c is the active provider and what every screen shares.
	c        screens.Common
	keys     keyMaps
	help     help.Model
	fullHelp bool
	w, h     int

	phase phase
	// run is what this run did with pairings: waiting is the one awaiting
	// confirmation ("": none); justPaired the one made last, whose full
	// success message the paired screen keeps when it is shown again
	// (Back from an error).
	run    struct{ waiting, justPaired string }
	screen screens.Screen
	// kept are screens to return to, by id: the pairing form (its values
	// survive an error), the confirming screen of the waiting pairing (an
	// error screen returns to it) and, under Picker, the screen the
	// provider picker returns to.
	kept     map[screens.ID]screens.Screen
	pairings []providers.Pairing
	register registerState
	status   statusLine
	pane     paneFeed
	reqs     requests
	await    awaitRun
	// pair is the pairing attempt in flight and the form's last Pair
	// (flow_showcode.go).
	pair struct {
		attempt pairAttempt
		last    screens.PairMsg
	}
	exit exitNote

	// cache keeps the frame's parts and the logo decision between
	// messages (render_cache.go).
	cache renderCache
}

// env is what the model was built with; it does not change.
type env struct {
	svc    Service
	terms  Terminals
	badges map[string]string
	clock  clockwork.Clock
	ctx    context.Context
	cancel context.CancelFunc
	static bool
	// newAttempt names a pairing attempt (Options.NewAttempt).
	newAttempt func() string
	// skipEntryCheck leaves out the start-up Refresh (goldens set their
	// state directly and must not race it).
	skipEntryCheck bool
}

type keyMaps struct {
	global   keys.Global
	terminal keys.Terminal
}

// registerState is the register identity of a provider that has one
// (ok false: none set up yet), loaded by a Cmd when it becomes active.
type registerState struct {
	id providers.RegisterIdentity
	ok bool
}

type statusLine struct {
	text string
	kind widgets.StatusKind
}

// paneFeed is the sandbox's virtual terminals as last seen, and their
// change feed.
type paneFeed struct {
	views   []widgets.TerminalView
	changes <-chan struct{}
	unsub   func()
}

// awaitRun is the confirmation wait in progress: its cancel and the
// channel its events arrive on.
type awaitRun struct {
	cancel context.CancelFunc
	ch     <-chan tea.Msg
}

// exitNote is what the merchant must know after the program ends (a
// cancel-before-quit's outcome; note "" when nothing). leftWaiting:
// quitting may have left a pairing awaiting confirmation (the cancel
// failed or was not waited for), so the run did not end cleanly.
type exitNote struct {
	note        string
	leftWaiting bool
}

// New builds the root model. It subscribes to the sandbox's changes at once
// so none is missed between construction and Init.
func New(o Options) *Model {
	if o.Provider == "" {
		o.Provider = registry.All()[0].ID
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	ctx, cancel := context.WithCancel(o.Context)
	st := theme.New(theme.Default())
	badges := map[string]string{}
	for k, v := range o.Badges {
		badges[k] = v
	}
	if o.Badge != "" {
		badges[o.Provider] = o.Badge
	}
	m := &Model{
		env: env{svc: o.Service, terms: o.Terminals, badges: badges, clock: o.Clock, ctx: ctx, cancel: cancel,
			static: o.StaticSpinner, newAttempt: o.NewAttempt},
		c:    screens.Common{Styles: st, Clock: o.Clock, StaticSpinner: o.StaticSpinner},
		keys: keyMaps{global: keys.NewGlobal(), terminal: keys.NewTerminal()}, help: widgets.NewHelp(st),
		status: statusLine{text: o.Notice, kind: widgets.StatusInfo},
		kept:   map[screens.ID]screens.Screen{},
	}
	m.setProvider(o.Provider)
	if m.env.terms != nil {
		m.pane.changes, m.pane.unsub = m.env.terms.Changes()
		// The first frame shows the terminal; later changes arrive by the feed.
		m.pane.views = m.env.terms.Snapshot()
	}
	m.open(screens.Unpaired, screenArgs{})
	return m
}

// setProvider makes id the active provider: header, descriptor, code
// spec and the wording of the terminal keys follow it. Every request in
// flight is about the old provider, so none of their answers is taken.
func (m *Model) setProvider(id string) {
	m.reqs.dropAll()
	m.c.Provider, m.c.Product = id, screens.ProductName(id)
	svc := m.env.svc
	m.c.ValidateCode = func(raw string) (string, error) { return svc.ValidateCode(id, raw) }
	m.keys.terminal.ForProvider(m.desc())
	if m.env.terms == nil {
		m.keys.terminal.Disable()
	}
	m.keys.global.Setup.SetEnabled(m.desc().Register.Asks())
	m.keys.global.Provider.SetEnabled(len(m.env.svc.Providers()) > 1)
}

// desc is the active provider's descriptor.
func (m *Model) desc() *providers.Descriptor { return screens.Descriptor(m.c.Provider) }

// badge is the active provider's environment label.
func (m *Model) badge() string { return m.env.badges[m.c.Provider] }

// Provider is the active provider id (tests inspect it).
func (m *Model) Provider() string { return m.c.Provider }

// Screen is the active screen (tests inspect it).
func (m *Model) Screen() screens.Screen { return m.screen }

// Init starts the entry check, the sandbox's change feed and the clock tick.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.screen.Init(), tickCmd(m.env.ctx, m.env.clock)}
	if !m.env.skipEntryCheck {
		cmds = append(cmds, m.entryCmd())
		if m.desc().Register != nil {
			cmds = append(cmds, m.loadRegisterCmd(screens.Unpaired))
		}
	}
	// No snapshot here: New took one after subscribing, and a second one
	// racing the change feed could land after a newer picture and leave
	// the pane showing a terminal state that has already passed.
	if m.env.terms != nil {
		cmds = append(cmds, m.watchCmd())
	}
	return tea.Batch(cmds...)
}

// quit stops the program, but a pairing still awaiting confirmation is
// cancelled first (SCIPAIRING07: nothing half-made is left, as the CLI and
// accessible mode do): quitting resumes when the cancel answers.
func (m *Model) quit() tea.Cmd {
	switch {
	case m.phase == phaseQuitting:
		return nil // already waiting; its answer quits
	case m.run.waiting != "":
		return m.cancelBeforeQuit(m.run.waiting)
	case m.pairingBusy():
		m.phase = phaseQuitting
		m.setStatus(widgets.StatusWarning, "Finishing the pairing request before quitting…")
		return nil
	}
	return m.stop()
}

// cancelBeforeQuit starts cancelling pairing id; its answer quits.
func (m *Model) cancelBeforeQuit(id string) tea.Cmd {
	cancelling := m.phase == phaseCancelling && m.onAwaiting()
	m.phase, m.run.waiting = phaseQuitting, id
	m.stopAwait()
	m.setStatus(widgets.StatusWarning, "Cancelling the pairing before quitting…")
	if cancelling {
		return nil // the cancel already in flight answers
	}
	return tea.Batch(m.tell(screens.CancelStartedMsg{}, awaitingScreens...), m.cancelCmd(id))
}

// whileQuitting handles a message while quitting waits: the answer it
// waits for, a resize, and a second ctrl+c, which quits at once for a
// merchant who will not wait.
func (m *Model) whileQuitting(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.global.ForceQuit) && m.run.waiting == "" {
			m.exit.leftWaiting = true
			m.exit.note = "Quit before the pairing request finished: run tillpair status to check nothing was left waiting"
			m.setStatus(widgets.StatusWarning, m.exit.note)
			return m.stop()
		}
		if key.Matches(msg, m.keys.global.ForceQuit) {
			return m.quitCancelled(errQuitBeforeCancel)
		}
	case pairDoneMsg:
		if m.run.waiting != "" {
			return nil
		}
		if msg.err == nil && msg.p.Status == providers.StatusAwaitingConfirmation {
			return m.cancelBeforeQuit(msg.p.ID)
		}
		if !m.pairingBusy() {
			// Refused, or paired outright (nothing to confirm): nothing is
			// half-made, so quitting goes on.
			return m.stop()
		}
	case cancelDoneMsg:
		if msg.id != m.run.waiting {
			return nil
		}
		if p, ok := confirmedIn(msg.pairings, msg.id); ok && msg.err == nil {
			m.exit.note = "Pairing " + screens.Quote(screens.DisplayName(p)) + " was confirmed before it could be cancelled; it stays paired"
			m.setStatus(widgets.StatusInfo, m.exit.note)
			return m.stop()
		}
		return m.quitCancelled(msg.err)
	}
	return nil
}

// errQuitBeforeCancel: a second ctrl+c did not wait for the cancel.
var errQuitBeforeCancel = errors.New("quit before the cancel finished")

// quitCancelled ends the program after a cancel-before-quit; err (may be
// nil) is why the pairing may still be waiting, with how to remove it.
func (m *Model) quitCancelled(err error) tea.Cmd {
	id := m.run.waiting
	if err == nil {
		m.exit.note = "Pairing cancelled before quitting; nothing is left paired on the terminal"
		m.setStatus(widgets.StatusInfo, m.exit.note)
		return m.stop()
	}
	m.exit.leftWaiting = true
	switch {
	case errors.Is(err, errQuitBeforeCancel):
		m.exit.note = "Quit before the cancel finished: pairing " + id + " may still be waiting; remove it with: tillpair unpair " + id
	case errors.Is(err, context.DeadlineExceeded):
		m.exit.note = "Could not cancel pairing " + id + " (the payment cloud did not answer in time); remove it with: tillpair unpair " + id
	default:
		m.exit.note = "Could not cancel pairing " + id + " (" + screens.Describe(err).Line + "); remove it with: tillpair unpair " + id
	}
	// The status line is one row: the command goes first so it survives
	// truncation; the confirming screen shows the whole note.
	m.setStatus(widgets.StatusError, "Not cancelled — run: tillpair unpair "+id)
	m.tell(screens.WarnMsg{Line: m.exit.note}, awaitingScreens...)
	return m.stop()
}

// QuitNote is what the merchant must know once the program has ended (the
// alternate screen is gone by then): the outcome of cancelling a pairing
// that awaited confirmation, or "" when quitting left nothing to report.
func (m *Model) QuitNote() string { return m.exit.note }

// QuitLeftWaiting reports that quitting may have left a pairing awaiting
// confirmation (QuitNote says which and how to remove it): the caller
// exits non-zero, so a script or supervisor sees the run was interrupted.
func (m *Model) QuitLeftWaiting() bool { return m.exit.leftWaiting }

// HalfMade is the pairing this run left awaiting confirmation when the
// program ended without quitting through the model (a stop signal, a lost
// terminal), or "" when there is none or quitting already dealt with it
// (QuitNote says how). The caller cancels it before exiting. A program
// stopped while quitting still waited for its cancel's answer
// (phaseQuitting) has not dealt with it: that cancel was cut short.
func (m *Model) HalfMade() string {
	if m.phase == phaseStopped {
		return ""
	}
	return m.run.waiting
}

// stop ends the program: late answers change nothing from now on.
func (m *Model) stop() tea.Cmd {
	m.phase = phaseStopped
	return m.halt()
}

// halt ends background work and the program.
func (m *Model) halt() tea.Cmd {
	m.stopAwait()
	m.env.cancel()
	if m.pane.unsub != nil {
		m.pane.unsub()
		m.pane.unsub = nil
	}
	return tea.Quit
}

func (m *Model) setStatus(kind widgets.StatusKind, text string) {
	m.status = statusLine{text: text, kind: kind}
}

// show makes s the active screen at the current body size.
func (m *Model) show(s screens.Screen) tea.Cmd {
	m.screen = s
	switch s.ID() {
	case screens.Unpaired:
		s.Update(screens.NoteMsg{Note: m.registerNote()})
	case screens.Confirming, screens.ShowCodeView:
		// Kept under Confirming, the role: where an error screen returns.
		m.kept[screens.Confirming] = s
	}
	m.layout()
	return s.Init()
}

// awaitingScreens are the screens a pairing awaiting confirmation is shown
// on: the terminal's confirmation code, or (code_from_pos) the code the
// POS shows.
var awaitingScreens = []screens.ID{screens.Confirming, screens.ShowCodeView}

// onAwaiting reports whether the active screen shows the pairing awaiting
// confirmation.
func (m *Model) onAwaiting() bool {
	for _, id := range awaitingScreens {
		if m.on(id) {
			return true
		}
	}
	return false
}

// on reports whether screen id is the active one.
func (m *Model) on(id screens.ID) bool { return m.screen != nil && m.screen.ID() == id }

// tell delivers an update message to the active screen if it is one of
// ids (any screen when none is given).
func (m *Model) tell(msg tea.Msg, ids ...screens.ID) tea.Cmd {
	for _, id := range ids {
		if m.on(id) {
			return m.deliver(msg)
		}
	}
	if len(ids) == 0 {
		return m.deliver(msg)
	}
	return nil
}

func (m *Model) deliver(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.screen, cmd = m.screen.Update(msg)
	return cmd
}

// settle ends the waiting pairing's part in the run: it was confirmed,
// cancelled or cannot be used from here.
func (m *Model) settle() {
	m.stopAwait()
	m.run.waiting = ""
	delete(m.kept, screens.Confirming)
	if m.phase < phaseQuitting {
		m.phase = phaseIdle
		if m.pairingBusy() {
			m.phase = phasePairing
		}
	}
}

func (m *Model) active() []providers.Pairing {
	var out []providers.Pairing
	for _, p := range m.pairings {
		if p.Provider == m.c.Provider && p.Status == providers.StatusActive {
			out = append(out, p)
		}
	}
	return out
}

// shownPairings are the active pairings as the paired screen shows them: a
// pairing made with a register identity this register no longer sends is
// not reached by the terminal any more, so it shows as needing re-pairing
// rather than active.
func (m *Model) shownPairings() []providers.Pairing {
	out := m.active()
	for i, p := range out {
		if m.needsRepair(p) {
			out[i].Status = screens.StatusNeedsRepair
		}
	}
	return out
}

// needsRepair: p's provider knows this register by its identity and p was
// made with an identity the register no longer sends.
func (m *Model) needsRepair(p providers.Pairing) bool {
	d, ok := registry.All().Lookup(p.Provider)
	if !ok || d.Register == nil || !m.register.ok {
		return false
	}
	if !d.Register.Asks() {
		// Known by the generated id alone (Linkly's POS ID).
		return p.Register != nil && p.Register.RegisterID != m.register.id.RegisterID
	}
	if p.Register == nil {
		return p.ID != m.register.id.RegisterID
	}
	return pairing.IdentityChanged(*p.Register, m.register.id)
}

func (m *Model) typing() bool {
	t, ok := m.screen.(screens.Typer)
	return ok && t.Typing()
}

// paneTerminal is the virtual terminal for the current provider.
func (m *Model) paneTerminal() (widgets.TerminalView, bool) {
	for _, v := range m.pane.views {
		if v.Provider == m.c.Provider {
			v.Kind = widgets.DeviceKindOf(m.desc())
			return v, true
		}
	}
	return widgets.TerminalView{}, false
}

// shownCode is the code the show-code screen (active or kept) shows for
// the pairing awaiting the sign-in; "" when there is none.
func (m *Model) shownCode() string {
	s := m.screen
	if s == nil || s.ID() != screens.ShowCodeView {
		s = m.kept[screens.ShowCodeView]
	}
	if sc, ok := s.(*screens.ShowCode); ok {
		return sc.Pairing().ConfirmationCode
	}
	return ""
}

// pairingBusyText is the status while a pair request is in flight.
const pairingBusyText = "Pairing… waiting for the payment cloud's answer (ctrl+c quits)"

// pairingBusy: a pair request is in flight, so the form's values are on
// their way and the keys that would change or leave the form wait.
func (m *Model) pairingBusy() bool { return m.reqs.count(reqPair) > 0 }

// terminalKey is a key of the sandbox's virtual terminal: it acts on the
// simulated device, not on the POS side, so it works at any time.
func (m *Model) terminalKey(msg tea.KeyMsg) bool {
	t := m.keys.terminal
	return key.Matches(msg, t.Sleep) || key.Matches(msg, t.NewCode) ||
		key.Matches(msg, t.Confirm) || key.Matches(msg, t.Unpair)
}

// quitMsg stops the program like ctrl+c but keeps the status line, so a
// caller (a signal handler, a golden test) can end it without a key.
type quitMsg struct{}

// Quit returns the message that ends the program cleanly.
func Quit() tea.Msg { return quitMsg{} }

// Update routes one message, then re-applies the layout because help and
// the status line may have changed the body's height.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.phase == phaseStopped {
		// Late results of calls cut short by quitting change nothing.
		return m, nil
	}
	if a, ok := msg.(answer); ok && !m.reqs.take(a) {
		return m, nil // its request was dropped: the answer is stale
	}
	var cmd tea.Cmd
	if m.phase == phaseQuitting {
		cmd = m.whileQuitting(msg)
	} else {
		cmd = m.update(msg)
	}
	// The requests in flight change in several places; the form follows
	// them here, once, so it can never show "Pair" while a request is out.
	if f := m.kept[screens.Unpaired]; f != nil {
		f.Update(screens.BusyMsg{Busy: m.pairingBusy()})
	}
	m.layout()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		return nil
	case tea.KeyMsg:
		return m.handleKeys(msg)
	case quitMsg:
		return m.quit()
	case tickMsg:
		return tickCmd(m.env.ctx, m.env.clock)
	case terminalsMsg:
		m.pane.views = msg.views
		return m.watchCmd()
	case terminalActionMsg:
		if msg.err != nil {
			m.setStatus(widgets.StatusError, m.terminalErrorText(msg.err, msg.view))
		}
		return nil
	}
	if cmd, ok := m.handleFlow(msg); ok {
		return cmd
	}
	return m.deliver(msg)
}

// handleKeys takes one key message. Bubble Tea delivers the runes of one
// read as a single message, so two command keys typed fast (or sent by
// tmux in one write) arrive together and would match no binding: where no
// text field has the focus they are split and handled one by one, in
// order; a focused field takes them all, as typing.
func (m *Model) handleKeys(msg tea.KeyMsg) tea.Cmd {
	if m.w != 0 && m.tooSmall() {
		// Nothing of the app is on screen, so nothing may change unseen:
		// only quitting (which still cancels a waiting pairing) acts.
		if key.Matches(msg, m.keys.global.ForceQuit) {
			return m.quit()
		}
		return nil
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste {
		return m.handleKey(msg)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if m.typing() || m.phase >= phaseQuitting {
			rest := msg
			rest.Runes = msg.Runes[i:]
			if m.typing() {
				cmds = append(cmds, m.handleKey(rest))
			}
			break
		}
		one := msg
		one.Runes = []rune{r}
		cmds = append(cmds, m.handleKey(one))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	// The next key press clears the status line (pug/gh-dash convention).
	m.setStatus(widgets.StatusNone, "")
	g, t := m.keys.global, m.keys.terminal
	switch {
	case key.Matches(msg, g.ForceQuit):
		return m.quit()
	case m.pairingBusy() && !m.terminalKey(msg):
		// The form's values are being sent: edits would be thrown away
		// when the answer comes, and the request cannot be taken back
		// once the cloud may have acted on it.
		m.setStatus(widgets.StatusWarning, pairingBusyText)
		return nil
	case key.Matches(msg, g.Provider):
		return m.openPicker()
	case key.Matches(msg, g.Setup):
		return m.navigate(screens.Setup)
	case key.Matches(msg, t.Sleep):
		v, ok := m.paneTerminal()
		if !ok {
			return nil
		}
		asleep := v.Screen != widgets.ScreenAsleep
		return m.terminalCmd(func(id string) error { return m.env.terms.SetAsleep(id, asleep) }, v)
	case key.Matches(msg, t.NewCode), key.Matches(msg, t.Confirm), key.Matches(msg, t.Unpair):
		v, ok := m.paneTerminal()
		if !ok {
			m.setStatus(widgets.StatusError, "The sandbox has no virtual terminal for "+m.c.Product)
			return nil
		}
		switch {
		case key.Matches(msg, t.NewCode):
			return m.terminalCmd(m.env.terms.StartPairing, v)
		case key.Matches(msg, t.Confirm) && m.desc().Model == providers.CodeFromPOS:
			// The terminal confirms by signing in with the code shown here.
			code := m.shownCode()
			return m.terminalCmd(func(id string) error {
				if code == "" {
					return widgets.ErrNothingToConfirm
				}
				return m.env.terms.SignIn(id, code)
			}, v)
		case key.Matches(msg, t.Confirm):
			return m.terminalCmd(m.env.terms.Confirm, v)
		default:
			return m.terminalCmd(m.env.terms.Unpair, v)
		}
	}
	// Where a field has focus, ? is typed: the help answers to ctrl+g/F1 there.
	if key.Matches(msg, g.HelpFor(m.typing(), m.fullHelp)) {
		m.fullHelp = !m.fullHelp
		m.layout()
		return nil
	}
	if !m.typing() && key.Matches(msg, g.Quit) {
		return m.quit()
	}
	return m.deliver(msg)
}

// Help bindings: the screen's, the terminal's, then the globals.
func (m *Model) ShortHelp() []key.Binding {
	cut, _, pinned := m.shortHelpParts()
	return append(cut, pinned...)
}

// shortHelpParts splits the short help into what a narrow footer may cut,
// in the order shown, and what it keeps: the way out and the way to the
// other keys must always be on screen. rank says which of cut go first
// (the highest): the screen's own keys rank by their place, and the
// provider key sits after the screen's first two, so a narrow footer
// drops "a add pairing" before ctrl+t and ctrl+t before "tab next field".
func (m *Model) shortHelpParts() (cut []key.Binding, rank []int, pinned []key.Binding) {
	g := m.keys.global
	if m.phase == phaseQuitting {
		// Only a second ctrl+c does anything until the answer comes.
		now := g.ForceQuit
		now.SetHelp(now.Help().Key, "quit now, without waiting")
		return nil, nil, []key.Binding{now}
	}
	if m.asking() {
		// A y/n question takes y, n and esc only: nothing else is offered.
		return nil, nil, m.screen.ShortHelp()
	}
	for i, b := range m.screen.ShortHelp() {
		cut = append(cut, b)
		rank = append(rank, 2*i)
	}
	cut, rank = append(cut, m.providerKey()), append(rank, 3)
	if m.typing() {
		// q and ? are typed into the field here.
		return cut, rank, []key.Binding{g.HelpFor(true, m.fullHelp), g.ForceQuit}
	}
	return cut, rank, []key.Binding{g.HelpFor(false, m.fullHelp), g.Quit}
}

// asking reports a y/n question on screen.
func (m *Model) asking() bool {
	a, ok := m.screen.(interface{ Asking() bool })
	return ok && a.Asking()
}

func (m *Model) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, g := range m.helpGroups() {
		out = append(out, g.Keys)
	}
	return out
}

// helpGroups are the full help's columns: the screen's keys, the app's
// and, in the sandbox, the virtual terminal's. Quit is one entry with both
// its keys (q is typed into a field, so there it is ctrl+c alone).
func (m *Model) helpGroups() []widgets.HelpGroup {
	g := m.keys.global
	if m.phase == phaseQuitting || m.asking() {
		_, _, pinned := m.shortHelpParts()
		return []widgets.HelpGroup{{Title: "now", Keys: pinned}}
	}
	var out []widgets.HelpGroup
	for i, keys := range m.screen.FullHelp() {
		title := "this screen"
		if i > 0 {
			title = "move and edit"
		}
		out = append(out, widgets.HelpGroup{Title: title, Keys: keys})
	}
	quit := g.Quit
	quit.SetHelp("q/ctrl+c", "quit")
	if m.typing() {
		quit = g.ForceQuit
	}
	out = append(out, widgets.HelpGroup{Title: "app", Keys: []key.Binding{
		m.providerKey(), g.Setup, g.HelpFor(m.typing(), m.fullHelp), quit}})
	if m.env.terms != nil {
		out = append(out, widgets.HelpGroup{Title: "terminal (sandbox)", Keys: m.terminalHelp()})
	}
	return out
}
