package keystore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

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
