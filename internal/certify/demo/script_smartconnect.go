package demo

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox/smartconnect"
	scdesc "github.com/tillpair/tillpair/providers/smartconnect"
	"github.com/tillpair/tillpair/screens"
)

// captionTypeCodeSC is the caption of SmartConnect's code-entry step.
const captionTypeCodeSC = "Type the code the terminal shows, at once: it refreshes every minute or two"

// SmartConnect's lines the script waits for, as the ui and screens
// packages word them.
const (
	scPairedText    = "this register is paired with the terminal"
	scTestingText   = "Testing… (asking the terminal)"
	scReachableText = "Terminal reachable"
	scNotAccepted   = "That pairing code was not accepted"
	scOfflineText   = "The terminal did not answer: it is offline or busy"
	scNotPairedText = "This register is not paired to a terminal"
)

func smartConnectCertification() Certification {
	return Certification{Provider: scdesc.Descriptor.ID, Script: SmartConnectScript, Requirements: smartConnectRequirements,
		Source: "Smartpay publishes no certification checklist IDs for SmartConnect: the requirements below are the states " +
			"tillpair shows and the error messages it gives, in plain words. " + referenceNote + ": §4.3 the proposed " +
			"screen states, §4.4 the error-to-message table, §4.5 the pain points users reported and §2.x SmartConnect's API."}
}

// SmartConnectScript is the walk-through for Smartpay SmartConnect: no
// confirmation step, a register identity instead of credentials, a Test
// that the terminal itself answers, and no unpair from the register.
func SmartConnectScript() Script {
	return Script{Provider: scdesc.Descriptor.ID, Scenarios: []Scenario{
		{Slug: "unpaired", Fresh: true, Requirement: "SmartConnect · Instructions and code entry", Steps: []Step{{
			Slug: "form", Caption: "Unpaired: how to start pairing on the terminal, and the Pairing Code field",
			Do:    nothing,
			Until: showsAll("Smartpay SmartConnect", "Settings → Pair", "refresh", "Pairing Code", "Register “"), Expect: "the pairing form",
			Shows: []string{ReqSCInstructions},
		}}},
		{Slug: "register", Requirement: "SmartConnect · Register identity, ID read-only", Steps: []Step{
			{
				Slug: "setup", Caption: "Register setup (ctrl+e): names are editable, the register ID is read-only",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlE), nil },
				Until: func(e *Env, view string) bool {
					id, ok, err := e.Session.Service.Register()
					return err == nil && ok && strings.Contains(view, "Register setup") && strings.Contains(view, id.RegisterID)
				},
				Expect: "the register setup screen with the register ID", Shows: []string{ReqSCRegister},
			},
			{
				Slug: "back", Caption: "Back to pairing", Setup: true,
				Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEsc), nil },
				Until: showsAll("Pairing Code", "Register “"), Expect: "the pairing form",
			},
		}},
		{Slug: "pair", Requirement: "SmartConnect · Code entry pairs at once", Steps: []Step{
			terminalCodeStep(false),
			typeCodeStep(captionTypeCodeSC, "", false, ReqSCCodeEntry),
			scPairStep(false, ReqSCPaired, ReqSCUnpairGuidance),
		}},
		{Slug: "test", Requirement: "SmartConnect · Test: Terminal.GetStatus", Steps: []Step{
			scTestingStep(ReqSCTest),
			scPolledStep("reachable", "Polled every 2 s: PENDING, then the terminal answers: reachable", scReachableText, ReqSCTest),
		}},
		{Slug: "offline", Requirement: "SmartConnect · Error: terminal offline", Steps: []Step{
			{
				Slug: "testing", Caption: "The terminal drops off the network (a sandbox switch); Test asks it again",
				Do: func(e *Env) ([]tea.Msg, error) {
					t, err := e.Terminal()
					if err != nil {
						return nil, err
					}
					if _, err := e.Sandbox().SetOffline(t.ID, true); err != nil {
						return nil, err
					}
					return runes("t"), nil
				},
				Until: scTesting, Expect: "the Test under way",
			},
			scPolledStep("offline", "The cloud reports the terminal unreachable: its own line, and the pairing is kept", scOfflineText, ReqSCErrOffline),
			{
				Slug: "online", Caption: "The terminal is back on the network; back to the pairing", Setup: true,
				Do: func(e *Env) ([]tea.Msg, error) {
					t, err := e.Terminal()
					if err != nil {
						return nil, err
					}
					_, err = e.Sandbox().SetOffline(t.ID, false)
					return keys(tea.KeyEnter), err
				},
				Until:  func(e *Env, view string) bool { return e.Listed() && showsAll("✓ Paired", "Register ID")(e, view) },
				Expect: "the paired screen, re-read",
			},
		}},
		{Slug: "forget", Requirement: "SmartConnect · Forget; unpair on the terminal", Steps: []Step{
			{
				Slug: "ask", Caption: "Forget (f) asks first; unpairing itself is done on the terminal",
				Do: press("f"), Until: showsAll(screens.ForgetWhere(scdesc.Descriptor.ID) + "?"), Expect: "the forget question",
				Shows: []string{ReqSCUnpairGuidance},
			},
			{
				Slug: "forgotten", Caption: "Forgotten on this register: back to the pairing form",
				Do: press("y"), Until: showsAll("Forgot", "Pairing Code"), Expect: "the pairing form",
				Shows: []string{ReqSCForget},
			},
			{
				Slug: "unpaired-on-terminal", Caption: "On the terminal: unpair the register (ctrl+x in the sandbox pane)",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlX), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && len(t.Pairings) == 0 && strings.Contains(view, "idle")
				},
				Expect: "the terminal with no register",
			},
		}},
		{Slug: "unpaired-on-terminal", Fresh: true, Requirement: "SmartConnect · Error: unpaired on the terminal", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep(captionTypeCodeSC, "", true),
			scPairStep(true),
			{
				Slug: "unpaired-on-terminal", Caption: "Unpaired on the terminal (ctrl+x in the sandbox pane); this register can't tell",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlX), nil },
				Until: func(e *Env, _ string) bool {
					t, err := e.Terminal()
					return err == nil && len(t.Pairings) == 0
				},
				Expect: "the terminal to drop the register",
			},
			{
				Slug: "detected", Caption: "Test finds the register no longer paired: the unpaired state, pair again from the terminal",
				Do:    press("t"),
				Until: showsAll(scNotPairedText, "Pairing Code"), Expect: "the unpaired state with the error",
				Shows: []string{ReqSCErrNotPaired},
			},
			{
				Slug: "forgotten", Caption: "The stale pairing is removed from this register without asking",
				Do: nothing, Until: showsAll("from this register", "Pairing Code"), Expect: "the stale pairing removed",
			},
		}},
		{Slug: "invalid-code", Fresh: true, Requirement: "SmartConnect · Error: code not accepted", Steps: []Step{
			terminalCodeStep(true),
			wrongCodeStep("not-accepted", "A code the terminal does not show: 400 from SmartConnect, its own error line",
				scNotAccepted, "the code-not-accepted error", (*Env).Terminal, wrongCode, ReqSCErrInvalidCode),
		}},
		{Slug: "network-failure", Fresh: true, Requirement: "SmartConnect · Error: network failure", Steps: []Step{
			terminalCodeStep(true),
			typeCodeStep(captionTypeCodeSC, "", true),
			networkErrorStep("The connection drops (a sandbox fault): safe to try again",
				scdesc.Descriptor.ID, smartconnect.RoutePairing, ReqSCErrNetwork),
			{
				Slug: "retried", Caption: "Try again (r) once the network is back: paired",
				Do: press("r"), Until: showsAll(scPairedText), Expect: "the paired screen",
			},
		}},
	}}
}

func scPairStep(setup bool, shows ...string) Step {
	return Step{
		Slug: "paired", Caption: "Pair (enter): SmartConnect pairs at once, with no confirmation step",
		Setup: setup, Shows: shows,
		Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			return err == nil && len(t.Pairings) == 1 && showsAll(scPairedText)(e, view)
		},
		Expect: "the paired screen",
	}
}

// scTesting: the Test's first poll has answered once the client waits for
// the next one.
func scTesting(e *Env, view string) bool {
	return showsAll(scTestingText)(e, view) && e.WaitedSinceStart()
}

func scTestingStep(shows ...string) Step {
	return Step{
		Slug: "testing", Caption: "Test (t) sends Terminal.GetStatus; the terminal answers through polling",
		Do: press("t"), Until: scTesting, Expect: "the Test under way", Shows: shows,
	}
}

// scPolledStep moves the clock from poll to poll (SmartConnect asks for
// 2 s or more between them) until text shows: the terminal answers at the
// second poll, the first says PENDING.
func scPolledStep(slug, caption, text string, shows ...string) Step {
	return Step{
		Slug: slug, Caption: caption, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			if !e.Session.Clock.AdvanceToNextWait() {
				return nil, fmt.Errorf("the app is not waiting for the next status poll")
			}
			return nil, nil
		},
		Until: advancingUntil(text), Expect: fmt.Sprintf("%q", text),
	}
}

// advancingUntil waits for texts, moving the clock to the app's next wait
// whenever it is blocked on one. A wait is only ahead once the previous
// poll has been answered, so the number of polls, and every time shown,
// is the same on every run.
func advancingUntil(texts ...string) func(*Env, string) bool {
	shows := showsAll(texts...)
	return func(e *Env, view string) bool {
		if shows(e, view) {
			return true
		}
		e.Session.Clock.AdvanceToNextWait()
		return false
	}
}
