package evidence

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"sync"

	terminal "github.com/buildkite/terminal-to-html/v3"
	"github.com/muesli/termenv"
)

// Terminal colours of the report: the default foreground and background
// of a dark terminal (the captures are taken with a dark background).
const (
	termBackground = "#1b1d23"
	termForeground = "#d7dae0"
)

// preTemplate draws a screen as the terminal did: cols×rows cells of a
// monospace font. The line height is the font's own (about 1.17 em for
// DejaVu Sans Mono), so block and box-drawing characters join up.
const preTemplate = `{{define "pre"}}<pre class="term" style="width:{{.Cols}}ch;height:calc({{.Rows}} * 1.17em)">{{.HTML}}</pre>{{end}}`

// termCSS styles a screen: the font, the terminal's default colours and
// the palette. The report and the pictures use the same.
func termCSS() string {
	return `pre.term{margin:0;padding:0;font-family:"DejaVu Sans Mono","Cascadia Mono",Consolas,"Liberation Mono",Menlo,monospace;` +
		`font-size:14px;line-height:1.17;white-space:pre;overflow:hidden;color:` + termForeground + `;background:` + termBackground + `}
.shot{box-sizing:border-box;padding:12px 14px;background:` + termBackground + `}
` + paletteCSS()
}

// shotCSS is the pictures' page style.
func shotCSS() template.CSS {
	return template.CSS("body{margin:0;background:" + termBackground + "}\n" + termCSS())
}

// screenHTML converts an ANSI capture of cols×rows cells to HTML spans
// with terminal-to-html, which emits one class per SGR attribute
// (term-fgx75 for 38;5;75, term-fgi95 for 95, term-fg1 for bold …) that
// paletteCSS colours.
//
// The converter also understands escape sequences for images and links,
// which would let a capture make the report load something. The app draws
// with colours only and cleans text from the clouds, so a capture holding
// either is refused rather than rendered.
func screenHTML(ansi string, cols, rows int) (template.HTML, error) {
	s, err := terminal.NewScreen(terminal.WithSize(cols, rows))
	if err != nil {
		return "", fmt.Errorf("converting a screen to HTML: %w", err)
	}
	s.Timestamps = false
	in, err := reverseAsBlink(ansi)
	if err != nil {
		return "", err
	}
	if _, err := s.Write([]byte(in)); err != nil {
		return "", fmt.Errorf("converting a screen to HTML: %w", err)
	}
	out := s.AsHTMLWithTimestamps(false)
	for _, bad := range []string{"<img", "<a ", "<a\n", "url("} {
		if strings.Contains(out, bad) {
			return "", fmt.Errorf("a screen capture holds an escape sequence that would add %q to the report", bad)
		}
	}
	return template.HTML(out), nil
}

var sgrRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\x1b\[([0-9;]*)m`) })

// reverseAsBlink hands reverse video (SGR 7, the text field's cursor) to
// the converter as blink (SGR 5), which it knows and the app never uses,
// so that termCSS can draw it reversed; terminal-to-html has no reverse.
// Colour arguments (38;5;7 is colour 7) are skipped, not rewritten.
func reverseAsBlink(in string) (string, error) {
	var err error
	out := sgrRE().ReplaceAllStringFunc(in, func(seq string) string {
		params := strings.Split(seq[2:len(seq)-1], ";")
		for i := 0; i < len(params); i++ {
			switch params[i] {
			case "38", "48", "58":
				if i+1 < len(params) && params[i+1] == "5" {
					i += 2
				} else if i+1 < len(params) && params[i+1] == "2" {
					i += 4
				}
			case "5", "25", "6":
				err = fmt.Errorf("a screen capture uses blink (%q), which the report draws as reverse video", seq[1:])
			case "7":
				params[i] = "5"
			case "27":
				params[i] = "25"
			}
		}
		return "\x1b[" + strings.Join(params, ";") + "m"
	})
	return out, err
}

// paletteCSS colours terminal-to-html's classes with the xterm 256-colour
// palette (termenv's table), the colours a 256-colour terminal shows for
// the codes the captures use.
func paletteCSS() string {
	var b strings.Builder
	hex := func(n int) string { return termenv.ANSI256Color(n).String() }
	for n := range 256 {
		fmt.Fprintf(&b, ".term-fgx%d{color:%s}.term-bgx%d{background:%s}\n", n, hex(n), n, hex(n))
	}
	for n := range 8 {
		fmt.Fprintf(&b, ".term-fg%d{color:%s}.term-bg%d{background:%s}", 30+n, hex(n), 40+n, hex(n))
		fmt.Fprintf(&b, ".term-fgi%d{color:%s}.term-bgi%d{background:%s}\n", 90+n, hex(8+n), 100+n, hex(8+n))
	}
	// term-fg5 is reverse video (see reverseAsBlink), the default colours
	// swapped: the app reverses only its cursor, which has no colours.
	b.WriteString(".term-fg5{color:" + termBackground + ";background:" + termForeground + "}\n")
	b.WriteString(".term-fg1{font-weight:bold}.term-fg2{opacity:.7}.term-fg3{font-style:italic}" +
		".term-fg4{text-decoration:underline}.term-fg9{text-decoration:line-through}\n")
	return b.String()
}
