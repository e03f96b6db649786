package demo

import (
	"sort"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Epoch is where every demo and evidence run's clock starts: a fixed UTC
// instant, so times on screen are the same on every machine.
var Epoch = time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC)

// StepClock is a fake clock that knows when the app is waiting on it. The
// pairing service, the provider clients and the sandbox run on it; the
// player advances it only to the next wait somebody is blocked on, so the
// number of confirmation polls (and every time on screen) is the same on
// every run. A plain fake clock advanced on a timer would race the pollers.
type StepClock struct {
	*clockwork.FakeClock

	mu        sync.Mutex
	waits     int         // After/NewTimer/Sleep calls so far
	deadlines []time.Time // when each wait ends
}

// NewStepClock starts at Epoch.
func NewStepClock() *StepClock {
	return &StepClock{FakeClock: clockwork.NewFakeClockAt(Epoch)}
}

// note records a wait. It is called after the fake timer exists, so an
// Advance that follows a seen wait always fires it.
func (c *StepClock) note(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits++
	c.deadlines = append(c.deadlines, at)
}

// After is clockwork's After, counted.
func (c *StepClock) After(d time.Duration) <-chan time.Time {
	at := c.Now().Add(d)
	ch := c.FakeClock.After(d)
	c.note(at)
	return ch
}

// NewTimer is clockwork's NewTimer, counted.
func (c *StepClock) NewTimer(d time.Duration) clockwork.Timer {
	at := c.Now().Add(d)
	t := c.FakeClock.NewTimer(d)
	c.note(at)
	return t
}

// Sleep is clockwork's Sleep, counted.
func (c *StepClock) Sleep(d time.Duration) { <-c.After(d) }

// Waits is how many waits have started so far.
func (c *StepClock) Waits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waits
}

// AdvanceToNextWait moves the clock to the earliest wait still ahead and
// reports whether there was one.
func (c *StepClock) AdvanceToNextWait() bool {
	now := c.Now()
	c.mu.Lock()
	var ahead []time.Time
	for _, d := range c.deadlines {
		if d.After(now) {
			ahead = append(ahead, d)
		}
	}
	c.deadlines = ahead
	c.mu.Unlock()
	if len(ahead) == 0 {
		return false
	}
	sort.Slice(ahead, func(i, j int) bool { return ahead[i].Before(ahead[j]) })
	c.Advance(ahead[0].Sub(now))
	return true
}
