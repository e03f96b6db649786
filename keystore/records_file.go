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
	// MaxPairings is how many pairings one records file holds. Update
	// refuses to write more, so every file tillpair writes, it reads.
	MaxPairings = 100_000
	// maxPairingBytes is the room a pairing gets in the size cap: ~330
	// bytes as written now (compact), ~580 as versions before issue 17
	// wrote them (indented), with room for long vendor texts.
	maxPairingBytes = 2 << 10
	// maxRecordsBytes caps what Load reads, following the format: the most
	// pairings, each with its room, and the envelope. A bigger file is
	// refused as too large (KindTooBig), never called corrupt.
	maxRecordsBytes = MaxPairings*maxPairingBytes + 64<<10
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

// LockPath is the file Update locks: beside the records, or beside the
// file pairings.json links to, so every path to one file shares one lock.
func (r *FileRecords) LockPath() string {
	t, err := r.target()
	if err != nil {
		t = r.path
	}
	return t + lockSuffix
}

// maxLinks bounds the symbolic links followed, as the kernel does (ELOOP).
const maxLinks = 40

// target is the file the records are written to: pairings.json, or when it
// is a symbolic link, the file the link leads to (which may not exist
// yet). Update replaces the target with a temp file renamed in the
// target's directory, so the link stays a link and every path to the
// records sees the change; replacing the link itself with a regular file
// would fork the records silently.
func (r *FileRecords) target() (string, error) {
	p := r.path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil // a missing file is created where it is named
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", fileError("follow the link", p, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", &Error{Kind: KindIO, Op: "write records", Path: r.path,
		Cause: fmt.Sprintf("it is a symbolic link that leads through more than %d links (a loop?); "+
			"point it at a file, or remove it", maxLinks)}
}

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
	target, err := r.target()
	if err != nil {
		return err
	}
	if target != r.path {
		if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
			return &Error{Kind: KindIO, Op: "write records", Path: r.path,
				Cause: fmt.Sprintf("it is a symbolic link to %s, which is not a regular file; "+
					"point it at a file, or remove it", target)}
		}
	}
	unlock, err := r.lock(target + lockSuffix)
	if err != nil {
		return err
	}
	defer unlock()

	removeOrphanTemps(target)
	data, err := apply(r.read, fn)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Dir(target), target, data)
}

func (r *FileRecords) lock(path string) (func(), error) {
	timeout := r.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fileError("lock", path, err)
	}
	if !ok {
		return nil, &Error{Kind: KindBusy, Op: "update records", Path: r.path,
			Cause: fmt.Sprintf("another tillpair has held the lock file %s for over %s", path, timeout)}
	}
	// Unlock errors are ignored: the lock dies with the descriptor anyway.
	return func() { _ = fl.Close() }, nil
}

// removeOrphanTemps deletes temp files of target left by a writer that
// crashed. Only called under the lock, when no live writer can own one.
func removeOrphanTemps(target string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(target), filepath.Base(target)+".tmp-*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

func (r *FileRecords) read() (File, error) {
	data, err := r.readBytes()
	if err != nil || data == nil {
		return File{Version: FileVersion, Pairings: []providers.Pairing{}}, err
	}
	return decodeFile(r.path, data)
}

// LoadSettings reads the records file's settings without decoding its
// pairings (start-up needs the settings before anything lists pairings: a
// second full decode was half of `status --no-check` at 10,000 pairings).
// A file that is not JSON records of a known version is decoded in full,
// so its error is the one Load gives; a bad value inside a pairing is left
// to Load, which start-up runs next wherever pairings are used.
func (r *FileRecords) LoadSettings() (Settings, error) {
	data, err := r.readBytes()
	if err != nil || data == nil {
		return Settings{}, err
	}
	var head struct {
		Version  *int     `json:"version"`
		Settings Settings `json:"settings"`
	}
	if strictUnmarshal(data, &head) == nil && head.Version != nil && *head.Version >= 1 && *head.Version <= FileVersion {
		return head.Settings, nil
	}
	f, err := decodeFile(r.path, data)
	return f.Settings, err
}

// readBytes is the records file's content, nil when there is no file.
func (r *FileRecords) readBytes() ([]byte, error) {
	var fh *os.File
	err := retrySharing(errSharing, func() (err error) {
		fh, err = openShared(r.path)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fileError("read records", r.path, err)
	}
	defer fh.Close()
	var buf bytes.Buffer
	if fi, err := fh.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > maxRecordsBytes {
			return nil, tooLarge(r.path, fmt.Sprintf("%d MiB", fi.Size()>>20))
		}
		buf.Grow(int(fi.Size()) + 1)
	}
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxRecordsBytes+1)); err != nil {
		return nil, fileError("read records", r.path, err)
	}
	if buf.Len() > maxRecordsBytes {
		return nil, tooLarge(r.path, fmt.Sprintf("over %d MiB", maxRecordsBytes>>20))
	}
	return buf.Bytes(), nil
}

// tooLarge refuses a records file bigger than the format allows: what is
// wrong is the size, not the content, so it is not called corrupt.
func tooLarge(path, what string) *Error {
	return &Error{Kind: KindTooBig, Op: "read records", Path: path,
		Cause: fmt.Sprintf("the file is too large: %s, more than the %d MiB that holds the most pairings tillpair keeps (%d)",
			what, maxRecordsBytes>>20, MaxPairings)}
}

// fileOnDisk is File with the version a pointer, to tell a missing one.
type fileOnDisk struct {
	Version  *int                `json:"version"`
	Pairings []providers.Pairing `json:"pairings"`
	Settings Settings            `json:"settings"`
}

// decodeFile decodes the file in one pass, then checks its version. A newer
// format may use different types for the same fields: when the decoding
// fails, the version alone is looked at, so a newer file is reported as
// newer rather than corrupt.
func decodeFile(path string, data []byte) (File, error) {
	corrupt := func(cause string, err error) (File, error) {
		return File{}, &Error{Kind: KindCorrupt, Op: "read records", Path: path, Cause: cause, Err: err}
	}
	newer := func(v int) (File, error) {
		return File{}, &Error{Kind: KindNewerVersion, Op: "read records", Path: path,
			Cause: fmt.Sprintf("it has format version %d, but this tillpair understands only version %d",
				v, FileVersion)}
	}
	// Room for every pairing up front: growing the slice while decoding
	// copied it over and over (each key appears once per pairing).
	d := fileOnDisk{Pairings: make([]providers.Pairing, 0,
		min(bytes.Count(data, []byte(`"pairing_id"`)), MaxPairings+1))}
	if err := strictUnmarshal(data, &d); err != nil {
		var head struct {
			Version *int `json:"version"`
		}
		if json.Unmarshal(data, &head) == nil && head.Version != nil && *head.Version > FileVersion {
			return newer(*head.Version)
		}
		return corrupt("the file is not valid tillpair records: "+describeJSONError(data, err), nil)
	}
	switch {
	case d.Version == nil:
		return corrupt(`the file is not valid tillpair records: it has no "version" field`, nil)
	case *d.Version > FileVersion:
		return newer(*d.Version)
	case *d.Version < 1:
		return corrupt(fmt.Sprintf("the file is not valid tillpair records: format version %d does not exist",
			*d.Version), nil)
	}
	if len(d.Pairings) > MaxPairings {
		return File{}, tooLarge(path, fmt.Sprintf("%d pairings", len(d.Pairings)))
	}
	f := File{Version: *d.Version, Pairings: d.Pairings, Settings: d.Settings}
	if f.Pairings == nil {
		f.Pairings = []providers.Pairing{}
	}
	return f, nil
}

// strictUnmarshal is json.Unmarshal that also rejects a top level that is
// not an object, saying so. (json.Unmarshal decodes in place; a Decoder
// would copy the file into its own growing buffer first.)
func strictUnmarshal(data []byte, v any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return errors.New("the file is empty")
	}
	if trimmed[0] != '{' {
		return errors.New("the top level is not a JSON object")
	}
	err := json.Unmarshal(data, v)
	var syn *json.SyntaxError
	if errors.As(err, &syn) && strings.Contains(syn.Error(), "after top-level value") {
		return errors.New("there is extra data after the JSON object")
	}
	return err
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
// stay stable. It is compact JSON (about 40% smaller than the indented form
// earlier versions wrote, which still loads): `jq . pairings.json` shows it
// indented.
func encodeFile(f File) ([]byte, error) {
	// Only this build's format is ever written; Load refused anything newer.
	f.Version = FileVersion
	if f.Pairings == nil {
		f.Pairings = []providers.Pairing{}
	}
	if len(f.Pairings) > MaxPairings {
		return nil, &Error{Kind: KindTooBig, Op: "write records",
			Cause: fmt.Sprintf("they would hold %d pairings, more than the %d one records file holds",
				len(f.Pairings), MaxPairings)}
	}
	data, err := json.Marshal(f)
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
