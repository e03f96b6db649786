package accessible

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// pairSCI pairs through the virtual SCI terminal from its "Start pairing"
// question to the success lines, and returns the new pairing's id.
func (h *harness) pairSCI(t *testing.T, nickname string) string {
	t.Helper()
	h.reply(t, "Start pairing on virtual terminal", "y")
	h.expect(t, "shows pairing code")
	h.reply(t, "Pairing Code: ", h.terminal(t).PairingCode)
	h.reply(t, "Pairing Nickname (optional): ", nickname)
	h.reply(t, "Confirm on the virtual terminal now? [y/N] ", "y")
	h.expect(t, "Pairing successful")
	h.expect(t, "Pairing ID: ")
	id, _, _ := strings.Cut(h.out.String()[h.seen:], "\n")
	if !strings.HasPrefix(id, "pid_") {
		t.Fatalf("no pairing id after the success line: %q", id)
	}
	return id
}

// startPaired runs a session and pairs one SCI terminal as Front counter.
func startPaired(t *testing.T) (*harness, string) {
	t.Helper()
	h := start(t)
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	return h, h.pairSCI(t, "Front counter")
}

// sandboxStatus is the pairing's status on the sandbox's SCI terminal
// ("" when the terminal does not hold it).
func (h *harness) sandboxStatus(t *testing.T, pairingID string) string {
	for _, p := range h.terminal(t).Pairings {
		if p.PairingID == pairingID {
			return p.Status
		}
	}
	return ""
}

func (h *harness) listed(t *testing.T) []providers.Pairing {
	t.Helper()
	ps, err := h.rt.Service.List()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func plainText(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "\x1b[") || strings.ContainsAny(out, "╭╮│─█") {
		t.Errorf("accessible output must be plain lines:\n%s", out)
	}
}

func TestMenuTestsThenUnpairsSCI(t *testing.T) {
	t.Parallel()
	h, id := startPaired(t)
	h.expect(t, "What next? t: test, u: unpair, p: pair another terminal, q: quit.")
	checks := h.rt.Sandbox.RequestCount(providers.SCI, sci.RoutePairingInfo)
	h.reply(t, "Choice: ", "t")
	h.expect(t, "Front counter: Testing…")
	h.expect(t, "Front counter: Pairing is active — checked ")
	if got := h.rt.Sandbox.RequestCount(providers.SCI, sci.RoutePairingInfo); got <= checks {
		t.Errorf("Test asked the cloud %d times, as many as before it (%d)", got, checks)
	}
	h.expect(t, "What next?")
	h.reply(t, "Choice: ", "u")
	h.reply(t, "Unpair Front counter? [y/N] ", "y")
	h.expect(t, "Unpaired Front counter.")
	h.expect(t, "What next? p: pair a terminal, q: quit.")
	h.quit(t)
	if st := h.sandboxStatus(t, id); st != "" && st != "unpaired" {
		t.Errorf("the sandbox terminal still holds %s as %q", id, st)
	}
	if ps := h.listed(t); len(ps) != 0 {
		t.Errorf("the register still lists %+v", ps)
	}
	plainText(t, h.out.String())
}

func TestMenuUnpairAnswerNoKeepsThePairing(t *testing.T) {
	t.Parallel()
	h, id := startPaired(t)
	h.reply(t, "Choice: ", "unpair")
	h.reply(t, "Unpair Front counter? [y/N] ", "")
	h.expect(t, "Kept Front counter.")
	h.quit(t)
	if st := h.sandboxStatus(t, id); st != "active" {
		t.Errorf("the sandbox terminal has %s as %q, want active", id, st)
	}
}

func TestMenuSmartConnectExplainsUnpairAndForgets(t *testing.T) {
	t.Parallel()
	h := startWith(t, func(o *Options) { allBadges(o); o.Provider = providers.SmartConnect })
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.reply(t, "Start pairing on virtual terminal", "y")
	h.expect(t, "shows pairing code")
	h.reply(t, "Pairing Code: ", h.terminalOf(t, providers.SmartConnect).PairingCode)
	h.reply(t, "Pairing Nickname (optional): ", "Counter")
	h.expect(t, "What next? t: test, u: how to unpair, f: forget on this register, p: pair another terminal, q: quit.")
	h.expect(t, "To switch provider, type sci, helcim, sumup, square or linkly.")

	h.reply(t, "Choice: ", "u")
	h.expect(t, "SmartConnect pairings are removed on the terminal.\n"+screens.UnpairSteps(providers.SmartConnect))
	if ps := h.listed(t); len(ps) != 1 {
		t.Fatalf("u changed the records: %+v", ps)
	}
	h.reply(t, "Choice: ", "f")
	h.expect(t, screens.UnpairSteps(providers.SmartConnect))
	h.reply(t, `Forget "Counter" on this register? [y/N] `, "y")
	h.expect(t, "Forgot Counter.")
	h.expect(t, "What next? p: pair a terminal, q: quit.")
	h.expect(t, "Choice: ")
	_ = h.in.Close() // input ends at the menu: a clean end
	if err := h.wait(t); err != nil {
		t.Fatalf("Run = %v at the end of input at the menu, want nil", err)
	}
	if ps := h.listed(t); len(ps) != 0 {
		t.Errorf("records still list %+v", ps)
	}
	plainText(t, h.out.String())
}

func TestMenuFailingTestPrintsErrorAndMenu(t *testing.T) {
	t.Parallel()
	h, _ := startPaired(t)
	if err := h.rt.Sandbox.SetFault(sandbox.Fault{Provider: providers.SCI, Route: sci.RoutePairingInfo, Status: 500}); err != nil {
		t.Fatal(err)
	}
	h.reply(t, "Choice: ", "t")
	w := screens.KindWording(providers.KindServer, nil)
	h.expect(t, "Error: "+w.Line+"\n"+w.Next+"\nWhat next? t: test")
	h.rt.Sandbox.ClearFaults()
	h.reply(t, "Choice: ", "t")
	h.expect(t, "Front counter: Pairing is active — checked ")
	h.quit(t)
	if ps := h.listed(t); len(ps) != 1 || ps[0].Status != providers.StatusActive {
		t.Errorf("a failed test changed the pairing: %+v", ps)
	}
}

func TestMenuEndsAfterThreeBadAnswers(t *testing.T) {
	t.Parallel()
	h, _ := startPaired(t)
	h.reply(t, "Choice: ", "x")
	h.expect(t, `"x" is not an option.`)
	h.expect(t, "What next?")
	h.reply(t, "Choice: ", "")   // enter alone repeats the menu, not counted
	h.reply(t, "Choice: ", "zz") // not counted twice
	h.reply(t, "Choice: ", "f")  // SCI unpairs remotely: no forget here
	if err := h.wait(t); !errors.Is(err, ErrNoInput) {
		t.Fatalf("Run = %v, want ErrNoInput", err)
	}
	out := h.out.String()
	if n := strings.Count(out, "is not an option."); n != 2 {
		t.Errorf("refused %d times before giving up, want 2:\n%s", n, out)
	}
	if !strings.Contains(out, `"f" is not an option either`) {
		t.Errorf("the last answer was not named:\n%s", out)
	}
	if ps := h.listed(t); len(ps) != 1 {
		t.Errorf("bad answers changed the records: %+v", ps)
	}
}

func TestMenuPicksAmongSeveralByNumber(t *testing.T) {
	t.Parallel()
	h, front := startPaired(t)
	h.reply(t, "Choice: ", "p")
	back := h.pairSCI(t, "Back office")
	tid := h.listed(t)[0].TID
	if tid == "" {
		t.Fatal("the sandbox pairing has no TID")
	}
	// Different names tell them apart; both are on the one virtual
	// terminal, so the TID is the same.
	h.expect(t, "Pairings: 1. Front counter (TID "+tid+"), 2. Back office (TID "+tid+").\n"+
		"What next? t: test, u: unpair, p: pair another terminal, q: quit. Add a pairing's number to pick it, as in t 2.")
	h.reply(t, "Choice: ", "t")
	h.expect(t, "1. Front counter (TID "+tid+")\n2. Back office (TID "+tid+")\n")
	h.reply(t, "Which pairing? Type its number, 1 to 2", "3")
	h.expect(t, `"3" is not a pairing's number`)
	h.reply(t, "Which pairing?", "2")
	h.expect(t, "Back office: Testing…")
	h.expect(t, "Back office: Pairing is active — checked ")
	h.reply(t, "Choice: ", "u 1")
	h.reply(t, "Unpair Front counter? [y/N] ", "y")
	h.expect(t, "Unpaired Front counter.")
	h.quit(t)
	if ps := h.listed(t); len(ps) != 1 || ps[0].ID != back {
		t.Errorf("want only Back office left, have %+v", ps)
	}
	if st := h.sandboxStatus(t, front); st != "" && st != "unpaired" {
		t.Errorf("Front counter is %q on the sandbox terminal", st)
	}
	if st := h.sandboxStatus(t, back); st != "active" {
		t.Errorf("Back office is %q on the sandbox terminal, want active", st)
	}
}

// Two pairings with one nickname on one terminal: the numbered list tells
// them apart by the start of their Pairing IDs; one pairing alone is
// listed as before, with no numbers.
func TestMenuNumbersSameNamedPairings(t *testing.T) {
	t.Parallel()
	h, first := startPaired(t)
	h.expect(t, "What next? t: test, u: unpair, p: pair another terminal, q: quit.\n")
	if strings.Contains(h.out.String(), "Pairings: ") {
		t.Errorf("one pairing was listed with a number:\n%s", h.out.String())
	}
	h.reply(t, "Choice: ", "p")
	second := h.pairSCI(t, "Front counter")
	tid := h.listed(t)[0].TID
	short := func(id string) string {
		other := first
		if id == first {
			other = second
		}
		n := minShortID
		for strings.HasPrefix(other, id[:n]) {
			n++
		}
		return id[:n] + "…"
	}
	one := "Front counter (TID " + tid + ", Pairing ID " + short(first) + ")"
	two := "Front counter (TID " + tid + ", Pairing ID " + short(second) + ")"
	h.expect(t, "Pairings: 1. "+one+", 2. "+two+".\n")
	h.reply(t, "Choice: ", "u")
	h.expect(t, "1. "+one+"\n2. "+two+"\n")
	h.reply(t, "Which pairing?", "2")
	h.reply(t, "Unpair Front counter? [y/N] ", "y")
	h.expect(t, "Unpaired Front counter.")
	h.quit(t)
	if ps := h.listed(t); len(ps) != 1 || ps[0].ID != first {
		t.Errorf("want only the first pairing left, have %+v", ps)
	}
}

func TestMenuCtrlCEndsCleanly(t *testing.T) {
	t.Parallel()
	h, _ := startPaired(t)
	h.expect(t, "Choice: ")
	h.stop()
	if err := h.wait(t); err != nil {
		t.Fatalf("Run = %v after Ctrl-C at the menu, want nil", err)
	}
}

func TestMenuSwitchesProvider(t *testing.T) {
	t.Parallel()
	h := startWith(t, allBadges)
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.pairSCI(t, "Front counter")
	h.reply(t, "Choice: ", "helcim")
	h.expect(t, "Helcim Payment Hardware — tillpair [SANDBOX]")
	h.expect(t, "No pairings yet.")
	h.expect(t, "What next? p: pair a terminal, q: quit.")
	h.reply(t, "Choice: ", "sci")
	h.expect(t, "Simple Cloud Integration — tillpair [SANDBOX]")
	h.expect(t, "Paired: Front counter")
	h.expect(t, "What next? t: test")
	h.quit(t)
}

func TestMenuHelcimTestPingsAndUnpairIsOnTheDevice(t *testing.T) {
	t.Parallel()
	h := startWith(t, func(o *Options) { allBadges(o); o.Provider = providers.Helcim })
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.reply(t, "to pairing mode now?", "y")
	h.expect(t, "shows device code")
	h.reply(t, "Device Code: ", h.terminalOf(t, providers.Helcim).PairingCode)
	h.reply(t, "Pairing Nickname (optional): ", "Reader")
	h.reply(t, "Choice: ", "t")
	h.expect(t, "Reader: Ping sent — check the terminal screen.")
	// Pairing pinged once; Test pinged again.
	if n := h.rt.Sandbox.RequestCount(providers.Helcim, helcim.RoutePing); n != 2 {
		t.Fatalf("the sandbox saw %d pings, want 2 (pair, then Test)", n)
	}
	h.reply(t, "Choice: ", "u")
	h.expect(t, "Helcim devices are unpaired on the device.\n"+screens.UnpairSteps(providers.Helcim))
	h.quit(t)
	if ps := h.listed(t); len(ps) != 1 || ps[0].Status != providers.StatusActive {
		t.Errorf("u changed Helcim's records: %+v", ps)
	}
}

func TestCtrlCAtThePairQuestionEndsCleanly(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.expect(t, "Pair a terminal now? [Y/n] ")
	h.stop()
	if err := h.wait(t); err != nil {
		t.Fatalf("Run = %v after Ctrl-C at the first question, want nil", err)
	}
}

// As on the screens, entering a provider re-checks SCI pairings live but
// never pings a Helcim device unasked: a ping shows on the device.
func TestEntryCheckPingsHelcimOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	h := startWith(t, allBadges)
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.pairSCI(t, "Front counter")
	dev := h.terminalOf(t, providers.Helcim)
	shown, err := h.rt.Sandbox.StartPairing(dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.rt.Service.Pair(context.Background(), pairing.PairInput{Provider: providers.Helcim, Code: shown.PairingCode}); err != nil {
		t.Fatal(err)
	}
	pings := func() int { return h.rt.Sandbox.RequestCount(providers.Helcim, "ping") }
	before := pings()
	h.reply(t, "Choice: ", "helcim")
	h.expect(t, "Paired: "+shown.PairingCode)
	h.reply(t, "Choice: ", "sci")
	h.expect(t, "Paired: Front counter")
	if got := pings(); got != before {
		t.Fatalf("entering Helcim and SCI sent %d pings, want none", got-before)
	}
	h.reply(t, "Choice: ", "helcim")
	h.expect(t, "Paired: "+shown.PairingCode)
	h.reply(t, "Choice: ", "t")
	h.expect(t, "Ping sent")
	if got := pings(); got != before+1 {
		t.Errorf("t sent %d pings, want 1", got-before)
	}
	h.quit(t)
}
