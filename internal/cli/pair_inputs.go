package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// pairInputsHelp is the pair help's paragraph on the pair inputs of every
// provider that asks for some (Linkly's username and password).
func pairInputsHelp(reg providers.Registry) string {
	var b strings.Builder
	for _, d := range reg {
		if len(d.PairInputs) == 0 {
			continue
		}
		var labels, envs []string
		for _, c := range d.PairInputs {
			l := c.Label
			if c.Secret {
				l += " (without echo)"
			}
			labels = append(labels, l)
			envs = append(envs, c.Env())
		}
		b.WriteString(wrap(fmt.Sprintf("%s also asks, at every pairing, for the %s, or reads %s; with stdin not a terminal it reads the ones not set from stdin, one a line, in that order. They are used for that pairing only: never stored, printed or logged.",
			d.Short, strings.Join(labels, " and "), strings.Join(envs, " and ")), helpColumns) + "\n\n")
	}
	return b.String()
}

// pairInputs gets d's pair inputs for one pairing: each from its
// environment variable, else asked on the terminal (a secret without
// echo), else the next line of piped stdin. The values are never echoed,
// stored or quoted in a message.
func (e *env) pairInputs(d *providers.Descriptor) (map[string]providers.Secret, error) {
	if len(d.PairInputs) == 0 {
		return nil, nil
	}
	out := map[string]providers.Secret{}
	var ask []providers.Credential
	for _, c := range d.PairInputs {
		if v := strings.TrimSpace(e.getenv(c.Env())); v != "" {
			out[c.Name] = providers.NewSecret(v)
		} else {
			ask = append(ask, c)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	var envs []string
	for _, c := range ask {
		envs = append(envs, c.Env())
	}
	hint := "set " + strings.Join(envs, " and ") + ", or pipe them one a line"
	fd, tty := e.stdinIsTerminal()
	var rd *bufio.Reader
	if !tty {
		rd = bufio.NewReaderSize(io.LimitReader(e.stdin, int64(len(ask))*(maxCredentialLine+2)), maxCredentialLine+2)
	}
	for _, c := range ask {
		var raw string
		var err error
		switch {
		case tty && c.Secret:
			var b []byte
			b, err = readHidden(e.ctx, fd, e.stdin, func() { fmt.Fprintf(e.stderr, "%s: ", c.Label) })
			fmt.Fprintln(e.stderr)
			raw = string(b)
		case tty:
			if rd == nil {
				rd = bufio.NewReaderSize(e.stdin, maxCredentialLine+2)
			}
			fmt.Fprintf(e.stderr, "%s: ", c.Label)
			raw, err = awaitInput(e.ctx, func() (string, error) { return rd.ReadString('\n') })
			if errors.Is(err, io.EOF) && raw != "" {
				err = nil
			}
		default:
			raw, err = rd.ReadString('\n')
			if errors.Is(err, io.EOF) && raw != "" {
				err = nil
			}
		}
		switch {
		case errors.Is(err, promptInterrupted{}):
			return nil, withExit(ExitUnexpected, &userError{msg: "Cancelled; nothing was sent.", err: err})
		case errors.Is(err, io.EOF):
			return nil, usagef("the %s is missing: %s", c.Label, hint)
		case errors.Is(err, tooLongError{}), len(raw) > maxCredentialLine:
			return nil, usagef("the %s is longer than %d bytes; check you gave only the value", c.Label, maxCredentialLine)
		case err != nil:
			return nil, fmt.Errorf("reading the %s: %w", c.Label, err)
		}
		v := strings.TrimRight(raw, "\r\n")
		if !c.Secret {
			v = strings.TrimSpace(v)
		}
		if v == "" {
			return nil, usagef("the %s is empty: %s", c.Label, hint)
		}
		out[c.Name] = providers.NewSecret(v)
	}
	return out, nil
}
