package screens

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/tillpair/tillpair/providers"
)

// Finding 14: a failed cancel leads with the pairing still waiting on the
// terminal and how to retry the cancel; why it failed is the detail.
func TestCancelFailedWording(t *testing.T) {
	net := fmt.Errorf("cancel: %w", &providers.Error{Provider: providers.SCI, Op: providers.OpUnpair, Kind: providers.KindNetwork, Retryable: true})
	w := CancelFailedWording(net)
	if w.Title != "Cancel failed" || w.Line != "The pairing is still waiting on the terminal" ||
		w.Next != "Press r to try the cancel again." || !w.Retry {
		t.Errorf("network failure: %+v", w)
	}
	if w.Detail != TextNetwork {
		t.Errorf("detail %q; want the certification text %q", w.Detail, TextNetwork)
	}
	// Retrying cannot fix rejected credentials: no r, the cause's next step.
	cred := &providers.Error{Provider: providers.SCI, Op: providers.OpUnpair, HTTPStatus: 401, Kind: providers.KindCredentials}
	if w := CancelFailedWording(cred); w.Retry || strings.Contains(w.Next, "Press r") || w.Next != Describe(cred).Next {
		t.Errorf("credentials failure: %+v", w)
	}
}

func TestCancelFailedScreenKeepsActionsOverDetail(t *testing.T) {
	err := &providers.Error{Provider: providers.SCI, Op: providers.OpUnpair, HTTPStatus: 503, Kind: providers.KindServer, Retryable: true}
	s := NewCancelFailed(testCommon(), err, CancelMsg{PairingID: "p1"}, Confirming).About("Front")
	s.SetSize(80, 20)
	v := s.View()
	for _, want := range []string{"Cancel failed", "Front", "The pairing is still waiting on the terminal",
		"The payment cloud had a problem", "Press r to try the cancel again.", "[ Try again ]"} {
		if !strings.Contains(v, want) {
			t.Errorf("80x20 view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Cloud problem") {
		t.Errorf("the generic title is shown:\n%s", v)
	}
	// Title, subject, line, next and actions only: the detail makes way.
	const h = 5
	s.SetSize(80, h)
	v = s.View()
	if lipgloss.Height(v) > h || strings.Contains(v, "had a problem") ||
		!strings.Contains(v, "Press r to try the cancel again.") || !strings.Contains(v, "[ Try again ]") {
		t.Errorf("80x%d view:\n%s", h, v)
	}
	if _, cmd := s.Update(runes("r")); cmd == nil {
		t.Fatal("r sent nothing")
	} else if got, ok := cmd().(CancelMsg); !ok || got.PairingID != "p1" {
		t.Errorf("r sent %#v; want the cancel again", got)
	}
}

func TestErrorScreenKeepsActionsAndAgreesWithFooter(t *testing.T) {
	err := &providers.Error{Kind: providers.KindNotPaired, Provider: providers.SCI}
	s := NewError(testCommon(), err, TestMsg{PairingID: "p"}, Paired, "p").About(wideName)
	for _, h := range []int{minBodyH, 6, 3} {
		s.SetSize(minBodyW, h)
		v := s.View()
		fitsIn(t, fmt.Sprintf("error at %d×%d", minBodyW, h), v, minBodyW, h)
		if !strings.Contains(v, "[ Back ] enter") {
			t.Errorf("at %d×%d the buttons are gone:\n%s", minBodyW, h, v)
		}
	}
	for _, b := range s.ShortHelp() {
		if b.Enabled() && b.Help().Key == "f" && !strings.Contains(s.View(), "[ "+upperFirst(b.Help().Desc)+" ]") {
			t.Errorf("footer says %q, the button says otherwise:\n%s", b.Help().Desc, s.View())
		}
	}
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
