// Command listing measures how long `tillpair status --no-check` takes with
// a records file of -n pairings, from exec to exit, against `tillpair
// version` (the process's own start-up) in alternating runs, and prints one
// "key=value" line for scripts/bench.sh.
//
//	listing -app bin/tillpair -n 10000 -runs 15
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

func main() {
	app := flag.String("app", "", "the tillpair binary")
	n := flag.Int("n", 10_000, "pairings in the records file")
	runs := flag.Int("runs", 15, "runs of each command")
	keep := flag.String("dir", "", "write the records file to this config dir and keep it (default: a temp dir)")
	flag.Parse()
	if *app == "" || *n < 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "listing: -app is required; -n and -runs must be positive")
		os.Exit(2)
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tillpair-listing-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		fail(err)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := recs.Update(func(f *keystore.File) error {
		for i := range *n {
			f.Pairings = append(f.Pairings, providers.Pairing{
				Provider: sci.Descriptor.ID, ID: fmt.Sprintf("%08x-5d4a-4f3e-9a61-%012x", i, i), Status: providers.StatusActive,
				PairingNickname: fmt.Sprintf("Register %d", i+1), TerminalNickname: "Counter", TID: fmt.Sprintf("T-%d", 1000+i),
				KeyID: fmt.Sprintf("key-%d", i), BaseURL: "https://sci.example.invalid/", Environment: "test",
				CreatedAt: created, UpdatedAt: created, CheckedAt: created,
			})
		}
		return nil
	}); err != nil {
		fail(err)
	}
	env := append(os.Environ(), "TILLPAIR_CONFIG_DIR="+dir, "DBUS_SESSION_BUS_ADDRESS=")
	timeRun := func(args ...string) time.Duration {
		cmd := exec.Command(*app, args...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "listing: %v: %v\n%.400s\n", args, err, out)
			os.Exit(1)
		}
		return time.Since(start)
	}
	var list, version []time.Duration
	timeRun("status", "--no-check") // warm the page cache
	for range *runs {
		list = append(list, timeRun("status", "--no-check"))
		version = append(version, timeRun("version"))
	}
	fmt.Printf("listing n=%d runs=%d list_median_ms=%.1f list_max_ms=%.1f version_median_ms=%.1f\n",
		*n, *runs, ms(median(list)), ms(slices.Max(list)), ms(median(version)))
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "listing:", err)
	os.Exit(1)
}
