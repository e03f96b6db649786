//go:build windows

package transport

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// The socket errors classify tells apart, as Windows reports them: Winsock
// codes (WSAECONNREFUSED is 10061), which syscall.ECONNREFUSED (an invented
// errno on Windows) never matches. The syscall values stay for errors that
// Go itself makes up.
var (
	errConnRefused = []error{windows.WSAECONNREFUSED, syscall.ECONNREFUSED}
	errConnReset   = []error{windows.WSAECONNRESET, windows.WSAECONNABORTED, syscall.ECONNRESET}
)
