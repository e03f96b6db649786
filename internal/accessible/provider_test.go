package accessible

import (
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/sumup"
)

func allBadges(o *Options) {
	o.Badges = map[string]string{providers.SCI: "SANDBOX", providers.SmartConnect: "SANDBOX", providers.Helcim: "SANDBOX", linkly.ID: "SANDBOX"}
}

func (h *harness) terminalOf(t *testing.T, provider string) sandbox.Terminal {
	t.Helper()
	for _, x := range h.rt.Sandbox.Terminals() {
		if x.Provider == provider {
			return x
		}
	}
	t.Fatalf("no %s terminal", provider)
	return sandbox.Terminal{}
}

func TestAccessibleSmartConnectPairs(t *testing.T) {
	h := startWith(t, allBadges)
	h.answer(t, "Pair a terminal now? [Y/n] ", "smartconnect")
	h.out.waitFor(t, "Smartpay SmartConnect — tillpair [SANDBOX]")
	h.answer(t, "Pair a terminal now? [Y/n] ", "")
	h.out.waitFor(t, "Register: ") // the sandbox seeds an identity
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pairing code")
	code := h.terminalOf(t, providers.SmartConnect).PairingCode
	h.answer(t, "Pairing Code: ", code)
	h.answer(t, "Pairing Nickname (optional): ", "")
	h.quit(t)
	ps, err := h.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Provider != providers.SmartConnect {
		t.Fatalf("pairings %+v, %v", ps, err)
	}
	out := h.out.String()
	for _, want := range []string{"Smartpay SmartConnect", "Pair with POS", "Register ID: " + ps[0].ID, "unpair on the terminal"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAccessibleHelcimPairs(t *testing.T) {
	h := startWith(t, allBadges)
	h.out.waitFor(t, "helcim (Helcim Payment Hardware)")
	h.answer(t, "Pair a terminal now? [Y/n] ", "HELCIM")
	h.out.waitFor(t, "Helcim Payment Hardware — tillpair [SANDBOX]")
	h.answer(t, "Pair a terminal now? [Y/n] ", "y")
	h.answer(t, "to pairing mode now?", "y")
	h.out.waitFor(t, "shows device code")
	code := h.terminalOf(t, providers.Helcim).PairingCode
	h.answer(t, "Device Code: ", strings.ToLower(code))
	h.answer(t, "Pairing Nickname (optional): ", "Reader")
	h.quit(t)
	out := h.out.String()
	for _, want := range []string{"Check the terminal screen for the ping message", "Device Code: " + code} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got := h.terminalOf(t, providers.Helcim); got.Message != helcim.PingMessage {
		t.Errorf("the device shows %q, want the ping message", got.Message)
	}
}

func TestAccessibleRefusesUnknownAnswer(t *testing.T) {
	h := startWith(t, allBadges)
	for i := 0; i < 3; i++ {
		h.answer(t, "Pair a terminal now? [Y/n] ", "paypal")
	}
	if err := h.wait(t); err == nil {
		t.Fatal("three unknown answers were accepted")
	}
	if n := strings.Count(h.out.String(), `"paypal" is not an answer here`); n != 2 {
		t.Errorf("refused %d times before giving up, want 2:\n%s", n, h.out.String())
	}
	if ps, _ := h.rt.Service.List(); len(ps) != 0 {
		t.Errorf("an unknown answer paired: %+v", ps)
	}
}

// A provider with pair inputs: the username is asked, the password comes
// from its environment variable (a pipe cannot hide typing), the code
// after both, and neither input is ever printed.
func TestAccessibleLinklyPairs(t *testing.T) {
	var password string
	h := startWith(t, func(o *Options) {
		allBadges(o)
		o.Getenv = func(k string) string {
			if k == providers.EnvName(linkly.InputPassword) {
				return password
			}
			return ""
		}
	})
	password = h.rt.Sandbox.Info().Credential(linkly.InputPassword)
	user := h.rt.Sandbox.Info().Credential(linkly.InputUsername)
	h.answer(t, "Pair a terminal now? [Y/n] ", "linkly")
	h.out.waitFor(t, "Linkly Cloud — tillpair [SANDBOX]")
	h.answer(t, "Pair a terminal now? [Y/n] ", "")
	h.out.waitFor(t, "Linkly POS ID: ")
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pair code")
	code := h.terminalOf(t, linkly.ID).PairingCode
	h.answer(t, "Linkly Cloud username: ", user)
	h.out.waitFor(t, "Linkly Cloud password: taken from TILLPAIR_LINKLY_PASSWORD.")
	h.answer(t, "Pair Code: ", code)
	h.answer(t, "Pairing Nickname (optional): ", "Front")
	h.out.waitFor(t, "Paired")
	h.quit(t)
	ps, err := h.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Provider != linkly.ID {
		t.Fatalf("pairings %+v, %v", ps, err)
	}
	if out := h.out.String(); strings.Contains(out, password) {
		t.Fatalf("the password was printed:\n%s", out)
	}
}

// SumUp is paired in line mode from its descriptor alone: its steps, the
// code the Solo shows, its confirm step, then its labels.
func TestAccessibleSumUpPairs(t *testing.T) {
	h := startWith(t, func(o *Options) { allBadges(o); o.Badges[sumup.ID] = "SANDBOX" })
	h.answer(t, "Pair a terminal now? [Y/n] ", "sumup")
	h.out.waitFor(t, "SumUp Cloud API — tillpair [SANDBOX]")
	h.answer(t, "Pair a terminal now? [Y/n] ", "")
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pairing code")
	solo := h.terminalOf(t, sumup.ID)
	h.answer(t, "Pairing Code: ", strings.ToLower(solo.PairingCode))
	h.answer(t, "Pairing Nickname (optional): ", "Front counter")
	h.out.waitFor(t, "Keep it switched on")
	h.answer(t, "Confirm on the virtual terminal now? [y/N] ", "y")
	h.out.waitFor(t, "Reader ID: ")
	// A test says what the reader reported, as the paired screen's rows do.
	h.reply(t, "Choice: ", "t")
	h.out.waitFor(t, "Terminal: online")
	h.quit(t)
	ps, err := h.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Provider != sumup.ID || ps[0].Status != providers.StatusActive {
		t.Fatalf("pairings %+v, %v", ps, err)
	}
	for _, want := range []string{"API > Connect", "Reader ID: " + ps[0].ID, "Serial: " + solo.TID, "Pairing Nickname: Front counter"} {
		if !strings.Contains(h.out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, h.out.String())
		}
	}
}

// On a terminal the Linkly password is asked with echo off (and never
// taken from a variable here): what the terminal echoes holds the
// username, typed the same way, but not the password.
func TestAccessibleLinklyPasswordNotEchoed(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { _ = ptmx.Close(); _ = tty.Close() })
	echoed := &screen{wake: make(chan struct{}, 1)}
	go func() { _, _ = io.Copy(echoed, ptmx) }()
	h := startWith(t, func(o *Options) {
		allBadges(o)
		typed := o.In
		o.In = tty
		go func() { _, _ = io.Copy(ptmx, typed) }()
	})
	password := h.rt.Sandbox.Info().Credential(linkly.InputPassword)
	user := h.rt.Sandbox.Info().Credential(linkly.InputUsername)
	h.answer(t, "Pair a terminal now? [Y/n] ", "linkly")
	h.answer(t, "Pair a terminal now? [Y/n] ", "")
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pair code")
	code := h.terminalOf(t, linkly.ID).PairingCode
	h.answer(t, "Linkly Cloud username: ", user)
	h.answer(t, "Linkly Cloud password (not shown as you type): ", password)
	h.answer(t, "Pair Code: ", code)
	h.answer(t, "Pairing Nickname (optional): ", "Front")
	h.out.waitFor(t, "Paired")
	echoed.waitFor(t, "Front") // everything typed so far has been echoed
	h.quit(t)
	if got := echoed.String(); !strings.Contains(got, user) || strings.Contains(got, password) {
		t.Fatalf("the terminal echoed (username %q shown, password must not be):\n%q", user, got)
	}
	if strings.Contains(h.out.String(), password) {
		t.Fatalf("the password was printed:\n%s", h.out.String())
	}
}
