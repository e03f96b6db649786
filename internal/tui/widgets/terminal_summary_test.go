package widgets

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tillpair/tillpair/internal/tui/theme"
)

// The pane's count must agree with the rows it lists, read the same for
// every provider, and never fall back to "(s)". A terminal lists its
// current pairings only: an ended one is neither counted nor listed.
func TestPairedSummaryCountsWhatItLists(t *testing.T) {
	st := theme.New(theme.Default())
	active := TerminalPairingView{ID: "p1", Nickname: "Front Bar", Status: "active"}
	ended := TerminalPairingView{ID: "p2", Nickname: "Back Bar", Status: "unpaired"}
	cases := []struct {
		name string
		ps   []TerminalPairingView
		want string
	}{
		{"one", []TerminalPairingView{active}, "1 register paired"},
		{"two", []TerminalPairingView{active, active}, "2 registers paired"},
		{"one ended", []TerminalPairingView{active, active, ended}, "2 registers paired"},
		{"one active, one ended", []TerminalPairingView{active, ended}, "1 register paired"},
	}
	for _, kind := range []DeviceKind{DeviceConfirms, DeviceRefreshes} {
		for _, c := range cases {
			t.Run(fmt.Sprint(kind)+"/"+c.name, func(t *testing.T) {
				p := TerminalPane{View: TerminalView{Kind: kind, TID: "T1", Screen: ScreenPaired, Pairings: c.ps}, Now: time.Unix(0, 0)}
				for _, view := range []string{ansi.Strip(p.Render(st, 60, 12)), ansi.Strip(p.Render(st, 60, 3))} {
					if !strings.Contains(view, c.want) {
						t.Errorf("pane does not say %q:\n%s", c.want, view)
					}
					if strings.Contains(view, "Back Bar") || strings.Contains(view, "unpaired") {
						t.Errorf("pane lists an ended pairing:\n%s", view)
					}
					if strings.Contains(view, "(s)") {
						t.Errorf("pane says (s):\n%s", view)
					}
				}
			})
		}
	}
}
