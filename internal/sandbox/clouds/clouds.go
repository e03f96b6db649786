// Package clouds lists the simulated clouds, so that building the full
// sandbox is one call: clouds.New(opts). Adding a simulated cloud is a
// sub-package of internal/sandbox implementing sandbox.Cloud, plus one line
// in All.
package clouds

import (
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/helcim"
	"github.com/tillpair/tillpair/internal/sandbox/linkly"
	"github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/internal/sandbox/smartconnect"
	"github.com/tillpair/tillpair/internal/sandbox/square"
	"github.com/tillpair/tillpair/internal/sandbox/sumup"
)

// All returns a fresh instance of every simulated cloud, in the order the
// sandbox lists them (Info URLs, start-up terminals, valid providers).
// New clouds go at the end, so the seeded values of earlier ones stay put.
func All() []sandbox.Cloud {
	return []sandbox.Cloud{
		sci.New(),
		smartconnect.New(),
		helcim.New(),
		square.New(),
		sumup.New(),
		linkly.New(),
	}
}

// New builds a sandbox simulating every cloud.
func New(opts sandbox.Options) *sandbox.Sandbox { return sandbox.New(opts, All()) }
