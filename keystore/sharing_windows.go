//go:build windows

package keystore

import "golang.org/x/sys/windows"

// errSharing are the errors of a passing conflict with another process that
// has the records file open or is renaming over it (sharing.go). Access
// denied is among them because that is what a rename over an open file, or
// an open of a file being replaced, returns; a lasting access denial is
// still reported, after sharingRetryFor.
var errSharing = []error{windows.ERROR_SHARING_VIOLATION, windows.ERROR_ACCESS_DENIED, windows.ERROR_LOCK_VIOLATION}
