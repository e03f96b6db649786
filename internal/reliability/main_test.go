package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"go.uber.org/goleak"
)

// Child processes are this test binary re-executed with helperEnv naming a
// mode; TestMain runs the mode instead of the tests.
const (
	helperEnv = "TILLPAIR_RELIABILITY_HELPER"
	helperDir = "TILLPAIR_RELIABILITY_DIR"
	helperURL = "TILLPAIR_RELIABILITY_URL"
	helperArg = "TILLPAIR_RELIABILITY_ARG"
)

// TestMain also fails the package if any goroutine (server, poller, timer)
// outlives the tests: the leak checker of the load suite covers them all.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	goleak.VerifyTestMain(m,
		// teatest parks one goroutine per test model on a signal
		// channel for the life of the process (teatest.go, NewTestModel).
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2"),
	)
}

// helpers are the child modes by name; OS-specific ones add themselves in
// init (crash_fsize_linux_test.go).
var helpers = map[string]func(dir, url, arg string) int{
	"pair-loop": helperPairLoop,
}

func runHelper(mode string) int {
	if h, ok := helpers[mode]; ok {
		return h(os.Getenv(helperDir), os.Getenv(helperURL), os.Getenv(helperArg))
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

// helperCommand re-executes the test binary in a helper mode; -test.run
// matches nothing so that no test runs should TestMain ever not divert.
func helperCommand(t *testing.T, mode, dir, url, arg string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDir+"="+dir, helperURL+"="+url, helperArg+"="+arg)
	return cmd
}
