package keystore

import (
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// fsizeLimit is below the big content's size and above the small one's.
const fsizeLimit = 16 << 10

// helperFileSizeLimit writes records under RLIMIT_FSIZE so the write fails
// midway with EFBIG: a real failure that root cannot bypass, unlike chmod.
func helperFileSizeLimit(dir string) int {
	signal.Ignore(syscall.SIGXFSZ) // get EFBIG instead of being killed
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: fsizeLimit, Max: fsizeLimit}); err != nil {
		return printResult(err)
	}
	r, err := OpenRecords(dir)
	if err != nil {
		return printResult(err)
	}
	big := sampleFile("big", 200)
	return printResult(r.Update(func(f *File) error { *f = big; return nil }))
}

func TestFailedWriteLeavesOldFileAndNoTemp(t *testing.T) {
	dir := t.TempDir()
	r := mustOpenRecords(t, dir)
	old := sampleFile("old", 2)
	if err := r.Update(func(f *File) error { *f = old; return nil }); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(before) >= fsizeLimit || len(mustEncode(t, sampleFile("big", 200))) <= fsizeLimit {
		t.Fatal("fixture sizes no longer straddle the file size limit")
	}

	out, err := helperCommand(t, "fsize", dir, "").Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	res := parseResult(t, out)
	if res.Kind != KindIO.String() {
		t.Fatalf("helper result %+v, want kind %s", res, KindIO)
	}
	for _, want := range []string{r.Path(), "file size limit", "--config-dir"} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("message %q does not mention %q", res.Message, want)
		}
	}

	after, err := os.ReadFile(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Fatal("a failed write changed the records file")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, tempPattern)); len(m) > 0 {
		t.Fatalf("a failed write left temp files: %v", m)
	}
}
