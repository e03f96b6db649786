package demo

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	sqsim "github.com/tillpair/tillpair/internal/sandbox/square"
	"github.com/tillpair/tillpair/providers"
	sqdesc "github.com/tillpair/tillpair/providers/square"
)

// Requirement keys for Square Terminal (the code_from_pos model: the
// register shows the code), in plain words after providers-next.md §6.
const (
	ReqSQShowCode   = "square-show-code"
	ReqSQCountdown  = "square-countdown"
	ReqSQSignIn     = "square-sign-in"
	ReqSQPaired     = "square-paired"
	ReqSQExpiry     = "square-expiry"
	ReqSQNewCode    = "square-new-code"
	ReqSQCancel     = "square-cancel"
	ReqSQWrongToken = "square-error-token"
)

// Square's lines the script waits for, as the screens word them.
const (
	sqShownText   = "Sign in on the Square Terminal with this code"
	sqExpiredText = "for a new one"
	sqTokenText   = "Square access token invalid"
)

func squareCertification() Certification {
	return Certification{Provider: sqdesc.Descriptor.ID, Script: SquareScript, Requirements: squareRequirements,
		Source: "Square publishes no certification checklist for Terminal pairing: the requirements below are the " +
			"states tillpair shows for a device code the register shows, in plain words. " + referenceNote +
			": §6 Square Terminal API (device codes, pair_by, sign-in on the Terminal, the error envelope)."}
}

func squareRequirements() []Requirement {
	return []Requirement{
		{ReqSQShowCode, "§6", "Pair asks Square for a device code and shows it large enough to read from a step away, with the steps on the Terminal"},
		{ReqSQCountdown, "§6", "A live countdown to the code's expiry (pair_by, 5 minutes), with the clock time"},
		{ReqSQSignIn, "§6", "Signing in on the Terminal with the code is noticed by itself"},
		{ReqSQPaired, "§6", "The paired screen names the nickname, the device id, the Terminal, the location and the status"},
		{ReqSQExpiry, "§6", `An unused code expires: "code expired — press r for a new one"`},
		{ReqSQNewCode, "§6", "r asks for a new code and shows it with a fresh countdown"},
		{ReqSQCancel, "§6", "Cancel (esc) stops waiting and forgets the pairing here (Square cannot withdraw a code)"},
		{ReqSQWrongToken, "§6", "Error line (401): the access token is invalid, expired or for the other environment, with how to set it"},
	}
}

// SquareScript is the walk-through for Square Terminal: the register shows
// the code and the operator signs in with it on the Terminal.
func SquareScript() Script {
	return Script{Provider: sqdesc.Descriptor.ID, Scenarios: []Scenario{
		{Slug: "show-code", Fresh: true, Requirement: "Square · The register shows the device code", Steps: []Step{
			{
				Slug: "form", Caption: "No Terminal yet: the form asks only for a nickname",
				Do: nothing, Until: showsAll("Square Terminal API", "Pairing Nickname"), Expect: "the nickname form",
			},
			{
				Slug: "typed", Caption: "Type a nickname", Do: func(*Env) ([]tea.Msg, error) { return runes("Front counter"), nil },
				Until: showsAll("Front counter"), Expect: "the typed nickname",
			},
			{
				Slug: "shown", Caption: "Pair (enter): Square makes a device code, shown large with its countdown",
				Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until: showsAll(sqShownText, "expires in"), Expect: "the code and its countdown",
				Shows: []string{ReqSQShowCode, ReqSQCountdown},
			},
		}},
		{Slug: "expiry", Requirement: "Square · The code expires; r makes a new one", Steps: []Step{
			{
				Slug: "expired", Caption: "Nobody signs in for 5 minutes: the code expires",
				Do: func(e *Env) ([]tea.Msg, error) {
					e.Session.Clock.Advance(5*time.Minute + time.Second)
					return nil, nil
				},
				// The app's own poll found it expired (not only the countdown),
				// so the request log is the same on every run.
				Until: func(e *Env, view string) bool {
					return showsAll("Code expired", sqExpiredText)(e, view) && sqPolled(e)
				},
				Expect: "the expired code",
				Shows:  []string{ReqSQExpiry},
			},
			{
				Slug: "new-code", Caption: "r asks Square for a new code: a fresh countdown",
				Do: press("r"), Until: func(e *Env, view string) bool {
					return showsAll(sqShownText, "expires in 5:00")(e, view) && e.WaitedSinceStart()
				},
				Expect: "the new code", Shows: []string{ReqSQNewCode, ReqSQCountdown},
			},
		}},
		{Slug: "sign-in", Requirement: "Square · Sign in on the Terminal with the code", Steps: []Step{
			{
				Slug: "signed-in", Caption: "On the Terminal: Sign in with device code (the sandbox's sign-in); the next poll sees it",
				Do: func(e *Env) ([]tea.Msg, error) {
					code, err := sqPendingCode(e)
					if err != nil {
						return nil, err
					}
					t, err := e.Terminal()
					if err != nil {
						return nil, err
					}
					if _, err := e.Sandbox().SignIn(t.ID, code); err != nil {
						return nil, err
					}
					if !sqAdvanceToPoll(e) {
						return nil, fmt.Errorf("the app is not waiting for the sign-in")
					}
					return nil, nil
				},
				Until: showsAll("Paired", "Device ID", "Location"), Expect: "the paired screen",
				Shows: []string{ReqSQSignIn, ReqSQPaired},
			},
		}},
		{Slug: "cancel", Fresh: true, Requirement: "Square · Cancel while the code is shown", Steps: []Step{
			{
				Slug: "shown", Caption: "Pair: the code is shown", Setup: true,
				Do:     func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until:  func(e *Env, view string) bool { return showsAll(sqShownText)(e, view) && e.WaitedSinceStart() },
				Expect: "the code",
			},
			{
				Slug: "cancelled", Caption: "Cancel (esc): stop waiting; the pairing is forgotten here",
				Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEsc), nil },
				Until: showsAll("Pairing cancelled", "Pairing Nickname"), Expect: "the form again",
				Shows: []string{ReqSQCancel},
			},
		}},
		{Slug: "token-rejected", Requirement: "Square · Error: access token not accepted", Steps: []Step{
			{
				Slug: "unauthorized", Caption: "A token Square does not accept: 401 (a sandbox fault), set a valid one",
				Do: func(e *Env) ([]tea.Msg, error) {
					err := e.Sandbox().SetFault(sandbox.Fault{Provider: sqdesc.Descriptor.ID, Route: sqsim.RouteCreateCode, Status: 401, Count: 1})
					return keys(tea.KeyEnter), err
				},
				Until: showsAll(sqTokenText), Expect: "the token error", Shows: []string{ReqSQWrongToken},
			},
		}},
	}}
}

// sqPendingCode is the code of the pairing waiting for the sign-in.
func sqPendingCode(e *Env) (string, error) {
	ps, err := e.Session.Runtime.Service.List()
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Provider == e.Provider && p.Status == providers.StatusAwaitingConfirmation && p.ConfirmationCode != "" {
			return p.ConfirmationCode, nil
		}
	}
	return "", fmt.Errorf("no %s code is waiting for a sign-in", e.Provider)
}

// sqPolled reports whether the app checked the waiting code since the
// step began.
func sqPolled(e *Env) bool {
	ps, err := e.Session.Runtime.Service.List()
	if err != nil {
		return false
	}
	for _, p := range ps {
		if p.Provider == e.Provider && p.Status == providers.StatusAwaitingConfirmation && e.requestsSinceStart("/v2/devices/codes/"+p.ID) > 0 {
			return true
		}
	}
	return false
}

// sqAdvanceToPoll moves the clock to the sign-in wait's next poll. The
// wait for a new code starts on its own goroutine a moment after the code
// shows (and a request's own timer may already have counted as a wait), so
// it is given a little real time to start.
func sqAdvanceToPoll(e *Env) bool {
	// The app starts its next poll's wait on its own goroutine, which a
	// loaded machine may run late: the deadline is far from that cost (the
	// caller fails only if the app never waits).
	deadline := time.Now().Add(sqPollDeadline)
	for time.Now().Before(deadline) {
		if e.Session.Clock.AdvanceToNextWait() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// sqPollDeadline bounds sqAdvanceToPoll: generous, so the playback never
// depends on the machine's speed (2 s was once too short under -race on a
// loaded 2-core machine).
const sqPollDeadline = 60 * time.Second
