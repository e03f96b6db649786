package accessible

import (
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// lineSteps are the descriptor's pairing steps without "Choose Pair": line
// mode has no Pair button, the questions that follow the steps take its
// place.
func lineSteps(d *providers.Descriptor) []string {
	var out []string
	for _, step := range d.Steps.Pair {
		if strings.EqualFold(strings.TrimSpace(step), "Choose Pair.") {
			continue
		}
		if rest, ok := strings.CutSuffix(step, " and choose Pair."); ok {
			step = rest + "."
		}
		out = append(out, step)
	}
	return append(out, "Answer the questions below; pairing starts after the last one.")
}
