//go:build windows

package keystore

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// openShared opens the records file for reading with FILE_SHARE_DELETE,
// which os.Open leaves out: without it another process's rename over the
// file fails with Access denied for as long as this handle is open, and a
// reader that keeps reading (the TUI's refresh) could starve every writer.
func openShared(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		// Backup semantics opens a directory too, as os.Open does, so a
		// directory in the records file's place fails as it does on Unix.
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
