package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/screens"
)

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
