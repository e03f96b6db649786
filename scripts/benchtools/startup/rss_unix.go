//go:build !windows

package main

import (
	"os"
	"syscall"
)

// maxRSSKB is the peak resident memory of an exited process: kilobytes on
// Linux (bytes on macOS, where the benchmark is not run).
func maxRSSKB(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
