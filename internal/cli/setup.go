package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// maxCredentialLine caps one line of piped credentials.
const maxCredentialLine = 4096

func newSetupCmd(e *env) *cobra.Command {
	var list strings.Builder
	for _, d := range registry.All() {
		what := "credentials (OS keyring)"
		switch {
		case d.Register != nil && !hasRegisterFields(d):
			what = idLabel(d) + " (records file; no secrets)"
		case hasRegisterFields(d):
			what = "register identity (records file; no secrets)"
		case len(asked(d)) == 0:
			continue // nothing to set up: asked at each pairing
		}
		fmt.Fprintf(&list, "  %-13s %s %s\n", d.ID, d.Short, what)
	}
	cmd := &cobra.Command{
		Use:   "setup PROVIDER",
		Short: "Configure a provider: " + providerChoices(),
		Long: "Configure a provider.\n\n" + list.String() + `
Credentials are never printed. Run 'tillpair setup PROVIDER --help' for
details.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("name a provider: tillpair setup %s", orList(registry.All().IDs()))
			}
			return usagef("unknown provider %q; choose %s (e.g. tillpair setup %s)", args[0], providerChoices(), leadProvider().ID)
		},
	}
	for _, d := range registry.All() {
		switch {
		case hasRegisterFields(d):
			cmd.AddCommand(newSetupRegisterCmd(e, d))
		case d.Register != nil:
			// A generated id alone (Linkly's POS ID): made once.
			cmd.AddCommand(newSetupIDCmd(e, d))
		case len(asked(d)) > 0:
			cmd.AddCommand(newSetupCredentialsCmd(e, d))
		}
	}
	return cmd
}

// hasRegisterFields: the provider knows this register by fields the user
// sets (SmartConnect's names), so its setup is the register's.
func hasRegisterFields(d *providers.Descriptor) bool {
	return d.Register != nil && len(d.Register.Fields) > 0
}

// keyringItem is one credential for storeCredentials.
type keyringItem struct {
	name  string
	value providers.Secret
}

// storeCredentials writes items to the OS keyring in order, logging each
// item's name (never its value), and returns the keyring service for the
// confirmation line. It stops at the first failure.
func (e *env) storeCredentials(items ...keyringItem) (service string, err error) {
	log, closeLog, err := e.openLogger()
	if err != nil {
		return "", err
	}
	defer closeLog()
	kr := keystore.NewKeyring(e.getenv(app.EnvKeyringService))
	for _, item := range items {
		if err := kr.Set(item.name, item.value); err != nil {
			log.Error("setup: keyring write failed", "item", item.name, "err", err)
			return "", err
		}
		log.Info("setup: stored", "item", item.name)
	}
	return kr.Service(), nil
}

// noteStdinUnread tells whoever piped credentials in while the environment
// variables vars supply them that stdin was never read: otherwise "nothing
// needs storing" reads as if the piped values had been taken.
// The exit code stays 0, as documented: the credentials tillpair will use
// are in place.
func (e *env) noteStdinUnread(vars string) {
	if _, tty := e.stdinIsTerminal(); tty || !mayHoldInput(e.stdin) {
		return
	}
	fmt.Fprintf(e.stderr, "Note: stdin was not read, so anything piped in was ignored and nothing was stored in the keyring (the environment is used instead). To store piped values, unset %s and run this again.\n", vars)
}

// mayHoldInput reports whether r may carry piped input, without reading
// it: a pipe's writer may never close, so waiting to find out could hang.
func mayHoldInput(r io.Reader) bool {
	switch r := r.(type) {
	case *os.File:
		fi, err := r.Stat()
		switch {
		case err != nil, fi.Mode()&os.ModeCharDevice != 0: // e.g. </dev/null
			return false
		case fi.Mode().IsRegular():
			return fi.Size() > 0
		}
		return true // a pipe or socket: what may still arrive is unknowable
	case interface{ Len() int }: // an in-memory reader
		return r.Len() > 0
	}
	return true
}

// credentialReader returns a func reading one credential: without echo from
// a terminal, else the next line of stdin; and one reporting piped lines
// left over once all were read (never for a terminal).
// command is the setup command line, to run again; pipeHint says how to
// pipe the credentials, for a missing line.
func (e *env) credentialReader(command, pipeHint string) (read func(label string) (providers.Secret, error), extra func() bool) {
	if fd, ok := e.stdinIsTerminal(); ok {
		return func(label string) (providers.Secret, error) {
			b, err := readHidden(e.ctx, fd, e.stdin, func() { fmt.Fprintf(e.stderr, "%s: ", label) })
			// Nothing typed is echoed, Enter included: end the
			// prompt's line whatever happened.
			fmt.Fprintln(e.stderr)
			switch {
			case err == nil:
				return checkCredential(label, string(b))
			case errors.Is(err, promptInterrupted{}):
				return providers.Secret{}, interrupted(e.ctx)
			case errors.Is(err, io.EOF): // Ctrl-D at an empty prompt
				return providers.Secret{}, withExit(ExitUsage, &userError{err: err, msg: fmt.Sprintf(
					"The input ended (Ctrl-D) before the %s was entered, so nothing was stored. Run `%s` again and paste it.", label, command)})
			case errors.Is(err, tooLongError{}):
				return providers.Secret{}, usagef("the %s is longer than %d bytes, which no credential is; check you pasted only the value", label, maxCredentialLine)
			}
			return providers.Secret{}, fmt.Errorf("reading the %s: %w", label, err)
		}, func() bool { return false }
	}
	p := newPipedLines(e.stdin, pipeHint)
	return p.next, p.extra
}

// promptInterrupted is what awaitInput returns when the context ends
// (Ctrl-C: main turns SIGINT into a cancelled context) before the input
// arrives.
type promptInterrupted struct{}

func (promptInterrupted) Error() string { return "interrupted at the prompt" }

// interrupted is the command's error for a prompt cut short by Ctrl-C:
// exit 1 (README: "unexpected or interrupted"), with nothing stored.
func interrupted(ctx context.Context) error {
	return withExit(ExitUnexpected, &userError{msg: "Cancelled; nothing was stored.", err: context.Cause(ctx)})
}

// awaitInput runs read, which blocks on stdin, and returns its result; or
// promptInterrupted as soon as ctx ends. A read that blocks in the kernel
// cannot be stopped, so it is left behind: the process exits right after.
// An interrupt wins over input that arrived with it, so nothing typed after
// Ctrl-C is ever used.
func awaitInput[T any](ctx context.Context, read func() (T, error)) (T, error) {
	var zero T
	if ctx.Err() != nil {
		return zero, promptInterrupted{}
	}
	type result struct {
		v   T
		err error
	}
	// Buffered: an abandoned read must not block forever on its send.
	got := make(chan result, 1)
	go func() {
		v, err := read()
		got <- result{v, err}
	}()
	select {
	case <-ctx.Done():
		return zero, promptInterrupted{}
	case r := <-got:
		if ctx.Err() != nil {
			return zero, promptInterrupted{}
		}
		return r.v, r.err
	}
}

// tooLongError: a hidden line longer than any credential.
type tooLongError struct{}

func (tooLongError) Error() string { return "too long" }

// readHidden reads one line from the terminal fd (which in reads) without
// echo. Not term.ReadPassword: on Unix it reads past Ctrl-D (a read of 0
// bytes is not an error to it), so an empty prompt could not be left, and
// its own echo restore only runs when its read returns, which an interrupt
// never makes happen. In raw mode the keys arrive as bytes, and
// readHiddenLine gives Ctrl-C and Ctrl-D their usual meaning itself. The
// terminal is restored here, on every way out, before anything is printed.
//
// prompt is printed once echo is off, so nothing typed in answer to it
// (a paste, a script watching for the prompt) can reach the screen.
func readHidden(ctx context.Context, fd int, in io.Reader, prompt func()) ([]byte, error) {
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("setting up the terminal to read without echo: %w", err)
	}
	defer func() { _ = term.Restore(fd, state) }()
	prompt()
	return awaitInput(ctx, func() ([]byte, error) { return readHiddenLine(in) })
}

// Keys as a terminal in raw mode sends them.
const (
	keyCtrlC     = 0x03
	keyCtrlD     = 0x04
	keyBackspace = 0x08
	keyCtrlU     = 0x15
	keyDelete    = 0x7f // what most terminals send for Backspace
)

// readHiddenLine reads one line typed on a terminal in raw mode: Enter ends
// it, Backspace and Ctrl-U edit it, Ctrl-C interrupts, and Ctrl-D on an
// empty line is the end of input (io.EOF). One byte at a time, so the rest
// of a pasted "key\npart A" stays queued for the next prompt.
func readHiddenLine(r io.Reader) ([]byte, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			switch c := b[0]; {
			case c == '\r', c == '\n' && len(line) > 0:
				return line, nil
			case c == '\n': // the LF of a pasted CRLF whose CR ended the last prompt
			case c == keyCtrlC:
				return nil, promptInterrupted{}
			case c == keyCtrlD:
				if len(line) == 0 {
					return nil, io.EOF
				}
			case c == keyBackspace, c == keyDelete:
				if len(line) > 0 {
					_, size := utf8.DecodeLastRune(line)
					line = line[:len(line)-size]
				}
			case c == keyCtrlU:
				line = line[:0]
			default:
				if len(line) == maxCredentialLine {
					return nil, tooLongError{}
				}
				line = append(line, c)
			}
			continue
		}
		if err != nil {
			// A terminal that went away mid-line sent no Enter: nothing
			// half-typed is used.
			return nil, err
		}
	}
}

// warnExtraLines warns, without quoting it, about piped input after the
// credentials: it was ignored, and a user who piped three lines may have
// meant another order. want says what was read.
func warnExtraLines(e *env, extra func() bool, want string) {
	if extra() {
		fmt.Fprintf(e.stderr, "Warning: stdin held more than %s; the rest was ignored and not stored. Check you piped only those, in that order.\n", want)
	}
}

// checkCredential trims outer whitespace (pasting drags newlines) and
// rejects empty values or values with whitespace inside, which no vendor
// credential has. The value never appears in the message.
func checkCredential(label, raw string) (providers.Secret, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return providers.Secret{}, usagef("the %s is empty; paste the value you were given and try again", label)
	}
	if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return providers.Secret{}, usagef("the %s contains whitespace, which it never does; check you pasted only the value and try again", label)
	}
	return providers.NewSecret(v), nil
}
