package demo

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// captionState is what the caption says about playback.
type captionState int

const (
	statePlaying captionState = iota
	statePaused
	stateReplaying
	stateEnd
	stateFailed
	stateTooSmall
)

func (s captionState) String() string {
	switch s {
	case statePaused:
		return "❚❚ paused"
	case stateReplaying:
		return "« replaying"
	case stateEnd:
		return "■ end"
	case stateFailed:
		return "✖ stopped"
	case stateTooSmall:
		return "❚❚ too small"
	}
	return "▶ playing"
}

// Caption is the bar naming the requirement on show.
type Caption struct {
	Index, Total int    // scenario number (1-based) and count
	Requirement  string // the scenario's headline
	Step         string // what this step shows (or the error)
	State        captionState
	Keys         KeyMap
}

var (
	captionHead = lipgloss.NewStyle().Bold(true).Reverse(true)
	captionStep = lipgloss.NewStyle().Italic(true)
)

// Render draws the caption in lines (1 or 2) at width w.
func (c Caption) Render(w, lines int) string {
	if w < 1 {
		return ""
	}
	title := fmt.Sprintf(" Scenario %d/%d · %s", c.Index, c.Total, c.Requirement)
	hints := c.hints(w)
	if ansi.StringWidth(title)+ansi.StringWidth(hints)+1 > w {
		// The requirement matters more than the word "Scenario".
		title = fmt.Sprintf(" %d/%d · %s", c.Index, c.Total, c.Requirement)
	}
	if lines < 2 {
		title = fmt.Sprintf(" %d/%d · %s — %s", c.Index, c.Total, c.Requirement, c.Step)
		return captionHead.Render(fit(title, hints, w))
	}
	return captionHead.Render(fit(title, hints, w)) + "\n" +
		captionStep.Render(fit("   "+c.Step, "", w))
}

// hints lists the keys, shorter on narrow screens.
func (c Caption) hints(w int) string {
	k := c.Keys
	pause := k.Pause.Help().Desc
	if c.State == statePaused {
		pause = "play"
	}
	long := []string{c.State.String()}
	keys := []struct{ k, d string }{{k.Pause.Help().Key, pause}, {"←/→", "step"}, {k.Quit.Help().Key, k.Quit.Help().Desc}}
	short := " · space ←/→ q "
	switch c.State {
	case stateEnd, stateFailed:
		// Nothing is playing: only going back and quitting do anything.
		keys = []struct{ k, d string }{{"←", "back"}, {k.Quit.Help().Key, k.Quit.Help().Desc}}
		short = " · ← q "
	case stateTooSmall:
		// Only a bigger window plays on; the rest waits with it.
		keys = []struct{ k, d string }{{k.Quit.Help().Key, k.Quit.Help().Desc}}
		short = " · q "
	}
	for _, b := range keys {
		long = append(long, b.k+" "+b.d)
	}
	if w >= 100 {
		return strings.Join(long, " · ") + " "
	}
	return c.State.String() + short
}

// fit puts left and right on one line of exactly w cells, cutting left
// first.
func fit(left, right string, w int) string {
	rw := ansi.StringWidth(right)
	if rw >= w {
		return ansi.Truncate(right, w, "")
	}
	left = ansi.Truncate(left, w-rw-1, "…")
	gap := w - rw - ansi.StringWidth(left)
	return left + strings.Repeat(" ", gap) + right
}
