package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

func TestPaneTitleNamesTheTerminalOnce(t *testing.T) {
	st := theme.New(theme.Default())
	cases := []struct {
		name, tid, nick string
		w               int
		want            string
	}{
		{"nickname holds the TID", "36837159", "Terminal 36837159", 34, "Terminal 36837159"},
		{"Helcim nickname holds the code", "DY6L", "Smart Terminal DY6L", 34, "Smart Terminal DY6L"},
		{"own nickname", "T-1001", "Counter 1", 34, "Terminal T-1001 · Counter 1"},
		{"no nickname", "T-1001", "", 34, "Terminal T-1001"},
		{"no TID", "", "Counter 1", 34, "Counter 1"},
		{"long nickname is cut, the TID kept", "T-1001", "The counter by the front door", 34, "Terminal T-1001 · The counter by …"},
		{"no room for the nickname", "36837159", "Counter 1", 19, "Terminal 36837159"},
		{"narrow, nickname holds the TID", "DY6L", "Smart Terminal DY6L", 12, "Smart Termi…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := TerminalPane{View: TerminalView{TID: c.tid, Nickname: c.nick}}
			got := ansi.Strip(p.title(st, c.w))
			if got != c.want {
				t.Errorf("title = %q, want %q", got, c.want)
			}
			if w := ansi.StringWidth(got); w > c.w {
				t.Errorf("title is %d cells wide, more than %d", w, c.w)
			}
			if c.tid != "" && strings.Count(got, c.tid) > 1 {
				t.Errorf("the TID appears twice in %q", got)
			}
		})
	}
}
