//go:build !windows

package transport

import "syscall"

// The socket errors classify tells apart, as this OS reports them. Windows
// reports its own Winsock codes instead (errno_windows.go).
var (
	errConnRefused = []error{syscall.ECONNREFUSED}
	errConnReset   = []error{syscall.ECONNRESET}
)
