package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

func TestShortFooterKeepsPinnedKeys(t *testing.T) {
	st := theme.New(theme.Default())
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	cut := []key.Binding{b("↑/↓", "select"), b("t", "test"), b("u", "unpair"), b("a", "add pairing"), b("ctrl+t", "provider")}
	pinned := []key.Binding{b("?", "all keys"), b("q", "quit")}
	cases := []struct {
		w            int
		want, absent []string
	}{
		{100, []string{"↑/↓ select", "ctrl+t provider", "? all keys • q quit"}, []string{"…"}},
		{80, []string{"↑/↓ select", "… • ? all keys • q quit"}, []string{"ctrl+t"}},
		{60, []string{"↑/↓ select", "? all keys • q quit"}, []string{"a add pairing"}},
		{20, []string{"? all keys • q quit"}, []string{"select"}},
		{12, []string{"? all keys"}, []string{"q quit"}},
	}
	for _, c := range cases {
		got := ansi.Strip(ShortFooter(NewHelp(st), c.w, cut, pinned))
		if w := ansi.StringWidth(got); w > c.w {
			t.Errorf("width %d: footer is %d cells: %q", c.w, w, got)
		}
		for _, s := range c.want {
			if !strings.Contains(got, s) {
				t.Errorf("width %d: footer %q lacks %q", c.w, got, s)
			}
		}
		for _, s := range c.absent {
			if strings.Contains(got, s) {
				t.Errorf("width %d: footer %q should not hold %q", c.w, got, s)
			}
		}
	}
}
