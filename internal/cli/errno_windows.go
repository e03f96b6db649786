//go:build windows

package cli

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// errAddrInUse is "port in use" as Windows reports it: WSAEADDRINUSE
// (10048), which syscall.EADDRINUSE (an invented errno on Windows) never
// matches.
var errAddrInUse = []error{windows.WSAEADDRINUSE, syscall.EADDRINUSE}
