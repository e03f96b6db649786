//go:build unix

package ui

import (
	"syscall"
	"time"
)

// processCPU is the user and system CPU time this process has used: a cost
// that other programs on a busy machine do not inflate, as they do wall time.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
