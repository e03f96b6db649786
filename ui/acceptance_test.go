package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// newFlowOn is newFlow starting on provider, after prep has set up the
// sandbox and the records.
func newFlowOn(t *testing.T, w, h int, provider string, prep func(*app.Runtime)) *flow {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rt, err := app.Build(ctx, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 7}})
	if err != nil {
		t.Fatalf("app.Build: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	if prep != nil {
		prep(rt)
	}
	m := New(Options{Service: rt.Service, Terminals: app.Terminals(rt.Sandbox), Provider: provider,
		Badges: rt.Badge, Context: ctx})
	f := &flow{t: t, rt: rt}
	f.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	return f
}

// sciAwaiting leaves an SCI pairing awaiting confirmation in the records,
// as a run that ended before the merchant confirmed would.
func sciAwaiting(t *testing.T, rt *app.Runtime) providers.Pairing {
	t.Helper()
	var term sandbox.Terminal
	for _, x := range rt.Sandbox.Terminals() {
		if x.Provider == providers.SCI {
			term = x
		}
	}
	term, err := rt.Sandbox.StartPairing(term.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.SCI, Code: term.PairingCode})
	if err != nil || p.Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("Pair = %+v, %v", p, err)
	}
	return p
}

// sciActive pairs an SCI terminal through the service and the sandbox.
func sciActive(t *testing.T, rt *app.Runtime) providers.Pairing {
	t.Helper()
	p := sciAwaiting(t, rt)
	for _, x := range rt.Sandbox.Terminals() {
		if x.Provider == providers.SCI {
			if _, err := rt.Sandbox.Confirm(x.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	p, err := rt.Service.Test(context.Background(), p.ID)
	if err != nil || p.Status != providers.StatusActive {
		t.Fatalf("Test = %+v, %v", p, err)
	}
	return p
}

// helcimActive pairs the Helcim device through the service (one ping).
func helcimActive(t *testing.T, rt *app.Runtime) providers.Pairing {
	t.Helper()
	for _, x := range rt.Sandbox.Terminals() {
		if x.Provider != providers.Helcim {
			continue
		}
		term, err := rt.Sandbox.StartPairing(x.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, err := rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.Helcim, Code: term.PairingCode})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Fatal("the sandbox has no Helcim device")
	return providers.Pairing{}
}

// Finding 1: below the minimum size nothing of the app is on screen, so no
// key but ctrl+c may act.
func TestTooSmallIgnoresKeys(t *testing.T) {
	svc := newStubService()
	svc.cancelOK = true
	m, clock := newGoldenModel(svc, nil)
	showConfirming(m, clock)
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 15})
	for _, k := range []tea.KeyMsg{{Type: tea.KeyEsc}, keyRunes("c"), keyRunes("?"), keyRunes("q"), {Type: tea.KeyCtrlT}} {
		if _, cmd := m.Update(k); cmd != nil {
			t.Errorf("%q while too small returned a command", k.String())
		}
	}
	if c, ok := m.screen.(*screens.ConfirmingScreen); !ok || c.Cancelling() || m.fullHelp || m.phase != phaseConfirming {
		t.Fatalf("keys acted while too small: screen %T, fullHelp %v, phase %v", m.screen, m.fullHelp, m.phase)
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); cmd == nil || m.phase != phaseQuitting || m.run.waiting != confirmingPairing().ID {
		t.Fatalf("ctrl+c while too small should cancel the waiting pairing before quitting")
	}

	one := activePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19", "Front counter", "T-1001", "Counter 1")
	m, _ = newGoldenModel(newStubService(one), nil)
	m.pairings = []providers.Pairing{one}
	m.show(screens.NewPaired(m.c, m.active(), ""))
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 15})
	m.Update(keyRunes("u"))
	if _, cmd := m.Update(keyRunes("y")); cmd != nil {
		t.Fatal("u then y while too small started an unpair")
	}
	if ps := m.screen.(*screens.PairedScreen); ps.Asking() {
		t.Fatal("u while too small opened the unpair question")
	}
}

// Finding 8: "u y" arriving in one read (one KeyMsg with two runes) must
// act as the two keys.
func TestFlowTwoCommandKeysInOneRead(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.pairThroughUI()
	f.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("uy")})
	f.waitText("Unpaired")
	f.wantNothingLeft("u y in one read")
}

// Finding 8: on a text field the runes of one read are typed, not split.
func TestRunesOfOneReadAreTypedIntoAField(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(keyRunes("12q?"))
	if m.phase == phaseStopped || m.fullHelp {
		t.Fatal("q or ? in a typed run acted as a command")
	}
}

// pressTest starts a Test on the paired screen and returns the call.
func pressKeyCall(t *testing.T, m *Model, k tea.KeyMsg) tea.Cmd {
	t.Helper()
	_, cmd := m.Update(k)
	if cmd == nil {
		t.Fatalf("%s started nothing", k.String())
	}
	intent := cmd()
	_, call := m.Update(intent)
	if call == nil {
		t.Fatalf("%T started no call", intent)
	}
	return call
}

// Finding 2: an answer started for one provider is dropped once another
// provider is shown, for every kind of call.
func TestStaleResultsAfterProviderSwitchAreDropped(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T, m *Model) tea.Cmd
	}{
		{"test", func(t *testing.T, m *Model) tea.Cmd { return pressKeyCall(t, m, keyRunes("t")) }},
		{"unpair", func(t *testing.T, m *Model) tea.Cmd {
			m.Update(keyRunes("u"))
			return pressKeyCall(t, m, keyRunes("y"))
		}},
		{"entry check", func(_ *testing.T, m *Model) tea.Cmd { return m.entryCmd() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rt, err := app.Build(ctx, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 7}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = rt.Close() }()
			p := sciActive(t, rt)
			m := New(Options{Service: rt.Service, Badges: rt.Badge, Context: ctx, StaticSpinner: true})
			m.env.skipEntryCheck = true
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			m.pairings = []providers.Pairing{p}
			m.show(screens.NewPaired(m.c, m.active(), ""))

			call := tc.start(t, m)
			m.Update(tea.KeyMsg{Type: tea.KeyCtrlT})
			m.Update(screens.PickProviderMsg{Provider: providers.Helcim})
			if _, ok := m.screen.(*screens.UnpairedScreen); !ok {
				t.Fatalf("Helcim (no pairings) opened on %T", m.screen)
			}
			m.Update(call())
			if _, ok := m.screen.(*screens.UnpairedScreen); !ok || m.Provider() != providers.Helcim {
				t.Fatalf("the old provider's answer changed Helcim's screen to %T (status %q)", m.screen, m.status.text)
			}
			if strings.Contains(m.View(), "Paired") || strings.Contains(m.status.text, "Unpaired") {
				t.Errorf("the old provider's answer is shown on Helcim:\n%s", m.View())
			}
		})
	}
}

// Finding 4: switching to a provider resumes its pairing awaiting
// confirmation, as starting on it does.
func TestFlowSwitchResumesAwaitingPairing(t *testing.T) {
	f := newFlowOn(t, 80, 24, providers.Helcim, func(rt *app.Runtime) { sciAwaiting(t, rt) })
	f.waitText("Device Code")
	f.switchProvider(providers.SCI)
	f.waitText("Confirm the pairing")
	f.tm.Send(quitMsg{})
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(20*time.Second))
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 0 {
		t.Errorf("quitting after the resume left %+v (%v)", ps, err)
	}
}

// Finding 9: opening the app and switching to Helcim send no ping; only
// Test does (README: tillpair only pings when you ask).
func TestFlowEntryDoesNotPingHelcim(t *testing.T) {
	f := newFlowOn(t, 80, 24, providers.SCI, func(rt *app.Runtime) {
		sciActive(t, rt)
		helcimActive(t, rt)
	})
	pings := func() int { return f.rt.Sandbox.RequestCount(providers.Helcim, "ping") }
	before := pings()
	if before != 1 {
		t.Fatalf("pairing the device pinged it %d times, want 1", before)
	}
	f.waitText("Pairing ID") // SCI's entry check answered: its pairing is shown
	if got := pings(); got != before {
		t.Fatalf("opening on SCI pinged the Helcim device (%d pings, want %d)", got, before)
	}
	f.switchProvider(providers.Helcim)
	f.waitText("Device Code")
	if got := pings(); got != before {
		t.Fatalf("switching to Helcim pinged the device (%d pings, want %d)", got, before)
	}
	f.typeText("t")
	f.waitText("Ping sent")
	if got := pings(); got != before+1 {
		t.Errorf("Test sent %d pings, want 1", got-before)
	}
	f.finish()
}

// Finding 14: a failed cancel says so (status line and screen body), says
// the pairing still waits, and r really retries the cancel.
func TestFlowCancelFailureSaysRetryCancels(t *testing.T) {
	f := newFlow(t, 80, 24)
	f.toConfirming()
	if err := f.rt.Sandbox.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RouteUnpair, Status: 503}); err != nil {
		t.Fatal(err)
	}
	f.key(tea.KeyMsg{Type: tea.KeyEsc})
	// The screen body says the same as the status line, not the generic
	// "Cloud problem" wording.
	f.waitTexts("Cancel failed: pairing still waiting on the terminal — r retries the cancel",
		"The pairing is still waiting on the terminal", "Press r to try the cancel again.")
	if ps, err := f.rt.Service.List(); err != nil || len(ps) != 1 || ps[0].Status != providers.StatusAwaitingConfirmation {
		t.Fatalf("after the failed cancel the records hold %+v (%v)", ps, err)
	}
	f.rt.Sandbox.ClearFaults()
	f.typeText("r")
	f.waitText("Pairing cancelled")
	f.wantNothingLeft("retried cancel")
}

// Finding 7: while the pair request is in flight the form takes no edits,
// esc does not hide the request, and the provider stays.
func TestPairingInFlightLocksTheForm(t *testing.T) {
	m, _ := newGoldenModel(newStubService(), nil)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.kept[screens.Unpaired].(*screens.UnpairedScreen).SetValues("123456", "Front")
	if _, cmd := m.Update(keyEnter); cmd == nil {
		t.Fatal("enter did not submit")
	} else if _, pair := m.Update(cmd()); pair == nil {
		t.Fatal("PairMsg started no request")
	}
	for _, k := range []tea.KeyMsg{keyRunes("9"), {Type: tea.KeyBackspace}, {Type: tea.KeyTab}, {Type: tea.KeyEsc}, keyEnter, {Type: tea.KeyCtrlT}} {
		if _, cmd := m.Update(k); cmd != nil {
			t.Errorf("%s while pairing returned a command", k.String())
		}
		if !strings.Contains(m.status.text, "Pairing…") {
			t.Errorf("after %s while pairing the status is %q", k.String(), m.status.text)
		}
	}
	if m.screen != m.kept[screens.Unpaired] {
		t.Fatalf("screen changed to %T while pairing", m.screen)
	}
	v := m.View()
	if !strings.Contains(v, "123456") || strings.Contains(v, "1234569") {
		t.Errorf("the form was edited while pairing:\n%s", v)
	}
	if !strings.Contains(v, "[ Pairing… ]") || strings.Contains(v, "[ Pair ]") {
		t.Errorf("the form does not show the request in flight:\n%s", v)
	}
}

// Finding 10: a pairing whose signing secret Part B is missing on this
// till can only be forgotten: the error screen says the secret is missing
// here (not that the cloud rejected anything), offers Forget, does not
// loop back to the confirming screen, and switching provider works. A
// missing Part A is not taken for it.
func TestSecretMissingOffersForget(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt, err := app.Build(ctx, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.Close() }()
	// The sandbox runtime's keyring is its own: a service on the same
	// sandbox-backed clients with a keyring this test can take Part B from.
	var provs []providers.Provider
	for _, id := range rt.Providers {
		prov, _ := rt.Service.Provider(id)
		provs = append(provs, prov)
	}
	secrets := keystore.NewMemorySecrets()
	svc := pairing.New(pairing.Config{Providers: provs, Secrets: secrets, Records: keystore.NewMemoryRecords()})
	var term sandbox.Terminal
	for _, x := range rt.Sandbox.Terminals() {
		if x.Provider == providers.SCI {
			term = x
		}
	}
	if term, err = rt.Sandbox.StartPairing(term.ID); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Pair(ctx, pairing.PairInput{Provider: providers.SCI, Code: term.PairingCode})
	if err != nil {
		t.Fatal(err)
	}
	if err := secrets.Delete(keystore.SCIPartB(p.ID)); err != nil {
		t.Fatal(err)
	}
	_, missing := svc.Test(ctx, p.ID)
	if !secretMissing(missing) {
		t.Fatalf("the service's missing-secret error is not recognised: %v", missing)
	}
	// The SCI client's refusal without Part A is set-up, not this.
	if secretMissing(&providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindCredentials,
		Message: "the SCI signing secret Part A is not configured"}) {
		t.Error("a missing Part A is taken for a missing pairing secret")
	}
	m := New(Options{Service: svc, Badges: rt.Badge, Context: ctx, StaticSpinner: true})
	m.env.skipEntryCheck = true
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.handleFlow(pairDoneMsg{p: p})
	m.stopAwait()
	m.Update(awaitDoneMsg{req: m.awaiting(), p: p, err: missing})
	if _, ok := m.screen.(*screens.ErrorScreen); !ok {
		t.Fatalf("screen %T, want the error screen", m.screen)
	}
	if m.pairingWaits() {
		t.Error("the error screen still returns to the confirming screen")
	}
	v := m.View()
	if !strings.Contains(v, "Signing secret missing") || strings.Contains(v, "rejected") {
		t.Errorf("the error screen does not say the secret is missing here:\n%s", v)
	}
	if !strings.Contains(v, "f forget") || !strings.Contains(v, "ctrl+t") {
		t.Errorf("the footer offers neither Forget nor the provider switch:\n%s", v)
	}
	_, forget := m.Update(keyRunes("f"))
	if forget == nil {
		t.Fatal("f did not forget the pairing")
	}
	// The error screen asks for the forget (ForgetMsg); the model runs it.
	_, remove := m.Update(forget())
	if remove == nil {
		t.Fatal("the forget request started nothing")
	}
	m.Update(remove())
	if ps, err := svc.List(); err != nil || len(ps) != 0 {
		t.Fatalf("after f the records hold %+v (%v)", ps, err)
	}
	if !strings.Contains(m.status.text, "Forgot") {
		t.Errorf("status after forget = %q", m.status.text)
	}
}

// Finding 13: after the register identity changed under a SmartConnect
// pairing, the paired screen says it needs re-pairing, not "active", and
// its heading warns instead of ticking it off as paired.
func TestRegisterChangeShowsNeedsRepair(t *testing.T) {
	reg := goldenRegister()
	p := providers.Pairing{Provider: providers.SmartConnect, ID: reg.RegisterID, Status: providers.StatusActive,
		Register: &reg, CreatedAt: goldenNow}
	svc := newStubService(p)
	m, _ := newGoldenModel(svc, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(screens.PickProviderMsg{Provider: providers.SmartConnect})
	m.pairings = []providers.Pairing{p}
	m.register = registerState{id: reg, ok: true}
	next := reg
	next.RegisterID = "0a9d3c55-8e21-4b7f-b0c4-6f1e2d3a4b5c"
	m.show(screens.NewRegister(m.c, reg, true))
	m.Update(registerSavedMsg{req: m.asked(reqOther), change: pairing.RegisterChange{Identity: next, NeedsRepair: true,
		Reasons: []string{"The register ID changed"}}})
	m.Update(screens.NavigateMsg{To: screens.Paired})
	v := m.View()
	if !strings.Contains(v, string(screens.StatusNeedsRepair)) || strings.Contains(v, "Status            active") {
		t.Errorf("the paired screen does not say the pairing needs re-pairing:\n%s", v)
	}
	if !strings.Contains(v, "! Re-pairing needed — pair this register again, or forget it (f)") || strings.Contains(v, "✓ Paired") {
		t.Errorf("the paired screen's heading does not warn that the pairing needs re-pairing:\n%s", v)
	}
}
