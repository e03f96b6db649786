package accessible

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
	"github.com/tillpair/tillpair/screens"
)

// screen collects output and wakes waiters on every write.
type screen struct {
	mu   sync.Mutex
	buf  strings.Builder
	wake chan struct{}
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf.Write(p)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// generousWait bounds a wait for output the session prints within
// milliseconds: far from that cost even on a busy 2-core machine under
// -race, since the tests fail on what is printed, not on speed.
const generousWait = 2 * time.Minute

func (s *screen) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(generousWait)
	for !strings.Contains(s.String(), text) {
		select {
		case <-s.wake:
		case <-deadline:
			t.Fatalf("never printed %q; output so far:\n%s", text, s.String())
		}
	}
}

type harness struct {
	rt   *app.Runtime
	out  *screen
	in   *io.PipeWriter
	done chan error
	stop context.CancelFunc
	seen int // how much output expect has matched so far
}

func start(t *testing.T) *harness { return startWith(t, nil) }

// startWith runs the session with options adjusted by edit (may be nil).
func startWith(t *testing.T, edit func(*Options)) *harness {
	t.Helper()
	return startApp(t, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 3}}, edit)
}

// startApp runs the session on a runtime built from ao.
func startApp(t *testing.T, ao app.Options, edit func(*Options)) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rt, err := app.Build(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	h := &harness{rt: rt, out: &screen{wake: make(chan struct{}, 1)}, in: pw, done: make(chan error, 1), stop: cancel}
	o := Options{Service: rt.Service, Terminals: app.Terminals(rt.Sandbox), Badge: "SANDBOX", In: pr, Out: h.out}
	if edit != nil {
		edit(&o)
	}
	go func() { h.done <- Run(ctx, o) }()
	return h
}

func (h *harness) answer(t *testing.T, prompt, text string) {
	t.Helper()
	h.out.waitFor(t, prompt)
	if _, err := io.WriteString(h.in, text+"\n"); err != nil {
		t.Fatal(err)
	}
}

// expect waits for text after what earlier expects matched, so a prompt
// shown again (the menu) is told apart from its earlier showings.
func (h *harness) expect(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(generousWait)
	for {
		out := h.out.String()
		if i := strings.Index(out[h.seen:], text); i >= 0 {
			h.seen += i + len(text)
			return
		}
		select {
		case <-h.out.wake:
		case <-deadline:
			t.Fatalf("never printed %q after %q; output so far:\n%s", text, out[max(h.seen-40, 0):h.seen], out)
		}
	}
}

// reply answers the next showing of prompt.
func (h *harness) reply(t *testing.T, prompt, text string) {
	t.Helper()
	h.expect(t, prompt)
	if _, err := io.WriteString(h.in, text+"\n"); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) terminal(t *testing.T) sandbox.Terminal {
	for _, x := range h.rt.Sandbox.Terminals() {
		if x.Provider == providers.SCI {
			return x
		}
	}
	t.Fatal("no SCI terminal")
	return sandbox.Terminal{}
}

func (h *harness) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-h.done:
		return err
	case <-time.After(generousWait):
		t.Fatalf("Run did not return; output:\n%s", h.out.String())
		return nil
	}
}

// quit answers q at the menu and fails the test unless Run then ends
// with no error.
func (h *harness) quit(t *testing.T) {
	t.Helper()
	h.reply(t, "Choice: ", "q")
	if err := h.wait(t); err != nil {
		t.Fatalf("Run: %v\n%s", err, h.out.String())
	}
}

func TestAccessiblePairs(t *testing.T) {
	h := start(t)
	h.answer(t, "Pair a terminal now? [Y/n] ", "")
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pairing code")
	code := h.terminal(t).PairingCode
	if !strings.Contains(h.out.String(), code) {
		t.Fatalf("the terminal's code %q was not printed", code)
	}
	h.answer(t, "Pairing Code: ", code)
	h.answer(t, "Pairing Nickname (optional): ", "Front counter")
	h.answer(t, "Confirm on the virtual terminal now? [y/N] ", "y")
	h.quit(t)
	out := h.out.String()
	ps, err := h.rt.Service.List()
	if err != nil || len(ps) != 1 || ps[0].Status != providers.StatusActive {
		t.Fatalf("pairings %+v, %v", ps, err)
	}
	for _, want := range []string{"Simple Cloud Integration", "Confirmation code: " + ps[0].ConfirmationCode,
		"Check the terminal shows the same code", "Pairing successful", "Pairing ID: " + ps[0].ID, "Pairing Nickname: Front counter"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	creds := h.rt.Sandbox.Info()
	if strings.Contains(out, creds.Credential("sci_api_key")) || strings.Contains(out, creds.Credential("sci_signing_secret_part_a")) {
		t.Error("a credential was printed")
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("accessible output must have no escape sequences")
	}
}

func TestAccessibleCancelUnpairs(t *testing.T) {
	h := start(t)
	h.answer(t, "Pair a terminal now? [Y/n] ", "y")
	h.answer(t, "Start pairing on virtual terminal", "y")
	h.out.waitFor(t, "shows pairing code")
	h.answer(t, "Pairing Code: ", h.terminal(t).PairingCode)
	h.answer(t, "Pairing Nickname (optional): ", "")
	h.answer(t, "Confirm on the virtual terminal now? [y/N] ", "n")
	h.out.waitFor(t, "Waiting for confirmation")
	h.stop() // as ctrl+c would
	if err := h.wait(t); providers.KindOf(err) != providers.KindCanceled {
		t.Fatalf("Run = %v, want a cancelled error", err)
	}
	if !strings.Contains(h.out.String(), "Pairing cancelled") {
		t.Errorf("no cancel message:\n%s", h.out.String())
	}
	for _, p := range h.terminal(t).Pairings {
		if p.Status != "unpaired" {
			t.Errorf("terminal still has %+v after cancel", p)
		}
	}
	if ps, _ := h.rt.Service.List(); len(ps) != 0 {
		t.Errorf("service still lists %+v", ps)
	}
}

func TestAccessibleRejectsBadCode(t *testing.T) {
	h := start(t)
	h.answer(t, "Pair a terminal now? [Y/n] ", "y")
	h.answer(t, "Start pairing on virtual terminal", "n")
	h.reply(t, "Pairing Code: ", "12")
	h.reply(t, "Pairing Code: ", "abc")
	h.reply(t, "Pairing Code: ", "1")
	// Three codes that are not codes fail the pairing, not the session.
	h.expect(t, "What next? p: pair a terminal, q: quit.")
	h.reply(t, "Choice: ", "q")
	if err := h.wait(t); err != nil {
		t.Fatalf("Run = %v, want nil after q at the menu", err)
	}
	out := h.out.String()
	if n := strings.Count(out, "Pairing Code: "); n != 3 {
		t.Errorf("asked %d times, want 3", n)
	}
	// Each refusal is the rule's own sentence, right after the prompt.
	for _, want := range []string{"Pairing Code: The pairing code must be", "Pairing Code: The pairing code must be digits only"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ": :") || strings.Contains(out, "\n: ") {
		t.Errorf("a message starts with an empty provider name:\n%s", out)
	}
}

func TestAccessibleWrongCodeAtFirstQuestionLeadsToMenu(t *testing.T) {
	h := start(t)
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.reply(t, "Start pairing on virtual terminal", "y")
	h.expect(t, "shows pairing code")
	good := h.terminal(t).PairingCode
	wrong := "111111"
	if good == wrong {
		wrong = "222222"
	}
	h.reply(t, "Pairing Code: ", wrong)
	h.reply(t, "Pairing Nickname (optional): ", "")
	h.expect(t, "Error: ")
	h.expect(t, "What next? p: pair a terminal, q: quit.")
	h.reply(t, "Choice: ", "p")
	h.pairSCI(t, "Front counter")
	h.expect(t, "What next? t: test")
	h.reply(t, "Choice: ", "q")
	if err := h.wait(t); err != nil {
		t.Fatalf("Run = %v, want nil: a wrong code must not end the session\n%s", err, h.out.String())
	}
	if ps, err := h.rt.Service.List(); err != nil || len(ps) != 1 || ps[0].Status != providers.StatusActive {
		t.Fatalf("pairings %+v, %v; want one active after pairing again", ps, err)
	}
}

func TestAccessibleInputEndingMidPairingIsNoInput(t *testing.T) {
	h := start(t)
	h.reply(t, "Pair a terminal now? [Y/n] ", "")
	h.reply(t, "Start pairing on virtual terminal", "n")
	h.expect(t, "Pairing Code: ")
	_ = h.in.Close()
	if err := h.wait(t); !errors.Is(err, ErrNoInput) {
		t.Fatalf("Run = %v, want ErrNoInput", err)
	}
	if strings.Contains(h.out.String(), "What next?") {
		t.Errorf("the menu was offered after input ended:\n%s", h.out.String())
	}
}

func TestLineStepsHaveNoPairButton(t *testing.T) {
	for _, d := range registry.All() {
		id := d.ID
		steps := lineSteps(d)
		if len(steps) < 2 {
			t.Fatalf("%s: steps %q", id, steps)
		}
		for _, step := range steps {
			if strings.Contains(strings.ToLower(step), "choose pair") {
				t.Errorf("%s: step %q names a Pair button line mode lacks", id, step)
			}
		}
	}
}

// The confirm window passing is not a network fault: the session says so
// and offers to keep waiting (with another chance to confirm on the
// virtual terminal), and cancels only when the merchant declines.
func TestAccessibleConfirmWindowOffersToKeepWaiting(t *testing.T) {
	h := startApp(t, app.Options{ForceSandbox: true, Sandbox: sandbox.Options{Seed: 3}, ConfirmWindow: 1200 * time.Millisecond}, nil)
	h.reply(t, "Pair a terminal now? [Y/n] ", "y")
	h.reply(t, "Start pairing on virtual terminal", "y")
	h.expect(t, "shows pairing code")
	h.reply(t, "Pairing Code: ", h.terminal(t).PairingCode)
	h.reply(t, "Pairing Nickname (optional): ", "")
	h.reply(t, "Confirm on the virtual terminal now? [y/N] ", "n")
	h.expect(t, "Stopped waiting: The terminal was not confirmed within")
	h.reply(t, "Keep waiting? [y/N] ", "y")
	h.reply(t, "Confirm on the virtual terminal now? [y/N] ", "n")
	h.reply(t, "Keep waiting? [y/N] ", "n")
	h.expect(t, "Pairing cancelled; nothing is left paired on the terminal.")
	h.quit(t)
	out := h.out.String()
	if strings.Contains(out, screens.TextNetwork) {
		t.Errorf("a passed confirm window was reported as a network fault:\n%s", out)
	}
	if ps, _ := h.rt.Service.List(); len(ps) != 0 {
		t.Errorf("service still lists %+v", ps)
	}
	for _, p := range h.terminal(t).Pairings {
		if p.Status != "unpaired" {
			t.Errorf("terminal still has %+v after declining to wait", p)
		}
	}
}
