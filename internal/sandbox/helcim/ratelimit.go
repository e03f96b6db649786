package helcim

import (
	"net/http"
	"strconv"
	"time"
)

// Helcim rate limits per merchant account, across all its tokens [DOC S27].
// The concurrency limit counts a request from its arrival, so a delay fault
// (a slow cloud) holds its place the way a slow real request would.
const (
	helcimPerMinute  = 100
	helcimPerHour    = 3000
	helcimConcurrent = 5
)

// Helcim rate-limit response headers [DOC S27].
const (
	helcimMinuteHeader = "minute-limit-remaining"
	helcimHourHeader   = "hour-limit-remaining"
)

// rateWindow is a sliding-window log of the account's accepted requests,
// oldest first. A log rather than fixed buckets, so a test can say exactly
// when the 101st request becomes possible again: one minute after the
// first.
type rateWindow struct{ hits []time.Time }

// rateAnswer is what take decided, for the response headers.
type rateAnswer struct {
	allowed          bool
	minuteRemaining  int
	hourRemaining    int
	retryAfterSecond int // set when !allowed
}

// take records a request at now if both windows have room. Callers hold the lock.
func (rw *rateWindow) take(now time.Time) rateAnswer {
	hourAgo, minuteAgo := now.Add(-time.Hour), now.Add(-time.Minute)
	i := 0
	for i < len(rw.hits) && !rw.hits[i].After(hourAgo) {
		i++
	}
	rw.hits = rw.hits[i:]
	inMinute, firstInMinute := 0, -1
	for j, t := range rw.hits {
		if t.After(minuteAgo) {
			if firstInMinute < 0 {
				firstInMinute = j
			}
			inMinute++
		}
	}
	a := rateAnswer{minuteRemaining: helcimPerMinute - inMinute, hourRemaining: helcimPerHour - len(rw.hits)}
	switch {
	case inMinute >= helcimPerMinute:
		a.minuteRemaining = 0
		a.retryAfterSecond = secondsUntil(now, rw.hits[firstInMinute].Add(time.Minute))
		return a
	case len(rw.hits) >= helcimPerHour:
		a.hourRemaining = 0
		a.retryAfterSecond = secondsUntil(now, rw.hits[0].Add(time.Hour))
		return a
	}
	rw.hits = append(rw.hits, now)
	a.allowed = true
	a.minuteRemaining--
	a.hourRemaining--
	return a
}

// secondsUntil rounds up, and is at least 1: "Retry-After: 0" would invite
// an immediate retry that fails again.
func secondsUntil(now, then time.Time) int {
	d := then.Sub(now)
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func (a rateAnswer) setHeaders(h interface{ Set(string, string) }) {
	h.Set(helcimMinuteHeader, strconv.Itoa(a.minuteRemaining))
	h.Set(helcimHourHeader, strconv.Itoa(a.hourRemaining))
	if !a.allowed {
		h.Set("Retry-After", strconv.Itoa(a.retryAfterSecond))
	}
}

// concurrent admits at most helcimConcurrent requests of one account at a
// time and answers the rest 429 [DOC S27]. It wraps the fault layer, so a
// delayed request stays in flight for its whole delay. Requests without a
// known token pass through to be refused by auth. What Helcim sends with
// this 429 is not documented [INF]: the same errors form and a one-second
// Retry-After, and the request is not counted against the minute.
func (h *Cloud) concurrent(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.h.Lock()
		acct, _ := h.accountLocked(r.Header.Get("api-token"))
		full := acct != nil && acct.inFlight >= helcimConcurrent
		if acct != nil && !full {
			acct.inFlight++
		}
		h.h.Unlock()
		if acct == nil {
			next(w, r)
			return
		}
		if full {
			w.Header().Set("Retry-After", "1")
			writeHelcimErrors(w, http.StatusTooManyRequests, helcimTooManyAtOnce)
			return
		}
		defer func() {
			h.h.Lock()
			acct.inFlight--
			h.h.Unlock()
		}()
		next(w, r)
	}
}
