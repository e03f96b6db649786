package cli

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// helpWidth is the widest line a Long help text may have: it fits an
// 80-column terminal with room for the cursor.
const helpWidth = 79

// Long texts are filled paragraphs: no line past helpWidth, and no line
// broken early when the next word would have fitted (a stray line break).
// Indented lines (lists, examples) are left as written.
func TestLongHelpIsWrappedConsistently(t *testing.T) {
	root := newRootCmd(&env{g: &globals{}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		lines := strings.Split(c.Long, "\n")
		for i, l := range lines {
			if n := utf8.RuneCountInString(l); n > helpWidth {
				t.Errorf("%s: line %d is %d columns (max %d): %q", c.CommandPath(), i+1, n, helpWidth, l)
			}
			if f := strings.Fields(l); len(f) > 0 && !indented(l) && isNumber(f[len(f)-1]) {
				t.Errorf("%s: line %d ends with a number parted from what follows: %q", c.CommandPath(), i+1, l)
			}
			if i+1 == len(lines) || l == "" || indented(l) {
				continue
			}
			next := lines[i+1]
			if next == "" || indented(next) {
				continue
			}
			words := strings.Fields(next)
			word := words[0]
			if isNumber(word) && len(words) > 1 { // an exit code goes with its meaning
				word += " " + words[1]
			}
			if utf8.RuneCountInString(l)+1+utf8.RuneCountInString(word) <= helpWidth-4 {
				t.Errorf("%s: line %d breaks early; %q fits after %q", c.CommandPath(), i+1, word, l)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func indented(l string) bool { return strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") }

// Every command's --help prints, ends with the flags, and shows a usage
// line without cobra's "[flags]" repeated after flags already listed.
func TestEveryHelpPrints(t *testing.T) {
	root := newRootCmd(&env{g: &globals{}})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				walk(sub, append(append([]string(nil), path...), sub.Name()))
			}
		}
	}
	walk(root, nil)
	if len(paths) < 12 {
		t.Fatalf("found %d commands; the walk is broken", len(paths))
	}
	for _, p := range paths {
		r := runCLI(context.Background(), "", append(p, "--help")...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "Usage:") || r.stderr != "" {
			t.Errorf("%v --help: exit %d stderr %q", p, r.code, r.stderr)
		}
		usage := r.stdout[strings.Index(r.stdout, "Usage:"):]
		usage, _, _ = strings.Cut(usage, "\n\n")
		if strings.Contains(usage, "] [flags]") {
			t.Errorf("%v: usage lists its flags and then [flags]: %q", p, usage)
		}
	}
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
