package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

var checkedAt = time.Date(2026, 3, 1, 9, 0, 0, 500_000_000, time.UTC)

func pairingOf(id string, st providers.Status) providers.Pairing {
	return providers.Pairing{Provider: providers.SCI, ID: id, Status: st, TID: "6026" + id[len(id)-4:], PairingNickname: "Till " + id[len(id)-1:]}
}

func kindErr(k providers.Kind) error {
	return &providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: k, Message: "checked"}
}

// gathered is every sample as name{label="value",…} (labels sorted) → value.
func gathered(t *testing.T, g prometheus.Gatherer) map[string]float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			slices.Sort(ls)
			out[mf.GetName()+"{"+strings.Join(ls, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}

// key is a per-pairing series' key in gathered's map.
func key(name string, p providers.Pairing, extra ...string) string {
	ls := []string{fmt.Sprintf("nickname=%q", p.PairingNickname), fmt.Sprintf("pairing_id=%q", p.ID), fmt.Sprintf("provider=%q", p.Provider), fmt.Sprintf("tid=%q", p.TID)}
	for i := 0; i+1 < len(extra); i += 2 {
		ls = append(ls, fmt.Sprintf("%s=%q", extra[i], extra[i+1]))
	}
	slices.Sort(ls)
	return name + "{" + strings.Join(ls, ",") + "}"
}

// Each way a check can end gives its own, distinguishable series: an
// alert can tell a pairing dropped by the terminal (up 0, check answered)
// from a till that lost the internet (up 1, check failed, kind network).
func TestRegistrySeriesPerOutcome(t *testing.T) {
	active := pairingOf("pid_0001", providers.StatusActive)
	active.CheckedAt = checkedAt
	lost := pairingOf("pid_0002", providers.StatusUnpaired)
	lost.CheckedAt = checkedAt
	// Saving "unpaired" failed: the record still says active, the answer
	// does not.
	lostUnsaved := pairingOf("pid_0003", providers.StatusActive)
	awaiting := pairingOf("pid_0004", providers.StatusAwaitingConfirmation)
	awaiting.CheckedAt = checkedAt
	offline := pairingOf("pid_0005", providers.StatusActive)
	offline.CheckedAt = checkedAt.Add(-time.Hour)
	asleep := pairingOf("pid_0006", providers.StatusActive)
	unconfigured := pairingOf("pid_0007", providers.StatusActive)
	locked := pairingOf("pid_0008", providers.StatusActive)
	checks := []Check{
		{Pairing: active, Duration: 250 * time.Millisecond, Online: new(true)},
		{Pairing: lost, Err: kindErr(providers.KindNotPaired), Duration: time.Second},
		{Pairing: lostUnsaved, Err: fmt.Errorf("%w (and saving the unpaired status failed: disk full)", kindErr(providers.KindNotPaired)), Duration: time.Second},
		{Pairing: awaiting, Err: kindErr(providers.KindNotPaired), Duration: time.Second},
		{Pairing: offline, Err: kindErr(providers.KindNetwork), Duration: 2 * time.Second},
		{Pairing: asleep, Err: kindErr(providers.KindNotListening), Duration: time.Second, Online: new(false)},
		{Pairing: unconfigured, Err: kindErr(providers.KindConfig)},
		{Pairing: locked, Err: fmt.Errorf("reading the secret: %w", &keystore.Error{Kind: keystore.KindLocked, Op: "read secret"})},
	}
	got := gathered(t, Registry(checks, Build{Version: "v1.2.3", GoVersion: "go1.26.0"}))

	type row struct{ up, awaiting, success float64 }
	want := map[*providers.Pairing]row{
		&active: {1, 0, 1}, &lost: {0, 0, 1}, &lostUnsaved: {0, 0, 1}, &awaiting: {0, 1, 1},
		&offline: {1, 0, 0}, &asleep: {1, 0, 0}, &unconfigured: {1, 0, 0}, &locked: {1, 0, 0},
	}
	for p, w := range want {
		for name, v := range map[string]float64{NameUp: w.up, NameAwaiting: w.awaiting, NameCheckSuccess: w.success} {
			if g, ok := got[key(name, *p)]; !ok || g != v {
				t.Errorf("%s %s = %v (present %v); want %v", p.ID, name, g, ok, v)
			}
		}
	}
	wantExtra := map[string]float64{
		key(NameCheckError, offline, "kind", "network"):              1,
		key(NameCheckError, asleep, "kind", "not_listening"):         1,
		key(NameCheckError, unconfigured, "kind", "config"):          1,
		key(NameCheckError, locked, "kind", "store"):                 1,
		key(NameCheckDuration, active):                               0.25,
		key(NameCheckDuration, offline):                              2,
		key(NameLastSuccess, active):                                 1772355600.5,
		key(NameLastSuccess, offline):                                1772352000.5,
		key(NameTerminalOnline, active):                              1,
		key(NameTerminalOnline, asleep):                              0,
		`tillpair_build_info{goversion="go1.26.0",version="v1.2.3"}`: 1,
	}
	for k, v := range wantExtra {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v); want %v", k, g, ok, v)
		}
	}
	// Absent where there is nothing to say: no error kind for an answered
	// check, no duration without a request, no time for a pairing never
	// answered, no online state where the provider gave none.
	for k := range got {
		switch {
		case strings.HasPrefix(k, NameCheckError+"{") && !strings.Contains(k, `pid_0005"`) && !strings.Contains(k, `pid_0006"`) && !strings.Contains(k, `pid_0007"`) && !strings.Contains(k, `pid_0008"`):
			t.Errorf("error kind for an answered check: %s", k)
		case k == key(NameCheckDuration, unconfigured), k == key(NameLastSuccess, asleep), k == key(NameLastSuccess, lostUnsaved),
			k == key(NameTerminalOnline, offline), k == key(NameTerminalOnline, lost):
			t.Errorf("series without a value to report: %s", k)
		}
	}
}

// A run with no pairings still says which tillpair wrote it.
func TestRegistryWithoutPairings(t *testing.T) {
	got := gathered(t, Registry(nil, Build{Version: "dev", GoVersion: "go1.26.0"}))
	if len(got) != 1 || got[`tillpair_build_info{goversion="go1.26.0",version="dev"}`] != 1 {
		t.Errorf("got %v", got)
	}
}

// The names and help follow Prometheus' conventions (promtool's linter).
func TestMetricsPassTheLinter(t *testing.T) {
	p := pairingOf("pid_0001", providers.StatusActive)
	p.CheckedAt = checkedAt
	reg := Registry([]Check{{Pairing: p, Err: kindErr(providers.KindTimeout), Duration: time.Second, Online: new(false)}}, Build{Version: "v1", GoVersion: "go1.26.0"})
	var buf bytes.Buffer
	if err := Write(&buf, reg, Prometheus); err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.New(&buf).Lint()
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

// Label values are text from the records and the clouds: cleaned of
// control characters (a terminal escape, a newline that would end the
// sample line), bounded, and never a secret.
func TestLabelsAreCleanedBoundedAndSecretFree(t *testing.T) {
	p := providers.Pairing{
		Provider: providers.SCI, ID: "pid_0001", Status: providers.StatusActive,
		TID:              strings.Repeat("9", 300),
		PairingNickname:  "Bar\x1b[31m red\n\"quoted\" \\ ok\u0085",
		TerminalNickname: "term", KeyID: "key-id-SECRET1", BaseURL: "http://127.0.0.1/sci-api/SECRET2", ConfirmationCode: "SECRET3",
	}
	reg := Registry([]Check{{Pairing: p, Duration: time.Second}}, Build{Version: "v1\x07", GoVersion: "go1.26.0"})
	var buf bytes.Buffer
	if err := Write(&buf, reg, Prometheus); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"SECRET", "\x1b", "\x07", "\u0085"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q:\n%s", bad, out)
		}
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the textfile does not parse: %v\n%s", err, out)
	}
	m := mfs[NameUp].GetMetric()
	if len(m) != 1 {
		t.Fatalf("up: %v", mfs[NameUp])
	}
	for _, l := range m[0].GetLabel() {
		v := l.GetValue()
		if n := utf8.RuneCountInString(v); n > MaxLabelLen {
			t.Errorf("label %s is %d runes long", l.GetName(), n)
		}
		switch l.GetName() {
		case "nickname":
			if v != `Bar [31m red "quoted" \ ok` {
				t.Errorf("nickname = %q", v)
			}
		case "tid":
			if v != strings.Repeat("9", MaxLabelLen-1)+"…" {
				t.Errorf("tid = %q", v)
			}
		}
	}
}

// FromResults carries each result over and reports a terminal that did
// not answer as offline, nothing else as known.
func TestFromResults(t *testing.T) {
	p := pairingOf("pid_0001", providers.StatusActive)
	rs := []pairing.CheckResult{
		{Pairing: p, Duration: time.Second},
		{Pairing: p, Err: kindErr(providers.KindNotListening), Duration: 2 * time.Second},
		{Pairing: p, Err: kindErr(providers.KindNetwork)},
	}
	got := FromResults(rs)
	if len(got) != 3 || got[0].Online != nil || got[0].Duration != time.Second || got[0].Err != nil ||
		got[1].Online == nil || *got[1].Online || got[1].Duration != 2*time.Second || got[2].Online != nil || got[2].Err == nil {
		t.Errorf("FromResults = %+v", got)
	}
}

func TestWriteFormats(t *testing.T) {
	reg := Registry([]Check{{Pairing: pairingOf("pid_0001", providers.StatusActive)}}, Build{Version: "v1", GoVersion: "go1.26.0"})
	var om, text bytes.Buffer
	if err := Write(&om, reg, OpenMetrics); err != nil {
		t.Fatal(err)
	}
	if err := Write(&text, reg, Prometheus); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(om.String(), "# EOF\n") || !strings.Contains(om.String(), "# TYPE "+NameUp+" gauge") {
		t.Errorf("openmetrics:\n%s", om.String())
	}
	if strings.Contains(text.String(), "# EOF") || !strings.Contains(text.String(), NameUp+`{nickname="Till 1",pairing_id="pid_0001",provider="sci",tid="60260001"} 1`) {
		t.Errorf("prometheus text:\n%s", text.String())
	}
	if err := Write(&om, reg, "json"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// The textfile is replaced whole, readable by the exporter's user, with
// no temporary file left where the collector looks.
func TestWriteTextfile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, TextfileName), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := Registry([]Check{{Pairing: pairingOf("pid_0001", providers.StatusActive)}}, Build{Version: "v1", GoVersion: "go1.26.0"})
	path, err := WriteTextfile(dir, reg)
	if err != nil || path != filepath.Join(dir, TextfileName) {
		t.Fatalf("WriteTextfile = %q, %v", path, err)
	}
	data, err := os.ReadFile(path)
	var want bytes.Buffer
	if err := Write(&want, reg, Prometheus); err != nil {
		t.Fatal(err)
	}
	if err != nil || string(data) != want.String() {
		t.Errorf("textfile (%v):\n%s\nwant:\n%s", err, data, want.String())
	}
	// Windows has no Unix permission bits to check.
	if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v %v", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("dir holds %v", entries)
	}
	if _, err := WriteTextfile(filepath.Join(dir, "missing"), reg); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v", err)
	}
}
