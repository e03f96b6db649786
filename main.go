// Command tillpair pairs this register with a cloud-connected payment
// terminal (mx51 SCI, Smartpay SmartConnect, Helcim). main only wires: the
// commands live in package cli.
package main

import (
	"context"
	"os"

	"github.com/tillpair/tillpair/internal/app"
	"github.com/tillpair/tillpair/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	// SIGINT, SIGTERM, SIGHUP and SIGQUIT cancel ctx: each front-end then
	// cancels a pairing left awaiting confirmation before exiting.
	ctx, stop := app.NotifyStop(context.Background())
	code := cli.Execute(ctx, cli.Build{Version: version}, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
