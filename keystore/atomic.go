package keystore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// writeAtomic replaces path with data so that after a crash at any point
// the file holds either the old or the new content. On failure the old file
// is untouched and the temp file is gone.
func writeAtomic(dir, path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fileError("write records", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	// CreateTemp happens to use 0600; the records mode should not depend on
	// that detail.
	if runtime.GOOS != "windows" {
		if err = tmp.Chmod(0o600); err != nil {
			return fileError("write records", path, err)
		}
	}
	if _, err = tmp.Write(data); err != nil {
		return fileError("write records", path, err)
	}
	// Without this fsync a crash after the rename can leave an empty file:
	// the rename may reach the disk before the data does.
	if err = tmp.Sync(); err != nil {
		return fileError("write records", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fileError("write records", path, err)
	}
	if err = retrySharing(errSharing, func() error { return os.Rename(tmpName, path) }); err != nil {
		return fileError("write records", path, err)
	}
	// The rename lives in the directory; fsync it so the new name survives
	// a power loss. Windows cannot open directories for syncing and makes
	// the rename durable itself.
	// A failure here is ignored: the new content is in place and only its
	// durability is in doubt, which is no reason to report a done update
	// as failed.
	if runtime.GOOS != "windows" {
		_ = syncDir(dir)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// fileError classifies a file system failure by what the user can do.
func fileError(op, path string, err error) *Error {
	e := &Error{Op: op, Path: path, Err: err}
	switch {
	case errors.Is(err, syscall.EROFS):
		e.Kind, e.Cause = KindReadOnly, "the file system is read-only"
	case errors.Is(err, fs.ErrPermission):
		e.Kind, e.Cause = KindReadOnly, "permission denied"
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		e.Kind, e.Cause = KindIO, "the disk is full"
	case errors.Is(err, syscall.EFBIG):
		e.Kind, e.Cause = KindIO, "the file size limit was reached"
	case errors.Is(err, fs.ErrNotExist):
		e.Kind, e.Cause = KindIO, "a file or directory on the path does not exist"
	case errors.Is(err, syscall.ENOTDIR):
		e.Kind, e.Cause = KindIO, "a path component is a file, not a directory"
	case errors.Is(err, syscall.EISDIR):
		e.Kind, e.Cause = KindIO, "the path is a directory, not a file"
	default:
		e.Kind, e.Cause = KindIO, "a file system error occurred"
	}
	return e
}
