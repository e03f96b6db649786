package accessible

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// maxBadAnswers ends a session whose answers are never options (a script
// typing into the wrong program), as the pairing question does.
const maxBadAnswers = 3

var (
	// errBack: staff pressed enter at "Which pairing?"; back to the menu.
	errBack = errors.New("back to the menu")
	// errTooMany: three answers in a row that are not options.
	errTooMany = errors.New("too many answers that are not options")
)

// choice is one answer at the menu.
type choice struct {
	verb     string // p, t, u, f or q; "" when switching provider
	provider string // the provider to switch to
	arg      string // the pairing's number typed after the verb ("t 2")
}

// verb maps what may be typed to a menu letter ("" for none); whole words
// are accepted too, since screen reader users often type what they heard.
func verb(word string) string {
	switch word {
	case "p", "pair":
		return "p"
	case "t", "test":
		return "t"
	case "u", "unpair":
		return "u"
	case "f", "forget":
		return "f"
	case "q", "quit":
		return "q"
	}
	return ""
}

// pairings are the current provider's pairings, oldest first: the menu's
// numbering.
func (s *session) pairings() ([]providers.Pairing, error) { return s.ps.Pairings() }

// remoteUnpair: the register can unpair through the cloud (the
// descriptor's RemoteUnpair). The others are unpaired on the terminal,
// then forgotten here; the paired screen decides the same way.
func (s *session) remoteUnpair() bool { return s.ps.Descriptor().RemoteUnpair }

func (s *session) options(ps []providers.Pairing) []string {
	if len(ps) == 0 {
		return []string{"p: pair a terminal", "q: quit"}
	}
	opts := []string{"t: test"}
	if s.remoteUnpair() {
		opts = append(opts, "u: unpair")
	} else {
		opts = append(opts, "u: how to unpair", "f: "+wording.TextsOf(s.ps.Descriptor()).ForgetHelp)
	}
	return append(opts, "p: pair another terminal", "q: quit")
}

// showMenu prints the choices in at most two lines, after the numbered
// pairings when there are several: a screen reader reads them at once, and
// no line is redrawn.
func (s *session) showMenu(ps []providers.Pairing) {
	line := "What next? " + strings.Join(s.options(ps), ", ") + "."
	if len(ps) > 1 {
		// The numbers the menu asks for, where they are asked for.
		labels := make([]string, len(ps))
		for i := range ps {
			labels[i] = fmt.Sprintf("%d. %s", i+1, pairingLabel(ps, i))
		}
		s.printf("Pairings: %s.\n", strings.Join(labels, ", "))
		line += " Add a pairing's number to pick it, as in t 2."
	}
	s.printf("%s\n", line)
	var others []string
	for _, p := range s.o.Service.Providers() {
		if p.ID() != s.o.Provider {
			others = append(others, p.ID())
		}
	}
	if len(others) > 0 {
		// Ids only: the menu comes back after every action, and the header
		// already named the products.
		s.printf("To switch provider, type %s.\n", orList(others))
	}
}

// parse reads an answer at the menu; ok is false when it is not one of the
// options shown.
func (s *session) parse(a string, ps []providers.Pairing) (choice, bool) {
	if id, ok := s.matchProvider(a); ok {
		return choice{provider: id}, true
	}
	f := strings.Fields(strings.ToLower(a))
	if len(f) == 0 || len(f) > 2 {
		return choice{}, false
	}
	c := choice{verb: verb(f[0])}
	if len(f) == 2 {
		c.arg = f[1]
	}
	switch c.verb {
	case "t", "u":
		return c, len(ps) > 0
	case "f":
		return c, len(ps) > 0 && !s.remoteUnpair()
	case "p", "q":
		return c, c.arg == ""
	}
	return choice{}, false
}

// menu offers the flows the paired screen offers, one line each, until q,
// Ctrl-C or the end of input. Only a failure that interrupts a flow (input
// ending mid-pairing, Ctrl-C during a request) ends it with an error;
// other failures are printed and the menu comes back, as the TUI's error
// screen leads back to the pairings.
func (s *session) menu(ctx context.Context) error {
	for bad := 0; ; {
		ps, err := s.pairings()
		if err != nil {
			return s.fail(err)
		}
		s.showMenu(ps)
		a, err := s.ask(ctx, "Choice: ")
		if err != nil {
			return nil // nothing is half done at the menu
		}
		if a == "" {
			continue // enter alone hears the options again
		}
		c, ok := s.parse(a, ps)
		if !ok {
			if bad++; bad == maxBadAnswers {
				s.printf("%q is not an option either; stopping after %d answers that are not options.\n", a, maxBadAnswers)
				return ErrNoInput
			}
			s.printf("%q is not an option.\n", a)
			continue
		}
		bad = 0
		if c.verb == "q" {
			return nil
		}
		err = s.do(ctx, c, ps)
		switch {
		case errors.Is(err, errTooMany):
			return ErrNoInput
		case c.verb == "p" && interrupted(ctx, err):
			return err // input ended in the middle of pairing, or Ctrl-C
		case errors.Is(err, ErrNoInput):
			return nil // ended at a question about a pairing: nothing was changed
		case err != nil && ctx.Err() != nil:
			return err
		}
	}
}

// do carries out one choice and prints its outcome.
func (s *session) do(ctx context.Context, c choice, ps []providers.Pairing) error {
	switch {
	case c.provider == s.o.Provider:
		s.printf("Already using %s.\n", s.descriptor(c.provider).Name)
		return nil
	case c.provider != "":
		s.o.Provider, s.o.Badge = c.provider, s.o.Badges[c.provider]
		return s.enter(ctx, false)
	case c.verb == "p":
		return s.pair(ctx)
	}
	p, err := s.pick(ctx, ps, c.arg)
	if errors.Is(err, errBack) {
		return nil
	}
	if err != nil {
		return err
	}
	switch c.verb {
	case "t":
		return s.test(ctx, p)
	case "u":
		return s.unpair(ctx, p)
	default:
		return s.forget(ctx, p)
	}
}

// pick is the pairing a choice acts on: the only one, the number typed
// with the letter, or the one staff name by number when asked.
func (s *session) pick(ctx context.Context, ps []providers.Pairing, arg string) (providers.Pairing, error) {
	if p, ok := byNumber(ps, arg); ok {
		return p, nil
	}
	if arg == "" && len(ps) == 1 {
		return ps[0], nil
	}
	if arg != "" {
		s.printf("There is no pairing %s.\n", arg)
	}
	for i := range ps {
		s.printf("%d. %s\n", i+1, pairingLabel(ps, i))
	}
	for tries := 0; ; {
		a, err := s.ask(ctx, fmt.Sprintf("Which pairing? Type its number, 1 to %d, or press enter to go back: ", len(ps)))
		if err != nil {
			return providers.Pairing{}, err
		}
		if a == "" {
			return providers.Pairing{}, errBack
		}
		if p, ok := byNumber(ps, a); ok {
			return p, nil
		}
		if tries++; tries == maxBadAnswers {
			s.printf("%q is not a pairing's number either; stopping after %d answers that are not options.\n", a, maxBadAnswers)
			return providers.Pairing{}, errTooMany
		}
		s.printf("%q is not a pairing's number: type a number from 1 to %d.\n", a, len(ps))
	}
}

// orList is "a", "a or b", "a, b or c".
func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func byNumber(ps []providers.Pairing, a string) (providers.Pairing, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil || n < 1 || n > len(ps) {
		return providers.Pairing{}, false
	}
	return ps[n-1], true
}

// pairingLabel names ps[i] so that staff can tell it from the others in
// ps: its name and TID ("Bar (TID 12345678)"); when another pairing has
// the same name and TID (or there is no TID), also the start of its
// Pairing ID, as long as it takes to be unique ("Bar (TID 12345678,
// Pairing ID pid_0c1d2e3f…)"). Without a nickname the name is the ID.
func pairingLabel(ps []providers.Pairing, i int) string {
	p := ps[i]
	name := wording.DisplayName(p)
	var tags []string
	if p.TID != "" {
		tags = append(tags, "TID "+p.TID)
	}
	twin := false
	for j, o := range ps {
		twin = twin || j != i && wording.DisplayName(o) == name && o.TID == p.TID
	}
	if name != p.ID && (twin || p.TID == "") {
		tags = append(tags, "Pairing ID "+shortID(ps, i))
	}
	if len(tags) == 0 {
		return name
	}
	return name + " (" + strings.Join(tags, ", ") + ")"
}

// minShortID keeps a shortened ID long enough to read back: SCI's start
// with "pid_", so fewer characters would say nothing.
const minShortID = 12

// shortID is the start of ps[i]'s ID that no other ID in ps starts with
// (with "…" when cut), or the whole ID: a UUID read aloud in full is long.
func shortID(ps []providers.Pairing, i int) string {
	id := []rune(ps[i].ID)
	for n := minShortID; n < len(id); n++ {
		prefix, unique := string(id[:n]), true
		for j, o := range ps {
			unique = unique && (j == i || !strings.HasPrefix(o.ID, prefix))
		}
		if unique {
			return prefix + "…"
		}
	}
	return string(id)
}
