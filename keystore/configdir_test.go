package keystore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigDirResolutionOrder(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// Explicit dirs go through filepath.Abs, joined ones through
	// filepath.Join: on Windows both use backslashes, and Abs gives a
	// rooted path the current drive (issue 14).
	vol := filepath.VolumeName(cwd)
	abs := func(p string) string { return vol + filepath.FromSlash(p) }
	join := filepath.FromSlash
	full := map[string]string{
		"TILLPAIR_CONFIG_DIR": "/env/tp",
		"XDG_CONFIG_HOME":     "/xdg",
		"HOME":                "/home/u",
		"APPDATA":             `C:\Users\u\AppData\Roaming\`,
	}
	without := func(keys ...string) map[string]string {
		m := map[string]string{}
		for k, v := range full {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	cases := []struct {
		name string
		goos string
		env  map[string]string
		flag string
		want string
	}{
		{"flag wins", "linux", full, "/flag/dir", abs("/flag/dir")},
		{"relative flag made absolute", "linux", full, "rel/dir", filepath.Join(cwd, "rel/dir")},
		{"env next", "linux", full, "", abs("/env/tp")},
		{"xdg next", "linux", without("TILLPAIR_CONFIG_DIR"), "", join("/xdg/tillpair")},
		{"relative xdg ignored", "linux", map[string]string{"XDG_CONFIG_HOME": "xdg", "HOME": "/home/u"}, "", join("/home/u/.config/tillpair")},
		{"home last", "linux", without("TILLPAIR_CONFIG_DIR", "XDG_CONFIG_HOME"), "", join("/home/u/.config/tillpair")},
		{"darwin follows the design, not Library", "darwin", without("TILLPAIR_CONFIG_DIR", "XDG_CONFIG_HOME"), "", join("/home/u/.config/tillpair")},
		{"windows appdata", "windows", without("TILLPAIR_CONFIG_DIR"), "", `C:\Users\u\AppData\Roaming\tillpair`},
		{"windows env wins", "windows", full, "", abs("/env/tp")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := configDir(c.goos, func(k string) string { return c.env[k] }, c.flag)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("configDir = %q, want %q", got, c.want)
			}
		})
	}
}

func TestConfigDirErrorsNameTheFix(t *testing.T) {
	for _, goos := range []string{"linux", "windows"} {
		_, err := configDir(goos, func(string) string { return "" }, "")
		if err == nil || !strings.Contains(err.Error(), "TILLPAIR_CONFIG_DIR") || !strings.Contains(err.Error(), "--config-dir") {
			t.Errorf("%s with an empty environment: err = %v, want a hint naming TILLPAIR_CONFIG_DIR and --config-dir", goos, err)
		}
	}
	// The exported form uses this OS and tolerates a nil getenv with a flag.
	got, err := ConfigDir(nil, "/x/y")
	if err != nil || got != filepath.Clean("/x/y") && !strings.HasSuffix(got, `x\y`) {
		t.Errorf("ConfigDir(nil, /x/y) = %q, %v", got, err)
	}
}

func TestCheckWritableCreatesTheDirOrNamesIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	r, err := OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CheckWritable(); err != nil {
		t.Fatalf("CheckWritable: %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("dir not created: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("CheckWritable left files behind: %v", left)
	}
	// A parent that is a file: the dir can never exist.
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bad, _ := OpenRecords(filepath.Join(file, "tillpair"))
	err = bad.CheckWritable()
	e, ok := AsError(err)
	if !ok || !e.StoreError() || !strings.Contains(err.Error(), filepath.Join(file, "tillpair")) || !strings.Contains(err.Error(), "--config-dir") {
		t.Errorf("err = %v; want a store error naming the dir and --config-dir", err)
	}
}
