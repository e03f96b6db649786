package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
)

func newSandboxCmd(e *env) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the simulated clouds and virtual terminals on loopback",
		Long: `sandbox serves the simulated payment clouds, their virtual terminals and a
JSON control API on a loopback address. It prints one JSON line with the URLs
and the sandbox credentials, then serves until interrupted (Ctrl-C).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(e, listen)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "loopback address to serve on (host:port; port 0 picks a free one)")
	return cmd
}

func runSandbox(e *env, listen string) error {
	if err := checkLoopbackAddr(listen); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if e.g.debug {
		logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	sb := clouds.New(sandbox.Options{Logger: logger})
	if err := sb.Start(listen); err != nil {
		return listenError(listen, err)
	}
	line, err := json.Marshal(sb.Info())
	if err == nil {
		_, err = fmt.Fprintf(e.stdout, "%s\n", line)
	}
	if err != nil {
		_ = sb.Close()
		return fmt.Errorf("printing the sandbox info: %w", err)
	}
	fmt.Fprintln(e.stderr, "tillpair sandbox: serving; press Ctrl-C to stop.")
	<-e.ctx.Done()
	if err := sb.Close(); err != nil {
		return fmt.Errorf("stopping the sandbox: %w", err)
	}
	return nil
}

// listenError explains a failed listen. An address that cannot be served on
// (a port in use, one below 1024 without the right, an address this machine
// lacks) is a setting to change, so it exits 2 (usage), not 1.
func listenError(listen string, err error) error {
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "listen" {
		return fmt.Errorf("starting the sandbox on %s: %w", listen, err)
	}
	_, port, _ := net.SplitHostPort(listen)
	if addrInUse(err) {
		return withExit(ExitUsage, &userError{err: err, msg: fmt.Sprintf(
			"port %s is already in use (another sandbox or another program is listening on it); pick another with --listen 127.0.0.1:PORT, or --listen 127.0.0.1:0 for any free port.", port)})
	}
	return withExit(ExitUsage, &userError{err: err, msg: fmt.Sprintf(
		"cannot serve on %s (%v); pick another address with --listen, e.g. --listen 127.0.0.1:0 for any free port.", listen, oe.Err)})
}

// addrInUse reports whether err is "port in use" as this OS says it
// (errno_*.go).
func addrInUse(err error) bool {
	for _, t := range errAddrInUse {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// checkLoopbackAddr refuses anything but a loopback host:port: the sandbox
// hands out credentials and must never be reachable from the network.
func checkLoopbackAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--listen %q is not host:port (%v); use e.g. 127.0.0.1:8080", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return usagef("--listen %q: port %q is not a number from 0 to 65535", addr, port)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return usagef("--listen %q: the sandbox only serves on loopback (127.0.0.1, ::1 or localhost), never %q", addr, host)
	}
	return nil
}
