//go:build !windows

package keystore

// errSharing is empty: Unix has no sharing conflicts (sharing.go).
var errSharing []error
