package evidence

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/certify/demo"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/screens"
)

// report is index.html: one self-contained page (no scripts, no fonts or
// pictures from anywhere, a policy that forbids loading any) with the
// pack's metadata, each provider's requirement table with its marks, and
// every scenario step by step: the screen in colour, converted from its
// ANSI capture, beside the requests the step made. It links the text,
// ANSI and PNG files and the request logs by relative paths.
func report(p *pack, runs []*played, o Options, generated time.Time, pics pictureSet) ([]byte, error) {
	byPath := map[string]screen{}
	for _, s := range p.screens {
		byPath[s.Path] = s
	}
	d := reportData{
		CSS: template.CSS(reportCSS + termCSS()), Build: o.Build, Generated: generated.UTC().Format(time.RFC3339),
		Width: o.Width, Height: o.Height, Seed: demo.Seed, Epoch: demo.Epoch.Format(time.RFC3339), Pictures: pics.summary(),
	}
	for _, r := range runs {
		rp, err := reportFor(r, byPath, pics)
		if err != nil {
			return nil, err
		}
		d.Providers = append(d.Providers, rp)
	}
	t, err := template.New("report").Parse(reportHTML)
	if err == nil {
		_, err = t.Parse(preTemplate)
	}
	if err != nil {
		return nil, fmt.Errorf("the report's template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("writing index.html: %w", err)
	}
	return buf.Bytes(), nil
}

type reportData struct {
	CSS                     template.CSS
	Build, Generated, Epoch string
	Width, Height           int
	Seed                    int64
	Pictures                string
	Providers               []reportProvider
}

type reportProvider struct {
	ID, Product, Source string
	Shown, Total, Shots int
	Requirements        []reportRequirement
	Scenarios           []reportScenario
}

type link struct{ Href, Text string }

type reportRequirement struct {
	Label, Source string
	Shots, Logs   []link
}

type reportScenario struct {
	N             int
	Anchor, Title string
	Steps         []reportStep
	After         string // requests after the last screen
	Log           link
}

type reportStep struct {
	N               int
	Anchor, Caption string
	Screen          screen
	Files           []link
	Shows           []string
	Requests        string
	RequestCount    int
}

func stepAnchor(provider string, s demo.Shot) string { return provider + "-" + shotFile(s) }

func reportFor(r *played, byPath map[string]screen, pics pictureSet) (reportProvider, error) {
	prov := r.cert.Provider
	rows := requirementRows(r)
	rp := reportProvider{ID: prov, Product: screens.ProductName(prov), Source: r.cert.Source,
		Shown: shown(rows), Total: len(rows), Shots: len(r.shots)}
	labels := map[string]string{}
	for _, row := range rows {
		labels[row.Key] = row.Label
		rr := reportRequirement{Label: row.Label, Source: row.Source}
		for _, s := range row.Shots {
			rr.Shots = append(rr.Shots, link{"#" + stepAnchor(prov, s), fmt.Sprintf("%02d %s · %s", s.N, s.Scenario.Slug, s.Step.Slug)})
		}
		for _, slug := range row.Logs {
			rr.Logs = append(rr.Logs, link{logPath(prov, slug), slug})
		}
		rp.Requirements = append(rp.Requirements, rr)
	}
	for i, sc := range r.script.Scenarios {
		rs := reportScenario{N: i + 1, Anchor: prov + "-" + sc.Slug, Title: sc.Requirement,
			Log: link{logPath(prov, sc.Slug), logPath(prov, sc.Slug)}}
		var log [][]sandbox.Entry
		for _, d := range r.scenarios {
			if d.Index == i {
				log = append(log, canonicalOrder(d.Log))
			}
		}
		if len(log) != 1 {
			return reportProvider{}, fmt.Errorf("%s: scenario %q reported %d times", prov, sc.Slug, len(log))
		}
		entries, from := log[0], 0
		for _, s := range r.shots {
			if s.ScenarioIndex != i {
				continue
			}
			path := shotPath(prov, s)
			scr, ok := byPath[path]
			if !ok {
				return reportProvider{}, fmt.Errorf("%s: no screen for %s", prov, path)
			}
			to := min(max(s.Requests, from), len(entries))
			step := reportStep{N: s.N, Anchor: stepAnchor(prov, s), Caption: s.Step.Caption, Screen: scr,
				Files:    []link{{path + ".txt", "text"}, {path + ".ans", "ANSI"}},
				Requests: strings.TrimPrefix(formatEntries(entries[from:to], from+1), "\n"), RequestCount: to - from}
			if pics.made[path] {
				step.Files = append(step.Files, link{path + ".png", "PNG"})
			}
			for _, k := range s.Step.Shows {
				step.Shows = append(step.Shows, labels[k])
			}
			rs.Steps = append(rs.Steps, step)
			from = to
		}
		rs.After = strings.TrimPrefix(formatEntries(entries[from:], from+1), "\n")
		rp.Scenarios = append(rp.Scenarios, rs)
	}
	return rp, nil
}

const reportCSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--miss:#cf222e}
body{margin:0 auto;max-width:1500px;padding:24px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
h1{margin:0 0 8px}h2{margin-top:48px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{margin-top:32px}
table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.meta th{width:11em}
.mark{font-weight:bold;text-align:center;width:2.5em}.pass .mark{color:var(--pass)}.miss .mark{color:var(--miss)}
.miss td{background:#fff5f5}a{color:#0969da}
.step{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin:16px 0 28px}
.step .screen{flex:0 0 auto;width:min-content}.step .shot{display:inline-block}
.step .caption{margin:0 0 6px;font-weight:600}.step .files,.step .shows{margin:6px 0 0;color:var(--muted);font-size:13px}
.requests{flex:1 1 420px;min-width:320px}.requests h4{margin:0 0 6px;font-size:14px}
.requests pre,.after pre{margin:0;padding:8px 10px;background:#f6f8fa;border:1px solid var(--line);font:12px/1.4 "DejaVu Sans Mono",Consolas,Menlo,monospace;white-space:pre-wrap;word-break:break-all;max-height:460px;overflow:auto}
.none{color:var(--muted);font-style:italic}.generated{color:var(--muted);margin:0 0 12px}
`

const reportHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tillpair evidence pack</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>tillpair evidence pack</h1>
<p class="generated">Generated: {{.Generated}}</p>
<table class="meta">
<tr><th>Build</th><td>{{if .Build}}{{.Build}}{{else}}not stamped{{end}}</td></tr>
<tr><th>Providers</th><td>{{range $i, $p := .Providers}}{{if $i}}, {{end}}<a href="#{{$p.ID}}">{{$p.Product}}</a>{{end}}</td></tr>
<tr><th>Terminal</th><td>{{.Width}}×{{.Height}} cells, 256 colours, dark background</td></tr>
<tr><th>Sandbox</th><td>built-in, seed {{.Seed}}, clock starting {{.Epoch}}</td></tr>
<tr><th>Pictures</th><td>{{.Pictures}}</td></tr>
</table>
<p>Each scenario was played by <code>tillpair evidence</code> on the real screens against the built-in sandbox. Every screen below is the terminal's own output, converted from its ANSI capture; beside it are the requests the app made to the sandbox during that step, with secrets redacted as [REDACTED]. A ✓ means at least one screen shows the requirement: follow its links to judge.</p>
<table>
<tr><th>Provider</th><th>Requirements shown</th><th>Scenarios</th><th>Screens</th><th>Text index</th></tr>
{{range .Providers}}<tr><td><a href="#{{.ID}}">{{.Product}}</a></td><td>{{.Shown}} of {{.Total}}</td><td>{{len .Scenarios}}</td><td>{{.Shots}}</td><td><a href="{{.ID}}/index.md">{{.ID}}/index.md</a></td></tr>
{{end}}</table>
</header>
{{range .Providers}}
<section id="{{.ID}}">
<h2>{{.Product}} <small>({{.ID}})</small></h2>
<p>{{.Source}}</p>
<table class="requirements">
<tr><th>Shown</th><th>Requirement</th><th>Source</th><th>Screens</th><th>Request logs</th></tr>
{{range .Requirements}}<tr class="{{if .Shots}}pass{{else}}miss{{end}}"><td class="mark">{{if .Shots}}✓{{else}}✗{{end}}</td><td>{{.Label}}</td><td>{{.Source}}</td><td>{{range $i, $l := .Shots}}{{if $i}}<br>{{end}}<a href="{{$l.Href}}">{{$l.Text}}</a>{{else}}<span class="none">not shown by this script</span>{{end}}</td><td>{{range $i, $l := .Logs}}{{if $i}}<br>{{end}}<a href="{{$l.Href}}">{{$l.Text}}</a>{{end}}</td></tr>
{{end}}</table>
{{range .Scenarios}}
<h3 id="{{.Anchor}}">{{.N}}. {{.Title}}</h3>
{{range .Steps}}<div class="step" id="{{.Anchor}}">
<div class="screen">
<p class="caption">{{printf "%02d" .N}} · {{.Caption}}</p>
<div class="shot">{{template "pre" .Screen}}</div>
<p class="files">{{range $i, $l := .Files}}{{if $i}} · {{end}}<a href="{{$l.Href}}">{{$l.Text}}</a>{{end}}</p>
{{if .Shows}}<p class="shows">Shows: {{range $i, $s := .Shows}}{{if $i}}; {{end}}{{$s}}{{end}}</p>{{end}}
</div>
<div class="requests">
<h4>Requests during this step ({{.RequestCount}})</h4>
{{if .Requests}}<pre>
{{.Requests}}</pre>{{else}}<p class="none">none</p>{{end}}
</div>
</div>
{{end}}{{if .After}}<div class="after"><h4>Requests after the last screen</h4><pre>
{{.After}}</pre></div>
{{end}}<p>Full request log: <a href="{{.Log.Href}}">{{.Log.Text}}</a></p>
{{end}}</section>
{{end}}</body>
</html>
`
