package sandbox_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a server, timer or handler goroutine
// outlives its Sandbox.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
