package ui

import (
	"errors"
	"strings"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// terminalErrorText says what went wrong on the virtual terminal in words
// that fit one 80-column status line, naming the terminal by the TID the
// pane shows: the sandbox's own messages are long and use its internal id,
// so the status line cut the next step off.
func (m *Model) terminalErrorText(err error, v widgets.TerminalView) string {
	tid := v.TID
	if tid == "" {
		tid = "the terminal"
	}
	if errors.Is(err, widgets.ErrNothingToConfirm) {
		if d := screens.Descriptor(v.Provider); !d.Confirms {
			how := "it pairs when the POS sends the code"
			if d.Model == providers.DeviceCode {
				how = "it pairs once the POS pings the device"
			}
			return d.Short + " has no confirm step: " + how
		}
		if d := screens.Descriptor(v.Provider); d.Model == providers.CodeFromPOS {
			return "No code to sign in with on " + tid + ": pair here for a code, then " + m.keys.terminal.Confirm.Help().Key
		}
		return "Nothing to confirm on " + tid + ": " + m.keys.terminal.NewCode.Help().Key +
			" for a code, pair here, then " + m.keys.terminal.Confirm.Help().Key
	}
	text := err.Error()
	if v.ID != "" && v.TID != "" {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "terminal "+v.ID, "terminal "+v.TID), v.ID, v.TID)
	}
	return "Virtual terminal: " + text
}
