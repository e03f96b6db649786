package keystore

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// Child processes are this test binary re-executed with helperEnv naming a
// mode; TestMain runs the mode instead of the tests.
const (
	helperEnv    = "TILLPAIR_KEYSTORE_HELPER"
	helperDirEnv = "TILLPAIR_KEYSTORE_HELPER_DIR"
	helperArgEnv = "TILLPAIR_KEYSTORE_HELPER_ARG"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

func runHelper(mode string) int {
	dir, arg := os.Getenv(helperDirEnv), os.Getenv(helperArgEnv)
	switch mode {
	case "crash-loop":
		return helperCrashLoop(dir)
	case "append":
		return helperAppend(dir, arg)
	case "fsize":
		return helperFileSizeLimit(dir)
	case "keyring-get":
		return helperKeyringGet(arg)
	case "keyring-ops":
		return helperKeyringOps(arg)
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

// helperCommand re-executes the test binary in a helper mode. -test.run
// matches nothing so that, should TestMain ever not divert, no test runs.
func helperCommand(t *testing.T, mode, dir, arg string, extraEnv ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+dir, helperArgEnv+"="+arg)
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// helperResult is what one-shot helpers print on stdout.
type helperResult struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func printResult(err error) int {
	res := helperResult{Kind: "none"}
	if err != nil {
		res.Message = err.Error()
		res.Kind = "not_keystore_error"
		if e, ok := AsError(err); ok {
			res.Kind = e.Kind.String()
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

func parseResult(t *testing.T, out []byte) helperResult {
	t.Helper()
	var res helperResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("helper output %q is not a result: %v", out, err)
	}
	return res
}

func helperAppend(dir, arg string) int {
	prefix, nStr, _ := strings.Cut(arg, ":")
	n, err := strconv.Atoi(nStr)
	if err != nil {
		return 2
	}
	r, err := OpenRecords(dir)
	if err != nil {
		return printResult(err)
	}
	// Other processes hold the lock for a whole write; under -race on a
	// busy machine that can take a while, and this test is about merging,
	// not timeouts.
	r.LockTimeout = time.Minute
	for i := range n {
		if err := r.Update(appendPairing(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
			return printResult(err)
		}
	}
	return printResult(nil)
}

func appendPairing(id string) func(*File) error {
	return func(f *File) error {
		f.Pairings = append(f.Pairings, samplePairing(id))
		return nil
	}
}

func samplePairing(id string) providers.Pairing {
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	return providers.Pairing{
		Provider:         "sci",
		ID:               id,
		Status:           providers.StatusActive,
		PairingNickname:  "Till " + id,
		TerminalNickname: "Front counter",
		TID:              "T" + id,
		KeyID:            "key-" + id,
		BaseURL:          "https://sci.example.invalid/" + id,
		Environment:      "test",
		CreatedAt:        created,
		UpdatedAt:        created.Add(time.Minute),
	}
}

// sampleFile builds n pairings tagged with tag, for distinct known contents.
func sampleFile(tag string, n int) File {
	f := File{Version: FileVersion, Settings: Settings{SmartConnectEnv: "dev"}}
	for i := range n {
		f.Pairings = append(f.Pairings, samplePairing(fmt.Sprintf("%s-%04d", tag, i)))
	}
	return f
}

func mustEncode(t testing.TB, f File) []byte {
	t.Helper()
	data, err := encodeFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func wantKind(t *testing.T, err error, kind ErrorKind) *Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want *keystore.Error of kind %s", err, err, kind)
	}
	if e.Kind != kind {
		t.Fatalf("kind = %s, want %s; error: %v", e.Kind, kind, err)
	}
	return e
}
