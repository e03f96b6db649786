//go:build !windows

package cli

import "syscall"

// errAddrInUse is "port in use" as this OS reports it; Windows reports the
// Winsock code instead (errno_windows.go).
var errAddrInUse = []error{syscall.EADDRINUSE}
