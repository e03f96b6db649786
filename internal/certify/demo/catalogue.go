package demo

import (
	"fmt"
	"strings"
)

// Certification is one provider's certification material: the walk-through
// the demo plays, the requirements an evidence pack must show, and a
// sentence telling the pack's reader where those requirements come from.
// Each provider's lives beside its script (script_<provider>.go).
type Certification struct {
	Provider     string
	Script       func() Script
	Requirements func() []Requirement
	// Source opens the requirement table: where the Source column's
	// citations come from, in words a certifier without our files follows.
	Source string
}

// referenceNote says what the Source column's § sections belong to: the
// team's provider reference is not shipped in a pack.
const referenceNote = "The Source column names sections of our provider reference, the team's notes on each " +
	"vendor's API and certification (not part of this pack)"

// Certifications lists every provider that has scenarios, in display order.
// It is the one place that lists them: the demo, `tillpair evidence` and
// its report take the providers from here and never name one. When the
// provider registry lands (design.md "Provider descriptor"), the order
// comes from the registry's IDs and this list only pairs each id with its
// script; a provider added later needs its script file and one line here.
func Certifications() []Certification {
	return []Certification{sciCertification(), smartConnectCertification(), helcimCertification(), squareCertification(), linklyCertification()}
}

// CertificationFor finds a provider's certification ("" is the first,
// the lead provider).
func CertificationFor(provider string) (Certification, error) {
	all := Certifications()
	if provider == "" {
		return all[0], nil
	}
	for _, c := range all {
		if strings.EqualFold(c.Provider, provider) {
			return c, nil
		}
	}
	return Certification{}, fmt.Errorf("no demo for provider %q; use %s", provider, ProviderList("or"))
}

// ProviderList names the providers with scenarios: "sci, smartconnect or
// helcim".
func ProviderList(conj string) string {
	all := Certifications()
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.Provider
	}
	if len(ids) < 2 {
		return strings.Join(ids, "")
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " " + conj + " " + ids[len(ids)-1]
}

// ScriptFor is the script of a provider.
func ScriptFor(provider string) (Script, error) {
	c, err := CertificationFor(provider)
	if err != nil {
		return Script{}, err
	}
	return c.Script(), nil
}

// RequirementsFor is the requirement list of a provider's evidence pack,
// in the index's order ("" is the lead provider). An unknown provider has
// none.
func RequirementsFor(provider string) []Requirement {
	c, err := CertificationFor(provider)
	if err != nil {
		return nil
	}
	return c.Requirements()
}
