package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// A prompt waits on a read that cannot be stopped: awaitInput must return
// on the context's end with the read still blocked (stdin is a pipe whose
// writer stays open), and never hand back input that arrives afterwards.
func TestAwaitInputEndsOnCancelWithTheReadStillBlocked(t *testing.T) {
	readLine, w := stdinPipe(t)

	ctx, cancel := context.WithCancel(context.Background())
	type got struct {
		line string
		err  error
	}
	done := make(chan got, 1)
	go func() {
		line, err := awaitInput(ctx, readLine)
		done <- got{line, err}
	}()
	cancel()
	select {
	case g := <-done:
		if !errors.Is(g.err, promptInterrupted{}) || g.line != "" {
			t.Fatalf("after cancel: %q, %v; want promptInterrupted", g.line, g.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("awaitInput still waiting for stdin after the context ended")
	}
	// The abandoned read takes this line; nobody may receive it.
	if _, err := io.WriteString(w, "typed after Ctrl-C\n"); err != nil {
		t.Fatal(err)
	}
}

func TestAwaitInputReturnsTheLineAndPrefersAnInterrupt(t *testing.T) {
	readLine, w := stdinPipe(t)
	if _, err := io.WriteString(w, "first\nsecond\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if line, err := awaitInput(ctx, readLine); err != nil || line != "first\n" {
		t.Fatalf("got %q, %v; want the first line", line, err)
	}
	// Input already waiting does not win over Ctrl-C pressed before it
	// was read: what was typed after it must not be used.
	cancel()
	if line, err := awaitInput(ctx, readLine); !errors.Is(err, promptInterrupted{}) || line != "" {
		t.Fatalf("cancelled with a line waiting: %q, %v; want promptInterrupted", line, err)
	}
}

// The keys of a raw-mode terminal, as readHiddenLine must read them.
func TestReadHiddenLineKeys(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		want        []string // lines, in order
		thenErr     error    // after them
	}{
		{"enter", "abc\r", []string{"abc"}, io.EOF},
		{"pasted LF lines", "key\npartA\n", []string{"key", "partA"}, io.EOF},
		{"pasted CRLF lines", "key\r\npartA\r\n", []string{"key", "partA"}, io.EOF},
		{"backspace and delete", "abx\x7fc\x08d\r", []string{"abd"}, io.EOF},
		{"ctrl-u", "wrong\x15right\r", []string{"right"}, io.EOF},
		{"ctrl-d on an empty line", "\x04abc\r", nil, io.EOF},
		{"ctrl-d after text is ignored", "ab\x04c\r", []string{"abc"}, io.EOF},
		{"ctrl-c", "abc\x03def\r", nil, promptInterrupted{}},
		{"no enter before the end", "abc", nil, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := strings.NewReader(tc.typed)
			for _, want := range tc.want {
				if got, err := readHiddenLine(r); err != nil || string(got) != want {
					t.Fatalf("got %q, %v; want %q", got, err, want)
				}
			}
			if got, err := readHiddenLine(r); !errors.Is(err, tc.thenErr) || got != nil {
				t.Fatalf("then %q, %v; want %v", got, err, tc.thenErr)
			}
		})
	}
	long := strings.NewReader(strings.Repeat("a", maxCredentialLine+1) + "\r")
	if _, err := readHiddenLine(long); !errors.Is(err, tooLongError{}) {
		t.Errorf("overlong line: %v", err)
	}
}

// stdinPipe is stdin as a pipe: a read of one line, and the pipe's
// writer, which stays open until the test ends (so a read can block).
func stdinPipe(t *testing.T) (func() (string, error), *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	rd := bufio.NewReader(r)
	return func() (string, error) { return rd.ReadString('\n') }, w
}
