package keystore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/tillpair/tillpair/providers"
)

func TestLoadMissingFileIsEmpty(t *testing.T) {
	r := mustOpenRecords(t, filepath.Join(t.TempDir(), "not", "yet"))
	f, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != FileVersion || len(f.Pairings) != 0 || f.Pairings == nil {
		t.Fatalf("Load of a missing file = %+v, want empty version %d", f, FileVersion)
	}
	if _, err := os.Stat(filepath.Dir(r.Path())); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load created the config dir (stat err %v)", err)
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	want := sampleFile("rt", 3)
	want.Pairings[1].Register = &providers.RegisterIdentity{RegisterID: "r-1", RegisterName: "Till 1",
		BusinessName: "Cafe", VendorName: "tillpair"}
	want.Pairings[2].CheckedAt = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	want.Settings.Register = &providers.RegisterIdentity{RegisterID: "r-1", RegisterName: "Till 1"}
	if err := r.Update(func(f *File) error { *f = want; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := mustOpenRecords(t, filepath.Dir(r.Path())).Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Update sees what was written before.
	var seen int
	if err := r.Update(func(f *File) error { seen = len(f.Pairings); return nil }); err != nil {
		t.Fatal(err)
	}
	if seen != 3 {
		t.Fatalf("Update saw %d pairings, want 3", seen)
	}
}

func TestUpdateFnErrorWritesNothing(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	if err := r.Update(appendPairing("keep")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(r.Path())
	boom := errors.New("boom")
	err := r.Update(func(f *File) error {
		f.Pairings = nil
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want fn's error", err)
	}
	after, _ := os.ReadFile(r.Path())
	if !slices.Equal(before, after) {
		t.Fatal("Update wrote although fn failed")
	}
}

func TestUpdateEncodeFailureWritesNothing(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	if err := r.Update(appendPairing("keep")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(r.Path())
	err := r.Update(func(f *File) error {
		// time.Time refuses to encode years past 9999.
		f.Pairings[0].CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		return nil
	})
	wantKind(t, err, KindInvalid)
	after, _ := os.ReadFile(r.Path())
	if !slices.Equal(before, after) {
		t.Fatal("a failed encode changed the file")
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(r.Path()), tempPattern)); len(m) > 0 {
		t.Fatalf("temp files left: %v", m)
	}
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes do not apply on Windows")
	}
	dir := filepath.Join(t.TempDir(), "cfg", "tillpair")
	r := mustOpenRecords(t, dir)
	if err := r.Update(appendPairing("p")); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700)
	assertMode(t, r.Path(), 0o600)
	assertMode(t, r.LockPath(), 0o600)
	if n := r.Notice(); n != "" {
		t.Errorf("Notice() = %q for tight permissions, want none", n)
	}

	// A file loosened by hand is reported, then re-created 0600 by the next write.
	if err := os.Chmod(r.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := r.Notice(); !strings.Contains(n, r.Path()) || !strings.Contains(n, "chmod 600") {
		t.Errorf("Notice() = %q, want the file path and a chmod hint", n)
	}
	if err := r.Update(appendPairing("q")); err != nil {
		t.Fatal(err)
	}
	assertMode(t, r.Path(), 0o600)

	// A loose dir the user chose is reported, not changed.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if n := r.Notice(); !strings.Contains(n, "chmod 700 "+dir) {
		t.Errorf("Notice() = %q, want a chmod 700 hint for the dir", n)
	}
	if err := r.Update(appendPairing("r")); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o755)
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s mode = %04o, want %04o", path, got, want)
	}
}

func TestCorruptFileReportedAndNeverOverwritten(t *testing.T) {
	cases := map[string]string{
		"invalid json":       `{"version": 1, "pairings": [`,
		"wrong field type":   `{"version": 1, "pairings": "none"}`,
		"wrong version type": `{"version": "1", "pairings": []}`,
		"no version":         `{"pairings": []}`,
		"version zero":       `{"version": 0, "pairings": []}`,
		"top level array":    `[{"version": 1}]`,
		"empty file":         ``,
		"trailing data":      `{"version": 1, "pairings": []} {"version": 1}`,
		"binary":             "\x00\xff\xfe{",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			r := mustOpenRecords(t, t.TempDir())
			if err := os.WriteFile(r.Path(), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := r.Load()
			e := wantKind(t, err, KindCorrupt)
			if e.Path != r.Path() {
				t.Errorf("Path = %q, want %q", e.Path, r.Path())
			}
			msg := err.Error()
			for _, want := range []string{r.Path(), "kept untouched", "mv " + r.Path()} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}

			called := false
			err = r.Update(func(f *File) error { called = true; return nil })
			wantKind(t, err, KindCorrupt)
			if called {
				t.Error("Update ran fn on a corrupt file")
			}
			got, _ := os.ReadFile(r.Path())
			if string(got) != content {
				t.Errorf("corrupt file changed to %q", got)
			}
		})
	}
}

func TestCorruptMessageGivesLine(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	content := "{\n  \"version\": 1,\n  \"pairings\": [\n    {\"pairing_id\": 7}\n  ]\n}\n"
	if err := os.WriteFile(r.Path(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := r.Load()
	wantKind(t, err, KindCorrupt)
	if !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "pairing_id") {
		t.Errorf("message %q does not point at line 4 and the field", err)
	}
}

func TestNewerVersionRefused(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	// A future format may change field types; the version must be checked first.
	content := `{"version": 2, "pairings": {"by_id": {}}}`
	if err := os.WriteFile(r.Path(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := r.Load()
	wantKind(t, err, KindNewerVersion)
	for _, want := range []string{r.Path(), "version 2", "Upgrade tillpair"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}
	}
	err = r.Update(appendPairing("x"))
	wantKind(t, err, KindNewerVersion)
	got, _ := os.ReadFile(r.Path())
	if string(got) != content {
		t.Errorf("newer-version file changed to %q", got)
	}
}

func TestUpdateWhenRecordsPathIsADirectory(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	if err := os.Mkdir(r.Path(), 0o700); err != nil {
		t.Fatal(err)
	}
	err := r.Update(appendPairing("x"))
	e := wantKind(t, err, KindIO)
	if e.Path != r.Path() || !strings.Contains(err.Error(), "--config-dir") {
		t.Errorf("error %q should name %s and a fix", err, r.Path())
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(r.Path()), tempPattern)); len(m) > 0 {
		t.Fatalf("temp files left: %v", m)
	}
}

func TestUpdateWhenConfigDirIsAFile(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "cfg")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustOpenRecords(t, filepath.Join(blocker, "tillpair"))
	err := r.Update(appendPairing("x"))
	e := wantKind(t, err, KindIO)
	if !strings.Contains(e.Error(), blocker) {
		t.Errorf("error %q should name the dir", err)
	}
}

func TestUpdateBusyLockTimesOut(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	if err := r.Update(appendPairing("first")); err != nil {
		t.Fatal(err)
	}
	other := flock.New(r.LockPath())
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	r.LockTimeout = 30 * time.Millisecond
	called := false
	err := r.Update(func(*File) error { called = true; return nil })
	wantKind(t, err, KindBusy)
	if !strings.Contains(err.Error(), r.LockPath()) {
		t.Errorf("message %q does not name the lock file", err)
	}
	if called {
		t.Error("fn ran without the lock")
	}
	// Load needs no lock.
	if f, err := r.Load(); err != nil || len(f.Pairings) != 1 {
		t.Errorf("Load under a held lock = %d pairings, %v", len(f.Pairings), err)
	}
	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(appendPairing("second")); err != nil {
		t.Fatalf("Update after the lock was released: %v", err)
	}
}

func TestFileErrorClassification(t *testing.T) {
	cases := []struct {
		err   error
		kind  ErrorKind
		cause string
	}{
		{syscall.EROFS, KindReadOnly, "read-only"},
		{syscall.EACCES, KindReadOnly, "permission denied"},
		{syscall.EPERM, KindReadOnly, "permission denied"},
		{syscall.ENOSPC, KindIO, "disk is full"},
		{syscall.EDQUOT, KindIO, "disk is full"},
		{syscall.ENOENT, KindIO, "does not exist"},
		{syscall.EIO, KindIO, "file system error"},
	}
	for _, c := range cases {
		path := "/cfg/tillpair/pairings.json"
		e := fileError("write records", path, &fs.PathError{Op: "open", Path: path, Err: c.err})
		if e.Kind != c.kind || !strings.Contains(e.Error(), c.cause) || !strings.Contains(e.Error(), path) ||
			e.Fix() == "" {
			t.Errorf("%v: kind %s, message %q; want kind %s mentioning %q and the path", c.err, e.Kind, e, c.kind, c.cause)
		}
	}
}

func TestOpenRecordsNeedsDir(t *testing.T) {
	_, err := OpenRecords("")
	wantKind(t, err, KindInvalid)
}

// TestRecordsTypesHoldNoSecrets fails when a secret-looking field is added to
// the records types; secrets belong in the keyring.
func TestRecordsTypesHoldNoSecrets(t *testing.T) {
	secretType := reflect.TypeFor[providers.Secret]()
	var walk func(t *testing.T, typ reflect.Type, path string, seen map[reflect.Type]bool)
	walk = func(t *testing.T, typ reflect.Type, path string, seen map[reflect.Type]bool) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ == secretType {
			t.Errorf("%s is a providers.Secret", path)
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() == "time" {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			fld := typ.Field(i)
			name := strings.ToLower(fld.Name + " " + fld.Tag.Get("json"))
			for _, bad := range []string{"secret", "token", "password", "apikey", "api_key"} {
				if strings.Contains(name, bad) {
					t.Errorf("%s.%s looks like a secret field", path, fld.Name)
				}
			}
			walk(t, fld.Type, path+"."+fld.Name, seen)
		}
	}
	walk(t, reflect.TypeFor[File](), "File", map[reflect.Type]bool{})

	// And a fully populated file encodes without item names or values.
	f := sampleFile("s", 2)
	f.Pairings[0].Register = &providers.RegisterIdentity{RegisterID: "r", RegisterName: "n", BusinessName: "b", VendorName: "v"}
	f.Settings.Register = f.Pairings[0].Register
	data := string(mustEncode(t, f))
	for _, bad := range []string{SCIAPIKey, SCISigningPartA, HelcimAPIToken, SCIPartB("s-0000"), "secret", "[redacted]"} {
		if strings.Contains(data, bad) {
			t.Errorf("encoded records contain %q", bad)
		}
	}
}

func TestUpdateRefusesLeakedSecret(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	leaked := providers.NewSecret("sk_live_123")
	err := r.Update(func(f *File) error {
		p := samplePairing("x")
		// What a Secret put in a string field by mistake looks like.
		p.TerminalNickname = leaked.String()
		f.Pairings = append(f.Pairings, p)
		return nil
	})
	wantKind(t, err, KindInvalid)
	if _, statErr := os.Stat(r.Path()); !errors.Is(statErr, fs.ErrNotExist) {
		t.Fatalf("records were written despite the refusal (stat: %v)", statErr)
	}
}

// A records file as versions before issue 17 wrote it (indented) still
// loads, and the next update rewrites it compact with the same content.
func TestIndentedRecordsStillLoad(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "pairings-indented-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustOpenRecords(t, t.TempDir())
	if err := os.WriteFile(r.Path(), old, 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Pairings) != 3 || before.Pairings[1].Register == nil || before.Settings.SmartConnectEnv != "dev" {
		t.Fatalf("the old file loaded as %+v", before)
	}
	if err := r.Update(func(*File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	now, err := os.ReadFile(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(now, []byte("\n")) != 1 || len(now) >= len(old)*3/4 {
		t.Errorf("rewritten as %d bytes on %d lines, want compact (one line, well under %d bytes)",
			len(now), bytes.Count(now, []byte("\n")), len(old))
	}
	after, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("content changed on rewrite:\n%+v\n%+v", before, after)
	}
}

// Before issue 17 an 8 MiB read cap called an indented file of about 14,400
// pairings corrupt (fewer with longer texts). 21,000 as the old format wrote them load now.
func TestNoSizeCliffAtTheOldCap(t *testing.T) {
	f := sampleFile("cliff", 21_000)
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(data) <= 8<<20 {
		t.Fatalf("the fixture is %d bytes, not over the old cap", len(data))
	}
	r := mustOpenRecords(t, t.TempDir())
	if err := os.WriteFile(r.Path(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Pairings) != 21_000 {
		t.Fatalf("loaded %d pairings, want 21,000", len(got.Pairings))
	}
}

// The size cap follows the format: MaxPairings of the largest sample pairing,
// indented as older versions wrote them, fit under it.
func TestSizeCapHoldsTheMostPairings(t *testing.T) {
	p := samplePairing("b7c1e0f2-5d4a-4f3e-9a61-2c8d0e4f7a19")
	p.Register = &providers.RegisterIdentity{RegisterID: strings.Repeat("r", 36), RegisterName: strings.Repeat("n", 40),
		BusinessName: strings.Repeat("b", 60), VendorName: strings.Repeat("v", 40)}
	p.ConfirmationCode, p.Serial, p.Model, p.Location = "123456789012", strings.Repeat("s", 20), "solo", strings.Repeat("l", 20)
	p.PairingNickname, p.TerminalNickname = strings.Repeat("é", 64), strings.Repeat("t", 64)
	online, battery := true, 87.5
	p.Health = &providers.Health{Online: &online, Battery: &battery, State: "IDLE", Model: "solo", Detail: strings.Repeat("d", 80)}
	p.CheckedAt, p.ExpiresAt = p.CreatedAt, p.CreatedAt
	one, err := json.MarshalIndent(File{Version: 1, Pairings: []providers.Pairing{p}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(one) > maxPairingBytes {
		t.Errorf("one full pairing is %d bytes indented, over the %d the cap allows each", len(one), maxPairingBytes)
	}
}

// A file bigger than the format allows is refused as too large, not
// corrupt, and kept.
func TestTooLargeFileRefusedAsTooLarge(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sparse files")
	}
	r := mustOpenRecords(t, t.TempDir())
	fh, err := os.Create(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(maxRecordsBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = fh.Close()
	_, err = r.Load()
	wantKind(t, err, KindTooBig)
	for _, want := range []string{"too large", r.Path(), "100000 pairings", "kept untouched"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "corrupt") || strings.Contains(err.Error(), "not valid") {
		t.Errorf("a file too large is called corrupt: %q", err)
	}
	err = r.Update(appendPairing("x"))
	wantKind(t, err, KindTooBig)
	if fi, _ := os.Stat(r.Path()); fi.Size() != maxRecordsBytes+1 {
		t.Error("the file was changed")
	}
}

// More pairings than one file holds are refused on reading and never
// written, so every file tillpair writes, it reads.
func TestTooManyPairings(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":1,"pairings":[`)
	for i := range MaxPairings + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}`)
	r := mustOpenRecords(t, t.TempDir())
	if err := os.WriteFile(r.Path(), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := r.Load()
	wantKind(t, err, KindTooBig)
	if !strings.Contains(err.Error(), fmt.Sprintf("%d pairings", MaxPairings+1)) {
		t.Errorf("message %q does not count the pairings", err)
	}

	mem := NewMemoryRecords()
	err = mem.Update(func(f *File) error {
		f.Pairings = make([]providers.Pairing, MaxPairings+1)
		return nil
	})
	wantKind(t, err, KindTooBig)
}

// A newer format may change a field's type: it is still reported as newer,
// not corrupt.
func TestNewerVersionWithOtherTypes(t *testing.T) {
	r := mustOpenRecords(t, t.TempDir())
	if err := os.WriteFile(r.Path(), []byte(`{"pairings": "elsewhere", "version": 3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := r.Load()
	wantKind(t, err, KindNewerVersion)
}

// A symlinked pairings.json stays a link: the update is written through to
// its target with the rename in the target's directory, so the file the
// link names and every other path to it see the change. Before issue 13
// the link was replaced by a regular file, forking the records silently.
func TestSymlinkedRecordsWrittenThrough(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	shared := t.TempDir()
	target := filepath.Join(shared, "records.json")
	if err := os.WriteFile(target, mustEncode(t, sampleFile("shared", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		link func(dir string) error
	}{
		{"absolute", func(dir string) error { return os.Symlink(target, filepath.Join(dir, "pairings.json")) }},
		{"relative", func(dir string) error {
			rel, err := filepath.Rel(dir, target)
			if err != nil {
				return err
			}
			return os.Symlink(rel, filepath.Join(dir, "pairings.json"))
		}},
		{"chain", func(dir string) error {
			mid := filepath.Join(dir, "middle.json")
			if err := os.Symlink(target, mid); err != nil {
				return err
			}
			return os.Symlink("middle.json", filepath.Join(dir, "pairings.json"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.link(dir); err != nil {
				t.Fatal(err)
			}
			r := mustOpenRecords(t, dir)
			id := "via-" + tc.name
			if err := r.Update(appendPairing(id)); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(r.Path()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("pairings.json is no longer a link (%v, %v)", fi.Mode(), err)
			}
			data, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), id) {
				t.Fatalf("the target does not hold the update:\n%s", data)
			}
			if r.LockPath() != target+lockSuffix {
				t.Errorf("lock %s, want the target's %s so every path to it shares it", r.LockPath(), target+lockSuffix)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*")); len(m) != 0 {
				t.Errorf("temp files left beside the link: %v", m)
			}
		})
	}
}

// A link to a file not yet there creates it where the link points; a link
// to a directory or a loop is refused with a message saying so, and the
// link is kept.
func TestSymlinkedRecordsEdgeCases(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	t.Run("dangling", func(t *testing.T) {
		dir, shared := t.TempDir(), t.TempDir()
		target := filepath.Join(shared, "new.json")
		if err := os.Symlink(target, filepath.Join(dir, "pairings.json")); err != nil {
			t.Fatal(err)
		}
		r := mustOpenRecords(t, dir)
		if err := r.Update(appendPairing("first")); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(target); err != nil || !strings.Contains(string(data), "first") {
			t.Fatalf("the target was not created with the update (%v)", err)
		}
	})
	for _, tc := range []struct {
		name, want string
		link       func(dir string) error
	}{
		{"directory", "not a regular file", func(dir string) error { return os.Symlink(t.TempDir(), filepath.Join(dir, "pairings.json")) }},
		{"loop", "loop", func(dir string) error { return os.Symlink("pairings.json", filepath.Join(dir, "pairings.json")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.link(dir); err != nil {
				t.Fatal(err)
			}
			r := mustOpenRecords(t, dir)
			err := r.Update(appendPairing("x"))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("Update = %v, want a refusal naming the link and %q", err, tc.want)
			}
			if fi, err := os.Lstat(r.Path()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatal("the link was replaced")
			}
		})
	}
}

// LoadSettings reads what Load reads for the settings, without the
// pairings, and fails as Load fails on a file that is not tillpair's
// records of a known version.
func TestLoadSettingsMatchesLoad(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := r.LoadSettings(); err != nil || st.SmartConnectEnv != "" || len(st.Values) != 0 {
		t.Fatalf("missing file: %+v, %v", st, err)
	}
	err = r.Update(func(f *File) error {
		f.Settings.SmartConnectEnv = "dev"
		f.Settings.SetValue("linkly_pos_id", "7d0c3c1e")
		f.Pairings = append(f.Pairings, providers.Pairing{Provider: "sci", ID: "p1", Status: providers.StatusActive})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.LoadSettings()
	if err != nil || !reflect.DeepEqual(st, f.Settings) || st.Value("linkly_pos_id") != "7d0c3c1e" {
		t.Fatalf("LoadSettings = %+v, %v; Load's settings %+v", st, err, f.Settings)
	}
	for name, content := range map[string]string{
		"corrupt":  `{"version":1,"pairings":[{"pairing_id":`,
		"newer":    `{"version":9,"pairings":[],"settings":{}}`,
		"no_value": `{"pairings":[]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, recordsName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, lerr := r.Load()
		_, serr := r.LoadSettings()
		if lerr == nil || serr == nil || lerr.Error() != serr.Error() {
			t.Errorf("%s: Load says %v, LoadSettings %v", name, lerr, serr)
		}
	}
	// A bad pairing is Load's to report (the pairings are not decoded).
	bad := `{"version":1,"pairings":[{"pairing_id":5}],"settings":{"smartconnect_environment":"dev"}}`
	if err := os.WriteFile(filepath.Join(dir, recordsName), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(); err == nil {
		t.Error("Load read a pairing id that is a number")
	}
	if st, err := r.LoadSettings(); err != nil || st.SmartConnectEnv != "dev" {
		t.Errorf("LoadSettings with a bad pairing = %+v, %v", st, err)
	}
}
