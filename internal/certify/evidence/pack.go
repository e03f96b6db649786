package evidence

import (
	"bufio"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

// Title is the index's first line; a directory whose index.md starts with
// it is a previous pack and may be replaced.
const Title = "# tillpair evidence pack"

// TimestampPrefix starts the index's one line that differs between runs.
const TimestampPrefix = "Generated: "

// pack is every file, by slash path under the pack's directory, and the
// screens to picture.
type pack struct {
	files   map[string][]byte
	screens []screen
}

// screen is one capture as HTML, for the report and the pictures.
type screen struct {
	Path       string // slash path without extension: sci/screens/01-unpaired-form
	HTML       template.HTML
	Cols, Rows int
}

// shotFile is a screenshot's name without extension.
func shotFile(s demo.Shot) string {
	return fmt.Sprintf("%02d-%s-%s", s.N, s.Scenario.Slug, s.Step.Slug)
}

// shotPath is a screenshot's slash path in the pack, without extension.
func shotPath(provider string, s demo.Shot) string {
	return provider + "/screens/" + shotFile(s)
}

// logPath is a scenario's request log in the pack.
func logPath(provider, scenario string) string {
	return provider + "/requests/" + scenario + ".log"
}

// buildPack makes the captures and request logs; the indexes come once
// the pictures are known.
func buildPack(runs []*played, o Options) (*pack, error) {
	p := &pack{files: map[string][]byte{}}
	for _, r := range runs {
		prov := r.cert.Provider
		for _, s := range r.shots {
			name := shotPath(prov, s)
			p.files[name+".ans"] = []byte(s.Inner + "\n")
			p.files[name+".txt"] = []byte(trimRight(ansi.Strip(s.Inner)) + "\n")
			h, err := screenHTML(s.Inner, o.Width, o.Height)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			p.screens = append(p.screens, screen{Path: name, HTML: h, Cols: o.Width, Rows: o.Height})
		}
		for _, d := range r.scenarios {
			p.files[logPath(prov, d.Scenario.Slug)] = []byte(formatLog(d))
		}
	}
	return p, nil
}

// trimRight drops trailing spaces on each line: the app pads to the width.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// OutError says the --out directory cannot take the pack: bad input, which
// the command line reports as a usage error.
type OutError struct{ error }

func (e OutError) Unwrap() error { return e.error }

// checkOut refuses to replace a directory that holds anything but a
// previous pack, unless forced.
func checkOut(dir string, force bool) error {
	if dir == "" {
		return OutError{errors.New("no output directory; pass --out DIR")}
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return OutError{fmt.Errorf("cannot use %s for the evidence pack: %w", dir, err)}
	case len(entries) == 0 || force:
		return nil
	}
	if isPack(dir) {
		return nil
	}
	return OutError{fmt.Errorf("%s is not empty and is not a tillpair evidence pack; choose a new or empty directory, or pass --force to replace its contents", dir)}
}

func isPack(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "index.md"))
	if err != nil {
		return false
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	return (err == nil || line != "") && strings.HasPrefix(line, Title)
}

// staging is a pack being written in a temporary sibling of its
// directory; commit swaps it into place, so an interrupted run never
// leaves half a pack under the directory.
type staging struct {
	dir, final string
}

// stage writes the pack's files into a new temporary directory beside dir.
func (p *pack) stage(dir string) (*staging, error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary directory beside %s: %w", dir, err)
	}
	st := &staging{dir: tmp, final: dir}
	if err := st.finish(p.files); err != nil {
		st.discard()
		return nil, err
	}
	return st, nil
}

// finish writes more files into the staged pack.
func (st *staging) finish(files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := writeSynced(filepath.Join(st.dir, filepath.FromSlash(n)), files[n]); err != nil {
			return err
		}
	}
	return nil
}

// discard removes the staged pack (a no-op once committed).
func (st *staging) discard() { _ = os.RemoveAll(st.dir) }

// commit moves the staged pack into place, replacing a previous one.
func (st *staging) commit() error {
	tmp, dir := st.dir, st.final
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("setting permissions on %s: %w", tmp, err)
	}
	var old string
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("moving the previous %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("moving the new pack into %s: %w", dir, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("the pack is in %s, but removing the previous one (%s) failed: %w", dir, old, err)
		}
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
