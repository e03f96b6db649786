package accessible

import (
	"strings"

	"github.com/tillpair/tillpair/screens"
)

// lineSteps are the screens' pairing steps without "Choose Pair": line mode
// has no Pair button, the questions that follow the steps take its place.
func lineSteps(provider string) []string {
	var out []string
	for _, step := range screens.PairSteps(provider) {
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
