//go:build !windows

package keystore

import "os"

// openShared opens the records file for reading. On Unix a writer's rename
// replaces it even while it is open.
func openShared(path string) (*os.File, error) { return os.Open(path) }
