// Package cputime measures benchmarks in CPU time: on a machine shared with
// other work, wall time (ns/op) grows with the load and a budget in it
// fails for reasons the code does not control; the CPU a benchmark uses
// does not.
package cputime

import (
	"testing"
	"time"
)

// Budget starts measuring b's CPU time per op; the returned func, called
// after the loop, reports it as cpu-ns/op (per ops ops each iteration, 1
// when ops < 1) and fails b when it is over budget (0: none). Where the
// process's CPU time is not known, wall time stands in.
func Budget(b *testing.B, unit string, per int, budget time.Duration) func() time.Duration {
	b.Helper()
	start, ok := Process()
	return func() time.Duration {
		b.Helper()
		n := time.Duration(max(b.N, 1) * max(per, 1))
		spent := b.Elapsed() / n
		if now, ok2 := Process(); ok && ok2 {
			spent = (now - start) / n
		}
		b.ReportMetric(float64(spent.Nanoseconds()), "cpu-ns/"+unit)
		if budget > 0 && spent > budget {
			b.Fatalf("%v of CPU per %s, over the %v budget", spent, unit, budget)
		}
		return spent
	}
}
