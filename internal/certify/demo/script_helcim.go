package demo

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	hcdesc "github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/screens"
)

// Helcim's lines the script waits for, as the ui and screens packages
// word them.
const (
	hcSavedText     = "Check the terminal screen for the ping message"
	hcPingSentText  = "Ping sent — check the terminal screen"
	hcNotFoundText  = "Device code not found on this Helcim account"
	hcNotListenText = "The terminal is not listening"
	hcRateLimitText = "Too many requests — wait a minute"
	hcTokenText     = "The Helcim API token is missing or invalid"
	hcForbiddenText = "The Helcim API token lacks permission"
	hcStandalone    = "switch it back to standalone mode"
	// hcPingShown is how long a device shows a ping (the sandbox's 10 s),
	// with a margin.
	hcPingShown = 11 * time.Second
)

func helcimCertification() Certification {
	return Certification{Provider: hcdesc.Descriptor.ID, Script: HelcimScript, Requirements: helcimRequirements,
		Source: "Helcim publishes no certification checklist IDs: the requirements below are the states tillpair shows " +
			"and the error messages it gives, in plain words. " + referenceNote + ": §4.3 the proposed screen states, " +
			"§4.4 the error-to-message table, §4.5 the pain points users reported and §3.x Helcim's API."}
}

// HelcimScript is the walk-through for Helcim Payment Hardware: a device
// code instead of a pairing, checked by a ping the terminal shows, and
// "unpair" done on the device.
func HelcimScript() Script {
	return Script{Provider: hcdesc.Descriptor.ID, Scenarios: []Scenario{
		{Slug: "unpaired", Fresh: true, Requirement: "Helcim · Device code entry with instructions", Steps: []Step{{
			Slug: "form", Caption: "No device yet: where to find the device code, and the Device Code field",
			Do: nothing, Until: showsAll("Helcim Payment Hardware", "Switch", "Device Code"), Expect: "the device code form",
			Shows: []string{ReqHCCodeEntry, ReqHCTokenHidden},
		}}},
		{Slug: "pair", Requirement: "Helcim · Device code checked by a ping", Steps: []Step{
			hcPairingModeStep(false),
			{
				Slug: "typed", Caption: "Type the device code, even in lower case",
				Do: func(e *Env) ([]tea.Msg, error) {
					t, err := hcDevice(e)
					if err != nil {
						return nil, err
					}
					return runes(strings.ToLower(t.PairingCode)), nil
				},
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && hcFieldShows(view, t.PairingCode)
				},
				Shows:  []string{ReqHCNormalised},
				Expect: "the typed device code",
			},
			{
				Slug: "saved", Caption: "Pair (enter): device looked up and pinged; the terminal shows the ping",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen == helcim.ScreenPing && showsAll(hcSavedText, helcim.PingMessage)(e, view)
				},
				Expect: "the saved device and the ping on the terminal", Shows: []string{ReqHCNormalised, ReqHCSaved, ReqHCPingShown, ReqHCUnpairSteps},
			},
		}},
		{Slug: "test", Requirement: "Helcim · Ping shown on the terminal", Steps: []Step{
			hcPingClearedStep(),
			{
				Slug: "pinged", Caption: "Test (t) pings the device again: the terminal shows it",
				Do: press("t"), Until: pinged, Expect: "the ping sent and shown", Shows: []string{ReqHCTest, ReqHCPingShown},
			},
		}},
		{Slug: "asleep", Requirement: "Helcim · Error: terminal not listening", Steps: []Step{
			{
				Slug: "asleep", Caption: "The device goes to sleep (ctrl+w in the sandbox pane)",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlW), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen == helcim.ScreenAsleep && strings.Contains(strings.ToLower(view), "asleep")
				},
				Expect: "the device asleep",
			},
			{
				Slug: "not-listening", Caption: "Test gets 409 Device Not Listening: wake it, open the Helcim app",
				Do: press("t"), Until: showsAll(hcNotListenText), Expect: "the not-listening error",
				Shows: []string{ReqHCErrNotListen},
			},
			{
				Slug: "woken", Caption: "Wake the device and go back", Setup: true,
				Do: func(*Env) ([]tea.Msg, error) { return concat(keys(tea.KeyCtrlW), keys(tea.KeyEnter)), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen == sandbox.ScreenPairingCode && e.Listed() && strings.Contains(view, "✓ Paired")
				},
				Expect: "the device awake and the paired screen",
			},
			{
				Slug: "retried", Caption: "Woken (ctrl+w), Test (t) again: the ping gets through",
				Do: press("t"), Until: pinged, Expect: "the ping sent and shown",
			},
		}},
		{Slug: "rate-limited", Requirement: "Helcim · Error: too many requests", Steps: []Step{
			{
				Slug: "rate-limited", Caption: "Helcim allows 100 requests a minute: a 429 (a sandbox fault) asks to wait",
				Do: func(e *Env) ([]tea.Msg, error) {
					err := e.Sandbox().SetFault(sandbox.Fault{Provider: hcdesc.Descriptor.ID, Route: helcim.RoutePing, Status: 429, Count: 1})
					return runes("t"), err
				},
				Until: showsAll(hcRateLimitText), Expect: "the rate-limit error", Shows: []string{ReqHCErrRateLimit},
			},
			hcBackStep(),
		}},
		{Slug: "token-rejected", Requirement: "Helcim · Error: API token missing, invalid or without permission", Steps: []Step{
			hcAuthErrorStep("unauthorized", 401, "A token Helcim does not know: 401 (a sandbox fault), set a valid one",
				hcTokenText, ReqHCErrToken),
			hcBackStep(),
			hcAuthErrorStep("forbidden", 403, "A token without General/Settings Read: 403 (a sandbox fault), give it the permission",
				hcForbiddenText, ReqHCErrPermission),
			hcBackStep(),
		}},
		{Slug: "forget", Requirement: "Helcim · Forget this device, unpair on it", Steps: []Step{
			{
				Slug: "ask", Caption: "Forget (f) asks first, and says to switch the device to standalone mode",
				Do: press("f"), Until: showsAll(screens.ForgetWhere(hcdesc.Descriptor.ID)+"?", hcStandalone), Expect: "the forget question",
				Shows: []string{ReqHCUnpairSteps},
			},
			{
				Slug: "forgotten", Caption: "Forgotten on this register: back to the device code form",
				Do: press("y"), Until: showsAll("Forgot", "Device Code"), Expect: "the device code form",
				Shows: []string{ReqHCForget},
			},
			{
				Slug: "standalone", Caption: "On the device: switch back to standalone mode (ctrl+x in the sandbox pane)",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlX), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen == sandbox.ScreenIdle && strings.Contains(view, "standalone mode")
				},
				Expect: "the device in standalone mode",
			},
		}},
		{Slug: "not-found", Fresh: true, Requirement: "Helcim · Error: device code not found", Steps: []Step{
			hcPairingModeStep(true),
			wrongCodeStep("not-found", "A code that is not on this Helcim account: 404, shown as its own line",
				hcNotFoundText, "the not-found error", hcDevice, otherDeviceCode, ReqHCErrNotFound),
		}},
	}}
}

// pinged: Test's line and the ping on the device's screen.
func pinged(e *Env, view string) bool {
	t, err := e.Terminal()
	return err == nil && t.Screen == helcim.ScreenPing && showsAll(hcPingSentText, helcim.PingMessage)(e, view)
}

// hcFieldShows: the Device Code field holds code (upper case: the form
// normalises as it is typed).
func hcFieldShows(view, code string) bool {
	// The field is its label over its value: the value is the first word
	// on the line under "Device Code".
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if f := strings.Fields(l); i+1 < len(lines) && len(f) >= 2 && f[0] == "Device" && f[1] == "Code" {
			v := strings.Fields(lines[i+1])
			return len(v) > 0 && v[0] == code
		}
	}
	return false
}

func hcDevice(e *Env) (sandbox.Terminal, error) {
	t, err := e.Terminal()
	if err != nil {
		return t, err
	}
	if t.PairingCode == "" {
		return t, errors.New("the device shows no device code (is it in pairing mode?)")
	}
	return t, nil
}

func hcPairingModeStep(setup bool) Step {
	return Step{
		Slug: "pairing-mode", Caption: "On the device: pairing mode (ctrl+p in the sandbox pane) shows its code",
		Setup: setup,
		Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlP), nil },
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			return err == nil && t.Screen == sandbox.ScreenPairingCode && strings.Contains(view, t.PairingCode)
		},
		Expect: "the device code on the terminal",
	}
}

// hcPingClearedStep lets the ping from pairing leave the device's screen,
// so the next ping is seen to arrive.
func hcPingClearedStep() Step {
	return Step{
		Slug: "ping-cleared", Caption: "The ping message leaves the device after a few seconds", Setup: true,
		Do: func(e *Env) ([]tea.Msg, error) {
			e.Session.Clock.Advance(hcPingShown)
			return nil, nil
		},
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			return err == nil && t.Screen == sandbox.ScreenPairingCode && !strings.Contains(view, helcim.PingMessage)
		},
		Expect: "the device code back on the terminal",
	}
}

// otherDeviceCode is a code of the same shape as code that no device on
// the sandbox's account has (the sandbox makes one device per provider).
func otherDeviceCode(code string) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	if code == "" {
		return "ZZZZ"
	}
	last := code[len(code)-1]
	i := strings.IndexByte(chars, last)
	return code[:len(code)-1] + string(chars[(i+1)%len(chars)])
}

// hcAuthErrorStep makes Helcim answer Test's ping once with status, which
// the app words as text.
func hcAuthErrorStep(slug string, status int, caption, text string, shows ...string) Step {
	return Step{
		Slug: slug, Caption: caption, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			err := e.Sandbox().SetFault(sandbox.Fault{Provider: hcdesc.Descriptor.ID, Route: helcim.RoutePing, Status: status, Count: 1})
			return runes("t"), err
		},
		Until: showsAll(text), Expect: fmt.Sprintf("the %d error", status),
	}
}

// hcBackStep leaves an error for the paired screen.
func hcBackStep() Step {
	return Step{
		Slug: "back", Caption: "Back to the device", Setup: true,
		Do:     func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
		Until:  func(e *Env, view string) bool { return e.Listed() && showsAll("✓ Paired")(e, view) },
		Expect: "the paired screen, re-read",
	}
}
