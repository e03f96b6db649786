package cli

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/tillpair/tillpair/providers"
)

// pipedLines reads credentials from piped stdin, one a line.
type pipedLines struct {
	br   *bufio.Reader
	hint string // how to pipe the credentials, for a missing line
}

func newPipedLines(r io.Reader, hint string) *pipedLines {
	// The buffer is the longest line accepted: ReadSlice fails past it.
	return &pipedLines{br: bufio.NewReaderSize(io.LimitReader(r, 2*maxCredentialLine), maxCredentialLine), hint: hint}
}

func (p *pipedLines) next(label string) (providers.Secret, error) {
	line, err := p.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return providers.Secret{}, usagef("the %s is longer than %d bytes, which no credential is; check you piped only the value", label, maxCredentialLine)
	case err != nil && !errors.Is(err, io.EOF):
		return providers.Secret{}, usagef("reading the %s from stdin: %v", label, err)
	case err != nil && len(line) == 0:
		return providers.Secret{}, usagef("the %s is missing: %s", label, p.hint)
	}
	return checkCredential(label, string(line))
}

// extra reports input after the lines read that is not blank. It looks only
// at what has already arrived: waiting for the end of input would hang a
// pipe whose writer stays open, and the lines needed are already read.
func (p *pipedLines) extra() bool {
	rest, _ := p.br.Peek(p.br.Buffered())
	return len(bytes.TrimSpace(rest)) > 0
}
