package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// Flags are checked before stdin: the unknown provider is the problem to
// fix, wherever the demo is run.
func TestDemoChecksFlagsBeforeTheTerminal(t *testing.T) {
	sandboxEnv(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--provider", "nope"}, `no demo for provider "nope"`},
		{[]string{"demo", "--pace", "0s"}, "--pace"},
	} {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), Build{Version: "test"}, tc.args, devNull, &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tc.want) || strings.Contains(errb.String(), "stdin is not") {
			t.Errorf("%v: exit %d stderr %q; want %q, not the terminal", tc.args, code, errb.String(), tc.want)
		}
	}
}
