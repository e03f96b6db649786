package evidence

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// index writes index.md: the requirements table, then every scenario with
// its screenshots and request log.
func index(script demo.Script, pl *played, o Options) string {
	var b strings.Builder
	product := screens.ProductName(script.Provider)
	fmt.Fprintf(&b, "%s — %s\n\n", Title, product)
	fmt.Fprintf(&b, "%s%s\n\n", TimestampPrefix, o.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Played by `tillpair evidence` on the real TUI at %d×%d against the built-in sandbox "+
		"(seed %d, clock starting %s). Screenshots are in `screens/` as plain text (`.txt`) and with "+
		"ANSI colours (`.ans`, view with `cat` in a 256-colour terminal); each scenario's requests to the "+
		"sandbox, secrets redacted, are in `requests/`.\n\n",
		o.Width, o.Height, demo.Seed, demo.Epoch.Format(time.RFC3339))

	shows := map[string][]demo.Shot{}
	for _, s := range pl.shots {
		for _, k := range s.Step.Shows {
			shows[k] = append(shows[k], s)
		}
	}
	b.WriteString("## Requirements\n\n")
	b.WriteString(requirementsSource(script.Provider))
	b.WriteString("| Requirement | Source | Screenshots | Requests |\n|---|---|---|---|\n")
	for _, r := range demo.RequirementsFor(script.Provider) {
		var links, logs []string
		for _, s := range shows[r.Key] {
			links = append(links, fmt.Sprintf("[%s](screens/%s.txt)", shotFile(s), shotFile(s)))
			if l := "[" + s.Scenario.Slug + "](requests/" + s.Scenario.Slug + ".log)"; !slices.Contains(logs, l) {
				logs = append(logs, l)
			}
		}
		if len(links) == 0 {
			links = []string{"not shown by this script"}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", requirementLabel(r.Text), r.Source, strings.Join(links, "<br>"), strings.Join(logs, "<br>"))
	}

	b.WriteString("\n## Scenarios\n")
	for i, sc := range script.Scenarios {
		fmt.Fprintf(&b, "\n### %d. %s\n\n", i+1, sc.Requirement)
		for _, s := range pl.shots {
			if s.ScenarioIndex != i {
				continue
			}
			fmt.Fprintf(&b, "- %s — [%s.txt](screens/%s.txt) · [ANSI](screens/%s.ans)\n", s.Step.Caption, shotFile(s), shotFile(s), shotFile(s))
		}
		fmt.Fprintf(&b, "- Requests: [requests/%s.log](requests/%s.log)\n", sc.Slug, sc.Slug)
	}
	return b.String()
}

// requirementsSource says where the provider's requirements come from. The
// provider reference is the team's notes, not shipped in the pack, so the
// text says what each cited section holds.
func requirementsSource(provider string) string {
	const ref = "The Source column names sections of our provider reference, the team's notes on each " +
		"vendor's API and certification (not part of this pack)"
	switch provider {
	case providers.SmartConnect, providers.Helcim:
		return "SmartConnect and Helcim publish no certification checklist IDs: the requirements below are " +
			"the states tillpair shows for each provider and the error messages it gives, in plain words. " +
			ref + ": §4.3 the proposed screen states per provider, §4.4 the error-to-message table, " +
			"§4.5 the pain points users reported, §2.x SmartConnect's API and §3.x Helcim's API.\n\n"
	}
	return "From the mx51 SCI certification checklist. " + ref + ": §4.1 the checklist mx51 documents " +
		"(branding, pairing screen, security) and §4.2 the checklist IDs known from certification (SCIPAIRING…, SCIMULTI…, SCITX…).\n\n"
}

// stateLabels are the provider reference's state names that open some
// requirements ("NoDevice: …"), in words a reader of the pack knows.
var stateLabels = map[string]string{
	"NoDevice": "No device paired yet",
}

// requirementLabel is a requirement's text with a leading internal state
// name replaced by its label.
func requirementLabel(text string) string {
	name, rest, ok := strings.Cut(text, ": ")
	if label, known := stateLabels[name]; ok && known {
		return label + ": " + rest
	}
	return text
}

// loggedHeaders are the request headers worth showing: how the request
// was authenticated and signed (values redacted by the sandbox).
var loggedHeaders = []string{"Authorization", "Api-Token", "Content-Type", "Content-Digest", "Signature-Input", "Signature"}

// formatLog prints a scenario's requests. Requests at the same instant to
// the same route were concurrent (e.g. a re-check of several pairings), so
// they are put in a stable order; everything else keeps arrival order.
func formatLog(d demo.ScenarioDone) string {
	entries := canonicalOrder(d.Log)
	var b strings.Builder
	fmt.Fprintf(&b, "# Requests to the sandbox during scenario %q (%s)\n", d.Scenario.Slug, d.Scenario.Requirement)
	fmt.Fprintf(&b, "# Secrets are redacted as %s; the sandbox's address is http://sandbox.\n", sandbox.Redacted)
	if len(entries) == 0 {
		b.WriteString("\n(no requests)\n")
	}
	for i, e := range entries {
		status := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
		if e.Status == 0 {
			status = "connection dropped, no response"
		}
		fmt.Fprintf(&b, "\n## %d. %s %s %s → %s\n", i+1, e.Time.UTC().Format(time.TimeOnly), e.Method, e.Target, status)
		for _, h := range loggedHeaders {
			for _, v := range e.Header.Values(h) {
				fmt.Fprintf(&b, "%s: %s\n", h, v)
			}
		}
		if e.RequestBody != "" {
			fmt.Fprintf(&b, "> %s\n", oneLine(e.RequestBody))
		}
		if e.ResponseBody != "" {
			fmt.Fprintf(&b, "< %s\n", oneLine(e.ResponseBody))
		}
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}

func canonicalOrder(in []sandbox.Entry) []sandbox.Entry {
	out := slices.Clone(in)
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].Time.Equal(out[i].Time) && out[j].Method == out[i].Method && routeOf(out[j]) == routeOf(out[i]) {
			j++
		}
		group := out[i:j]
		sort.SliceStable(group, func(a, b int) bool { return entryKey(group[a]) < entryKey(group[b]) })
		i = j
	}
	return out
}

func routeOf(e sandbox.Entry) string {
	p, _, _ := strings.Cut(e.Target, "?")
	return p
}

func entryKey(e sandbox.Entry) string {
	return fmt.Sprintf("%s %d %s %s %s", e.Target, e.Status, strings.Join(e.HeaderLines(), "\n"), e.RequestBody, e.ResponseBody)
}
