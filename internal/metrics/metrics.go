// Package metrics turns one run of live checks into Prometheus metrics for
// fleet health: one series per pairing, printed in the exposition formats
// (status --format) or written for node_exporter's or windows_exporter's
// textfile collector (status --textfile), so a support team's Prometheus
// sees every till's pairings without a server of tillpair's own.
//
// The model keeps "the terminal dropped its pairing" apart from "the till
// lost the internet": a check that failed (network, timeout, credentials,
// terminal not listening…) leaves tillpair_pairing_up at the last known
// status and sets tillpair_pairing_check_success to 0 with the failure's
// kind; only a provider's answer that the pairing is gone sets up to 0.
//
// Label values come from the records and from the clouds: they are cleaned
// (providers/transport.CleanText) and bounded; no secret, confirmation code
// or key id is ever a label.
package metrics

import (
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// Check is one pairing and what this run's live check said about it.
type Check struct {
	// Pairing is the record as the check left it.
	Pairing providers.Pairing
	// Err is why the check failed; nil when the provider answered.
	Err error
	// Duration is how long the provider took; 0 when no check was sent.
	Duration time.Duration
	// Online is the terminal's state where the provider reported one.
	Online *bool
}

// Build describes this binary, for tillpair_build_info.
type Build struct {
	Version   string
	GoVersion string
}

// Metric names (Prometheus naming conventions: tillpair_ prefix, base
// units, _timestamp_seconds for times, _info for the build).
const (
	NameBuildInfo      = "tillpair_build_info"
	NameUp             = "tillpair_pairing_up"
	NameAwaiting       = "tillpair_pairing_awaiting_confirmation"
	NameCheckSuccess   = "tillpair_pairing_check_success"
	NameCheckError     = "tillpair_pairing_check_error"
	NameCheckDuration  = "tillpair_pairing_check_duration_seconds"
	NameLastSuccess    = "tillpair_pairing_last_check_success_timestamp_seconds"
	NameTerminalOnline = "tillpair_terminal_online"
)

// pairingLabels name every per-pairing series.
var pairingLabels = []string{"provider", "pairing_id", "tid", "nickname"}

// MaxLabelLen bounds a label value in runes: a nickname or TID from a cloud
// could otherwise grow every series without limit.
const MaxLabelLen = 64

// FromResults is the adapter from the pairing service's check results.
//
// ADAPTER (issue 15): the only terminal state pairing.CheckResult carries
// today is a check failing with KindNotListening (a Helcim device asleep or
// out of pairing mode, a SmartConnect terminal offline), reported here as
// offline; every other pairing's Online stays nil (not reported). When the
// results carry the provider's providers.Health, set Online from
// r.Health.Online instead, keeping the KindNotListening fallback where it
// is nil.
func FromResults(results []pairing.CheckResult) []Check {
	out := make([]Check, len(results))
	for i, r := range results {
		out[i] = Check{Pairing: r.Pairing, Err: r.Err, Duration: r.Duration}
		if providers.KindOf(r.Err) == providers.KindNotListening {
			out[i].Online = new(false)
		}
	}
	return out
}

// Registry holds this run's metrics: tillpair_build_info and, per pairing,
// up, awaiting confirmation, check success, duration and error kind, the
// last successful check time and, where reported, the terminal's state.
func Registry(checks []Check, b Build) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, extra ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, slices.Concat(pairingLabels, extra))
		reg.MustRegister(g)
		return g
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: NameBuildInfo,
		Help: "tillpair's version and the Go version it was built with; always 1."}, []string{"version", "goversion"})
	reg.MustRegister(info)
	info.WithLabelValues(labelValue(b.Version), labelValue(b.GoVersion)).Set(1)

	up := gauge(NameUp, "1 when the pairing is active: as this run's live check found it, or as last known when the check failed (see tillpair_pairing_check_success); 0 when it is not (unpaired on the terminal or elsewhere, or awaiting confirmation).")
	awaiting := gauge(NameAwaiting, "1 while the pairing awaits confirmation on the terminal, else 0.")
	success := gauge(NameCheckSuccess, "1 when this run's live check got the provider's answer, 0 when it failed (network, timeout, credentials, terminal not listening, …; the kind is in tillpair_pairing_check_error). A failed check never means unpaired.")
	failed := gauge(NameCheckError, "1 for the kind of this run's failed live check (network, timeout, server, not_listening, credentials, signature, config, …); absent when the check got an answer.", "kind")
	duration := gauge(NameCheckDuration, "How long this run's live check took, in seconds; absent when no check was sent (provider not configured here).")
	last := gauge(NameLastSuccess, "When a live check last got the provider's answer about the pairing, as a Unix time; absent when never.")
	online := gauge(NameTerminalOnline, "1 when the provider reported the terminal online, 0 offline or not listening (asleep, switched out of pairing mode); absent where the provider does not report it.")

	for _, c := range checks {
		p := c.Pairing
		l := prometheus.Labels{"provider": labelValue(p.Provider), "pairing_id": labelValue(p.ID), "tid": labelValue(p.TID), "nickname": labelValue(p.PairingNickname)}
		st := status(c)
		up.With(l).Set(bool01(st == providers.StatusActive))
		awaiting.With(l).Set(bool01(st == providers.StatusAwaitingConfirmation))
		answered := answered(c)
		success.With(l).Set(bool01(answered))
		if !answered {
			failed.MustCurryWith(l).WithLabelValues(errorKind(c.Err)).Set(1)
		}
		if c.Duration > 0 {
			duration.With(l).Set(c.Duration.Seconds())
		}
		if !p.CheckedAt.IsZero() {
			last.With(l).Set(float64(p.CheckedAt.UnixMilli()) / 1e3)
		}
		if c.Online != nil {
			online.With(l).Set(bool01(*c.Online))
		}
	}
	return reg
}

// answered: the provider said where the pairing stands (active, not
// confirmed yet, or gone), as opposed to the check failing.
func answered(c Check) bool {
	return c.Err == nil || providers.KindOf(c.Err) == providers.KindNotPaired
}

// errorKind names a failed check's kind for the kind label: the
// provider's Kind, or "store" when the keyring or records failed (their
// errors are no *providers.Error), else "unknown".
func errorKind(err error) string {
	var se interface{ StoreError() bool }
	if _, ok := providers.AsError(err); !ok && errors.As(err, &se) && se.StoreError() {
		return "store"
	}
	return providers.KindOf(err).String()
}

// status is where the pairing stands after this run's check. A "not
// paired" answer on a pairing not awaiting confirmation is unpaired even
// when saving that status failed and the record still says otherwise.
func status(c Check) providers.Status {
	if providers.KindOf(c.Err) == providers.KindNotPaired && c.Pairing.Status != providers.StatusAwaitingConfirmation {
		return providers.StatusUnpaired
	}
	return c.Pairing.Status
}

// labelValue cleans text for a label (control and format characters out,
// valid UTF-8, white space collapsed) and bounds it to MaxLabelLen runes.
func labelValue(s string) string {
	s = transport.CleanText(s)
	if utf8.RuneCountInString(s) > MaxLabelLen {
		s = string([]rune(s)[:MaxLabelLen-1]) + "…"
	}
	return s
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
