package evidence

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// readmePictures reads docs/img/pictures.list: the sizes, and each
// picture's name with the pack screen it comes from.
func readmePictures(t *testing.T, dir string) (sizes [][2]int, names, screens []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pictures.list"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case f[0] == "size" && len(f) == 2:
			var w, h int
			if _, err := fmt.Sscanf(f[1], "%dx%d", &w, &h); err != nil {
				t.Fatalf("pictures.list: size %q: %v", f[1], err)
			}
			sizes = append(sizes, [2]int{w, h})
		case len(f) == 2:
			names, screens = append(names, f[0]), append(screens, f[1])
		default:
			t.Fatalf("pictures.list: cannot read %q", l)
		}
	}
	if len(sizes) == 0 || len(names) == 0 {
		t.Fatal("pictures.list names no size or no picture")
	}
	return sizes, names, screens
}

// The README's pictures are the app as it is: each text capture beside a
// picture in docs/img must be what SCI's scenarios show now, at every size
// listed, and the picture must be there. A restyle or a new wording that
// changes a screen fails here until `make pictures` is run again.
func TestREADMEPicturesMatchTheApp(t *testing.T) {
	if testing.Short() {
		t.Skip("plays SCI's scenarios at every picture size")
	}
	img := filepath.Join("..", "..", "..", "docs", "img")
	sizes, names, screens := readmePictures(t, img)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			dir := t.TempDir()
			runOptions(t, Options{Out: dir, Provider: providers.SCI, Width: sz[0], Height: sz[1],
				Now: func() time.Time { return now }})
			for i, name := range names {
				file := fmt.Sprintf("%s-%dx%d", name, sz[0], sz[1])
				got, err := filepath.Glob(filepath.Join(dir, "sci", "screens", "[0-9][0-9]-"+screens[i]+".txt"))
				if err != nil || len(got) != 1 {
					t.Errorf("%s: the scenarios have no screen %q (%v)", file, screens[i], got)
					continue
				}
				now, _ := os.ReadFile(got[0])
				want, err := os.ReadFile(filepath.Join(img, file+".txt"))
				if err != nil {
					t.Errorf("%s: %v (run make pictures)", file, err)
					continue
				}
				if string(now) != string(want) {
					t.Errorf("docs/img/%s.txt is not what the app shows now; run make pictures. The app shows:\n%s", file, now)
				}
				if _, err := os.Stat(filepath.Join(img, file+".png")); err != nil {
					t.Errorf("docs/img/%s.png: %v (run make pictures)", file, err)
				}
			}
		})
	}
}
