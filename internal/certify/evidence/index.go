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
	"github.com/tillpair/tillpair/screens"
)

// reqRow is one requirement of a provider with the screens that show it.
type reqRow struct {
	Key, Label, Source string
	Shots              []demo.Shot
	Logs               []string // scenario slugs, in first-shown order
}

// requirementRows lists a provider's requirements in the index's order.
func requirementRows(r *played) []reqRow {
	shows := map[string][]demo.Shot{}
	for _, s := range r.shots {
		for _, k := range s.Step.Shows {
			shows[k] = append(shows[k], s)
		}
	}
	var rows []reqRow
	for _, req := range r.cert.Requirements() {
		row := reqRow{Key: req.Key, Label: requirementLabel(req.Text), Source: req.Source, Shots: shows[req.Key]}
		for _, s := range row.Shots {
			if !slices.Contains(row.Logs, s.Scenario.Slug) {
				row.Logs = append(row.Logs, s.Scenario.Slug)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// shown counts the requirements at least one screen shows.
func shown(rows []reqRow) int {
	n := 0
	for _, r := range rows {
		if len(r.Shots) > 0 {
			n++
		}
	}
	return n
}

// playedOn says how the pack was made, for both indexes and the report.
func playedOn(o Options) string {
	return fmt.Sprintf("on the real TUI at %d×%d against the built-in sandbox (seed %d, clock starting %s)",
		o.Width, o.Height, demo.Seed, demo.Epoch.Format(time.RFC3339))
}

// indexes writes index.md and index.html at the top and index.md in each
// provider's directory; they link the pictures that were made.
func (p *pack) indexes(runs []*played, o Options, generated time.Time, pics pictureSet) (map[string][]byte, error) {
	files := map[string][]byte{"index.md": []byte(topIndex(runs, o, generated, pics))}
	for _, r := range runs {
		files[r.cert.Provider+"/index.md"] = []byte(providerIndex(r, o, pics))
	}
	html, err := report(p, runs, o, generated, pics)
	if err != nil {
		return nil, err
	}
	files["index.html"] = html
	return files, nil
}

// topIndex is index.md: what the pack is and one line per provider.
func topIndex(runs []*played, o Options, generated time.Time, pics pictureSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", Title)
	fmt.Fprintf(&b, "%s%s\n\n", TimestampPrefix, generated.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Played by `tillpair evidence`%s %s. Open `index.html` in a browser for the report: every "+
		"requirement with the screens that show it, every screen in colour and the requests made during each step. "+
		"This file and each provider's `index.md` say the same in text, for diffs.\n\n", buildNote(o.Build), playedOn(o))
	fmt.Fprintf(&b, "Pictures: %s.\n\n", pics.summary())
	b.WriteString("| Provider | Requirements shown | Scenarios | Screens | Index |\n|---|---|---|---|---|\n")
	for _, r := range runs {
		rows := requirementRows(r)
		fmt.Fprintf(&b, "| %s (`%s`) | %d of %d | %d | %d | [%s/index.md](%s/index.md) |\n", screens.ProductName(r.cert.Provider),
			r.cert.Provider, shown(rows), len(rows), len(r.scenarios), len(r.shots), r.cert.Provider, r.cert.Provider)
	}
	return b.String()
}

func buildNote(build string) string {
	if build == "" {
		return ""
	}
	return " (" + build + ")"
}

// providerIndex is a provider's index.md: the requirements table, then
// every scenario with its screenshots and request log. Paths are relative
// to the provider's directory.
func providerIndex(r *played, o Options, pics pictureSet) string {
	var b strings.Builder
	prov := r.cert.Provider
	fmt.Fprintf(&b, "%s — %s\n\n", Title, screens.ProductName(prov))
	fmt.Fprintf(&b, "Played by `tillpair evidence` %s. Screenshots are in `screens/` as plain text (`.txt`), with "+
		"ANSI colours (`.ans`, view with `cat` in a 256-colour terminal) and, when they were made, as pictures "+
		"(`.png`); `../index.html` shows them all in colour. Each scenario's requests to the sandbox, secrets "+
		"redacted, are in `requests/`.\n\n", playedOn(o))

	b.WriteString("## Requirements\n\n")
	b.WriteString(r.cert.Source + "\n\n")
	b.WriteString("| Requirement | Source | Screenshots | Requests |\n|---|---|---|---|\n")
	for _, row := range requirementRows(r) {
		var links, logs []string
		for _, s := range row.Shots {
			links = append(links, fmt.Sprintf("[%s](screens/%s.txt)", shotFile(s), shotFile(s)))
		}
		for _, slug := range row.Logs {
			logs = append(logs, "["+slug+"](requests/"+slug+".log)")
		}
		if len(links) == 0 {
			links = []string{"not shown by this script"}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", row.Label, row.Source, strings.Join(links, "<br>"), strings.Join(logs, "<br>"))
	}

	b.WriteString("\n## Scenarios\n")
	for i, sc := range r.script.Scenarios {
		fmt.Fprintf(&b, "\n### %d. %s\n\n", i+1, sc.Requirement)
		for _, s := range r.shots {
			if s.ScenarioIndex != i {
				continue
			}
			f := shotFile(s)
			fmt.Fprintf(&b, "- %s — [%s.txt](screens/%s.txt) · [ANSI](screens/%s.ans)", s.Step.Caption, f, f, f)
			if pics.made[shotPath(prov, s)] {
				fmt.Fprintf(&b, " · [PNG](screens/%s.png)", f)
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "- Requests: [requests/%s.log](requests/%s.log)\n", sc.Slug, sc.Slug)
	}
	return b.String()
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
	b.WriteString(formatEntries(entries, 1))
	return b.String()
}

// formatEntries prints requests numbered from first, each after a blank
// line: "## n. time METHOD target → status", the logged headers, then
// the bodies ("> " sent, "< " answered).
func formatEntries(entries []sandbox.Entry, first int) string {
	var b strings.Builder
	for i, e := range entries {
		status := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
		if e.Status == 0 {
			status = "connection dropped, no response"
		}
		fmt.Fprintf(&b, "\n## %d. %s %s %s → %s\n", first+i, e.Time.UTC().Format(time.TimeOnly), e.Method, e.Target, status)
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
