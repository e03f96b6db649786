package accessible

import (
	"context"
	"fmt"

	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// The menu's actions on one pairing: the paired screen's t, u and f.

// test checks a pairing live and prints the outcome; a pairing found
// unpaired elsewhere is offered for forgetting, as on entry.
func (s *session) test(ctx context.Context, p providers.Pairing) error {
	s.printf("%s: %s\n", wording.DisplayName(p), wording.TextsOf(s.descriptor(p.Provider)).Testing)
	got, err := s.ps.Test(ctx, p.ID)
	if err != nil {
		_ = s.fail(err)
		if providers.KindOf(err) == providers.KindNotPaired && p.Status != providers.StatusAwaitingConfirmation {
			if ferr := s.offerForget(ctx, p); ferr != nil {
				return ferr
			}
		}
		return err
	}
	s.printf("%s\n", s.testedLine(got))
	s.printHealth(got)
	return nil
}

// testedLine is a successful Test's outcome, in the paired screen's words.
func (s *session) testedLine(p providers.Pairing) string {
	name := wording.DisplayName(p)
	if p.Status != providers.StatusActive {
		return fmt.Sprintf("%s is not active yet: its status is %s.", name, p.Status)
	}
	return fmt.Sprintf("%s: %s.", name, wording.Tested(s.descriptor(p.Provider), p.CheckedAt))
}

// unpair unpairs through the cloud after asking. Where the cloud has no
// unpair (SmartConnect, Helcim) the service says so and the screens'
// wording gives the steps on the terminal; nothing is asked or changed.
func (s *session) unpair(ctx context.Context, p providers.Pairing) error {
	name := wording.DisplayName(p)
	if !s.remoteUnpair() {
		err := s.ps.Unpair(ctx, p.ID)
		if providers.KindOf(err) != providers.KindUnpairOnTerminal {
			return s.fail(err)
		}
		w := s.describe(err)
		s.printf("%s.\n%s\n", w.Line, w.Next)
		return nil
	}
	ok, err := s.yes(ctx, fmt.Sprintf("Unpair %s? [y/N] ", name), false)
	if err != nil {
		return err
	}
	if !ok {
		s.printf("Kept %s.\n", name)
		return nil
	}
	s.printf("Unpairing %s…\n", name)
	if err := s.ps.Unpair(ctx, p.ID); err != nil {
		return s.fail(err)
	}
	s.printf("Unpaired %s.\n", name)
	return nil
}

// forget removes a pairing on this register only, after saying where it
// must be ended on the terminal, as the paired screen does.
func (s *session) forget(ctx context.Context, p providers.Pairing) error {
	name := wording.DisplayName(p)
	if steps := wording.UnpairSteps(s.descriptor(p.Provider)); steps != "" {
		s.printf("%s\n", steps)
	}
	ok, err := s.yes(ctx, fmt.Sprintf("Forget \"%s\" on this register? [y/N] ", name), false)
	if err != nil {
		return err
	}
	if !ok {
		s.printf("Kept %s.\n", name)
		return nil
	}
	if err := s.ps.Forget(ctx, p.ID); err != nil {
		return s.fail(err)
	}
	s.printf("Forgot %s.\n", name)
	return nil
}
