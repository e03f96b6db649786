package evidence

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

// internalState is a CamelCase state name opening a requirement's text.
var internalState = regexp.MustCompile(`^[A-Z][a-z]+[A-Z][A-Za-z]*:`)

// The pack is read by certifiers without the team's files: nothing may
// cite a file path they do not have, or a state name from our notes.
func TestIndexWordsSourcesForPackReaders(t *testing.T) {
	for _, c := range demo.Certifications() {
		prov, src := c.Provider, c.Source
		if strings.Contains(src, "reference/") || strings.Contains(src, ".md") {
			t.Errorf("%s: the source cites a file outside the pack: %q", prov, src)
		}
		if !strings.Contains(src, "provider reference") || !strings.Contains(src, "not part of this pack") {
			t.Errorf("%s: the source does not say what the § sections belong to: %q", prov, src)
		}
		for _, r := range demo.RequirementsFor(prov) {
			if label := requirementLabel(r.Text); internalState.MatchString(label) {
				t.Errorf("%s: requirement %s opens with an internal state name: %q", prov, r.Key, label)
			}
		}
	}
	if got := requirementLabel("NoDevice: the code field"); got != "No device paired yet: the code field" {
		t.Errorf("requirementLabel = %q", got)
	}
	if got := requirementLabel("Error line (404): not found"); got != "Error line (404): not found" {
		t.Errorf("requirementLabel changed ordinary text: %q", got)
	}
}
