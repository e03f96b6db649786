package keystore

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// crashContents are the two files the crash-loop helper alternates between.
// Sizes differ so a torn or truncated write cannot look like either.
func crashContents() (File, File) {
	return sampleFile("alpha", 80), sampleFile("beta", 30)
}

func helperCrashLoop(dir string) int {
	r, err := OpenRecords(dir)
	if err != nil {
		return 1
	}
	a, b := crashContents()
	for i := 0; ; i++ {
		next := a
		if i%2 == 1 {
			next = b
		}
		if err := r.Update(func(f *File) error { *f = next; return nil }); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// One byte per completed update tells the parent we are mid-loop.
		if _, err := os.Stdout.Write([]byte{'.'}); err != nil {
			return 1
		}
	}
}

// TestCrashDuringUpdateLeavesOldOrNewFile kills a writer with SIGKILL at
// random points of its update loop; the file must always be exactly one of
// the two complete versions.
func TestCrashDuringUpdateLeavesOldOrNewFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL semantics are POSIX; the rename-based write is the same code on Windows")
	}
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	dir := t.TempDir()
	a, b := crashContents()
	wantA, wantB := mustEncode(t, a), mustEncode(t, b)
	path := filepath.Join(dir, recordsName)
	rng := rand.New(rand.NewPCG(1, uint64(os.Getpid())))
	sawA, sawB, sawOrphan := 0, 0, 0
	for round := range rounds {
		cmd := helperCommand(t, "crash-loop", dir, "")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		progress := 1 + rng.IntN(4)
		if _, err := io.ReadFull(stdout, make([]byte, progress)); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: helper stopped before %d updates: %v; stderr: %s", round, progress, err, stderr.String())
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // the kill makes it fail; its status says nothing here

		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		switch {
		case bytes.Equal(got, wantA):
			sawA++
		case bytes.Equal(got, wantB):
			sawB++
		default:
			t.Fatalf("round %d: file is neither known version (%d bytes; want %d or %d)", round, len(got), len(wantA), len(wantB))
		}
		loaded, err := mustOpenRecords(t, dir).Load()
		if err != nil {
			t.Fatalf("round %d: Load after crash: %v", round, err)
		}
		if n := len(loaded.Pairings); n != len(a.Pairings) && n != len(b.Pairings) {
			t.Fatalf("round %d: loaded %d pairings", round, n)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, tempPattern)); len(m) > 0 {
			sawOrphan++
		}
	}
	t.Logf("%d rounds: old/new A=%d B=%d, rounds leaving an orphaned temp file=%d", rounds, sawA, sawB, sawOrphan)

	// Orphaned temp files from killed writers are cleaned by the next Update.
	if err := mustOpenRecords(t, dir).Update(func(*File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, tempPattern)); len(m) > 0 {
		t.Fatalf("temp files left after a clean Update: %v", m)
	}
}

func mustOpenRecords(t testing.TB, dir string) *FileRecords {
	t.Helper()
	r, err := OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestConcurrentProcessesMergeUpdates(t *testing.T) {
	const n = 25
	dir := t.TempDir()
	var wg sync.WaitGroup
	results := make([][]byte, 2)
	errs := make([]error, 2)
	for i, prefix := range []string{"procA", "procB"} {
		cmd := helperCommand(t, "append", dir, fmt.Sprintf("%s:%d", prefix, n))
		wg.Go(func() { results[i], errs[i] = cmd.Output() })
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("helper %d: %v", i, errs[i])
		}
		if res := parseResult(t, results[i]); res.Kind != "none" {
			t.Fatalf("helper %d failed: %+v", i, res)
		}
	}
	assertAllAppended(t, mustOpenRecords(t, dir), []string{"procA", "procB"}, n)
}

func TestConcurrentGoroutinesWithOwnStoresMergeUpdates(t *testing.T) {
	const n = 40
	dir := t.TempDir()
	prefixes := []string{"g1", "g2", "g3"}
	var wg sync.WaitGroup
	errs := make(chan error, len(prefixes)*n)
	for _, prefix := range prefixes {
		r := mustOpenRecords(t, dir)
		// The lock is polled, not queued: a store can lose it to the
		// others' next updates until they are all done, which on a busy
		// machine under -race takes longer than DefaultLockTimeout. The
		// test is about lost updates, not waiting, so the wait is generous.
		r.LockTimeout = generousLockWait
		wg.Go(func() {
			for i := range n {
				if err := r.Update(appendPairing(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	// Goroutines sharing one store must not lose updates either.
	shared := mustOpenRecords(t, dir)
	shared.LockTimeout = generousLockWait
	for _, prefix := range []string{"s1", "s2"} {
		wg.Go(func() {
			for i := range n {
				if err := shared.Update(appendPairing(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	assertAllAppended(t, mustOpenRecords(t, dir), append(prefixes, "s1", "s2"), n)
}

// generousLockWait is a lock wait no amount of machine load reaches in
// these tests; they fail on lost updates, not on waiting.
const generousLockWait = 5 * time.Minute

func assertAllAppended(t *testing.T, r Records, prefixes []string, n int) {
	t.Helper()
	f, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range f.Pairings {
		ids = append(ids, p.ID)
	}
	if len(ids) != len(prefixes)*n {
		t.Errorf("got %d pairings, want %d", len(ids), len(prefixes)*n)
	}
	for _, prefix := range prefixes {
		for i := range n {
			if id := fmt.Sprintf("%s-%d", prefix, i); !slices.Contains(ids, id) {
				t.Errorf("pairing %s lost", id)
			}
		}
	}
}
