package accessible

import (
	"context"
	"os"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// pairInputs asks for the descriptor's pair inputs (Linkly's username and
// password), each taken from its environment variable when set. A secret
// is typed without echo where the terminal allows it. The values are for
// this one pairing: never printed, stored or kept.
func (s *session) pairInputs(ctx context.Context, d *providers.Descriptor) (map[string]providers.Secret, error) {
	if len(d.PairInputs) == 0 {
		return nil, nil
	}
	out := map[string]providers.Secret{}
	for _, c := range d.PairInputs {
		if s.o.Getenv != nil {
			if v := strings.TrimSpace(s.o.Getenv(c.Env())); v != "" {
				s.printf("%s: taken from %s.\n", c.Label, c.Env())
				out[c.Name] = providers.NewSecret(v)
				continue
			}
		}
		for tries := 0; ; tries++ {
			v, err := s.askInput(ctx, c)
			if err != nil {
				return nil, err
			}
			if v != "" {
				out[c.Name] = providers.NewSecret(v)
				break
			}
			s.printf("The %s is needed to pair.\n", c.Label)
			if tries == 2 {
				return nil, ErrNoInput
			}
		}
	}
	return out, nil
}

// askInput asks for one pair input; a secret with echo off when standard
// input is a terminal that allows it, else with a warning that it shows.
func (s *session) askInput(ctx context.Context, c providers.Credential) (string, error) {
	if !c.Secret {
		return s.ask(ctx, c.Label+": ")
	}
	f, ok := s.o.In.(*os.File)
	if !ok {
		return s.ask(ctx, c.Label+": ")
	}
	restore, hidden := echoOff(f)
	if !hidden {
		return s.ask(ctx, c.Label+" (shown as you type; set "+c.Env()+" to avoid that): ")
	}
	defer restore()
	v, err := s.ask(ctx, c.Label+" (not shown as you type): ")
	if !echoEndsLine {
		s.printf("\n") // the hidden Enter did not end the line on screen
	}
	return v, err
}
