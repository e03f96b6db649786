// Package accessible runs tillpair's flows as plain line prompts: no
// redraws, no box drawing, no colour, no spinner, one line per event, so
// screen readers and TERM=dumb terminals can follow it. It uses the same
// pairing service and the same wording as the screens.
//
// A session runs the entry check of its provider's pairing session (live
// where the descriptor says a check is silent, offering to forget one that
// was unpaired elsewhere). Without pairings it asks whether to pair now, as
// it always has; with pairings, and after every pairing made, it shows a
// menu of one-letter choices: test, unpair (or, for providers that unpair
// only on the terminal, the steps for that and forget here), pair another
// terminal, switch provider by typing its name, quit. Each outcome is
// printed as a line, then the menu again. q, Ctrl-C or the end of input at
// the menu ends the session cleanly; the end of input in the middle of a
// pairing is ErrNoInput, and a pairing awaiting confirmation is cancelled
// (unpaired) rather than left half made.
package accessible

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// Terminals drives the sandbox's virtual terminals (app.Terminals
// adapts *sandbox.Sandbox).
type Terminals interface {
	Snapshot() []widgets.TerminalView
	StartPairing(id string) error
	Confirm(id string) error
}

// Options configure Run.
type Options struct {
	Service   *pairing.Service
	Terminals Terminals // nil outside sandbox mode
	Provider  string    // default: the registry's lead provider
	Badge     string
	// Badges are every provider's environment labels, for the question.
	Badges map[string]string
	Notice string
	In     io.Reader
	Out    io.Writer
	// Getenv supplies pair inputs set in the environment
	// (TILLPAIR_LINKLY_PASSWORD); nil: none.
	Getenv func(string) string
}

// ErrNoInput: standard input ended before the flow finished.
var ErrNoInput = errors.New("no more input: the pairing was not made")

type session struct {
	o     Options
	lines <-chan inputLine // one reader for the whole session (input.go)
	out   io.Writer
	// ps is the current provider's pairing session (nil when this runtime
	// has no client for it).
	ps *pairing.Session
}

func (s *session) printf(format string, a ...any) { fmt.Fprintf(s.out, format, a...) }

func (s *session) fail(err error) error {
	w := s.describe(err)
	s.printf("Error: %s\n%s\n", w.Line, w.Next)
	return err
}

// Run checks existing pairings, then asks to pair (when there are none)
// and offers the menu. The returned error is the flow's failure, for the
// exit code.
func Run(ctx context.Context, o Options) error {
	if o.Provider == "" {
		o.Provider = o.Service.Registry()[0].ID
	}
	lines, done := make(chan inputLine), make(chan struct{})
	defer close(done)
	go readLines(o.In, lines, done)
	s := &session{o: o, lines: lines, out: o.Out}
	if err := s.enter(ctx, true); err != nil {
		return err
	}
	if ps, err := s.pairings(); err != nil {
		return s.fail(err)
	} else if len(ps) > 0 {
		return s.menu(ctx)
	}
	for tries := 0; ; {
		others := s.otherProviders()
		if len(others) > 0 && tries == 0 {
			// The provider is chosen at the usual question, so a session
			// that keeps the default answers exactly as before.
			s.printf("Other providers: %s. Type one at the next question to use it instead.\n", strings.Join(others, ", "))
		}
		a, err := s.ask(ctx, "Pair a terminal now? [Y/n] ")
		if err != nil && ctx.Err() != nil {
			return nil // Ctrl-C before anything started
		} else if err != nil {
			return err
		}
		if id, ok := s.matchProvider(a); ok && id != s.o.Provider {
			s.o.Provider, s.o.Badge = id, s.o.Badges[id]
			if err := s.enter(ctx, false); err != nil {
				return err
			}
			if ps, err := s.pairings(); err != nil {
				return s.fail(err)
			} else if len(ps) > 0 {
				return s.menu(ctx)
			}
			continue
		}
		switch strings.ToLower(a) {
		case "n", "no":
			return nil
		case "", "y", "yes":
			// A pairing that failed (wrong code, code used, network) was
			// printed with its next step; the menu offers p to try again,
			// as after a pairing started from the menu.
			if err := s.pair(ctx); interrupted(ctx, err) {
				return err
			}
			return s.menu(ctx)
		}
		if tries++; tries == 3 {
			return ErrNoInput
		}
		s.printf("%q is not an answer here: press enter to pair, type n to stop, or type a provider's name.\n", a)
	}
}

// enter prints the provider's header (and the notice the first time) and
// re-checks its pairings.
func (s *session) enter(ctx context.Context, first bool) error {
	ps, ok := s.o.Service.Session(s.o.Provider)
	if !ok {
		return s.fail(&providers.Error{Provider: s.o.Provider, Kind: providers.KindConfig})
	}
	s.ps = ps
	s.printf("%s — tillpair", ps.Descriptor().Name)
	if s.o.Badge != "" {
		s.printf(" [%s]", s.o.Badge)
	}
	s.printf("\n")
	if first && s.o.Notice != "" {
		s.printf("%s\n", s.o.Notice)
	}
	return s.report(ctx)
}

// report is the entry check, as on the screens: the pairing session
// re-checks the pairings live where the descriptor says a check disturbs
// nobody (SCIPAIRING10); the others are only listed, since their check
// pings the device or runs on the terminal and is only sent when asked
// (t).
func (s *session) report(ctx context.Context) error {
	if s.ps.Descriptor().SilentCheck {
		s.printf("Checking pairings…\n")
	}
	res, err := s.ps.EntryCheck(ctx)
	if err != nil {
		return s.fail(err)
	}
	n := 0
	for _, r := range res {
		n++
		p := r.Pairing
		switch {
		case p.Status == providers.StatusUnpaired || providers.KindOf(r.Err) == providers.KindNotPaired && p.Status != providers.StatusAwaitingConfirmation:
			s.printf("%s: %s\n", wording.DisplayName(p), wording.TextNoActive)
			if err := s.offerForget(ctx, p); err != nil {
				return err
			}
		case r.Err != nil:
			s.printf("%s: %s\n", wording.DisplayName(p), s.describe(r.Err).Line)
		default:
			s.printf("Paired: %s, Pairing ID %s, TID %s, status %s.\n", wording.DisplayName(p), p.ID, orNone(p.TID), p.Status)
			s.printHealth(p)
		}
	}
	if n == 0 {
		s.printf("No pairings yet.\n")
	}
	return nil
}

// printHealth says what the last live check learned about the terminal
// (online, battery, last activity), where its provider reports any.
func (s *session) printHealth(p providers.Pairing) {
	if h := wording.HealthLine(p.Health, s.o.Service.Now()); h != "" {
		s.printf("Terminal: %s.\n", h)
	}
}

// offerForget asks to forget a pairing that is gone remotely, so the
// register can pair again.
func (s *session) offerForget(ctx context.Context, p providers.Pairing) error {
	ok, err := s.yes(ctx, "Forget it here so you can pair again? [Y/n] ", true)
	if err != nil || !ok {
		return err
	}
	if err := s.ps.Forget(ctx, p.ID); err != nil {
		return s.fail(err)
	}
	s.printf("Forgot %s.\n", wording.DisplayName(p))
	return nil
}

// interrupted: err ends the session rather than the flow: input ended in
// the middle of it, or Ctrl-C.
func interrupted(ctx context.Context, err error) bool {
	return errors.Is(err, ErrNoInput) || err != nil && ctx.Err() != nil
}

// message is a local error's own sentence (a code's format rules say what
// is wrong more precisely than the kind's wording), else the wording.
func (s *session) message(err error) string {
	if pe, ok := providers.AsError(err); ok && pe.Message != "" && pe.HTTPStatus == 0 {
		return pe.Message
	}
	return s.describe(err).Line
}

// orNone words a missing value for a screen reader, which would read a
// dash aloud as "em dash".
func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

func (s *session) terminal() (widgets.TerminalView, bool) {
	if s.o.Terminals == nil {
		return widgets.TerminalView{}, false
	}
	for _, v := range s.o.Terminals.Snapshot() {
		if v.Provider == s.o.Provider {
			return v, true
		}
	}
	return widgets.TerminalView{}, false
}

func (s *session) pair(ctx context.Context) error {
	d := s.ps.Descriptor()
	if d.Register != nil {
		// Register fields asked, or a generated id made (ensureRegister).
		if err := s.ensureRegister(ctx); err != nil {
			return err
		}
	}
	s.printf("How to pair:\n")
	for i, step := range lineSteps(d) {
		s.printf("  %d. %s\n", i+1, step)
	}
	if t, ok := s.terminal(); ok && s.ps.TakesCode() {
		question := "Start pairing on virtual terminal %s now? [Y/n] "
		if d.Model == providers.DeviceCode {
			question = "Switch virtual terminal %s to pairing mode now? [Y/n] "
		}
		start, err := s.yes(ctx, fmt.Sprintf(question, t.TID), true)
		if err != nil {
			return err
		}
		if start {
			if err := s.o.Terminals.StartPairing(t.ID); err != nil {
				return s.fail(err)
			}
			if t, ok = s.terminal(); ok && t.PairingCode != "" {
				s.printf("Virtual terminal %s shows %s %s.\n", t.TID, strings.ToLower(codeLabel(d)), t.PairingCode)
			}
		}
	}
	// The pair inputs before the code, as the steps say: the code is
	// the one that expires.
	inputs, err := s.pairInputs(ctx, d)
	if err != nil {
		return err
	}
	var code string
	for tries := 0; s.ps.TakesCode(); tries++ {
		raw, err := s.ask(ctx, codeLabel(d)+": ")
		if err != nil {
			return err
		}
		code, err = s.ps.ValidateCode(raw)
		if err == nil {
			break
		}
		s.printf("%s\n", s.message(err))
		if tries == 2 {
			return err
		}
	}
	nick, err := s.ask(ctx, "Pairing Nickname (optional): ")
	if err != nil {
		return err
	}
	s.printf("Pairing…\n")
	p, err := s.ps.Pair(ctx, pairing.PairInput{Code: code, Nickname: nick, Inputs: inputs})
	if err != nil {
		return s.fail(err)
	}
	if p.Status == providers.StatusAwaitingConfirmation {
		if p, err = s.confirm(ctx, p); err != nil {
			return err
		}
	}
	s.printf("%s\n", justPaired(d))
	fields := [][2]string{{"Pairing Nickname", orNone(p.PairingNickname)}, {label(d.Labels.PairingID, "Pairing ID"), p.ID}}
	if d.Labels.TID != "" {
		fields = append(fields, [2]string{d.Labels.TID, orNone(p.TID)})
	}
	if d.Labels.TerminalNickname != "" {
		fields = append(fields, [2]string{d.Labels.TerminalNickname, orNone(p.TerminalNickname)})
	}
	for _, f := range fields {
		s.printf("%s: %s\n", f[0], f[1])
	}
	if steps := wording.UnpairSteps(d); steps != "" {
		s.printf("%s\n", steps)
	}
	return nil
}

// codeLabel names the code the operator types.
func codeLabel(d *providers.Descriptor) string { return label(d.Code.Label, "Pairing Code") }

func label(l, def string) string {
	if l == "" {
		return def
	}
	return l
}

// justPaired is the success line, without the screens' check mark, which
// a screen reader would read aloud.
func justPaired(d *providers.Descriptor) string {
	return strings.TrimSpace(strings.TrimPrefix(wording.TextsOf(d).JustPaired, "✓"))
}

func (s *session) confirm(ctx context.Context, p providers.Pairing) (providers.Pairing, error) {
	d := s.ps.Descriptor()
	switch {
	case d.Model == providers.CodeFromPOS:
		s.printf("%s: %s\n", label(d.Labels.Confirmation, "Code"), p.ConfirmationCode)
		if !p.ExpiresAt.IsZero() {
			// In words what the screen's countdown shows.
			mins := int(time.Until(p.ExpiresAt).Round(time.Minute) / time.Minute)
			s.printf("It expires at %s, in about %d minutes.\n", p.ExpiresAt.Local().Format("15:04"), max(mins, 0))
		}
		s.printf("%s\n", strings.Join(d.WaitingSteps(), " "))
	case p.ConfirmationCode != "":
		s.printf("Confirmation code: %s\n", p.ConfirmationCode)
		s.printf("Check the terminal shows the same code, then confirm on the terminal.\n")
	default:
		s.printf("%s\n", label(strings.Join(d.WaitingSteps(), " "), "Waiting for the terminal to confirm the pairing."))
	}
	for {
		// A code the register shows is typed on the terminal (the
		// sandbox's sign-in), not confirmed there: no confirm offer.
		if t, ok := s.terminal(); ok && d.Model != providers.CodeFromPOS {
			now, err := s.yes(ctx, "Confirm on the virtual terminal now? [y/N] ", false)
			if err != nil {
				return p, s.cancel(p, err)
			}
			if now {
				if err := s.o.Terminals.Confirm(t.ID); err != nil {
					return p, s.fail(err)
				}
			}
		}
		got, err := s.await(ctx, p)
		if err == nil {
			return got, nil
		}
		if providers.KindOf(err) != providers.KindTimeout {
			return p, s.cancel(p, err)
		}
		// The confirm window passed: as on the screen, the merchant
		// chooses to keep waiting or to cancel. It is not a network fault.
		line := "Not confirmed in time."
		if pe, ok := providers.AsError(err); ok && pe.Message != "" {
			line = pe.Message
		}
		s.printf("Stopped waiting: %s\n", line)
		again, yerr := s.yes(ctx, "Keep waiting? [y/N] ", false)
		if yerr != nil {
			return p, s.cancel(p, yerr)
		}
		if !again {
			return p, s.cancel(p, errNotConfirmed{err})
		}
	}
}

// await waits for the confirmation, with progress a screen reader can follow.
func (s *session) await(ctx context.Context, p providers.Pairing) (providers.Pairing, error) {
	s.printf("Waiting for confirmation on the terminal…\n")
	lastLine := time.Duration(-1)
	return s.ps.Await(ctx, func(ev pairing.Event) {
		switch ev.Type {
		case pairing.EventNetworkWarning:
			s.printf("Warning: %s\n", s.describe(ev.Err).Line)
		case pairing.EventWaiting:
			// A line every 10 s is progress without flooding a screen reader.
			if step := ev.Elapsed.Truncate(10 * time.Second); step > lastLine {
				lastLine = step
				s.printf("Still waiting (%02d:%02d)\n", int(ev.Elapsed.Minutes()), int(ev.Elapsed.Seconds())%60)
			}
		}
	})
}

// errNotConfirmed is the confirm window passing with the merchant choosing
// not to wait longer: already explained, so cancel does not word it again.
type errNotConfirmed struct{ error }

func (e errNotConfirmed) Unwrap() error { return e.error }

// cancel unpairs a pairing that was not confirmed, so none is left half
// made (SCIPAIRING07; the session's Abandon, bounded by
// pairing.CancelTimeout even after Ctrl-C), and reports why.
func (s *session) cancel(_ providers.Pairing, cause error) error {
	if err := s.ps.Abandon(context.Background()); err != nil {
		s.printf("Cancelling the pairing failed too.\n")
		return s.fail(errors.Join(cause, err))
	}
	s.printf("Pairing cancelled; nothing is left paired on the terminal.\n")
	var nc errNotConfirmed
	if errors.Is(cause, ErrNoInput) || errors.As(cause, &nc) {
		return cause
	}
	return s.fail(cause)
}
