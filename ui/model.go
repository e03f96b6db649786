// Package ui is tillpair's root Bubble Tea model: it routes messages to the
// active screen, runs every service call as a tea.Cmd, owns the global keys
// and the status line, and lays out header, body (plus the sandbox's
// virtual-terminal pane) and footer.
//
// Departure from design.md: pairings are re-checked live when viewed only
// for SCI (SCIPAIRING10 requires it). A Helcim check is a ping the device
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
	// Context ends every call when cancelled (nil: Background).
	Context context.Context
}

// Minimum usable size; below it the too-small view is shown.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Model is the root model.
type Model struct {
	svc      Service
	terms    Terminals
	provider string
	badge    string
	badges   map[string]string
	static   bool

	ctx    context.Context
	cancel context.CancelFunc
	clock  clockwork.Clock
	c      screens.Common
	st     *theme.Styles
	spec   providers.CodeSpec
	caps   providers.Capabilities

	gkeys    keys.Global
	tkeys    keys.Terminal
	help     help.Model
	fullHelp bool

	w, h int

	screen     screens.Screen
	form       *screens.UnpairedScreen
	confirming *screens.ConfirmingScreen
	// confirmingBack is the confirming screen an error screen returns to.
	confirmingBack *screens.ConfirmingScreen
	pairings       []providers.Pairing

	status     string
	statusKind widgets.StatusKind

	// register is SmartConnect's register identity (hasRegister false: none
	// set up yet); loaded by a Cmd when SmartConnect becomes active.
	register    providers.RegisterIdentity
	hasRegister bool
	// pickerBack is the screen the provider picker returns to on esc.
	pickerBack screens.Screen

	views   []widgets.TerminalView
	changes <-chan struct{}
	unsub   func()

	// skipEntryCheck leaves out the start-up Refresh (goldens set their
	// state directly and must not race it).
	skipEntryCheck bool
	quitting       bool
	// quitCancel is the pairing being cancelled before quitting ("": none).
	// While it is set the program is still running, so the cancel's answer
	// is handled (quitting itself ignores every late answer).
	quitCancel string
	// quitAfterPair: quitting waits for a pair request in flight, whose
	// pairing may be left awaiting confirmation and need cancelling.
	quitAfterPair bool
	// pairsInFlight counts pair requests not yet answered.
	pairsInFlight int
	// quitNote is what the merchant must know after the program ends (a
	// cancel-before-quit's outcome); "" when nothing.
	quitNote string
	// quitLeftWaiting: quitting may have left a pairing awaiting
	// confirmation (the cancel failed or was not waited for), so the run
	// did not end cleanly.
	quitLeftWaiting bool

	// gen counts provider switches. Every service call's answer carries
	// the gen it was started in (stamp) and is dropped when the
	// provider changed since: an answer about the old provider's pairings
	// would otherwise be drawn as the new provider's.
	gen int

	awaitGen int
	// listGen counts changes to the set of pairings made here (forget,
	// unpair): a list or refresh answer started before the latest change is
	// stale and would bring a removed pairing back on screen.
	listGen     int
	cancelAwait context.CancelFunc
	awaitCh     <-chan tea.Msg

	// cache keeps the frame's parts between messages (render_cache.go).
	cache renderCache
	// logo is the last full-logo decision and what it was made from.
	logo struct {
		ok   bool
		key  logoKey
		full bool
	}
	// parts are the screens' fixed pieces, shared so a new screen's first
	// frame does not draw them again.
	parts *screens.Parts
	// justPaired is the pairing made last in this run: the paired screen
	// keeps its full success message when it is shown again (Back from an
	// error).
	justPaired string
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
		svc: o.Service, terms: o.Terminals, badges: badges, static: o.StaticSpinner,
		ctx: ctx, cancel: cancel, clock: o.Clock, st: st,
		gkeys: keys.NewGlobal(), tkeys: keys.NewTerminal(), help: widgets.NewHelp(st),
		status: o.Notice, statusKind: widgets.StatusInfo, parts: &screens.Parts{},
	}
	m.setProvider(o.Provider)
	if m.terms != nil {
		m.changes, m.unsub = m.terms.Changes()
		// The first frame shows the terminal; later changes arrive by the feed.
		m.views = m.terms.Snapshot()
	}
	m.form = screens.NewUnpaired(m.c, m.spec, false)
	m.screen = m.form
	return m
}

// setProvider makes id the active provider: header, capabilities, code
// spec and the wording of the terminal keys follow it.
func (m *Model) setProvider(id string) {
	m.gen++
	m.provider, m.badge = id, m.badges[id]
	m.caps = providers.Capabilities{}
	if p, ok := m.svc.Provider(id); ok {
		m.caps = p.Capabilities()
	}
	m.spec = m.caps.Code
	m.c = screens.Common{Styles: m.st, Clock: m.clock, Product: screens.ProductName(id), Provider: id,
		Caps: m.caps, StaticSpinner: m.static, Parts: m.parts}
	m.tkeys.ForProvider(m.desc())
	if m.terms == nil {
		m.tkeys.Disable()
	}
	m.gkeys.Setup.SetEnabled(m.desc().Register != nil)
	m.gkeys.Provider.SetEnabled(len(m.svc.Providers()) > 1)
}

// desc is the active provider's descriptor.
func (m *Model) desc() *providers.Descriptor { return screens.Descriptor(m.provider) }

// Provider is the active provider id (tests inspect it).
func (m *Model) Provider() string { return m.provider }

// Screen is the active screen (tests inspect it).
func (m *Model) Screen() screens.Screen { return m.screen }

// Init starts the entry check, the sandbox's change feed and the clock tick.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.screen.Init(), tickCmd(m.ctx, m.clock)}
	if !m.skipEntryCheck {
		cmds = append(cmds, m.entryCmd())
		if m.desc().Register != nil {
			cmds = append(cmds, m.loadRegisterCmd(screens.Unpaired))
		}
	}
	// No snapshot here: New took one after subscribing, and a second one
	// racing the change feed could land after a newer picture and leave
	// the pane showing a terminal state that has already passed.
	if m.terms != nil {
		cmds = append(cmds, m.watchCmd())
	}
	return tea.Batch(cmds...)
}

// quit stops the program, but a pairing still awaiting confirmation is
// cancelled first (SCIPAIRING07: nothing half-made is left, as the CLI and
// accessible mode do): quitting resumes when the cancel answers.
func (m *Model) quit() tea.Cmd {
	if m.quitCancel != "" || m.quitAfterPair {
		return nil // already cancelling; its answer quits
	}
	id := m.waitingPairing()
	if id == "" && m.pairsInFlight > 0 {
		m.quitAfterPair = true
		m.setStatus(widgets.StatusWarning, "Finishing the pairing request before quitting…")
		return nil
	}
	if id == "" {
		return m.stop()
	}
	return m.cancelBeforeQuit(id)
}

// cancelBeforeQuit starts cancelling pairing id; its answer quits.
func (m *Model) cancelBeforeQuit(id string) tea.Cmd {
	m.quitCancel = id
	m.stopAwait()
	m.setStatus(widgets.StatusWarning, "Cancelling the pairing before quitting…")
	if m.confirming != nil {
		if m.confirming.Cancelling() {
			return nil // the cancel already in flight answers
		}
		m.confirming.StartCancel()
	}
	return m.quitCancelCmd(id)
}

// waitingPairing is the pairing this run is confirming ("" if none): on
// the confirming screen, or on an error screen that returns to it.
func (m *Model) waitingPairing() string {
	if m.confirming != nil {
		return m.confirming.PairingID()
	}
	if m.confirmingBack != nil {
		return m.confirmingBack.PairingID()
	}
	return ""
}

// whileQuitting handles a message while a pairing is being cancelled
// before quitting: the cancel's answer, a resize, and a second ctrl+c,
// which quits at once for a merchant who will not wait.
func (m *Model) whileQuitting(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		if key.Matches(msg, m.gkeys.ForceQuit) && m.quitAfterPair {
			m.quitLeftWaiting = true
			m.quitNote = "Quit before the pairing request finished: run tillpair status to check nothing was left waiting"
			m.setStatus(widgets.StatusWarning, m.quitNote)
			return m.stop()
		}
		if key.Matches(msg, m.gkeys.ForceQuit) {
			return m.quitCancelled(errQuitBeforeCancel)
		}
	case pairDoneMsg:
		m.pairsInFlight--
		if !m.quitAfterPair {
			return nil
		}
		if msg.err == nil && msg.p.Status == providers.StatusAwaitingConfirmation {
			m.quitAfterPair = false
			return m.cancelBeforeQuit(msg.p.ID)
		}
		if m.pairsInFlight <= 0 {
			// Refused, or paired outright (nothing to confirm): nothing is
			// half-made, so quitting goes on.
			return m.stop()
		}
	case cancelDoneMsg:
		if msg.id == m.quitCancel {
			return m.quitCancelled(msg.err)
		}
	}
	return nil
}

// errQuitBeforeCancel: a second ctrl+c did not wait for the cancel.
var errQuitBeforeCancel = errors.New("quit before the cancel finished")

// quitCancelled ends the program after a cancel-before-quit; err (may be
// nil) is why the pairing may still be waiting, with how to remove it.
func (m *Model) quitCancelled(err error) tea.Cmd {
	id := m.quitCancel
	m.quitCancel = ""
	if err == nil {
		m.quitNote = "Pairing cancelled before quitting; nothing is left paired on the terminal"
		m.setStatus(widgets.StatusInfo, m.quitNote)
		return m.stop()
	}
	m.quitLeftWaiting = true
	switch {
	case errors.Is(err, errQuitBeforeCancel):
		m.quitNote = "Quit before the cancel finished: pairing " + id + " may still be waiting; remove it with: tillpair unpair " + id
	case errors.Is(err, context.DeadlineExceeded):
		m.quitNote = "Could not cancel pairing " + id + " (the payment cloud did not answer in time); remove it with: tillpair unpair " + id
	default:
		m.quitNote = "Could not cancel pairing " + id + " (" + screens.Describe(err).Line + "); remove it with: tillpair unpair " + id
	}
	// The status line is one row: the command goes first so it survives
	// truncation; the confirming screen shows the whole note.
	m.setStatus(widgets.StatusError, "Not cancelled — run: tillpair unpair "+id)
	if m.confirming != nil {
		m.confirming.Warn(m.quitNote)
	}
	return m.stop()
}

// QuitNote is what the merchant must know once the program has ended (the
// alternate screen is gone by then): the outcome of cancelling a pairing
// that awaited confirmation, or "" when quitting left nothing to report.
func (m *Model) QuitNote() string { return m.quitNote }

// QuitLeftWaiting reports that quitting may have left a pairing awaiting
// confirmation (QuitNote says which and how to remove it): the caller
// exits non-zero, so a script or supervisor sees the run was interrupted.
func (m *Model) QuitLeftWaiting() bool { return m.quitLeftWaiting }

// stop ends background work and the program.
func (m *Model) stop() tea.Cmd {
	m.quitting = true
	m.stopAwait()
	m.cancel()
	if m.unsub != nil {
		m.unsub()
		m.unsub = nil
	}
	return tea.Quit
}

func (m *Model) setStatus(kind widgets.StatusKind, text string) {
	m.status, m.statusKind = text, kind
}

// show makes s the active screen at the current body size.
func (m *Model) show(s screens.Screen) tea.Cmd {
	m.screen = s
	if f, ok := s.(*screens.UnpairedScreen); ok {
		f.SetNote(m.registerNote())
	}
	if c, ok := s.(*screens.ConfirmingScreen); ok {
		m.confirming = c
	} else {
		m.confirming = nil
	}
	m.layout()
	return s.Init()
}

func (m *Model) active() []providers.Pairing {
	var out []providers.Pairing
	for _, p := range m.pairings {
		if p.Provider == m.provider && p.Status == providers.StatusActive {
			out = append(out, p)
		}
	}
	return out
}

// shownPairings are the active pairings as the paired screen shows them: a
// SmartConnect pairing made with a register identity this register no
// longer sends is not reached by the terminal any more, so it shows as
// needing re-pairing rather than active.
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
	if d, ok := registry.All().Lookup(p.Provider); !ok || d.Register == nil || !m.hasRegister {
		return false
	}
	if p.Register == nil {
		return p.ID != m.register.RegisterID
	}
	return pairing.IdentityChanged(*p.Register, m.register)
}

func (m *Model) typing() bool {
	t, ok := m.screen.(screens.Typer)
	return ok && t.Typing()
}

// paneTerminal is the virtual terminal for the current provider.
func (m *Model) paneTerminal() (widgets.TerminalView, bool) {
	for _, v := range m.views {
		if v.Provider == m.provider {
			v.Kind = widgets.DeviceKindOf(m.desc())
			return v, true
		}
	}
	return widgets.TerminalView{}, false
}

// pairingBusyText is the status while a pair request is in flight.
const pairingBusyText = "Pairing… waiting for the payment cloud's answer (ctrl+c quits)"

// pairingBusy: a pair request is in flight, so the form's values are on
// their way and the keys that would change or leave the form wait.
func (m *Model) pairingBusy() bool { return m.pairsInFlight > 0 }

// terminalKey is a key of the sandbox's virtual terminal: it acts on the
// simulated device, not on the POS side, so it works at any time.
func (m *Model) terminalKey(msg tea.KeyMsg) bool {
	return key.Matches(msg, m.tkeys.Sleep) || key.Matches(msg, m.tkeys.NewCode) ||
		key.Matches(msg, m.tkeys.Confirm) || key.Matches(msg, m.tkeys.Unpair)
}

// quitMsg stops the program like ctrl+c but keeps the status line, so a
// caller (a signal handler, a golden test) can end it without a key.
type quitMsg struct{}

// Quit returns the message that ends the program cleanly.
func Quit() tea.Msg { return quitMsg{} }

// Update routes one message, then re-applies the layout because help and
// the status line may have changed the body's height.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(stamped); ok && s.startedIn() != m.gen {
		m.dropStale(msg)
		return m, nil
	}
	if m.quitting {
		// Late results of calls cut short by quitting change nothing.
		return m, nil
	}
	var cmd tea.Cmd
	if m.quitCancel != "" || m.quitAfterPair {
		cmd = m.whileQuitting(msg)
	} else {
		cmd = m.update(msg)
	}
	// The in-flight count changes in several places; the form follows it
	// here, once, so it can never show "Pair" while a request is out.
	if m.form != nil {
		m.form.SetBusy(m.pairingBusy())
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
		return tickCmd(m.ctx, m.clock)
	case terminalsMsg:
		m.views = msg.views
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
	var cmd tea.Cmd
	m.screen, cmd = m.screen.Update(msg)
	return cmd
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
		if key.Matches(msg, m.gkeys.ForceQuit) {
			return m.quit()
		}
		return nil
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste {
		return m.handleKey(msg)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if m.typing() || m.quitting || m.quitCancel != "" || m.quitAfterPair {
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
	switch {
	case key.Matches(msg, m.gkeys.ForceQuit):
		return m.quit()
	case m.pairingBusy() && !m.terminalKey(msg):
		// The form's values are being sent: edits would be thrown away
		// when the answer comes, and the request cannot be taken back
		// once the cloud may have acted on it.
		m.setStatus(widgets.StatusWarning, pairingBusyText)
		return nil
	case key.Matches(msg, m.gkeys.Provider):
		return m.openPicker()
	case key.Matches(msg, m.gkeys.Setup):
		return m.navigate(screens.Setup)
	case key.Matches(msg, m.tkeys.Sleep):
		v, ok := m.paneTerminal()
		if !ok {
			return nil
		}
		asleep := v.Screen != widgets.ScreenAsleep
		return m.terminalCmd(func(id string) error { return m.terms.SetAsleep(id, asleep) }, v)
	case key.Matches(msg, m.tkeys.NewCode), key.Matches(msg, m.tkeys.Confirm), key.Matches(msg, m.tkeys.Unpair):
		v, ok := m.paneTerminal()
		if !ok {
			m.setStatus(widgets.StatusError, "The sandbox has no virtual terminal for "+m.c.Product)
			return nil
		}
		switch {
		case key.Matches(msg, m.tkeys.NewCode):
			return m.terminalCmd(m.terms.StartPairing, v)
		case key.Matches(msg, m.tkeys.Confirm):
			return m.terminalCmd(m.terms.Confirm, v)
		default:
			return m.terminalCmd(m.terms.Unpair, v)
		}
	}
	// Where a field has focus, ? is typed: the help answers to ctrl+g/F1 there.
	if key.Matches(msg, m.gkeys.HelpFor(m.typing(), m.fullHelp)) {
		m.fullHelp = !m.fullHelp
		m.layout()
		return nil
	}
	if !m.typing() && key.Matches(msg, m.gkeys.Quit) {
		return m.quit()
	}
	var cmd tea.Cmd
	m.screen, cmd = m.screen.Update(msg)
	return cmd
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
	if m.quitCancel != "" || m.quitAfterPair {
		// Only a second ctrl+c does anything until the cancel answers.
		now := m.gkeys.ForceQuit
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
		return cut, rank, []key.Binding{m.gkeys.HelpFor(true, m.fullHelp), m.gkeys.ForceQuit}
	}
	return cut, rank, []key.Binding{m.gkeys.HelpFor(false, m.fullHelp), m.gkeys.Quit}
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
	if m.quitCancel != "" || m.quitAfterPair || m.asking() {
		_, _, pinned := m.shortHelpParts()
		return []widgets.HelpGroup{{Title: "now", Keys: pinned}}
	}
	var out []widgets.HelpGroup
	for i, g := range m.screen.FullHelp() {
		title := "this screen"
		if i > 0 {
			title = "move and edit"
		}
		out = append(out, widgets.HelpGroup{Title: title, Keys: g})
	}
	quit := m.gkeys.Quit
	quit.SetHelp("q/ctrl+c", "quit")
	if m.typing() {
		quit = m.gkeys.ForceQuit
	}
	out = append(out, widgets.HelpGroup{Title: "app", Keys: []key.Binding{
		m.providerKey(), m.gkeys.Setup, m.gkeys.HelpFor(m.typing(), m.fullHelp), quit}})
	if m.terms != nil {
		out = append(out, widgets.HelpGroup{Title: "terminal (sandbox)", Keys: m.terminalHelp()})
	}
	return out
}
