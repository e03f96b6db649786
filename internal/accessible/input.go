package accessible

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// inputLine is one line read from standard input, or how reading ended.
type inputLine struct {
	text string
	err  error
}

// readLines feeds lines to ask from one goroutine, so a prompt can wait for
// a line and Ctrl-C at once. It reads at most one line ahead, and that line
// goes to the next prompt: no answer is swallowed. The channel is closed
// once input ends, so every later prompt sees the end too.
func readLines(r io.Reader, lines chan<- inputLine, done <-chan struct{}) {
	defer close(lines)
	br := bufio.NewReader(r)
	for {
		text, err := br.ReadString('\n')
		select {
		case lines <- inputLine{text: text, err: err}:
		case <-done:
			return
		}
		if err != nil {
			return
		}
	}
}

// ask prints a prompt and reads one line. Input ending gives ErrNoInput;
// Ctrl-C (ctx) gives a KindCanceled error.
func (s *session) ask(ctx context.Context, prompt string) (string, error) {
	s.printf("%s", prompt)
	if ctx.Err() != nil {
		s.printf("\n")
		return "", s.interrupted(ctx)
	}
	select {
	case <-ctx.Done():
		s.printf("\n")
		return "", s.interrupted(ctx)
	case l, ok := <-s.lines:
		if !ok || l.err != nil && (l.text == "" || !errors.Is(l.err, io.EOF)) {
			s.printf("\n")
			return "", ErrNoInput
		}
		return strings.TrimSpace(l.text), nil
	}
}

func (s *session) interrupted(ctx context.Context) error {
	return &providers.Error{Provider: s.o.Provider, Kind: providers.KindCanceled,
		Message: "Stopped at Ctrl-C.", Err: ctx.Err()}
}

func (s *session) yes(ctx context.Context, prompt string, def bool) (bool, error) {
	a, err := s.ask(ctx, prompt)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(a) {
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}
	return def, nil
}
