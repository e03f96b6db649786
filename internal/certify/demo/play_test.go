package demo

import (
	"fmt"
	"os"
	"testing"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/square"
)

func TestHeadlessPlaysEveryScenario(t *testing.T) {
	for _, c := range []struct {
		prov string
		w, h int
	}{
		{providers.SCI, 80, 24}, {providers.SmartConnect, 80, 24}, {providers.Helcim, 80, 24}, {linkly.ID, 80, 24},
		// The smallest size the app (and evidence --width/--height) allows.
		{providers.SCI, 60, 20}, {providers.SmartConnect, 60, 20}, {providers.Helcim, 60, 20}, {linkly.ID, 60, 20},
		// The code_from_pos model, expiry included.
		{square.ID, 80, 24}, {square.ID, 60, 20},
	} {
		t.Run(fmt.Sprintf("%s-%dx%d", c.prov, c.w, c.h), func(t *testing.T) {
			got, p := playHeadless(t, Options{Provider: c.prov, Width: c.w, Height: c.h})
			want := 0
			for _, sc := range p.Script().Scenarios {
				for _, st := range sc.Steps {
					if !st.Setup {
						want++
					}
				}
			}
			if len(got.shots) != want {
				t.Errorf("%d shots, want one per shown step (%d)", len(got.shots), want)
			}
			if len(got.scenarios) != len(p.Script().Scenarios) {
				t.Errorf("%d scenarios reported, want %d", len(got.scenarios), len(p.Script().Scenarios))
			}
			if os.Getenv("DEMO_DUMP") != "" {
				for _, s := range got.shots {
					t.Logf("== %d %s/%s\n%s", s.N, s.Scenario.Slug, s.Step.Slug, s.Outer)
				}
				for _, d := range got.scenarios {
					for _, e := range d.Log {
						t.Logf("%s: %s %s -> %d", d.Scenario.Slug, e.Method, e.Target, e.Status)
					}
				}
			}
		})
	}
}
