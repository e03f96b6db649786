//go:build !unix

package ui

import "time"

// processCPU is not measured here; budgets fall back to wall time.
func processCPU() (time.Duration, bool) { return 0, false }
