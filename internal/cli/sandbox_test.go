package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

func TestSandboxCommandServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr syncbuf.Buffer
	exit := make(chan int, 1)
	go func() {
		code := Execute(ctx, Build{}, []string{"sandbox", "--listen", "127.0.0.1:0"}, strings.NewReader(""), outW, &stderr)
		outW.Close()
		exit <- code
	}()

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(10 * time.Second):
		t.Fatal("no JSON line on stdout")
	}
	var info sandbox.Info
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		t.Fatalf("line %q is not Info: %v", line, err)
	}
	if !strings.HasPrefix(info.ControlURL(), "http://127.0.0.1:") || !strings.HasSuffix(info.URL("sci_pairing_url"), "/sci-pairing") ||
		!strings.HasPrefix(info.Credential("sci_api_key"), "test_pak_") || info.Credential("sci_signing_secret_part_a") == "" {
		t.Fatalf("info = %+v", info)
	}

	// It really serves: the control API lists the SCI terminal.
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(info.ControlURL() + "/terminals")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"provider":"sci"`) {
		t.Fatalf("GET /control/terminals = %d %s", res.StatusCode, body)
	}

	cancel()
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Fatalf("exit code %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop after the context was cancelled")
	}
	if extra, ok := <-lines; ok {
		t.Fatalf("more than one line on stdout: %q", extra)
	}
	if _, err := client.Get(info.ControlURL() + "/terminals"); err == nil {
		t.Fatal("still serving after exit")
	}
}

func TestSandboxCommandRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", "192.168.1.10:0", ":8080", "example.com:80", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000"} {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), Build{}, []string{"sandbox", "--listen", addr}, strings.NewReader(""), &stdout, &stderr)
		if code != ExitUsage || stdout.Len() != 0 || !strings.Contains(stderr.String(), "--listen") {
			t.Errorf("--listen %s: exit %d, stdout %q, stderr %q", addr, code, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // already cancelled: starts, prints, stops at once
	if code := Execute(ctx, Build{}, []string{"sandbox", "--listen", "[::1]:0"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK && !strings.Contains(stderr.String(), "listen") {
		t.Errorf("--listen [::1]:0: exit %d, stderr %q", code, stderr.String())
	}
}

// A port already taken is a setting to change: exit 2, naming the port and
// what to pass instead.
func TestSandboxCommandPortInUseIsUsage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	var stdout, stderr bytes.Buffer
	code := Execute(context.Background(), Build{}, []string{"sandbox", "--listen", ln.Addr().String()}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitUsage || stdout.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q; want %d", code, stdout.String(), stderr.String(), ExitUsage)
	}
	for _, want := range []string{"port " + port + " is already in use", "--listen 127.0.0.1:0"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %q", want, stderr.String())
		}
	}
}

// "Port in use" is recognised as this OS reports it, wrapped the way the net
// package wraps it: on Windows the Winsock WSAEADDRINUSE (10048), which
// syscall.EADDRINUSE never matches there (issue 14; run under Wine by
// scripts/wine.sh).
func TestListenErrorRecognisesThisOSPortInUse(t *testing.T) {
	inUse := error(syscall.EADDRINUSE)
	if runtime.GOOS == "windows" {
		inUse = syscall.Errno(10048)
	}
	err := listenError("127.0.0.1:8080", &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", inUse)})
	if !strings.Contains(err.Error(), "port 8080 is already in use") || exitCode(err) != ExitUsage {
		t.Fatalf("listenError = %v (exit %d), want port 8080 in use, exit %d", err, exitCode(err), ExitUsage)
	}
}
