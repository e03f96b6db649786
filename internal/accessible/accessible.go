// Package accessible runs tillpair's flows as plain line prompts: no
// redraws, no box drawing, no colour, no spinner, one line per event, so
// screen readers and TERM=dumb terminals can follow it. It uses the same
// pairing service and the same wording as the screens.
//
// A session re-checks its SCI pairings on entry (offering to forget one that
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
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
	"github.com/tillpair/tillpair/ui"
)

// Options configure Run.
type Options struct {
	Service   ui.Service
	Terminals ui.Terminals // nil outside sandbox mode
	Provider  string       // default providers.SCI
	Badge     string
	// Badges are every provider's environment labels, for the question.
	Badges map[string]string
	Notice string
	In     io.Reader
	Out    io.Writer
}

// ErrNoInput: standard input ended before the flow finished.
var ErrNoInput = errors.New("no more input: the pairing was not made")

type session struct {
	o     Options
	lines <-chan inputLine // one reader for the whole session (input.go)
	out   io.Writer
}

func (s *session) printf(format string, a ...any) { fmt.Fprintf(s.out, format, a...) }

func (s *session) fail(err error) error {
	w := screens.Describe(err)
	s.printf("Error: %s\n%s\n", w.Line, w.Next)
	return err
}

// Run checks existing pairings, then asks to pair (when there are none)
// and offers the menu. The returned error is the flow's failure, for the
// exit code.
func Run(ctx context.Context, o Options) error {
	if o.Provider == "" {
		o.Provider = providers.SCI
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
	if _, ok := s.o.Service.Provider(s.o.Provider); !ok {
		return s.fail(&providers.Error{Provider: s.o.Provider, Kind: providers.KindConfig})
	}
	s.printf("%s — tillpair", screens.ProductName(s.o.Provider))
	if s.o.Badge != "" {
		s.printf(" [%s]", s.o.Badge)
	}
	s.printf("\n")
	if first && s.o.Notice != "" {
		s.printf("%s\n", s.o.Notice)
	}
	return s.report(ctx)
}

// report is the entry check, as on the screens: SCI pairings re-checked
// live (SCIPAIRING10); Helcim and SmartConnect ones only listed, since
// their check pings the device or runs on the terminal and is only sent
// when asked (t).
func (s *session) report(ctx context.Context) error {
	mine := func(p providers.Pairing) bool { return p.Provider == s.o.Provider }
	var res []pairing.CheckResult
	var err error
	if s.o.Provider == providers.SCI {
		s.printf("Checking pairings…\n")
		res, err = s.o.Service.RefreshWhere(ctx, mine)
	} else {
		var ps []providers.Pairing
		ps, err = s.o.Service.List()
		for _, p := range ps {
			if mine(p) {
				res = append(res, pairing.CheckResult{Pairing: p})
			}
		}
	}
	if err != nil {
		return s.fail(err)
	}
	n := 0
	for _, r := range res {
		n++
		p := r.Pairing
		switch {
		case p.Status == providers.StatusUnpaired || providers.KindOf(r.Err) == providers.KindNotPaired && p.Status != providers.StatusAwaitingConfirmation:
			s.printf("%s: %s\n", screens.DisplayName(p), screens.TextNoActive)
			if err := s.offerForget(ctx, p); err != nil {
				return err
			}
		case r.Err != nil:
			s.printf("%s: %s\n", screens.DisplayName(p), screens.Describe(r.Err).Line)
		default:
			s.printf("Paired: %s, Pairing ID %s, TID %s, status %s.\n", screens.DisplayName(p), p.ID, orNone(p.TID), p.Status)
		}
	}
	if n == 0 {
		s.printf("No pairings yet.\n")
	}
	return nil
}

// offerForget asks to forget a pairing that is gone remotely, so the
// register can pair again.
func (s *session) offerForget(ctx context.Context, p providers.Pairing) error {
	ok, err := s.yes(ctx, "Forget it here so you can pair again? [Y/n] ", true)
	if err != nil || !ok {
		return err
	}
	if err := s.o.Service.Forget(ctx, p.ID); err != nil {
		return s.fail(err)
	}
	s.printf("Forgot %s.\n", screens.DisplayName(p))
	return nil
}

// interrupted: err ends the session rather than the flow: input ended in
// the middle of it, or Ctrl-C.
func interrupted(ctx context.Context, err error) bool {
	return errors.Is(err, ErrNoInput) || err != nil && ctx.Err() != nil
}

// message is a local error's own sentence (a code's format rules say what
// is wrong more precisely than the kind's wording), else the wording.
func message(err error) string {
	if pe, ok := providers.AsError(err); ok && pe.Message != "" && pe.HTTPStatus == 0 {
		return pe.Message
	}
	return screens.Describe(err).Line
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
	prov, _ := s.o.Service.Provider(s.o.Provider)
	caps := prov.Capabilities()
	if s.o.Provider == providers.SmartConnect {
		if err := s.ensureRegister(ctx); err != nil {
			return err
		}
	}
	s.printf("How to pair:\n")
	for i, step := range lineSteps(s.o.Provider) {
		s.printf("  %d. %s\n", i+1, step)
	}
	if t, ok := s.terminal(); ok {
		question := "Start pairing on virtual terminal %s now? [Y/n] "
		if s.o.Provider == providers.Helcim {
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
				s.printf("Virtual terminal %s shows %s %s.\n", t.TID, strings.ToLower(caps.Code.Label), t.PairingCode)
			}
		}
	}
	label := caps.Code.Label
	if label == "" {
		label = "Pairing Code"
	}
	var code string
	for tries := 0; ; tries++ {
		raw, err := s.ask(ctx, label+": ")
		if err != nil {
			return err
		}
		code, err = pairing.NormalizeCode(caps.Code, raw)
		if err == nil {
			break
		}
		// Stamped as the service stamps its own, so the error returned
		// names the provider ("sci pair: …") rather than starting ": ".
		err = pairing.Stamp(err, s.o.Provider, providers.OpPair)
		s.printf("%s\n", message(err))
		if tries == 2 {
			return err
		}
	}
	nick, err := s.ask(ctx, "Pairing Nickname (optional): ")
	if err != nil {
		return err
	}
	s.printf("Pairing…\n")
	p, err := s.o.Service.Pair(ctx, pairing.PairInput{Provider: s.o.Provider, Code: code, Nickname: nick})
	if err != nil {
		return s.fail(err)
	}
	if p.Status == providers.StatusAwaitingConfirmation {
		if p, err = s.confirm(ctx, p); err != nil {
			return err
		}
	}
	switch s.o.Provider {
	case providers.Helcim:
		s.printf("Paired. Check the terminal screen for the ping message.\nDevice Code: %s\nPairing Nickname: %s\n%s\n",
			p.ID, orNone(p.PairingNickname), screens.UnpairSteps(providers.Helcim))
	case providers.SmartConnect:
		s.printf("Paired: this register is paired with the terminal.\nRegister ID: %s\nPairing Nickname: %s\n%s\n",
			p.ID, orNone(p.PairingNickname), screens.UnpairSteps(providers.SmartConnect))
	default:
		s.printf("Pairing successful.\nPairing Nickname: %s\nPairing ID: %s\nTID: %s\nTerminal Nickname: %s\n",
			orNone(p.PairingNickname), p.ID, orNone(p.TID), orNone(p.TerminalNickname))
	}
	return nil
}

func (s *session) confirm(ctx context.Context, p providers.Pairing) (providers.Pairing, error) {
	s.printf("Confirmation code: %s\n", p.ConfirmationCode)
	s.printf("Check the terminal shows the same code, then confirm on the terminal.\n")
	for {
		if t, ok := s.terminal(); ok {
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
	return s.o.Service.AwaitConfirmation(ctx, p.ID, func(ev pairing.Event) {
		switch ev.Type {
		case pairing.EventNetworkWarning:
			s.printf("Warning: %s\n", screens.Describe(ev.Err).Line)
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
// made (SCIPAIRING07), and reports why.
func (s *session) cancel(p providers.Pairing, cause error) error {
	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if err := s.o.Service.Cancel(ctx, p.ID); err != nil {
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
