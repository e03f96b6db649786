package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
)

// nextStep matches the wording of a next step; every user line needs one.
var nextStep = regexp.MustCompile(`(?i)\b(try again|run|check|pair|start|enter|wait|wake|store|set up|set|unpair|switch|contact|type|choose|use|fix|remove|do that|forget|correct|turn)\b`)

func TestEveryKindHasALineWithANextStep(t *testing.T) {
	for _, prov := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		for _, k := range providers.Kinds() {
			// A remote failure with the vendor's own text.
			pe := &providers.Error{Provider: prov, Op: providers.OpPair, Kind: k, HTTPStatus: 400, Message: "vendor says no"}
			msg := messageOf(pe)
			if msg == "" || msg == pe.Error() {
				t.Errorf("%s %s: no user line (%q)", prov, k, msg)
			}
			if k != providers.KindCanceled && !nextStep.MatchString(msg) {
				t.Errorf("%s %s: %q names no next step", prov, k, msg)
			}
		}
	}
}

func TestProviderSpecificWording(t *testing.T) {
	for _, tc := range []struct {
		err  *providers.Error
		want []string
	}{
		{&providers.Error{Provider: providers.Helcim, Kind: providers.KindNotFound, HTTPStatus: 404, Code: "device_not_found", Message: "Device code not found on this Helcim account; check the code (Helcim: Device Not Found)"},
			[]string{"Device code not found on this Helcim account", "HTTP 404"}},
		{&providers.Error{Provider: providers.Helcim, Kind: providers.KindNotListening, HTTPStatus: 409, Message: "Device Not Listening"},
			[]string{"wake it", "open the Helcim app", "pairing mode"}},
		{&providers.Error{Provider: providers.Helcim, Kind: providers.KindCredentials, HTTPStatus: 401, Message: "Unauthorized"},
			[]string{"missing or invalid", "tillpair setup helcim"}},
		{&providers.Error{Provider: providers.Helcim, Kind: providers.KindCredentials, HTTPStatus: 403, Code: helcim.CodeForbidden, Message: "No access permission"},
			[]string{"lacks permission", "General: Read"}},
		{&providers.Error{Provider: providers.Helcim, Kind: providers.KindRateLimited, HTTPStatus: 429, Message: "try again in about 30 seconds"},
			[]string{"Too many requests", "30 seconds"}},
		{&providers.Error{Provider: providers.SmartConnect, Kind: providers.KindInvalidCode, HTTPStatus: 400, Message: "Invalid pairing code"},
			[]string{"Invalid pairing code", "codes refresh on the terminal", "the one it shows now"}},
		{&providers.Error{Provider: providers.SmartConnect, Kind: providers.KindNotPaired, HTTPStatus: 400, Message: "This register is not paired to a device"},
			[]string{"not paired", "pair again"}},
		{&providers.Error{Provider: providers.SmartConnect, Kind: providers.KindNotListening, Code: "FAILED-INTERFACE", Message: "the terminal did not answer (Result FAILED-INTERFACE)"},
			[]string{"offline", "FAILED-INTERFACE", "idle screen"}},
		{&providers.Error{Provider: providers.SCI, Kind: providers.KindNotPaired, HTTPStatus: 401},
			[]string{"No active pairings found"}},
		// A wrong Part A fails as a bad signature, like a wrong clock.
		{&providers.Error{Provider: providers.SCI, Kind: providers.KindSignature, HTTPStatus: 401, Code: "no_valid_signatures_found"},
			[]string{"date and time", "signing secret", "`tillpair setup sci`", "no_valid_signatures_found"}},
	} {
		msg := messageOf(tc.err)
		if strings.Count(msg, "Device code not found") > 1 {
			t.Errorf("advice said twice: %q", msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %s: %q lacks %q", tc.err.Provider, tc.err.Kind, msg, w)
			}
		}
	}
}

func TestNotListeningExitsAsNetwork(t *testing.T) {
	if got := exitCode(&providers.Error{Provider: providers.Helcim, Kind: providers.KindNotListening}); got != ExitNetwork {
		t.Errorf("exit %d; want %d", got, ExitNetwork)
	}
}

// A 5xx is transient, like a network fault: exit 5, not "rejected".
func TestServerErrorsExitAsNetwork(t *testing.T) {
	for _, prov := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		pe := &providers.Error{Provider: prov, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 500}
		if got := exitCode(pe); got != ExitNetwork {
			t.Errorf("%s: exit %d; want %d", prov, got, ExitNetwork)
		}
	}
}

// The Helcim client's message already says "server problem; try again":
// the line quotes Helcim's words once, in one sentence.
func TestHelcimServerErrorSaysItOnce(t *testing.T) {
	pe := &providers.Error{Provider: providers.Helcim, Op: providers.OpCheck, Kind: providers.KindServer, HTTPStatus: 500,
		Message: "Helcim had a server problem; try again shortly (Helcim: Internal Server Error: upstream timeout)"}
	got := messageOf(pe)
	want := "The payment cloud had a problem (Internal Server Error: upstream timeout, HTTP 500). Try again in a few minutes."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	pe.Message = "Helcim had a server problem; try again shortly"
	if got, want := messageOf(pe), "The payment cloud had a problem (Helcim had a server problem; try again shortly, HTTP 500). Try again in a few minutes."; got != want {
		t.Errorf("without Helcim's words: got %q, want %q", got, want)
	}
}
