package demo

import (
	"reflect"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/internal/tui/widgets"
	"github.com/tillpair/tillpair/ui"
)

// paneFeed is the sandbox's terminals as the app sees them. It remembers
// the last snapshot the app fetched, so a step only settles once the
// virtual-terminal pane shows what the sandbox holds: the pane is fed on
// its own goroutine and would otherwise lag a screenshot now and then.
type paneFeed struct {
	ui.Terminals

	mu        sync.Mutex
	fetched   int // snapshots taken for the app
	delivered int // of those, how many reached the app's Update
	last      []widgets.TerminalView
}

func (f *paneFeed) Snapshot() []widgets.TerminalView {
	v := f.Terminals.Snapshot()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetched++
	f.last = v
	return v
}

// markDelivered is called with every message the app gets from its own
// commands; the pane's update is the answer ui.AnswerTerminals.
func (f *paneFeed) markDelivered(msg tea.Msg) {
	if ui.AnswerOf(msg) != ui.AnswerTerminals {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delivered++
}

// settle counts the snapshot ui.New takes directly, with no message.
func (f *paneFeed) settle() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delivered = f.fetched
}

// inSync reports whether the pane shows the sandbox as it is now.
func (f *paneFeed) inSync() bool {
	now := f.Terminals.Snapshot()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delivered == f.fetched && reflect.DeepEqual(now, f.last)
}
