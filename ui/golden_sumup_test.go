package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/screens"
)

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
