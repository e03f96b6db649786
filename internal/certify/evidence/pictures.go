package evidence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pictures configures the PNG of every screen. They are made by a headless
// Chromium (or Chrome) run as a separate program, so the binary carries no
// browser driver: one run measures a screen's size in the report's CSS,
// then each run screenshots a sheet of screens laid out on a grid of that
// size, and the sheet is cut into one PNG per screen. Chromium's command
// line (--headless, --dump-dom, --screenshot) has been stable for years;
// a DevTools client would tie the binary to one protocol version.
type Pictures struct {
	// On asks for pictures; without it none are made.
	On bool
	// Chromium is the browser: a path, or a name looked up on PATH. ""
	// looks for chromium, chromium-browser, google-chrome and
	// google-chrome-stable.
	Chromium string
	// Scale is device pixels per CSS pixel (0: 2, sharp when pasted into
	// a form).
	Scale int
	// Timeout bounds each Chromium run (0: 2 minutes).
	Timeout time.Duration
}

// chromiumNames are looked for on PATH when Pictures.Chromium is "".
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// maxSheetPixels bounds a sheet's device pixels, and so the memory of
// decoding its screenshot (4 bytes a pixel).
const maxSheetPixels = 32 << 20

// pictureSet is what the picture step did.
type pictureSet struct {
	made    map[string]bool // screen path → its PNG was written
	skipped string          // why there are none
	browser string          // the browser's own version line
	scale   int
}

func (p pictureSet) summary() string {
	if p.skipped != "" {
		return "skipped — " + p.skipped
	}
	return fmt.Sprintf("a PNG of every screen beside its text capture in each provider's screens/ (%d, rendered by %s at %d× scale)",
		len(p.made), p.browser, p.scale)
}

// make writes dir/<screen path>.png for every screen, or none and says why.
func (o Pictures) make(ctx context.Context, dir string, screens []screen) pictureSet {
	if !o.On {
		return pictureSet{skipped: "not asked for"}
	}
	if o.Scale <= 0 {
		o.Scale = 2
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if len(screens) == 0 {
		return pictureSet{skipped: "no screens"}
	}
	bin, err := findChromium(o.Chromium)
	if err != nil {
		return pictureSet{skipped: err.Error()}
	}
	set := pictureSet{made: map[string]bool{}, scale: o.Scale}
	if err := o.shoot(ctx, bin, dir, screens, &set); err != nil {
		for p := range set.made {
			_ = os.Remove(filepath.Join(dir, filepath.FromSlash(p)+".png"))
		}
		return pictureSet{skipped: err.Error()}
	}
	return set
}

func findChromium(name string) (string, error) {
	if name != "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("the browser %s cannot be run (%v); pass --chromium with the path of Chromium or Chrome", name, reason(err))
		}
		return p, nil
	}
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium or Chrome found (looked for %s on PATH); install one (Debian: apt-get install chromium) "+
		"or pass --chromium PATH", strings.Join(chromiumNames, ", "))
}

// reason is err without the *exec.Error wrapping that repeats the name.
func reason(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}

func (o Pictures) shoot(ctx context.Context, bin, dir string, screens []screen, set *pictureSet) error {
	work, err := os.MkdirTemp("", "tillpair-pictures-")
	if err != nil {
		return fmt.Errorf("creating a directory for Chromium: %w", err)
	}
	defer os.RemoveAll(work)
	b := browser{bin: bin, work: work, timeout: o.Timeout, scale: o.Scale}
	set.browser = b.version(ctx)

	cellW, cellH, err := b.measure(ctx, screens)
	if err != nil {
		return err
	}
	perRow := max(1, min(len(screens), 4))
	rowsPerSheet := max(1, maxSheetPixels/(o.Scale*o.Scale*cellW*cellH*perRow))
	per := perRow * rowsPerSheet
	for i := 0; i < len(screens); i += per {
		batch := screens[i:min(i+per, len(screens))]
		if err := b.sheet(ctx, dir, batch, cellW, cellH, perRow, set); err != nil {
			return err
		}
	}
	return nil
}

// browser runs one headless Chromium per call, each with a fresh profile.
type browser struct {
	bin, work string
	timeout   time.Duration
	scale     int
	runs      int
}

// run starts Chromium on page with args and returns its standard output.
// The flags keep it off the network (the pages load nothing from it) and
// away from the user's profile; --no-sandbox only as root, where Chromium
// refuses to start otherwise.
func (b *browser) run(ctx context.Context, page string, args ...string) ([]byte, error) {
	b.runs++
	profile := filepath.Join(b.work, fmt.Sprintf("profile-%d", b.runs))
	flags := []string{"--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profile,
		"--force-device-scale-factor=" + strconv.Itoa(b.scale), "--virtual-time-budget=5000"}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		flags = append(flags, "--no-sandbox")
	}
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, append(append(flags, args...), fileURL(page))...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s did not finish within %s", filepath.Base(b.bin), b.timeout)
		}
		return nil, fmt.Errorf("%s failed (%v): %s", filepath.Base(b.bin), err, lastLine(errb.String()))
	}
	return out.Bytes(), nil
}

func (b *browser) version(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, b.bin, "--version").Output()
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v
	}
	return filepath.Base(b.bin)
}

var cellRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`data-cell="(\d+),(\d+)"`) })

// measure lays every screen out once and reads the largest one's size in
// CSS pixels, rounded up, from the page's DOM.
func (b *browser) measure(ctx context.Context, screens []screen) (w, h int, err error) {
	page := filepath.Join(b.work, "measure.html")
	if err := writePage(page, pageTemplate(measureHTML), sheetData{Screens: screens, CSS: shotCSS()}); err != nil {
		return 0, 0, err
	}
	dom, err := b.run(ctx, page, "--dump-dom")
	if err != nil {
		return 0, 0, err
	}
	m := cellRE().FindSubmatch(dom)
	if m == nil {
		return 0, 0, fmt.Errorf("%s did not lay the screens out (no size in its DOM)", filepath.Base(b.bin))
	}
	w, _ = strconv.Atoi(string(m[1]))
	h, _ = strconv.Atoi(string(m[2]))
	if w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("%s measured a screen as %d×%d pixels", filepath.Base(b.bin), w, h)
	}
	return w, h, nil
}

// sheet screenshots batch laid out on a grid of w×h cells and cuts it up.
func (b *browser) sheet(ctx context.Context, dir string, batch []screen, w, h, perRow int, set *pictureSet) error {
	rows := (len(batch) + perRow - 1) / perRow
	cols := min(perRow, len(batch))
	data := sheetData{CSS: shotCSS(), CellW: w, CellH: h}
	for i, s := range batch {
		data.Cells = append(data.Cells, cell{Screen: s, X: (i % perRow) * w, Y: (i / perRow) * h})
	}
	page := filepath.Join(b.work, fmt.Sprintf("sheet-%d.html", b.runs+1))
	shot := page + ".png"
	if err := writePage(page, pageTemplate(sheetHTML), data); err != nil {
		return err
	}
	if _, err := b.run(ctx, page, fmt.Sprintf("--window-size=%d,%d", cols*w, rows*h), "--screenshot="+shot); err != nil {
		return err
	}
	f, err := os.Open(shot)
	if err != nil {
		return fmt.Errorf("%s wrote no screenshot: %w", filepath.Base(b.bin), err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("reading %s's screenshot: %w", filepath.Base(b.bin), err)
	}
	s := b.scale
	if got, want := img.Bounds().Size(), image.Pt(cols*w*s, rows*h*s); got != want {
		return fmt.Errorf("%s's screenshot is %v pixels, not the %v laid out", filepath.Base(b.bin), got, want)
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return fmt.Errorf("%s's screenshot cannot be cut (%T)", filepath.Base(b.bin), img)
	}
	for _, c := range data.Cells {
		r := image.Rect(c.X*s, c.Y*s, (c.X+w)*s, (c.Y+h)*s).Add(img.Bounds().Min)
		var buf bytes.Buffer
		if err := png.Encode(&buf, sub.SubImage(r)); err != nil {
			return fmt.Errorf("encoding %s.png: %w", c.Screen.Path, err)
		}
		if err := writeSynced(filepath.Join(dir, filepath.FromSlash(c.Screen.Path)+".png"), buf.Bytes()); err != nil {
			return err
		}
		set.made[c.Screen.Path] = true
	}
	return nil
}

func fileURL(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

type cell struct {
	Screen screen
	X, Y   int
}

type sheetData struct {
	CSS          template.CSS
	Screens      []screen
	Cells        []cell
	CellW, CellH int
}

func writePage(path string, t *template.Template, data sheetData) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("laying out the screens for Chromium: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

// The pages Chromium renders: each screen in a .shot box styled as in the
// report. The measuring page stacks them and records the largest box in
// the body's data-cell; a sheet places each at its cell.
const (
	measureHTML = `<!doctype html>
<html><head><meta charset="utf-8"><style>{{.CSS}} .shot{display:inline-block}</style></head><body>
{{range .Screens}}<div class="shot">{{template "pre" .}}</div><br>
{{end}}<script>
let w = 0, h = 0;
for (const s of document.querySelectorAll(".shot")) {
  const r = s.getBoundingClientRect();
  w = Math.max(w, Math.ceil(r.width)); h = Math.max(h, Math.ceil(r.height));
}
document.body.setAttribute("data-cell", w + "," + h);
</script></body></html>
`
	sheetHTML = `<!doctype html>
<html><head><meta charset="utf-8"><style>{{.CSS}} .shot{position:absolute;width:{{.CellW}}px;height:{{.CellH}}px}</style></head><body>
{{range .Cells}}<div class="shot" style="left:{{.X}}px;top:{{.Y}}px">{{template "pre" .Screen}}</div>
{{end}}</body></html>
`
)

// pageTemplate parses one of the pages with the screen template.
func pageTemplate(text string) *template.Template {
	return template.Must(template.Must(template.New("page").Parse(text)).Parse(preTemplate))
}
