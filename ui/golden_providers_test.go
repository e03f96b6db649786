package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// switchTo makes id the active provider the way choosing it in the picker
// does, minus the Cmds (goldens set their state directly).
func switchTo(m *Model, id string) {
	m.env.badges = map[string]string{providers.SCI: "SANDBOX", providers.SmartConnect: "DEV", providers.Helcim: "LIVE"}
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
			m.env.badges = map[string]string{providers.SCI: "SANDBOX", providers.SmartConnect: "DEV", providers.Helcim: "LIVE"}
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
		m.handleFlow(registerSavedMsg{change: pairing.RegisterChange{Identity: next, NeedsRepair: true, Reasons: []string{
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
