package demo

import (
	"errors"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/sandbox"
	lkdesc "github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/screens"
)

// Requirement keys for Linkly Cloud, which publishes no certification
// checklist IDs either: the states tillpair shows and its error lines.
const (
	ReqLKForm          = "linkly-form"
	ReqLKPasswordHid   = "linkly-password-hidden"
	ReqLKPaired        = "linkly-paired"
	ReqLKTest          = "linkly-test"
	ReqLKUnpairSteps   = "linkly-unpair-on-pin-pad"
	ReqLKForget        = "linkly-forget"
	ReqLKErrRefused    = "linkly-error-refused"
	ReqLKErrExpiredCod = "linkly-error-expired-code"
)

// Linkly's lines the script waits for, as its descriptor words them.
const (
	lkRefusedText = "check username, password and pair code"
	lkTestedText  = "PIN pad answered"
	lkPadSteps    = "Linkly Cloud settings"
	// lkWrongPassword is typed for the refused pairing: masked like any.
	lkWrongPassword = "not-the-password"
)

func linklyCertification() Certification {
	return Certification{Provider: lkdesc.ID, Script: LinklyScript, Requirements: linklyRequirements,
		Source: "Linkly publishes no certification checklist IDs: the requirements below are the states tillpair shows " +
			"and the error messages it gives, in plain words. " + referenceNote + ": §7 Linkly Cloud (pairing with a " +
			"username, password and pair code, the secret, tokens, the status test and the error table)."}
}

func linklyRequirements() []Requirement {
	return []Requirement{
		{ReqLKForm, "§7", "Pairing form: Linkly Cloud username, password and the pair code the PIN pad shows, with the steps"},
		{ReqLKPasswordHid, "§7", "The password is never shown (masked as it is typed) and never stored"},
		{ReqLKPaired, "§7", "Paired: the secret is kept in the keyring; the POS ID, TID and PIN pad are shown"},
		{ReqLKTest, "§7", "Test asks the PIN pad for its status with a bearer token (bought from the secret, kept in memory)"},
		{ReqLKUnpairSteps, "§7", "No unpair from the register: the steps on the PIN pad are shown"},
		{ReqLKForget, "§7", "Forget removes the pairing and its secret on this register"},
		{ReqLKErrRefused, "§7", `Error line (401, no body): "Pairing failed: check username, password and pair code"`},
		{ReqLKErrExpiredCod, "§7", "An expired pair code (about 3 minutes) gets the same line, with how to get a new one"},
	}
}

// LinklyScript is the walk-through for Linkly Cloud: a pairing made with
// the operator's Linkly Cloud username and password and the pair code the
// PIN pad shows, tested through a token, and ended on the PIN pad.
func LinklyScript() Script {
	return Script{Provider: lkdesc.ID, Scenarios: []Scenario{
		{Slug: "unpaired", Fresh: true, Requirement: "Linkly · Username, password and pair code", Steps: []Step{{
			Slug: "form", Caption: "No pairing yet: the Linkly Cloud username and password, the pair code, the steps",
			Do: nothing, Until: showsAll("Linkly Cloud username", "Linkly Cloud password", "Pair Code"), Expect: "the pairing form",
			Shows: []string{ReqLKForm},
		}}},
		{Slug: "pair", Requirement: "Linkly · Pairing gives a secret, kept in the keyring", Steps: []Step{
			lkPairCodeStep(false),
			lkTypeStep("typed", "Type the username and password (masked), then the pair code", "", ReqLKPasswordHid),
			{
				Slug: "paired", Caption: "Pair (enter): Linkly answers the secret; the PIN pad shows PAIRED",
				Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until: func(e *Env, view string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen == sandbox.ScreenPaired && showsAll("✓ Paired", "POS ID")(e, view)
				},
				Expect: "the paired screen", Shows: []string{ReqLKPaired, ReqLKPasswordHid, ReqLKUnpairSteps},
			},
		}},
		{Slug: "test", Requirement: "Linkly · Test through a token and a status request", Steps: []Step{{
			Slug: "tested", Caption: "Test (t): a token, then a status request the PIN pad answers",
			Do: press("t"), Until: showsAll(lkTestedText), Expect: "the PIN pad's answer", Shows: []string{ReqLKTest},
		}}},
		{Slug: "forget", Requirement: "Linkly · Forget here, unpair on the PIN pad", Steps: []Step{
			{
				Slug: "ask", Caption: "Forget (f) asks first, with the steps on the PIN pad",
				Do: press("f"), Until: showsAll(screens.ForgetWhere(lkdesc.ID) + "?"), Expect: "the forget question",
				Shows: []string{ReqLKUnpairSteps},
			},
			{
				Slug: "forgotten", Caption: "Forgotten: the secret is deleted; back to the pairing form",
				Do: press("y"), Until: showsAll("Forgot", "Linkly Cloud username"), Expect: "the pairing form",
				Shows: []string{ReqLKForget},
			},
		}},
		{Slug: "wrong-password", Fresh: true, Requirement: "Linkly · Error: username, password or code refused", Steps: []Step{
			lkPairCodeStep(true),
			lkTypeStep("typed", "A wrong password", lkWrongPassword),
			{
				Slug: "refused", Caption: "Linkly answers 401 with no body: one clear line, and what to check",
				Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until: showsAll(lkRefusedText), Expect: "the refused pairing", Shows: []string{ReqLKErrRefused},
			},
		}},
		{Slug: "expired-code", Fresh: true, Requirement: "Linkly · Error: the pair code expired", Steps: []Step{
			lkPairCodeStep(true),
			lkTypeStep("typed", "The right username and password, and the pair code", ""),
			{
				Slug: "expired", Caption: "The pair code lives about 3 minutes: it expires on the PIN pad", Setup: true,
				Do: func(e *Env) ([]tea.Msg, error) {
					t, err := e.Terminal()
					if err == nil {
						_, err = e.Sandbox().ExpireCode(t.ID, "")
					}
					return nil, err
				},
				Until: func(e *Env, _ string) bool {
					t, err := e.Terminal()
					return err == nil && t.Screen != sandbox.ScreenPairingCode
				},
				Expect: "the code expired on the PIN pad",
			},
			{
				Slug: "refused", Caption: "Pair (enter) with the expired code: the same 401, and how to get a new code",
				Do:    func(*Env) ([]tea.Msg, error) { return keys(tea.KeyEnter), nil },
				Until: showsAll(lkRefusedText, "Codes expire"), Expect: "the refused pairing", Shows: []string{ReqLKErrExpiredCod},
			},
		}},
	}}
}

// lkPairCodeStep starts Linkly Cloud pairing on the PIN pad (ctrl+p).
func lkPairCodeStep(setup bool) Step {
	return Step{
		Slug: "pair-code", Caption: "On the PIN pad: start Linkly Cloud pairing (ctrl+p in the sandbox pane)", Setup: setup,
		Do: func(*Env) ([]tea.Msg, error) { return keys(tea.KeyCtrlP), nil },
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			// The pane groups the digits ("794 351").
			return err == nil && t.Screen == sandbox.ScreenPairingCode && strings.Contains(strings.ReplaceAll(view, " ", ""), t.PairingCode)
		},
		Expect: "the pair code on the PIN pad",
	}
}

// lkTypeStep types the sandbox's username, a password (the sandbox's when
// password is ""), and the code the PIN pad shows, a field each.
func lkTypeStep(slug, caption, password string, shows ...string) Step {
	return Step{
		Slug: slug, Caption: caption, Shows: shows,
		Do: func(e *Env) ([]tea.Msg, error) {
			t, err := e.Terminal()
			if err != nil {
				return nil, err
			}
			if t.PairingCode == "" {
				return nil, errors.New("the PIN pad shows no pair code")
			}
			info := e.Sandbox().Info()
			if password == "" {
				password = info.Credential(lkdesc.InputPassword)
			}
			tab := keys(tea.KeyTab)
			return concat(runes(info.Credential(lkdesc.InputUsername)), tab, runes(password), tab, runes(t.PairingCode)), nil
		},
		Until: func(e *Env, view string) bool {
			t, err := e.Terminal()
			return err == nil && strings.Contains(view, t.PairingCode) && strings.Contains(view, "••••") &&
				strings.Contains(view, e.Sandbox().Info().Credential(lkdesc.InputUsername))
		},
		Expect: "the filled form, the password masked",
	}
}
