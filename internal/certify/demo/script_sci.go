package demo

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
	scidesc "github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/screens"
)

// captionTypeCodeSCI is the caption of SCI's code-entry step.
const captionTypeCodeSCI = "Type the code the terminal shows, and a Pairing Nickname"

// Nicknames typed in the demo.
const (
	nickFront = "Front Counter"
	nickBack  = "Back Office"
)

func sciCertification() Certification {
	return Certification{Provider: scidesc.Descriptor.ID, Script: SCIScript, Requirements: Requirements,
		Source: "From the mx51 SCI certification checklist. " + referenceNote + ": §4.1 the checklist mx51 documents " +
			"(branding, pairing screen, security) and §4.2 the checklist IDs known from certification (SCIPAIRING…, SCIMULTI…, SCITX…)."}
}

// SCIScript is the certification walk-through for mx51 SCI, in the order a
// certifier asks for it.
func SCIScript() Script {
	return Script{Provider: scidesc.Descriptor.ID, Scenarios: []Scenario{
		{Slug: "unpaired", Fresh: true, Requirement: "SCIPAIRING02/09 Brand, instructions", Steps: []Step{{
			Slug: "form", Caption: "Unpaired: brand, logo, step-by-step instructions, Pairing Code and Pairing Nickname",
			Do: nothing, Until: showsAll("Simple Cloud Integration", "Manage POS pairing", "Pairing Code", "Pairing Nickname"), Expect: "the pairing form",
			Shows: []string{ReqBranding, ReqSCIPAIRING02, ReqInstructions, ReqSCIPAIRING09, ReqCodeField, ReqNicknameField, ReqCredentialsHidden},
		}}},
		{Slug: "enter-code", Requirement: "Pairing Code and Nickname", Steps: []Step{
			terminalCodeStep(false),
			typeCodeStep(captionTypeCodeSCI, nickFront, false, ReqCodeField, ReqNicknameField),
		}},
		{Slug: "confirming", Requirement: "Confirmation code, Test, Cancel", Steps: []Step{
			pairStep(false, ReqTestButton, ReqCancelButton),
		}},
		{Slug: "confirm-on-terminal", Requirement: "Merchant confirms on terminal", Steps: []Step{
			confirmOnTerminalStep(false),
		}},
		{Slug: "paired", Requirement: "Paired: success, nickname, ID", Steps: []Step{
			noticedStep(false, ReqPairedState, ReqUnpairPerRecord, ReqBranding, ReqSCIPAIRING02, ReqTestButton),
		}},
		{Slug: "test", Requirement: "Test checks pairing-info", Steps: []Step{{
			Slug: "tested", Caption: "Test (t) asks the cloud for pairing-info: the pairing is active",
			Do: press("t"), Until: showsAll("Pairing is active"), Expect: "the Test result",
			Shows: []string{ReqTestButton},
		}}},
		{Slug: "invalid-code", Fresh: true, Requirement: "Error: invalid code", Steps: []Step{
			terminalCodeStep(true),
			wrongCodeStep("not-found", "A mistyped code: the cloud answers pairing_not_found",
				wording.Generic(providers.KindNotFound, nil).Line, "the invalid-code error", (*Env).Terminal, wrongCode, ReqErrInvalidCode),
		}},
		{Slug: "network-failure", Fresh: true, Requirement: "Error: connectivity failure", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep(captionTypeCodeSCI, nickFront, true),
			networkErrorStep("The connection drops (a sandbox fault): nothing is lost, try again",
				scidesc.Descriptor.ID, sci.RouteProgressPairing, ReqErrConnectivity),
			{
				Slug: "retried", Caption: "Try again (r) once the network is back: the pairing goes on",
				Do: press("r"), Until: confirming, Expect: "the confirming screen",
			},
		}},
		{Slug: "cancel", Fresh: true, Requirement: "SCIPAIRING07 Cancel calls Unpair", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep(captionTypeCodeSCI, nickFront, true),
			pairStep(false, ReqCancelButton, ReqTestButton),
			{
				Slug: "cancelled", Caption: "Cancel (c) unpairs at the cloud: the terminal is left with no pairing",
				Do: press("c"),
				Until: func(e *Env, view string) bool {
					return strings.Contains(view, "Pairing cancelled") && !terminalHas(e, providers.StatusAwaitingConfirmation, providers.StatusActive)
				},
				Expect: "the cancelled form", Shows: []string{ReqSCIPAIRING07},
			},
		}},
		{Slug: "unpaired-externally", Fresh: true, Requirement: "SCITX01 Unpaired externally", Steps: concatSteps(
			pairSteps(nickFront),
			[]Step{
				{
					Slug: "unpaired-on-terminal", Caption: "Someone unpairs on the terminal; this register does not know yet",
					Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlX), nil },
					Until: func(e *Env, _ string) bool {
						return !terminalHas(e, providers.StatusActive)
					},
					Expect: "the terminal to drop the pairing",
				},
				leaveStep(),
				{
					Slug: "detected", Caption: "Entering the pairings re-checks pairing-info: the unpaired state, " + wording.TextNoActive + ", pair again from the terminal",
					Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEsc), nil },
					Until: showsAll(screens.TextNoActive, "start a new pairing on the terminal", "Pairing Code"), Expect: "the unpaired state with the error",
					Shows: []string{ReqErrUnpairedExtern, ReqSCITX01, ReqSCIPAIRING10},
				},
				{
					Slug: "forgotten", Caption: "The stale record is removed from this register without asking",
					Do: nothing, Until: showsAll("from this register", "Pairing Code"), Expect: "the stale record removed",
				},
			}),
		},
		{Slug: "unpair", Fresh: true, Requirement: "Unpair for each pairing record", Steps: concatSteps(
			pairSteps(nickFront),
			[]Step{{Slug: "add", Caption: "Add a second pairing", Setup: true, Do: press("a"), Until: showsAll("Manage POS pairing", "Pairing Code"), Expect: "the pairing form"}},
			pairSteps(nickBack),
			[]Step{
				leaveStep(),
				{
					Slug: "two-pairings", Caption: "Several pairings: viewing them re-checks each with pairing-info",
					Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEsc), nil },
					Until: func(e *Env, view string) bool {
						return strings.Contains(view, nickFront) && strings.Contains(view, nickBack) && e.requestsSinceStart("/v1/pairing-info") >= 2 &&
							e.Refreshed()
					},
					Expect: "both pairings, re-checked", Shows: []string{ReqSCIMULTI03, ReqUnpairPerRecord, ReqSCIPAIRING10},
				},
				{
					Slug: "ask", Caption: "Unpair (u) asks first",
					Do: press("u"), Until: showsAll("yes, unpair"), Expect: "the unpair question", Shows: []string{ReqUnpairPerRecord},
				},
				{
					Slug: "unpaired", Caption: "Unpaired at the cloud; the other pairing stays",
					Do: press("y"), Until: showsAll("Unpaired “"), Expect: "the unpaired status",
				},
			}),
		},
	}}
}

func nothing(*Env) ([]tea.Msg, error) { return nil, nil }

func press(s string) func(*Env) ([]tea.Msg, error) {
	return func(*Env) ([]tea.Msg, error) { return runes(s), nil }
}

func concatSteps(parts ...[]Step) []Step {
	var out []Step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// wrongCode is a code of the same shape that the terminal did not show.
func wrongCode(code string) string {
	if code == "" {
		return "000000"
	}
	last := code[len(code)-1]
	return code[:len(code)-1] + string('0'+(last-'0'+5)%10)
}

func confirming(e *Env, view string) bool {
	// The first confirmation poll has answered once the service waits for
	// the next one; only then is the screen (and the request log) settled.
	return strings.Contains(view, "Confirm the pairing") && e.WaitedSinceStart()
}

// terminalHas reports whether the terminal holds a pairing in one of the
// statuses.
func terminalHas(e *Env, statuses ...providers.Status) bool {
	t, err := e.Terminal()
	if err != nil {
		return false
	}
	for _, p := range t.Pairings {
		for _, s := range statuses {
			if p.Status == string(s) {
				return true
			}
		}
	}
	return false
}

func terminalCodeStep(setup bool) Step {
	return Step{
		Slug: "terminal-code", Caption: "On the terminal: start pairing (ctrl+p in the sandbox pane); it shows a pairing code",
		Setup: setup,
		Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlP), nil },
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			// The pane groups the digits ("804 842").
			return err == nil && t.PairingCode != "" && strings.Contains(strings.ReplaceAll(view, " ", ""), t.PairingCode)
		},
		Expect: "the terminal's pairing code",
	}
}

// wrongCodeStep reads the terminal (or device) with terminal, types
// wrong(its code), a code it does not show, then enter, and waits for
// text: the provider's refusal.
func wrongCodeStep(slug, caption, text, expect string, terminal func(*Env) (sandbox.Terminal, error), wrong func(string) string, shows ...string) Step {
	return Step{
		Slug: slug, Caption: caption, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			t, err := terminal(e)
			if err != nil {
				return nil, err
			}
			return concat(runes(wrong(t.PairingCode)), keys(tea.KeyEnter)), nil
		},
		Until: showsAll(text), Expect: expect,
	}
}

// networkErrorStep drops the connection of the next request to the
// provider's route (a sandbox fault), presses enter and waits for the
// connectivity error.
func networkErrorStep(caption, provider, route string, shows ...string) Step {
	return Step{
		Slug: "network-error", Caption: caption, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			err := e.Sandbox().SetFault(sandbox.Fault{Provider: provider, Route: route, Reset: true, Count: 1})
			return keys(tea.KeyEnter), err
		},
		Until: showsAll(screens.TextNetwork), Expect: "the connectivity error",
	}
}

// typeCodeStep types the code the terminal shows and, when nick is not
// empty, a Pairing Nickname after it.
func typeCodeStep(caption, nick string, setup bool, shows ...string) Step {
	expect := "the typed code"
	if nick != "" {
		expect = "the typed code and nickname"
	}
	return Step{
		Slug: "typed", Caption: caption, Setup: setup, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			t, err := e.Terminal()
			if err != nil {
				return nil, err
			}
			if t.PairingCode == "" {
				return nil, errors.New("the terminal shows no pairing code")
			}
			if nick == "" {
				return runes(t.PairingCode), nil
			}
			return concat(runes(t.PairingCode), keys(tea.KeyTab), runes(nick)), nil
		},
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			return err == nil && t.PairingCode != "" && strings.Contains(view, t.PairingCode) && strings.Contains(view, nick)
		},
		Expect: expect,
	}
}

func pairStep(setup bool, shows ...string) Step {
	return Step{
		Slug: "confirming", Caption: "Pair (enter): the confirmation code shows here and on the terminal",
		Setup: setup, Shows: shows,
		Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
		Until: confirming, Expect: "the confirming screen",
	}
}

func confirmOnTerminalStep(setup bool) Step {
	return Step{
		Slug: "confirmed-on-terminal", Caption: "The merchant confirms on the terminal (ctrl+o in the sandbox pane)", Setup: setup,
		Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlO), nil },
		Until: func(e *Env, view string) bool {
			return terminalHas(e, providers.StatusActive) && !terminalHas(e, providers.StatusAwaitingConfirmation) &&
				strings.Contains(view, "Confirm the pairing")
		},
		Expect: "the terminal to confirm",
	}
}

func noticedStep(setup bool, shows ...string) Step {
	return Step{
		Slug: "paired", Caption: "The next poll sees the confirmation: paired, with Pairing Nickname and Pairing ID",
		Setup: setup, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			if !e.Session.Clock.AdvanceToNextWait() {
				return nil, fmt.Errorf("the app is not waiting for the confirmation")
			}
			return nil, nil
		},
		Until: showsAll("Pairing successful"), Expect: "the paired screen",
	}
}

// pairSteps pairs from the form in setup steps.
func pairSteps(nick string) []Step {
	return []Step{terminalCodeStep(true), typeCodeStep(captionTypeCodeSCI, nick, true), pairStep(true), confirmOnTerminalStep(true), noticedStep(true)}
}

// leaveStep goes to the pairing form, so the next step can come back to
// the pairings (entering them is what re-checks pairing-info).
func leaveStep() Step {
	return Step{Slug: "leave", Caption: "Leave the pairings for the form", Setup: true,
		Do: press("a"), Until: showsAll("Manage POS pairing", "Pairing Code"), Expect: "the pairing form"}
}
