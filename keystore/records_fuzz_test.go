package keystore

import (
	"os"
	"testing"
)

func FuzzLoadRecords(f *testing.F) {
	f.Add(mustEncode(f, sampleFile("seed", 2)))
	f.Add([]byte(`{"version":1,"pairings":[],"settings":{}}`))
	f.Add([]byte(`{"version":1,"pairings":null}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":-1}`))
	f.Add([]byte(`{"version":1e999}`))
	f.Add([]byte(`{"version":1,"pairings":[{"created_at":"nope"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Add([]byte("\xef\xbb\xbf{\"version\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mustOpenRecords(t, t.TempDir())
		if err := os.WriteFile(r.Path(), data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := r.Load()
		if err != nil {
			e, ok := AsError(err)
			if !ok || (e.Kind != KindCorrupt && e.Kind != KindNewerVersion) {
				t.Fatalf("Load error %v (%T), want *Error of kind corrupt or newer_version", err, err)
			}
			if e.Path != r.Path() {
				t.Fatalf("error path %q, want %q", e.Path, r.Path())
			}
			return
		}
		if got.Version != FileVersion || got.Pairings == nil {
			t.Fatalf("Load accepted %q as %+v", data, got)
		}
		// Whatever Load accepts, Update can rewrite and Load reads back.
		if err := r.Update(func(*File) error { return nil }); err != nil {
			t.Fatalf("Update after a successful Load: %v", err)
		}
		if _, err := r.Load(); err != nil {
			t.Fatalf("Load of our own rewrite: %v", err)
		}
	})
}
