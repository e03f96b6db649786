package evidence

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

var (
	hrefRE     = regexp.MustCompile(`href="([^"]*)"`)
	idRE       = regexp.MustCompile(`id="([^"]*)"`)
	termClass  = regexp.MustCompile(`\bterm-(?:fgx|bgx|fgi|bgi|fg|bg)\d+\b`)
	logEntryRE = regexp.MustCompile(`(?m)^## (\d+)\. `)
)

// The report opens from disk with nothing from the network: no scripts,
// no external anything, a policy forbidding loads; every link it has
// points into the pack, and every capture and log of the pack is linked.
func TestReportLinksEveryFileAndLoadsNothing(t *testing.T) {
	dir, html := writeReport(t)
	if !strings.Contains(html, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`) {
		t.Error("index.html has no policy forbidding loads")
	}
	for _, bad := range []string{"<script", " src=", "url(", "@import", "<img", "<link"} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html holds %q", bad)
		}
	}
	ids := map[string]bool{}
	for _, m := range idRE.FindAllStringSubmatch(html, -1) {
		ids[m[1]] = true
	}
	linked := map[string]bool{}
	for _, m := range hrefRE.FindAllStringSubmatch(html, -1) {
		href := m[1]
		if frag, ok := strings.CutPrefix(href, "#"); ok {
			if !ids[frag] {
				t.Errorf("link %s has no target in the page", href)
			}
			continue
		}
		u, err := url.Parse(href)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, "..") {
			t.Errorf("link %q leaves the pack", href)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(u.Path))); err != nil {
			t.Errorf("link %s: %v", href, err)
		}
		linked[u.Path] = true
	}
	for name := range readPack(t, dir) {
		switch {
		case name == "index.html" || name == "index.md":
		case strings.HasSuffix(name, ".txt"), strings.HasSuffix(name, ".ans"), strings.HasSuffix(name, ".log"), strings.HasSuffix(name, "/index.md"):
			if !linked[name] {
				t.Errorf("index.html does not link %s", name)
			}
		}
	}
	// Every requirement of the shipped scripts is shown (✓).
	total := 0
	for _, c := range demo.Certifications() {
		total += len(c.Requirements())
	}
	if got := strings.Count(html, `<tr class="pass">`); got != total || strings.Contains(html, `class="miss"`) {
		t.Errorf("%d of %d requirements marked shown", got, total)
	}
	// Colour: every class the converted screens use is coloured by the
	// page's palette, and the screens do use colours.
	style, _, _ := strings.Cut(html, "</style>")
	used := map[string]bool{}
	for _, c := range termClass.FindAllString(html[len(style):], -1) {
		used[c] = true
	}
	if !used["term-fg1"] || len(used) < 5 {
		t.Errorf("the screens use only the classes %v", used)
	}
	for c := range used {
		if !strings.Contains(style, "."+c+"{") {
			t.Errorf("class %s is used but not styled", c)
		}
	}
}

// Each step shows the requests made during it: the scenario's log split
// at the screens, numbered as in the log file, none lost or repeated.
func TestReportShowsEachStepsRequests(t *testing.T) {
	dir, html := writeReport(t)
	sections := strings.Split(html, `<h3 id="`)[1:]
	if len(sections) < 25 {
		t.Fatalf("index.html has %d scenarios", len(sections))
	}
	for _, sec := range sections {
		anchor, _, _ := strings.Cut(sec, `"`)
		m := regexp.MustCompile(`Full request log: <a href="([^"]+)"`).FindStringSubmatch(sec)
		if m == nil {
			t.Errorf("scenario %s links no request log", anchor)
			continue
		}
		log, err := os.ReadFile(filepath.Join(dir, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		want := len(logEntryRE.FindAllString(string(log), -1))
		got := logEntryRE.FindAllStringSubmatch(sec, -1)
		if len(got) != want {
			t.Errorf("scenario %s shows %d requests, its log has %d", anchor, len(got), want)
		}
		for i, g := range got {
			if n, _ := strconv.Atoi(g[1]); n != i+1 {
				t.Errorf("scenario %s: request %d is numbered %d", anchor, i+1, n)
				break
			}
		}
	}
	step := func(id string) string {
		_, after, ok := strings.Cut(html, `<div class="step" id="`+id+`">`)
		if !ok {
			t.Fatalf("no step %s", id)
		}
		block, _, _ := strings.Cut(after, `<div class="step"`)
		return block
	}
	cancelled := regexp.MustCompile(`POST /sci-api/\S+/v1/unpair → 204`)
	if !cancelled.MatchString(step("sci-12-cancel-cancelled")) {
		t.Errorf("Cancel's step does not show its unpair:\n%s", step("sci-12-cancel-cancelled"))
	}
	if c := step("sci-11-cancel-confirming"); cancelled.MatchString(c) || !strings.Contains(c, "POST /sci-pairing/v1/progress-pairing → 200") {
		t.Errorf("the confirming step shows the wrong requests:\n%s", c)
	}
}

// writeReport writes the pack of every provider and reads its index.html.
func writeReport(t *testing.T) (dir, html string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "pack")
	runPack(t, dir, time.Now())
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

// A requirement no screen shows is marked, not hidden.
func TestReportMarksRequirementsNotShown(t *testing.T) {
	pl := &played{cert: demo.Certification{Provider: "sci", Source: "From nowhere.",
		Requirements: func() []demo.Requirement {
			return []demo.Requirement{{Key: "k", Source: "§9", Text: "Never on screen"}}
		}}}
	b, err := report(&pack{}, []*played{pl}, Options{Width: 80, Height: 24}, time.Now(), pictureSet{skipped: "not asked for"})
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{`<tr class="miss"><td class="mark">✗</td><td>Never on screen</td>`, "not shown by this script", "0 of 1", "skipped — not asked for"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
}

// An escape sequence asking the converter for a link or a picture would
// make the report load or leave the pack: such a capture is refused.
func TestScreenHTMLRefusesLinksAndImages(t *testing.T) {
	if h, err := screenHTML("\x1b[1;38;5;75mtillpair\x1b[0m <ok> & fine", 80, 24); err != nil || !strings.Contains(string(h), "&lt;ok&gt; &amp; fine") {
		t.Errorf("plain colours: %q, %v", h, err)
	}
	for name, in := range map[string]string{
		"hyperlink": "\x1b]8;;https://example.invalid/\x1b\\click\x1b]8;;\x1b\\",
		"image":     "\x1b]1338;url=https://example.invalid/x.png\a",
		"link":      "\x1b]1339;url=https://example.invalid/;content=x\a",
	} {
		if h, err := screenHTML(in, 80, 24); err == nil {
			t.Errorf("%s: rendered as %q", name, h)
		}
	}
}
