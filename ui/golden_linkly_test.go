package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
)

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
