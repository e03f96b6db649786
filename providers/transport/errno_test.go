package transport_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// failingTransport fails every request with err, as a dial would.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// The socket errors are classified by what this OS reports, wrapped the way
// the net package wraps them. Windows reports Winsock codes, which
// syscall.ECONNREFUSED never matches there: WSAECONNREFUSED is 10061,
// WSAECONNRESET 10054 (issue 14). The Windows cases run under Wine in
// scripts/wine.sh.
func TestDoClassifiesThisOSSocketErrors(t *testing.T) {
	refused, reset, sysDial := syscall.ECONNREFUSED, syscall.ECONNRESET, "connect"
	if runtime.GOOS == "windows" {
		refused, reset, sysDial = syscall.Errno(10061), syscall.Errno(10054), "connectex"
	}
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"refused", "connection to 127.0.0.1:9 refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError(sysDial, refused)}},
		{"reset", "connection to 127.0.0.1:9 was closed before a complete answer arrived", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("wsarecv", reset)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := &http.Client{Transport: failingTransport{tc.err}}
			_, err := transport.Do(context.Background(), client, get(t, "http://127.0.0.1:9/"), opts())
			pe := wantKind(t, err, providers.KindNetwork, true)
			if !strings.Contains(pe.Message, tc.want) {
				t.Fatalf("message %q, want %q", pe.Message, tc.want)
			}
		})
	}
}
