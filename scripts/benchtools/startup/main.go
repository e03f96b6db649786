// Command startup measures how long a terminal program takes from exec to
// its first frame, and its peak memory, in a pseudo-terminal of 80×24. It
// answers the queries a real terminal answers at once (OSC 11 background
// colour, DSR cursor position, DA1), so a program that asks is not charged
// termenv's 5-second timeout that no real terminal makes it wait.
//
//	startup -runs 21 -app bin/tillpair -baseline bin/minimal -- --sandbox
//
// Runs of the app and the baseline alternate, so both see the same machine
// load. Each run gets its own empty TILLPAIR_CONFIG_DIR. Output is one
// "key=value" line per program and one for the ratio, for scripts/bench.sh.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/creack/pty"
)

// Replies a real terminal (xterm, VTE) sends to the queries termenv makes.
var replies = []struct{ query, reply string }{
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[c", "\x1b[?62;22c"},
}

// runTimeout bounds one run: a program that never draws is a failure, not
// a hang of the benchmark.
const runTimeout = 20 * time.Second

type result struct {
	frame    time.Duration // exec → marker on the pty
	query    time.Duration // exec → first terminal query (0: none)
	maxRSSKB int64
	queries  int
}

type chunk struct {
	b  []byte
	at time.Time
}

func run(bin string, args []string, marker string, answer bool) (result, error) {
	dir, err := os.MkdirTemp("", "tillpair-startup-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TILLPAIR_CONFIG_DIR="+dir, "TERM=xterm-256color")

	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return result{}, err
	}
	defer ptmx.Close()

	chunks := make(chan chunk, 64)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 4096)
			n, err := ptmx.Read(buf)
			if n > 0 {
				chunks <- chunk{b: buf[:n], at: time.Now()}
			}
			if err != nil {
				return // EIO once the child has exited
			}
		}
	}()

	var res result
	var seen bytes.Buffer
	answered := make([]int, len(replies))
	deadline := time.After(runTimeout)
	drawn, quitSent := false, false
loop:
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				break loop
			}
			seen.Write(c.b)
			for i, r := range replies {
				n := bytes.Count(seen.Bytes(), []byte(r.query))
				for ; answered[i] < n; answered[i]++ {
					if res.query == 0 {
						res.query = c.at.Sub(start)
					}
					res.queries++
					if answer {
						if _, err := ptmx.WriteString(r.reply); err != nil {
							return res, err
						}
					}
				}
			}
			if !drawn && bytes.Contains(seen.Bytes(), []byte(marker)) {
				drawn, res.frame = true, c.at.Sub(start)
			}
			if drawn && !quitSent {
				quitSent = true
				if _, err := ptmx.Write([]byte{0x03}); err != nil { // ctrl+c
					return res, err
				}
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return res, fmt.Errorf("%s: no %q on the terminal within %v (drawn=%v)", bin, marker, runTimeout, drawn)
		}
	}
	if err := cmd.Wait(); err != nil {
		return res, fmt.Errorf("%s: %w", bin, err)
	}
	if !drawn {
		return res, fmt.Errorf("%s exited without drawing %q", bin, marker)
	}
	res.maxRSSKB = maxRSSKB(cmd.ProcessState)
	return res, nil
}

type series struct {
	name    string
	results []result
}

func (s series) summary() (median, p90 time.Duration, rssMedian, rssMax int64) {
	var frames []time.Duration
	var rss []int64
	for _, r := range s.results {
		frames = append(frames, r.frame)
		rss = append(rss, r.maxRSSKB)
	}
	slices.Sort(frames)
	slices.Sort(rss)
	return frames[len(frames)/2], frames[(len(frames)*9)/10], rss[len(rss)/2], rss[len(rss)-1]
}

func (s series) print() {
	med, p90, rssMed, rssMax := s.summary()
	q := s.results[len(s.results)-1]
	fmt.Printf("startup name=%s runs=%d median_ms=%.1f p90_ms=%.1f rss_median_mb=%.1f rss_max_mb=%.1f queries=%d first_query_ms=%.1f\n",
		s.name, len(s.results), ms(med), ms(p90), float64(rssMed)/1024, float64(rssMax)/1024, q.queries, ms(q.query))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func main() {
	runs := flag.Int("runs", 21, "runs of each program")
	app := flag.String("app", "bin/tillpair", "the program to measure")
	baseline := flag.String("baseline", "", "the baseline program (optional)")
	marker := flag.String("marker", "Simple Cloud Integration", "text whose appearance marks the first frame")
	answer := flag.Bool("answer", true, "answer terminal queries as a real terminal does")
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "startup: -runs must be at least 1")
		os.Exit(2)
	}

	progs := []struct {
		s    *series
		bin  string
		args []string
	}{{&series{name: "app"}, *app, flag.Args()}}
	if *baseline != "" {
		progs = append(progs, struct {
			s    *series
			bin  string
			args []string
		}{&series{name: "baseline"}, *baseline, nil})
	}
	// One unmeasured run each warms the page cache.
	for _, p := range progs {
		if _, err := run(p.bin, p.args, *marker, *answer); err != nil {
			fail(err)
		}
	}
	for i := 0; i < *runs; i++ {
		for _, p := range progs {
			r, err := run(p.bin, p.args, *marker, *answer)
			if err != nil {
				fail(err)
			}
			p.s.results = append(p.s.results, r)
		}
	}
	for _, p := range progs {
		p.s.print()
	}
	if len(progs) == 2 {
		a, _, _, _ := progs[0].s.summary()
		b, _, _, _ := progs[1].s.summary()
		fmt.Printf("startup ratio=%.2f\n", float64(a)/float64(b))
	}
}

func fail(err error) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "startup: exit status", ee.ExitCode())
	}
	fmt.Fprintln(os.Stderr, "startup:", err)
	os.Exit(1)
}
