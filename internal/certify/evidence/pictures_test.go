package evidence

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

// envChromiumTests turns on the tests that run a real Chromium: they take
// seconds per run, so `make test` runs them once, in the evidence suite.
const envChromiumTests = "TILLPAIR_EVIDENCE_CHROMIUM"

func needChromium(t *testing.T) string {
	t.Helper()
	if os.Getenv(envChromiumTests) == "" {
		t.Skipf("set %s=1 to run Chromium (scripts/test.sh's evidence suite does)", envChromiumTests)
	}
	bin, err := findChromium("")
	if err != nil {
		t.Skipf("no browser: %v", err)
	}
	return bin
}

// Every screen gets a PNG cut from Chromium's rendering of the report's
// own HTML: all the same size, each the terminal's background at the
// edges and text inside, linked from the report; a second run draws the
// same pixels.
func TestPicturesOfEveryScreen(t *testing.T) {
	needChromium(t)
	run := func(dir string) Result {
		return runOptions(t, Options{Out: dir, Provider: providers.Helcim, Pictures: Pictures{On: true}})
	}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	res := run(a)
	if res.PicturesSkipped != "" || res.PNGs != res.Shots {
		t.Fatalf("%d pictures of %d screens; skipped: %s", res.PNGs, res.Shots, res.PicturesSkipped)
	}
	run(b)
	html, err := os.ReadFile(filepath.Join(a, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	txts, _ := filepath.Glob(filepath.Join(a, "helcim", "screens", "*.txt"))
	if len(txts) != res.Shots {
		t.Fatalf("%d text captures for %d screens", len(txts), res.Shots)
	}
	bg := mustHex(t, termBackground)
	var size image.Point
	seen := map[string]string{}
	for _, txt := range txts {
		name := strings.TrimSuffix(txt, ".txt") + ".png"
		rel, _ := filepath.Rel(a, name)
		if !bytes.Contains(html, []byte(`href="`+filepath.ToSlash(rel)+`"`)) {
			t.Errorf("index.html does not link %s", rel)
		}
		img := decodePNG(t, name)
		if size == (image.Point{}) {
			size = img.Bounds().Size()
		}
		// 80 columns at 14px, twice over: well past 1000 device pixels.
		if img.Bounds().Size() != size || size.X < 1000 || size.Y < 500 {
			t.Errorf("%s is %v (the first was %v)", rel, img.Bounds().Size(), size)
		}
		corner := img.At(img.Bounds().Min.X+2, img.Bounds().Min.Y+2)
		if !sameColour(corner, bg) {
			t.Errorf("%s: the corner is %v, not the terminal's background", rel, corner)
		}
		if n := colours(img); n < 8 {
			t.Errorf("%s has %d colours: no text was drawn", rel, n)
		}
		// The same picture only for the same screen (a scenario may end
		// where another began).
		if other, ok := seen[pixelsKey(img)]; ok && !sameFile(t, strings.TrimSuffix(name, ".png")+".ans", filepath.Join(a, strings.TrimSuffix(other, ".png")+".ans")) {
			t.Errorf("%s and %s are the same picture of different screens", rel, other)
		}
		seen[pixelsKey(img)] = rel
		if pixelsKey(decodePNG(t, filepath.Join(b, rel))) != pixelsKey(img) {
			t.Errorf("%s differs between two runs", rel)
		}
	}
}

// A browser that fails leaves the pack whole, without pictures, and its
// own words in the reason.
func TestPicturesSkippedWhenChromiumFails(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in browser is a shell script")
	}
	fake := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "pack")
	res := runOptions(t, Options{Out: dir, Provider: providers.Helcim, Pictures: Pictures{On: true, Chromium: fake}})
	if res.PNGs != 0 || !strings.Contains(res.PicturesSkipped, "cannot open display") {
		t.Errorf("%d pictures, skipped: %q", res.PNGs, res.PicturesSkipped)
	}
	for _, f := range []string{"index.html", "index.md"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(b), "cannot open display") {
			t.Errorf("%s does not say why there are no pictures: %v", f, err)
		}
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	ba, erra := os.ReadFile(a)
	bb, errb := os.ReadFile(b)
	if erra != nil || errb != nil {
		t.Fatal(erra, errb)
	}
	return bytes.Equal(ba, bb)
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func mustHex(t *testing.T, hex string) color.Color {
	t.Helper()
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		t.Fatal(err)
	}
	return color.RGBA{r, g, b, 255}
}

func sameColour(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar>>8 == br>>8 && ag>>8 == bg>>8 && ab>>8 == bb>>8
}

func colours(img image.Image) int {
	seen := map[color.Color]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 3 {
		for x := r.Min.X; x < r.Max.X; x += 3 {
			seen[color.RGBAModel.Convert(img.At(x, y))] = true
		}
	}
	return len(seen)
}

// pixelsKey is the picture's pixels, whatever the PNG's encoding.
func pixelsKey(img image.Image) string {
	var b strings.Builder
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			b.Write([]byte{c.R, c.G, c.B, c.A})
		}
	}
	return b.String()
}
