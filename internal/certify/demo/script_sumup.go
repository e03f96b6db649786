package demo

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	simsumup "github.com/tillpair/tillpair/internal/sandbox/sumup"
	"github.com/tillpair/tillpair/providers"
	sudesc "github.com/tillpair/tillpair/providers/sumup"
)

// SumUp's lines the script waits for, as its descriptor words them.
const (
	suWaitingText  = "Waiting for the terminal"
	suNotFoundText = "No reader is waiting for that code"
	suConflictText = "That reader is already paired or pairing"
	suBadCodeText  = "Pairing code must be 8–9 letters/digits as shown on the Solo"
	suKeyText      = "SumUp API key is missing, invalid, or lacks reader permission"
	suExpiredText  = "Pairing expired before the Solo confirmed it"
	suNetworkText  = "Could not reach SumUp"
	suTraceText    = "quote it to SumUp support"
	suNick         = "Front Counter"
)

// Requirement keys for SumUp, named after providers-next.md §5 (no
// published checklist IDs).
const (
	ReqSUInstructions = "sumup-instructions"
	ReqSUCodeEntry    = "sumup-code-entry"
	ReqSUKeyHidden    = "sumup-key-hidden"
	ReqSUWaiting      = "sumup-waiting"
	ReqSUPaired       = "sumup-paired"
	ReqSUHealth       = "sumup-health"
	ReqSUTest         = "sumup-test"
	ReqSUUnpair       = "sumup-unpair"
	ReqSUErrNotFound  = "sumup-error-404"
	ReqSUErrConflict  = "sumup-error-409"
	ReqSUErrBadCode   = "sumup-error-400"
	ReqSUErrKey       = "sumup-error-key"
	ReqSUErrExpired   = "sumup-error-expired"
	ReqSUErrNetwork   = "sumup-error-network"
	ReqSUTraceID      = "sumup-trace-id"
)

func sumupCertification() Certification {
	return Certification{Provider: sudesc.Descriptor.ID, Script: SumUpScript, Requirements: sumupRequirements,
		Source: "SumUp publishes no certification checklist for the Cloud API: the requirements below are the states " +
			"tillpair shows and the error messages it gives. " + referenceNote + ": §5.8 the Solo's pairing steps, " +
			"§5.7 the reader life cycle, §5.5 the endpoints and §5.12 what the client must handle."}
}

func sumupRequirements() []Requirement {
	return []Requirement{
		{ReqSUInstructions, "§5.8", "Unpaired: the Solo's steps (log out, Connections > API > Connect), the 5-minute code life"},
		{ReqSUCodeEntry, "§5.5, §5.10", "The 8–9 character pairing code the Solo shows is typed in, with the reader's name"},
		{ReqSUKeyHidden, "§5.2", "The API key is never shown"},
		{ReqSUWaiting, "§5.7, §5.12", "Code accepted (201 processing): waiting for the reader to confirm, with Cancel and Test now"},
		{ReqSUPaired, "§5.12", "Paired: the reader's name, reader id and serial (device.identifier)"},
		{ReqSUHealth, "§5.5, §5.12", "Health from the reader status: model, online/offline, battery, last activity"},
		{ReqSUTest, "§5.5", "Test reads the reader and its status"},
		{ReqSUUnpair, "§5.5, §5.12", "Unpair deletes the reader, and says to press Disconnect on the Solo too"},
		{ReqSUErrNotFound, "§5.12", "Error line (404 on create): no reader is waiting for that code"},
		{ReqSUErrConflict, "§5.12", "Error line (409 on create): that reader is already paired or pairing"},
		{ReqSUErrBadCode, "§5.12", "Error line (400 without fields): the code must be 8–9 letters/digits (400 with fields: the golden ui/testdata/TestGoldenSumUpErrors/400_fields)"},
		{ReqSUErrKey, "§5.12", "Error line (401): the API key is missing, invalid or lacks reader permission, with how to set it"},
		{ReqSUErrExpired, "§5.7, §5.12", "Error line: the pairing expired before the Solo confirmed it — press Connect again"},
		{ReqSUErrNetwork, "§5.12", "Error line: SumUp not reached; nothing is lost, try again"},
		{ReqSUTraceID, "§5.6", "SumUp's trace_id is shown on its errors, to quote to SumUp support"},
	}
}

// SumUpScript is the walk-through for SumUp's Solo: the code from the
// reader, the wait until it confirms, the reader's health, and every
// documented error.
func SumUpScript() Script {
	return Script{Provider: sudesc.Descriptor.ID, Scenarios: []Scenario{
		{Slug: "unpaired", Fresh: true, Requirement: "SumUp · Pairing code, the Solo's steps", Steps: []Step{{
			Slug: "form", Caption: "No reader yet: the Solo's steps, Pairing Code and the reader's name",
			Do: nothing, Until: showsAll("SumUp Cloud API", "Connections", "Pairing Code", "Pairing Nickname"),
			Expect: "the pairing form", Shows: []string{ReqSUInstructions, ReqSUCodeEntry, ReqSUKeyHidden},
		}}},
		{Slug: "pair", Requirement: "SumUp · Code sent, waiting for the reader", Steps: []Step{
			terminalCodeStep(false),
			typeCodeStep("Type the code the Solo shows, and the reader's name", suNick, false, ReqSUCodeEntry),
			suSendStep(false),
		}},
		{Slug: "confirm-on-solo", Requirement: "SumUp · The Solo confirms", Steps: []Step{{
			Slug: "confirmed-on-solo", Caption: "The Solo acknowledges the reader (ctrl+o in the sandbox pane)",
			Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlO), nil },
			Until: func(e *Env, view string) bool {
				return terminalHas(e, providers.StatusActive) && strings.Contains(view, suWaitingText)
			},
			Expect: "the Solo to confirm",
		}}},
		{Slug: "paired", Requirement: "SumUp · Paired, with the reader's health", Steps: []Step{{
			Slug: "paired", Caption: "The next poll sees the reader paired: name, reader id, serial, model, online, battery, last activity",
			Do: advanceToPoll, Until: showsAll("✓ Paired", "Reader ID", "Serial", "Battery", "Last activity"),
			Expect: "the paired screen with health", Shows: []string{ReqSUPaired, ReqSUHealth},
		}}},
		{Slug: "test", Requirement: "SumUp · Test reads the reader and its status", Steps: []Step{{
			Slug: "tested", Caption: "Test (t) reads the reader and its status: the pairing is active",
			Do: press("t"), Until: showsAll("Pairing is active", "Battery"), Expect: "the Test result",
			Shows: []string{ReqSUTest, ReqSUHealth},
		}}},
		{Slug: "unpair", Requirement: "SumUp · Unpair deletes the reader", Steps: []Step{
			{
				Slug: "ask", Caption: "Unpair (u) asks first, and says to press Disconnect on the Solo too",
				Do: press("u"), Until: showsAll("yes, unpair", "Disconnect"), Expect: "the unpair question",
				Shows: []string{ReqSUUnpair},
			},
			{
				Slug: "unpaired", Caption: "Unpaired at SumUp (DELETE); the Solo still needs Disconnect",
				Do: press("y"),
				Until: func(e *Env, view string) bool {
					return strings.Contains(view, "Unpaired “") && !terminalHas(e, providers.StatusActive)
				},
				Expect: "the unpaired status", Shows: []string{ReqSUUnpair},
			},
		}},
		{Slug: "no-pending-reader", Fresh: true, Requirement: "SumUp · Error: 404 no reader waiting", Steps: []Step{
			terminalCodeStep(true),
			wrongCodeStep("not-found", "A code no Solo shows: 404, no reader is waiting for it (with SumUp's trace id)",
				suNotFoundText, "the 404 error", (*Env).Terminal, otherDeviceCode, ReqSUErrNotFound, ReqSUTraceID),
		}},
		{Slug: "already-pairing", Fresh: true, Requirement: "SumUp · Error: 409 already paired or pairing", Steps: suFaultSteps(
			"conflict", "SumUp answers 409 (a sandbox fault): the reader is already paired or pairing",
			409, suConflictText, ReqSUErrConflict, ReqSUTraceID)},
		{Slug: "code-rejected", Fresh: true, Requirement: "SumUp · Error: 400 code rejected", Steps: suFaultSteps(
			"rejected", "SumUp answers 400 (a sandbox fault): the code must be 8–9 letters/digits",
			400, suBadCodeText, ReqSUErrBadCode)},
		{Slug: "key-rejected", Fresh: true, Requirement: "SumUp · Error: API key not accepted", Steps: suFaultSteps(
			"unauthorized", "SumUp answers 401 (a sandbox fault): set a valid API key",
			401, suKeyText, ReqSUErrKey)},
		{Slug: "expired", Fresh: true, Requirement: "SumUp · Error: pairing expired", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep("Type the code the Solo shows", suNick, true),
			suSendStep(true),
			{
				Slug: "expired", Caption: "The 5-minute window ends before the Solo confirms (expire-code): pairing expired",
				Do: func(e *Env) ([]tea.Msg, error) {
					t, err := e.Terminal()
					if err != nil {
						return nil, err
					}
					if _, err := e.Sandbox().ExpireCode(t.ID, ""); err != nil {
						return nil, err
					}
					return advanceToPoll(e)
				},
				Until: showsAll(suExpiredText), Expect: "the expired error", Shows: []string{ReqSUErrExpired},
			},
		}},
		{Slug: "network-failure", Fresh: true, Requirement: "SumUp · Error: SumUp not reached", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep("Type the code the Solo shows", suNick, true),
			{
				Slug: "network-error", Caption: "The connection drops (a sandbox fault): nothing is lost, try again",
				Do: func(e *Env) ([]tea.Msg, error) {
					err := e.Sandbox().SetFault(sandbox.Fault{Provider: sudesc.ID, Route: simsumup.RouteCreate, Reset: true, Count: 1})
					return keys(tea.KeyEnter), err
				},
				Until: showsAll(suNetworkText), Expect: "the network error", Shows: []string{ReqSUErrNetwork},
			},
			{
				Slug: "retried", Caption: "Try again (r) once the network is back: the code is sent",
				Do: press("r"), Until: suWaiting, Expect: "the waiting screen",
			},
		}},
	}}
}

// suWaiting: the waiting screen, once the first poll has answered.
func suWaiting(e *Env, view string) bool {
	return strings.Contains(view, suWaitingText) && e.WaitedSinceStart()
}

func suSendStep(setup bool) Step {
	return Step{
		Slug: "waiting", Caption: "Pair (enter): SumUp creates the reader (processing); tillpair waits for the Solo",
		Setup: setup, Shows: []string{ReqSUWaiting},
		Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
		Until: suWaiting, Expect: "the waiting screen",
	}
}

// advanceToPoll moves the clock to the app's next poll.
func advanceToPoll(e *Env) ([]tea.Msg, error) {
	if !e.Session.Clock.AdvanceToNextWait() {
		return nil, fmt.Errorf("the app is not waiting for the reader")
	}
	return nil, nil
}

// suFaultSteps shows the code on the Solo, types it, and makes SumUp's
// create answer status once (a sandbox fault, a problem+json body with a
// trace id), waiting for text.
func suFaultSteps(slug, caption string, status int, text string, shows ...string) []Step {
	return []Step{
		terminalCodeStep(true),
		typeCodeStep("Type the code the Solo shows", suNick, true),
		{
			Slug: slug, Caption: caption, Shows: shows,
			Do: func(e *Env) ([]tea.Msg, error) {
				err := e.Sandbox().SetFault(sandbox.Fault{Provider: sudesc.ID, Route: simsumup.RouteCreate, Status: status, Count: 1})
				return keys(tea.KeyEnter), err
			},
			Until: showsAll(text, suTraceText), Expect: fmt.Sprintf("the %d error", status),
		},
	}
}
