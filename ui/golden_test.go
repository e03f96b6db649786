package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/jonboulle/clockwork"
	"github.com/muesli/termenv"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/screens"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

type size struct{ w, h int }

var (
	standardSizes = []size{{80, 24}, {60, 20}}
	paneSizes     = []size{{110, 30}, {80, 24}, {60, 20}, {80, 40}}
)

// goldenCase builds a model in a state, optionally sends it messages, and
// compares the final View with testdata.
type goldenCase struct {
	name  string
	svc   *stubService
	terms Terminals
	prep  func(m *Model, c *clockwork.FakeClock)
	msgs  []tea.Msg
	sizes []size
}

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
)

func newGoldenModel(svc *stubService, terms Terminals) (*Model, *clockwork.FakeClock) {
	clock := clockwork.NewFakeClockAt(goldenNow)
	m := New(Options{Service: svc, Terminals: terms, Badge: "SANDBOX", Clock: clock, StaticSpinner: true})
	m.env.skipEntryCheck = true
	return m, clock
}

// snapshotMsg ends a golden run as it stands: quitting proper would first
// cancel a pairing that awaits confirmation and change the picture.
type snapshotMsg struct{}

// snapshotter stops the model at snapshotMsg without moving its phase on,
// so the picture is the one the run reached; later messages are ignored.
type snapshotter struct {
	*Model
	taken *bool
}

func (s snapshotter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if *s.taken {
		return s, nil
	}
	if _, ok := msg.(snapshotMsg); ok {
		*s.taken = true
		return s, s.halt()
	}
	_, cmd := s.Model.Update(msg)
	return s, cmd
}

func runGolden(t *testing.T, gc goldenCase) {
	t.Helper()
	sizes := gc.sizes
	if sizes == nil {
		sizes = standardSizes
	}
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			svc := gc.svc
			if svc == nil {
				svc = newStubService()
			}
			m, clock := newGoldenModel(svc, gc.terms)
			if gc.prep != nil {
				gc.prep(m, clock)
			}
			tm := teatest.NewTestModel(t, snapshotter{m, new(bool)}, teatest.WithInitialTermSize(sz.w, sz.h))
			for _, msg := range gc.msgs {
				tm.Send(msg)
			}
			tm.Send(snapshotMsg{})
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
			view := fm.View()
			assertFits(t, view, sz)
			assertFooterKeepsPinned(t, fm, view)
			teatest.RequireEqualOutput(t, []byte(view))
		})
	}
}

// assertFooterKeepsPinned fails when a narrow footer cut the way out or the
// way to the other keys.
func assertFooterKeepsPinned(t *testing.T, fm tea.Model, view string) {
	t.Helper()
	s, ok := fm.(snapshotter)
	if !ok || s.fullHelp || s.tooSmall() {
		return
	}
	_, _, pinned := s.shortHelpParts()
	for _, b := range pinned {
		if want := b.Help().Key + " " + b.Help().Desc; b.Enabled() && !strings.Contains(view, want) {
			t.Errorf("footer lost %q:\n%s", want, view)
		}
	}
}

// assertFits fails when a view would overflow the terminal.
func assertFits(t *testing.T, view string, sz size) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > sz.h {
		t.Errorf("view is %d lines, terminal has %d:\n%s", len(lines), sz.h, view)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > sz.w {
			t.Errorf("line %d is %d cells wide, terminal has %d: %q", i+1, w, sz.w, l)
		}
	}
}

func confirmingPairing() providers.Pairing {
	return providers.Pairing{Provider: providers.SCI, ID: "b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19",
		Status: providers.StatusAwaitingConfirmation, ConfirmationCode: "4821", PairingNickname: "Front counter",
		CreatedAt: goldenNow}
}

// showConfirming goes through the same path a successful Pair takes.
func showConfirming(m *Model, c *clockwork.FakeClock) {
	m.handleFlow(pairDoneMsg{p: confirmingPairing()})
	c.Advance(12 * time.Second)
}

func TestGoldenUnpaired(t *testing.T) {
	for _, gc := range []goldenCase{
		{name: "empty"},
		{name: "with_input", msgs: []tea.Msg{keyRunes("123 456"), tea.KeyMsg{Type: tea.KeyTab}, keyRunes("Front counter")}},
		{name: "validation_error", msgs: []tea.Msg{keyRunes("12"), keyEnter}},
		{name: "letter_refused", msgs: []tea.Msg{keyRunes("x")}},
		// Full help left open from another screen: q and ? are typed here,
		// so the footer must not offer them.
		{name: "help_open", prep: func(m *Model, _ *clockwork.FakeClock) { m.fullHelp = true }},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenConfirming(t *testing.T) {
	warn := &providers.Error{Provider: providers.SCI, Kind: providers.KindNetwork}
	slowCancel := newStubService()
	slowCancel.cancelGate = make(chan struct{})
	t.Cleanup(func() { close(slowCancel.cancelGate) })
	for _, gc := range []goldenCase{
		// q while waiting: the pairing is cancelled before the program ends.
		{name: "quitting", svc: slowCancel, prep: showConfirming, msgs: []tea.Msg{keyRunes("q")}},
		{name: "waiting", prep: showConfirming},
		{name: "network_warning", prep: func(m *Model, c *clockwork.FakeClock) {
			showConfirming(m, c)
			m.handleFlow(awaitEventMsg{req: m.awaiting(), ev: pairing.Event{Type: pairing.EventNetworkWarning, PairingID: confirmingPairing().ID, Err: warn}})
		}},
		{name: "cancelling", prep: showConfirming, msgs: []tea.Msg{keyRunes("c")}},
		{name: "timed_out", prep: func(m *Model, c *clockwork.FakeClock) {
			showConfirming(m, c)
			m.handleFlow(awaitDoneMsg{req: m.awaiting(), err: &providers.Error{Kind: providers.KindTimeout,
				Message: "The terminal was not confirmed within 2 minutes."}})
		}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenPaired(t *testing.T) {
	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	two := activePairing("0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c", "Back office", "T-1002", "Office")
	three := activePairing("5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "", "T-1003", "")
	show := func(ps []providers.Pairing, just string) func(*Model, *clockwork.FakeClock) {
		return func(m *Model, _ *clockwork.FakeClock) {
			m.pairings = ps
			m.show(screens.NewPaired(m.c, m.active(), just))
		}
	}
	for _, gc := range []goldenCase{
		{name: "just_paired", prep: show([]providers.Pairing{one}, one.ID)},
		{name: "one", prep: show([]providers.Pairing{one}, "")},
		{name: "several", prep: show([]providers.Pairing{one, two, three}, ""), msgs: []tea.Msg{tea.KeyMsg{Type: tea.KeyDown}}},
		{name: "unpair_prompt", prep: show([]providers.Pairing{one, two}, ""), msgs: []tea.Msg{keyRunes("u")}},
		{name: "help_open", prep: show([]providers.Pairing{one}, ""), terms: stubTerminals{view: paneView(widgets.ScreenPaired)},
			msgs: []tea.Msg{keyRunes("?")}},
		{name: "test_ok", prep: func(m *Model, c *clockwork.FakeClock) {
			show([]providers.Pairing{one}, "")(m, c)
			m.handleFlow(testDoneMsg{id: one.ID, p: one})
		}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

type fakeStoreErr struct{}

func (fakeStoreErr) Error() string {
	return "keyring: no Secret Service on the session bus — install and unlock gnome-keyring, or run inside dbus-run-session"
}
func (fakeStoreErr) StoreError() bool { return true }

func TestGoldenErrors(t *testing.T) {
	id := "b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19"
	for _, k := range providers.Kinds() {
		err := &providers.Error{Provider: providers.SCI, Op: providers.OpPair, Kind: k}
		if k == providers.KindNotFound {
			err.HTTPStatus, err.Code, err.Message = 404, "pairing_not_found", "Pairing not found"
		}
		if k == providers.KindInvalidInput {
			err.Message = "Pairing Nickname is longer than 32 characters"
		}
		gc := goldenCase{name: k.String(), prep: func(m *Model, _ *clockwork.FakeClock) {
			m.show(screens.NewError(m.c, err, screens.PairMsg{Code: "123456"}, screens.Unpaired, id))
		}}
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
	t.Run("store", func(t *testing.T) {
		runGolden(t, goldenCase{prep: func(m *Model, _ *clockwork.FakeClock) {
			m.show(screens.NewError(m.c, fmt.Errorf("save pairing: %w", fakeStoreErr{}), nil, screens.Unpaired, ""))
		}})
	})
	// A pair the provider accepted but tillpair could not store was undone:
	// its code is spent, so no Try again.
	t.Run("store_rolled_back", func(t *testing.T) {
		runGolden(t, goldenCase{prep: func(m *Model, _ *clockwork.FakeClock) {
			rb := &pairing.RollbackError{Cause: fmt.Errorf("could not store the pairing's signing secret in the keyring: %w", fakeStoreErr{}), PairingID: id}
			m.show(screens.NewError(m.c, rb, screens.PairMsg{Code: "123456"}, screens.Unpaired, ""))
		}})
	})
	t.Run("unexpected", func(t *testing.T) {
		runGolden(t, goldenCase{prep: func(m *Model, _ *clockwork.FakeClock) {
			m.show(screens.NewError(m.c, errors.New("boom"), nil, screens.Unpaired, ""))
		}})
	})
	t.Run("unpaired_externally_on_entry", func(t *testing.T) {
		gone := activePairing(id, "Front counter", "T-1001", "Counter 1")
		gone.Status = providers.StatusUnpaired
		runGolden(t, goldenCase{prep: func(m *Model, _ *clockwork.FakeClock) {
			m.applyRefresh(enteredMsg{
				results:  []pairing.CheckResult{{Pairing: gone, Err: &providers.Error{Kind: providers.KindNotPaired, HTTPStatus: 401}, Checked: true}},
				pairings: []providers.Pairing{gone},
			})
		}})
	})
}

func TestGoldenTooSmall(t *testing.T) {
	runGolden(t, goldenCase{sizes: []size{{59, 20}, {80, 19}, {40, 12}}})
}

func paneView(screen string) widgets.TerminalView {
	v := widgets.TerminalView{ID: "term-sci-1", Provider: providers.SCI, TID: "T-1001", Nickname: "Counter 1", Screen: screen}
	switch screen {
	case widgets.ScreenPairingCode:
		v.PairingCode = "384920"
		v.ExpiresAt = goldenNow.Add(105 * time.Second)
	case widgets.ScreenConfirm:
		v.ConfirmationCode = "4821"
	case widgets.ScreenPaired:
		v.Pairings = []widgets.TerminalPairingView{{ID: "b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", Nickname: "Front counter", Status: "active"}}
	}
	return v
}

func TestGoldenSandboxPane(t *testing.T) {
	for _, screen := range []string{widgets.ScreenIdle, widgets.ScreenPairingCode, widgets.ScreenConfirm, widgets.ScreenPaired, widgets.ScreenCodeExpired} {
		gc := goldenCase{name: screen, terms: stubTerminals{view: paneView(screen)}, sizes: paneSizes}
		switch screen {
		case widgets.ScreenConfirm:
			gc.prep = showConfirming
		case widgets.ScreenPaired:
			gc.prep = func(m *Model, _ *clockwork.FakeClock) {
				m.pairings = []providers.Pairing{activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")}
				m.show(screens.NewPaired(m.c, m.active(), m.pairings[0].ID))
			}
		}
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

// A tiny terminal still reads whole sentences: each line wraps to the
// width, and what is wrong and how out come before the sizes.
func TestTooSmallWrapsAndKeepsTheFirstLine(t *testing.T) {
	for _, sz := range []size{{20, 5}, {20, 3}, {30, 2}, {12, 1}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m, _ := newGoldenModel(newStubService(), nil)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			view := m.View()
			assertFits(t, view, sz)
			flat := strings.Join(strings.Fields(ansi.Strip(view)), " ")
			if sz.w >= 18 && !strings.Contains(flat, "Terminal too small") {
				t.Errorf("no whole title in %q", flat)
			}
			if sz.h >= 3 && sz.w >= 20 && !strings.Contains(flat, "Enlarge the window, or ctrl+c to quit.") {
				t.Errorf("the way out is cut or missing: %q", flat)
			}
			if sz.h >= 5 && !strings.Contains(flat, fmt.Sprintf("Need %d×%d, have %d×%d.", MinWidth, MinHeight, sz.w, sz.h)) {
				t.Errorf("the sizes are cut or missing: %q", flat)
			}
		})
	}
}

// switchTo makes id the active provider the way choosing it in the picker
// does, minus the Cmds (goldens set their state directly).
func switchTo(m *Model, id string) {
	m.env.badges = map[string]string{providers.SCI: "SANDBOX", providers.SmartConnect: "DEV", providers.Helcim: "LIVE", sumup.ID: "SANDBOX"}
	m.setProvider(id)
	if id == providers.SmartConnect {
		m.register = registerState{id: goldenRegister(), ok: true}
	}
	m.open(screens.Unpaired, screenArgs{})
}

func scPairing() providers.Pairing {
	reg := goldenRegister()
	return providers.Pairing{Provider: providers.SmartConnect, ID: reg.RegisterID, Status: providers.StatusActive,
		PairingNickname: "Front counter", Register: &reg, Environment: "dev",
		CreatedAt: goldenNow.Add(-time.Hour), CheckedAt: goldenNow.Add(-5 * time.Second)}
}

func helcimPairing() providers.Pairing {
	return providers.Pairing{Provider: providers.Helcim, ID: "DY6L", Status: providers.StatusActive,
		PairingNickname: "Counter reader", Environment: "live",
		CreatedAt: goldenNow.Add(-time.Hour), CheckedAt: goldenNow.Add(-5 * time.Second)}
}

func showPairedAs(id string, p providers.Pairing, just bool) func(*Model, *clockwork.FakeClock) {
	return func(m *Model, _ *clockwork.FakeClock) {
		switchTo(m, id)
		m.pairings = []providers.Pairing{p}
		j := ""
		if just {
			j = p.ID
		}
		m.show(screens.NewPaired(m.c, m.active(), j))
	}
}

func showError(id string, err error, pairingID string) func(*Model, *clockwork.FakeClock) {
	return func(m *Model, _ *clockwork.FakeClock) {
		switchTo(m, id)
		m.show(screens.NewError(m.c, err, screens.PairMsg{Code: "DY6L"}, screens.Unpaired, pairingID))
	}
}

func blockingTests() *stubService {
	s := newStubService()
	s.blockTest = true
	return s
}

func TestGoldenProviderPicker(t *testing.T) {
	for _, gc := range []goldenCase{
		{name: "from_sci_form", prep: func(m *Model, _ *clockwork.FakeClock) {
			m.env.badges = map[string]string{providers.SCI: "SANDBOX", providers.SmartConnect: "DEV", providers.Helcim: "LIVE", sumup.ID: "SANDBOX"}
		}, msgs: []tea.Msg{tea.KeyMsg{Type: tea.KeyCtrlT}, tea.KeyMsg{Type: tea.KeyDown}}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenSmartConnect(t *testing.T) {
	reg := goldenRegister()
	setup := func(id providers.RegisterIdentity, exists bool) func(*Model, *clockwork.FakeClock) {
		return func(m *Model, _ *clockwork.FakeClock) {
			switchTo(m, providers.SmartConnect)
			m.show(screens.NewRegister(m.c, id, exists))
		}
	}
	repair := func(m *Model, c *clockwork.FakeClock) {
		setup(reg, true)(m, c)
		next := reg
		next.BusinessName = "Toys & Games"
		m.handleFlow(registerSavedMsg{req: m.asked(reqOther), change: pairing.RegisterChange{Identity: next, NeedsRepair: true, Reasons: []string{
			"The business name changed: pair the terminal again, because SmartConnect routes by it.",
		}}})
	}
	for _, gc := range []goldenCase{
		{name: "setup_empty", prep: setup(providers.RegisterIdentity{}, false)},
		{name: "setup_filled", prep: setup(reg, true)},
		{name: "setup_regenerate", prep: setup(reg, true), msgs: []tea.Msg{tea.KeyMsg{Type: tea.KeyCtrlR}}},
		{name: "setup_missing_field", prep: setup(providers.RegisterIdentity{}, false),
			msgs: []tea.Msg{keyRunes("Main Register"), keyEnter}},
		{name: "setup_needs_repair", prep: repair},
		{name: "unpaired", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, providers.SmartConnect) }},
		{name: "unpaired_with_input", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, providers.SmartConnect) },
			msgs: []tea.Msg{keyRunes("4821 0937")}},
		{name: "just_paired", prep: showPairedAs(providers.SmartConnect, scPairing(), true)},
		{name: "paired", prep: showPairedAs(providers.SmartConnect, scPairing(), false)},
		{name: "testing", svc: blockingTests(), prep: showPairedAs(providers.SmartConnect, scPairing(), false), msgs: []tea.Msg{keyRunes("t")}},
		{name: "test_ok", prep: func(m *Model, c *clockwork.FakeClock) {
			showPairedAs(providers.SmartConnect, scPairing(), false)(m, c)
			m.handleFlow(testDoneMsg{id: scPairing().ID, p: scPairing()})
		}},
		{name: "forget_prompt", prep: showPairedAs(providers.SmartConnect, scPairing(), false), msgs: []tea.Msg{keyRunes("f")}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenSmartConnectErrors(t *testing.T) {
	sc := func(k providers.Kind, status int, msg string) error {
		return &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, HTTPStatus: status, Kind: k, Message: msg}
	}
	id := goldenRegister().RegisterID
	for _, c := range []struct {
		name string
		err  error
	}{
		{"invalid_code", sc(providers.KindInvalidCode, 400, "Invalid pairing code")},
		{"code_used", sc(providers.KindCodeUsed, 400, "Pairing code expired")},
		{"offline", &providers.Error{Provider: providers.SmartConnect, Op: providers.OpCheck, Kind: providers.KindNotListening,
			Code: "FAILED-INTERFACE", Message: "the terminal did not answer (Result FAILED-INTERFACE)"}},
		{"not_paired", sc(providers.KindNotPaired, 400, "This register is not paired to a device")},
		{"no_register", &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindConfig,
			Message: "Set up this register first"}},
		{"rate_limited", sc(providers.KindRateLimited, 429, "Too Many Requests")},
		{"unpair_on_terminal", &providers.Error{Provider: providers.SmartConnect, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal}},
		{"network", &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindNetwork}},
	} {
		t.Run(c.name, func(t *testing.T) { runGolden(t, goldenCase{prep: showError(providers.SmartConnect, c.err, id)}) })
	}
}

func TestGoldenHelcim(t *testing.T) {
	for _, gc := range []goldenCase{
		{name: "unpaired", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, providers.Helcim) }},
		{name: "lower_case_input", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, providers.Helcim) },
			msgs: []tea.Msg{keyRunes("dy6l")}},
		{name: "just_paired", prep: showPairedAs(providers.Helcim, helcimPairing(), true)},
		{name: "testing", svc: blockingTests(), prep: showPairedAs(providers.Helcim, helcimPairing(), false), msgs: []tea.Msg{keyRunes("t")}},
		{name: "test_ok", prep: func(m *Model, c *clockwork.FakeClock) {
			showPairedAs(providers.Helcim, helcimPairing(), false)(m, c)
			m.handleFlow(testDoneMsg{id: "DY6L", p: helcimPairing()})
		}},
		{name: "forget_prompt", prep: showPairedAs(providers.Helcim, helcimPairing(), false), msgs: []tea.Msg{keyRunes("f")}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenHelcimErrors(t *testing.T) {
	h := func(k providers.Kind, status int, code string) error {
		return &providers.Error{Provider: providers.Helcim, Op: providers.OpPair, HTTPStatus: status, Kind: k, Code: code,
			Message: "vendor text the screen does not parse"}
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"404_not_found", h(providers.KindNotFound, 404, "device_not_found")},
		{"409_not_listening", h(providers.KindNotListening, 409, "device_not_listening")},
		{"401_token", h(providers.KindCredentials, 401, "unauthorized")},
		{"403_permission", h(providers.KindCredentials, 403, "forbidden")},
		{"429_rate_limited", h(providers.KindRateLimited, 429, "rate_limited")},
		{"not_paired", h(providers.KindNotPaired, 404, "device_not_found")},
	} {
		t.Run(c.name, func(t *testing.T) { runGolden(t, goldenCase{prep: showError(providers.Helcim, c.err, "DY6L")}) })
	}
}

func providerPaneView(provider, screen string) widgets.TerminalView {
	switch provider {
	case providers.SmartConnect:
		v := widgets.TerminalView{ID: "smartconnect-1", Provider: provider, TID: "SC-2001", Nickname: "Counter 2", Screen: screen}
		switch screen {
		case widgets.ScreenPairingCode:
			v.PairingCode, v.ExpiresAt = "48210937", goldenNow.Add(75*time.Second)
		case widgets.ScreenPaired:
			v.Pairings = []widgets.TerminalPairingView{{ID: goldenRegister().RegisterID, Nickname: "Main Register", Status: "active"}}
		}
		return v
	default:
		v := widgets.TerminalView{ID: "helcim-1", Provider: provider, TID: "DY6L", Nickname: "Smart Terminal DY6L", Screen: screen}
		switch screen {
		case widgets.ScreenPairingCode:
			v.PairingCode, v.Message = "DY6L", "Pairing mode: enter this device code in your POS"
		case widgets.ScreenPing:
			v.PairingCode, v.Message = "DY6L", "Ping received from API"
		case widgets.ScreenAsleep:
			v.Message = "Asleep; not listening for the API"
		default:
			v.Message = "Standalone mode (Helcim POS); switch to pairing mode to use it from a POS"
		}
		return v
	}
}

func TestGoldenProviderPane(t *testing.T) {
	for _, c := range []struct {
		provider, screen string
		paired           providers.Pairing
	}{
		{providers.SmartConnect, widgets.ScreenIdle, providers.Pairing{}},
		{providers.SmartConnect, widgets.ScreenPairingCode, providers.Pairing{}},
		{providers.SmartConnect, widgets.ScreenPaired, scPairing()},
		{providers.Helcim, widgets.ScreenIdle, providers.Pairing{}},
		{providers.Helcim, widgets.ScreenPairingCode, providers.Pairing{}},
		{providers.Helcim, widgets.ScreenPing, helcimPairing()},
		{providers.Helcim, widgets.ScreenAsleep, helcimPairing()},
	} {
		gc := goldenCase{name: c.provider + "_" + c.screen, terms: stubTerminals{view: providerPaneView(c.provider, c.screen)},
			sizes: paneSizes, prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, c.provider) }}
		if c.paired.ID != "" {
			gc.prep = showPairedAs(c.provider, c.paired, true)
		}
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

// SumUp's screens come from its descriptor and the shared session (issue
// 18): these goldens are the pictures a merchant pairing a Solo sees.

const goldenReaderID = "rdr_3MSAFM23CK82VSTT4BN6RWSQ65"

func sumupPairing() providers.Pairing {
	online, battery := true, 87.0
	return providers.Pairing{Provider: sumup.ID, ID: goldenReaderID, Status: providers.StatusActive,
		PairingNickname: "Main Register", TID: "200100010001", Serial: "200100010001", Model: "solo",
		Environment: "live", CreatedAt: goldenNow.Add(-time.Hour), CheckedAt: goldenNow.Add(-5 * time.Second),
		Health: &providers.Health{Online: &online, Battery: &battery, State: "IDLE", Model: "solo",
			LastActivity: goldenNow.Add(-2 * time.Minute)}}
}

func sumupWaiting() providers.Pairing {
	return providers.Pairing{Provider: sumup.ID, ID: goldenReaderID, Status: providers.StatusAwaitingConfirmation,
		PairingNickname: "Main Register", Environment: "live", CreatedAt: goldenNow,
		ExpiresAt: goldenNow.Add(sumup.PairingWindow)}
}

// showSumUpWaiting goes through the path a successful Pair takes.
func showSumUpWaiting(m *Model, c *clockwork.FakeClock) {
	switchTo(m, sumup.ID)
	m.handleFlow(pairDoneMsg{p: sumupWaiting()})
	c.Advance(12 * time.Second)
}

func TestGoldenSumUp(t *testing.T) {
	offline := sumupPairing()
	off, low := false, 9.0
	offline.Health = &providers.Health{Online: &off, Battery: &low, State: "OFFLINE", Model: "solo",
		LastActivity: goldenNow.Add(-3 * time.Hour)}
	for _, gc := range []goldenCase{
		{name: "unpaired", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, sumup.ID) }},
		{name: "unpaired_with_input", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, sumup.ID) },
			msgs: []tea.Msg{keyRunes("4wlfdsbf"), tea.KeyMsg{Type: tea.KeyTab}, keyRunes("Main Register")}},
		{name: "code_too_short", prep: func(m *Model, _ *clockwork.FakeClock) { switchTo(m, sumup.ID) },
			msgs: []tea.Msg{keyRunes("4WLF"), keyEnter}},
		{name: "waiting", prep: showSumUpWaiting},
		{name: "expired", prep: func(m *Model, c *clockwork.FakeClock) {
			showSumUpWaiting(m, c)
			m.handleFlow(awaitDoneMsg{req: m.awaiting(), err: &providers.Error{Provider: sumup.ID, Op: providers.OpCheck,
				Kind: providers.KindCodeUsed, Code: sumup.CodeReaderExpired,
				Message: "the pairing expired before the Solo confirmed it (status expired)"}})
		}},
		{name: "just_paired", prep: showPairedAs(sumup.ID, sumupPairing(), true)},
		{name: "paired", prep: showPairedAs(sumup.ID, sumupPairing(), false)},
		{name: "paired_offline", prep: showPairedAs(sumup.ID, offline, false)},
		{name: "testing", svc: blockingTests(), prep: showPairedAs(sumup.ID, sumupPairing(), false), msgs: []tea.Msg{keyRunes("t")}},
		{name: "test_ok", prep: func(m *Model, c *clockwork.FakeClock) {
			showPairedAs(sumup.ID, sumupPairing(), false)(m, c)
			m.handleFlow(testDoneMsg{id: goldenReaderID, p: sumupPairing()})
		}},
		{name: "unpair_prompt", prep: showPairedAs(sumup.ID, sumupPairing(), false), msgs: []tea.Msg{keyRunes("u")}},
	} {
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

// sumupProblem is the error the client makes of a problem+json answer, as
// the simulator sends them (providers/sumup httpError).
func sumupProblem(op string, status int, k providers.Kind, code string, prob *sumup.Problem) error {
	return &providers.Error{Provider: sumup.ID, Op: op, HTTPStatus: status, Kind: k, Code: code,
		Message: "vendor text the screen does not parse", Err: prob}
}

func TestGoldenSumUpErrors(t *testing.T) {
	const trace = "3f1a9c2e7b6d4e58a0c1f2d3e4b5a697"
	for _, c := range []struct {
		name string
		err  error
	}{
		{"404_no_pending_reader", sumupProblem(providers.OpPair, 404, providers.KindNotFound, sumup.CodeNoPendingReader,
			&sumup.Problem{Type: "https://developer.sumup.com/problem/not-found", Title: "Not Found",
				Detail: "No pending reader with the given pairing code", TraceID: trace})},
		{"409_already_pairing", sumupProblem(providers.OpPair, 409, providers.KindCodeUsed, sumup.CodeReaderNotPending,
			&sumup.Problem{Type: "https://developer.sumup.com/problem/conflict", Title: "Conflict",
				Detail: "The reader is not in pending state", TraceID: trace})},
		{"400_fields", sumupProblem(providers.OpPair, 400, providers.KindInvalidInput, sumup.CodeInvalidRequest,
			&sumup.Problem{Type: "https://developer.sumup.com/problem/validation-error", Title: "Validation Error",
				Detail: "The request is invalid", Fields: []string{"name is required"}, TraceID: trace})},
		{"400_code", sumupProblem(providers.OpPair, 400, providers.KindInvalidCode, sumup.CodeInvalidRequest,
			&sumup.Problem{Type: "https://developer.sumup.com/problem/validation-error", Title: "Validation Error",
				Fields: []string{"pairing_code must be 8 or 9 characters"}, TraceID: trace})},
		{"401_wrong_key", sumupProblem(providers.OpPair, 401, providers.KindCredentials, sumup.CodeUnauthorized,
			&sumup.Problem{Type: "https://developer.sumup.com/problem/unauthorized", Title: "Unauthorized", TraceID: trace})},
		{"403_permission", sumupProblem(providers.OpPair, 403, providers.KindCredentials, sumup.CodeForbidden, nil)},
		{"merchant_not_found", sumupProblem(providers.OpPair, 404, providers.KindCredentials, sumup.CodeMerchantNotFound, nil)},
		{"expired_code", &providers.Error{Provider: sumup.ID, Op: providers.OpPair, Kind: providers.KindCodeUsed,
			Code: sumup.CodeReaderExpired, Message: "the pairing expired before the Solo confirmed it (status expired)"}},
		{"reader_deleted", sumupProblem(providers.OpCheck, 404, providers.KindNotPaired, sumup.CodeReaderNotFound,
			&sumup.Problem{Title: "Not Found", Detail: "Reader not found", TraceID: trace})},
		{"429_rate_limited", sumupProblem(providers.OpPair, 429, providers.KindRateLimited, sumup.CodeRateLimited, nil)},
		{"server", sumupProblem(providers.OpPair, 502, providers.KindServer, "", &sumup.Problem{Title: "Bad Gateway", TraceID: trace})},
		{"network", &providers.Error{Provider: sumup.ID, Op: providers.OpPair, Kind: providers.KindNetwork}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runGolden(t, goldenCase{prep: func(m *Model, _ *clockwork.FakeClock) {
				switchTo(m, sumup.ID)
				m.show(screens.NewError(m.c, c.err, screens.PairMsg{Code: "4WLFDSBF", Nickname: "Main Register"}, screens.Unpaired, goldenReaderID))
			}})
		})
	}
}

// goldenLinklyPassword is typed in the form's goldens: it must never be
// drawn (the golden shows dots).
const goldenLinklyPassword = "CANARY-golden-pw"

// linklyService is the stub service with a Linkly client, so the goldens
// of the other providers keep their provider lists.
func linklyService() *stubService {
	svc := newStubService()
	c, err := linkly.New(linkly.Config{AuthURL: "http://127.0.0.1:1/linkly-auth", POSURL: "http://127.0.0.1:1/linkly-pos"})
	if err != nil {
		panic(err)
	}
	svc.provs = append(svc.provs, c)
	return svc
}

func switchToLinkly(m *Model, _ *clockwork.FakeClock) {
	switchTo(m, linkly.ID)
	m.env.badges[linkly.ID] = "SANDBOX"
}

func linklyPairing() providers.Pairing {
	reg := providers.RegisterIdentity{RegisterID: "3f1c2a9e-8b7d-4c6e-9a5f-1d2e3c4b5a69"}
	return providers.Pairing{Provider: linkly.ID, ID: "c0ffee00-1234-4abc-9def-0123456789ab", Status: providers.StatusActive,
		PairingNickname: "Front counter", TID: "98437689", TerminalNickname: "Counter pad", Register: &reg,
		CreatedAt: goldenNow.Add(-time.Hour), CheckedAt: goldenNow.Add(-5 * time.Second)}
}

func TestGoldenLinkly(t *testing.T) {
	typed := []tea.Msg{keyRunes("tillpair-sandbox-4821"), tea.KeyMsg{Type: tea.KeyTab},
		keyRunes(goldenLinklyPassword), tea.KeyMsg{Type: tea.KeyTab}, keyRunes("492784")}
	for _, gc := range []goldenCase{
		{name: "unpaired", prep: switchToLinkly},
		{name: "typed_password_masked", prep: switchToLinkly, msgs: typed},
		{name: "no_password", prep: switchToLinkly,
			msgs: []tea.Msg{keyRunes("tillpair-sandbox-4821"), tea.KeyMsg{Type: tea.KeyTab}, tea.KeyMsg{Type: tea.KeyTab}, keyRunes("492784"), keyEnter}},
		{name: "just_paired", prep: func(m *Model, c *clockwork.FakeClock) {
			showPairedAs(linkly.ID, linklyPairing(), true)(m, c)
			m.env.badges[linkly.ID] = "SANDBOX"
		}},
	} {
		gc.svc = linklyService()
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

func TestGoldenLinklyErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
	}{
		// Linkly answers 401 with no body for a wrong username, password
		// or code, and for an expired code: one message.
		{"pair_refused", &providers.Error{Provider: linkly.ID, Op: providers.OpPair, HTTPStatus: 401, Kind: providers.KindInvalidCode, Code: linkly.CodePairingRefused,
			Message: "Pairing failed: check username, password and pair code. Codes expire after about 3 minutes — generate a new one on the PIN pad."}},
		{"not_paired", &providers.Error{Provider: linkly.ID, Op: providers.OpCheck, HTTPStatus: 401, Kind: providers.KindNotPaired}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runGolden(t, goldenCase{svc: linklyService(), prep: func(m *Model, clk *clockwork.FakeClock) {
				showError(linkly.ID, c.err, linklyPairing().ID)(m, clk)
				m.env.badges[linkly.ID] = "SANDBOX"
			}})
		})
	}
}

// codeFromPOSStub is the stub service with a code_from_pos provider too.
func codeFromPOSStub() *stubService {
	s := newStubService()
	c, err := square.New(square.Config{BaseURL: "http://127.0.0.1:1/square", AccessToken: providers.NewSecret("tok")})
	if err != nil {
		panic(err)
	}
	s.provs = append(s.provs, c)
	return s
}

func shownCodePairing() providers.Pairing {
	return providers.Pairing{Provider: square.ID, ID: "TXV51PXK5QBYP", Status: providers.StatusAwaitingConfirmation,
		ConfirmationCode: "EBCARJ", PairingNickname: "Front counter", CreatedAt: goldenNow, ExpiresAt: goldenNow.Add(5 * time.Minute)}
}

func signedInPairing() providers.Pairing {
	p := shownCodePairing()
	p.Status, p.TID, p.TerminalNickname, p.Location = providers.StatusActive, "963CS3CIE6WACIJT", "Square Terminal CIJT", "L8Z1V0T7K2Q3M"
	p.ConfirmationCode, p.ExpiresAt, p.CheckedAt = "", time.Time{}, goldenNow.Add(-5*time.Second)
	return p
}

// showCode goes through the path a successful Pair takes, then lets time
// run on the fake clock.
func showCode(after time.Duration) func(*Model, *clockwork.FakeClock) {
	return func(m *Model, c *clockwork.FakeClock) {
		switchToCodeFromPOS(m)
		m.handleFlow(pairDoneMsg{p: shownCodePairing()})
		c.Advance(after)
	}
}

func TestGoldenCodeFromPOS(t *testing.T) {
	for _, gc := range []goldenCase{
		{name: "unpaired", prep: func(m *Model, _ *clockwork.FakeClock) { switchToCodeFromPOS(m) },
			msgs: []tea.Msg{keyRunes("Front counter")}},
		{name: "show_code", prep: showCode(72 * time.Second)},
		{name: "show_code_last_minute", prep: showCode(4*time.Minute + 25*time.Second)},
		{name: "show_code_expired", prep: func(m *Model, c *clockwork.FakeClock) {
			showCode(5*time.Minute+time.Second)(m, c)
			m.handleFlow(awaitDoneMsg{req: m.awaiting(), err: &providers.Error{Provider: square.ID, Kind: providers.KindTimeout}})
		}},
		{name: "just_paired", prep: func(m *Model, c *clockwork.FakeClock) {
			switchToCodeFromPOS(m)
			m.pairings = []providers.Pairing{signedInPairing()}
			m.show(screens.NewPaired(m.c, m.active(), signedInPairing().ID))
		}},
	} {
		gc.svc = codeFromPOSStub()
		t.Run(gc.name, func(t *testing.T) { runGolden(t, gc) })
	}
}

// switchToCodeFromPOS is switchTo for the code_from_pos provider, with its
// header badge.
func switchToCodeFromPOS(m *Model) {
	switchTo(m, square.ID)
	m.env.badges[square.ID] = "SANDBOX"
	m.setProvider(square.ID)
	m.open(screens.Unpaired, screenArgs{})
}
