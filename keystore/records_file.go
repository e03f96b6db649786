package keystore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/tillpair/tillpair/providers"
)

const (
	recordsName = "pairings.json"
	lockSuffix  = ".lock"
	tempPattern = recordsName + ".tmp-*"
	// maxRecordsBytes caps what Load reads: thousands of pairings fit in a
	// fraction of this, so anything bigger is not ours.
	maxRecordsBytes = 8 << 20
	// DefaultLockTimeout bounds how long Update waits for another process.
	DefaultLockTimeout = 5 * time.Second
	lockRetry          = 20 * time.Millisecond
)

// FileRecords is Records backed by <dir>/pairings.json. Safe for concurrent
// use by goroutines and by processes.
type FileRecords struct {
	dir  string
	path string
	// LockTimeout is how long Update waits for the cross-process lock; set
	// it before first use. Zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// mu serialises goroutines of this process: flock semantics between
	// handles of one process differ by platform, so they are not relied on.
	mu sync.Mutex
}

var _ Records = (*FileRecords)(nil)

// OpenRecords returns the records store in dir. It touches nothing on disk:
// a missing dir or file reads as empty, and the first Update creates them.
func OpenRecords(dir string) (*FileRecords, error) {
	if dir == "" {
		return nil, &Error{Kind: KindInvalid, Op: "open records", Cause: "no config dir given",
			Err: errors.New("empty dir")}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &Error{Kind: KindIO, Op: "open records in", Path: dir, Cause: "the path cannot be resolved", Err: err}
	}
	return &FileRecords{dir: abs, path: filepath.Join(abs, recordsName)}, nil
}

// Path is the records file.
func (r *FileRecords) Path() string { return r.path }

// LockPath is the file Update locks.
func (r *FileRecords) LockPath() string { return r.path + lockSuffix }

// Notice describes a permission problem worth telling the user about, or ""
// when there is none. The file is re-created 0600 on every write, but a dir
// the user chose is never chmod-ed behind their back, so a group- or
// world-accessible dir is only reported.
func (r *FileRecords) Notice() string {
	if runtime.GOOS == "windows" {
		return ""
	}
	var notes []string
	if fi, err := os.Stat(r.dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		notes = append(notes, fmt.Sprintf("config dir %s is accessible to other users (mode %04o); run `chmod 700 %s`",
			r.dir, fi.Mode().Perm(), r.dir))
	}
	if fi, err := os.Stat(r.path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		notes = append(notes, fmt.Sprintf("records file %s is accessible to other users (mode %04o); "+
			"the next change re-creates it as 0600, or run `chmod 600 %s`", r.path, fi.Mode().Perm(), r.path))
	}
	return strings.Join(notes, "; ")
}

// CheckWritable creates the config dir if needed and proves a file can be
// written there, without touching the records. Callers run it before a step
// that cannot be repeated (a terminal's one-time pairing code), so a bad
// --config-dir fails before the code is spent.
func (r *FileRecords) CheckWritable() error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fileError("create config dir", r.dir, err)
	}
	// Named like an orphaned temp file, so a crash here is cleaned up by
	// the next Update.
	f, err := os.CreateTemp(r.dir, tempPattern)
	if err != nil {
		return fileError("write in config dir", r.dir, err)
	}
	name := f.Name()
	_ = f.Close()
	// A concurrent Update may already have swept it away as an orphan.
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fileError("write in config dir", r.dir, err)
	}
	return nil
}

// Load reads the records without locking: writers replace the file by
// rename, so a reader always sees one complete version.
func (r *FileRecords) Load() (File, error) {
	return r.read()
}

// Update runs fn under the cross-process lock and writes the result
// atomically. A corrupt or newer-version file is never overwritten.
func (r *FileRecords) Update(fn func(*File) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()

	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fileError("create config dir", r.dir, err)
	}
	unlock, err := r.lock()
	if err != nil {
		return err
	}
	defer unlock()

	r.removeOrphanTemps()
	data, err := apply(r.read, fn)
	if err != nil {
		return err
	}
	return writeAtomic(r.dir, r.path, data)
}

func (r *FileRecords) lock() (func(), error) {
	timeout := r.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	fl := flock.New(r.LockPath(), flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fileError("lock", r.LockPath(), err)
	}
	if !ok {
		return nil, &Error{Kind: KindBusy, Op: "update records", Path: r.path,
			Cause: fmt.Sprintf("another tillpair has held the lock file %s for over %s", r.LockPath(), timeout)}
	}
	// Unlock errors are ignored: the lock dies with the descriptor anyway.
	return func() { _ = fl.Close() }, nil
}

// removeOrphanTemps deletes temp files left by a writer that crashed. Only
// called under the lock, when no live writer can own one.
func (r *FileRecords) removeOrphanTemps() {
	matches, _ := filepath.Glob(filepath.Join(r.dir, tempPattern))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

func (r *FileRecords) read() (File, error) {
	fh, err := os.Open(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{Version: FileVersion, Pairings: []providers.Pairing{}}, nil
	}
	if err != nil {
		return File{}, fileError("read records", r.path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxRecordsBytes+1))
	if err != nil {
		return File{}, fileError("read records", r.path, err)
	}
	if len(data) > maxRecordsBytes {
		return File{}, &Error{Kind: KindCorrupt, Op: "read records", Path: r.path,
			Cause: fmt.Sprintf("the file is larger than %d MiB, far more than tillpair ever writes", maxRecordsBytes>>20)}
	}
	return decodeFile(r.path, data)
}

// decodeFile checks the version before the rest, because a newer format may
// use different types for the same fields.
func decodeFile(path string, data []byte) (File, error) {
	corrupt := func(cause string, err error) (File, error) {
		return File{}, &Error{Kind: KindCorrupt, Op: "read records", Path: path, Cause: cause, Err: err}
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := strictUnmarshal(data, &head); err != nil {
		return corrupt("the file is not valid tillpair records: "+describeJSONError(data, err), nil)
	}
	switch {
	case head.Version == nil:
		return corrupt(`the file is not valid tillpair records: it has no "version" field`, nil)
	case *head.Version > FileVersion:
		return File{}, &Error{Kind: KindNewerVersion, Op: "read records", Path: path,
			Cause: fmt.Sprintf("it has format version %d, but this tillpair understands only version %d",
				*head.Version, FileVersion)}
	case *head.Version < 1:
		return corrupt(fmt.Sprintf("the file is not valid tillpair records: format version %d does not exist",
			*head.Version), nil)
	}
	var f File
	if err := strictUnmarshal(data, &f); err != nil {
		return corrupt("the file is not valid tillpair records: "+describeJSONError(data, err), nil)
	}
	if f.Pairings == nil {
		f.Pairings = []providers.Pairing{}
	}
	return f, nil
}

// strictUnmarshal is json.Unmarshal that also rejects a top level that is
// not an object and trailing data after it.
func strictUnmarshal(data []byte, v any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return errors.New("the file is empty")
	}
	if trimmed[0] != '{' {
		return errors.New("the top level is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("there is extra data after the JSON object")
	}
	return nil
}

// describeJSONError adds the line number to the decoder's message so the user
// can find the problem in an editor. Values from the file are not quoted
// back, only their position.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %s", lineOf(data, syn.Offset), syn.Error())
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: field %q should be %s, not %s", lineOf(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends in the middle of the JSON"
	}
	return err.Error()
}

func lineOf(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// apply is the read-modify-encode step both Records implementations share:
// fn edits the loaded records and the result comes back encoded, ready to
// store. An error from any step leaves the stored records as they were.
func apply(load func() (File, error), fn func(*File) error) ([]byte, error) {
	f, err := load()
	if err != nil {
		return nil, err
	}
	if err := fn(&f); err != nil {
		return nil, err
	}
	return encodeFile(f)
}

// encodeFile is the one serialisation of File, so byte comparisons in tests
// and diffs by users stay stable.
func encodeFile(f File) ([]byte, error) {
	// Only this build's format is ever written; Load refused anything newer.
	f.Version = FileVersion
	if f.Pairings == nil {
		f.Pairings = []providers.Pairing{}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Op: "encode records", Cause: "the records cannot be encoded as JSON", Err: err}
	}
	if err := checkNoSecrets(data); err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// checkNoSecrets refuses records that contain a providers.Secret: it encodes
// as the redaction marker, which would mean a secret field slipped into the
// records types and the real value belongs in the keyring instead.
func checkNoSecrets(data []byte) error {
	marker, _ := json.Marshal(providers.NewSecret("x").String())
	if bytes.Contains(data, marker) {
		return &Error{Kind: KindInvalid, Op: "write records",
			Cause: "the records contain a secret value, which belongs in the OS keyring; this is a tillpair bug"}
	}
	return nil
}
