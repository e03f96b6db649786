#!/usr/bin/env bash
# bench.sh — tillpair's performance suite (make bench). Not part of make
# test. It prints the raw figures, then a table of every target with PASS or
# MISS, and exits 1 if any target is missed. BENCHMARKS.md explains each
# method and records a run.
#
# Every figure is taken interleaved with what it is compared with, so load
# on a shared machine hits both: the Go benchmark binaries run COUNT passes
# of all their benchmarks in turn (not COUNT runs of one, then the next);
# start-up alternates with a minimal Bubble Tea program, listing with
# `version`, status with listing plus one check. Budgets in absolute time
# are held in CPU time (cpu-ns/op, from getrusage), which other programs
# on the machine do not inflate; the load average is printed with the run.
#
#   COUNT=5 BENCHTIME=1s RUNS=21 PAIRINGS=24 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
COUNT=${COUNT:-6}          # runs of each Go benchmark (benchstat wants ≥ 6)
BENCHTIME=${BENCHTIME:-1s} # per benchmark run
RUNS=${RUNS:-21}           # start-up runs of each program
PAIRINGS=${PAIRINGS:-24}   # concurrent pairings for the confirmation latency
STATUS_COUNT=${STATUS_COUNT:-3} # passes of the status benchmark (each pairs 100 terminals first)
LISTING=${LISTING:-10000}  # pairings for status --no-check

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu:    $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "go:     $($GO version)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "load:   $load_start (1, 5, 15 min) at the start"
echo

echo "== build"
$GO build -trimpath -ldflags '-s -w' -o "$work/tillpair" .
$GO build -trimpath -ldflags '-s -w' -o "$work/minimal" ./scripts/benchtools/minimal
$GO build -o "$work/startup" ./scripts/benchtools/startup
$GO build -o "$work/confirm" ./scripts/benchtools/confirm
$GO build -o "$work/listing" ./scripts/benchtools/listing
for pkg in ui keystore internal/cli providers/sci internal/sandbox/sci; do
	$GO test -c -o "$work/$(echo "$pkg" | tr / _).test" "./$pkg"
done
size_bytes=$(stat -c %s "$work/tillpair")
echo "stripped binary: $size_bytes bytes"
echo

echo "== Go benchmarks ($COUNT interleaved passes, benchtime $BENCHTIME)"
raw="$work/bench.txt"
# bench PKG PATTERN [BENCHTIME]: one pass of PKG's benchmarks matching
# PATTERN, run in its own directory as go test would.
bench() {
	(cd "$1" && "$work/$(echo "$1" | tr / _).test" -test.run '^$' -test.bench "$2" -test.benchmem \
		-test.count 1 -test.benchtime "${3:-$BENCHTIME}") || true # a failure is read from the output
}
{
	for pass in $(seq "$COUNT"); do
		bench ui '^Benchmark(View|KeyView|Keys)$'
		bench keystore '^BenchmarkRecordsLoad$' 2x
		bench providers/sci .
		bench internal/sandbox/sci .
		if [ "$pass" -le "$STATUS_COUNT" ]; then
			bench internal/cli '^BenchmarkStatusChecks$' 5x
		fi
	done
} 2>&1 | tee "$raw" | grep -E '^(Benchmark|FAIL|---|    )' || true
if grep -q -E '^(FAIL|--- FAIL)' "$raw"; then
	echo "bench.sh: a benchmark failed (its budget is in the line above)" >&2
	failed_bench=1
fi
echo
benchstat_bin=$(command -v benchstat || true)
[ -z "$benchstat_bin" ] && [ -x "$($GO env GOPATH)/bin/benchstat" ] && benchstat_bin="$($GO env GOPATH)/bin/benchstat"
if [ -z "$benchstat_bin" ] && (cd "$work" && GOFLAGS=-mod=mod timeout 120 $GO install golang.org/x/perf/cmd/benchstat@latest) >/dev/null 2>&1; then
	benchstat_bin="$($GO env GOPATH)/bin/benchstat"
fi
if [ -n "$benchstat_bin" ]; then
	echo "== benchstat"
	"$benchstat_bin" "$raw"
else
	echo "(benchstat not installable; figures below are medians of the raw runs)"
fi
echo

# median NAME UNIT: the median over the runs of benchmark NAME (without the
# -P suffix) of the value preceding UNIT.
median() {
	awk -v name="$1" -v unit="$2" '
		{ n = $1; sub(/-[0-9]+$/, "", n) }
		n == name { for (i = 2; i < NF; i++) if ($(i+1) == unit) v[c++] = $i }
		END {
			if (c == 0) { print "NaN"; exit }
			for (i = 0; i < c; i++) for (j = i + 1; j < c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			print v[int(c / 2)]
		}' "$raw"
}
names() { awk -v pre="$1" '{ n = $1; sub(/-[0-9]+$/, "", n) } index(n, pre) == 1 && !seen[n]++ { print n }' "$raw"; }

echo "== start-up ($RUNS runs each, alternating, 80×24 pty)"
startup_out=$("$work/startup" -runs "$RUNS" -app "$work/tillpair" -baseline "$work/minimal" -- --sandbox)
echo "$startup_out"
echo

echo "== status --no-check with $LISTING pairings, alternating with version"
listing_out=$("$work/listing" -app "$work/tillpair" -n "$LISTING" -runs "$RUNS")
echo "$listing_out"
echo

echo "== confirmation latency ($PAIRINGS registers at once, real clock): terminal confirm → paired frame on screen"
confirm_out=$("$work/confirm" -n "$PAIRINGS" -tui)
echo "$confirm_out"
echo "   (to the service seeing it active: $("$work/confirm" -n "$PAIRINGS"))"
echo

kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }
app_line=$(echo "$startup_out" | grep 'name=app')

rows=()
missed=${failed_bench:-0}
# row TARGET MEASURED PASS(0|1)
row() {
	local verdict=PASS
	if [ "$3" != 1 ]; then verdict=MISS; missed=1; fi
	rows+=("$(printf '%-58s %-34s %s' "$1" "$2" "$verdict")")
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "NaN" && a + 0 <= b + 0) ? 1 : 0 }'; }

ratio=$(kv "$(echo "$startup_out" | grep ratio=)" ratio)
row "start-up median ≤ 1.2× minimal Bubble Tea program" "$(kv "$app_line" median_ms) ms vs $(kv "$(echo "$startup_out" | grep name=baseline)" median_ms) ms = ${ratio}×" "$(le "$ratio" 1.2)"
rss=$(kv "$app_line" rss_max_mb)
row "peak RSS ≤ 30 MB" "${rss} MB (max of $RUNS)" "$(le "$rss" 30)"

# View budgets: the CPU a frame costs (cpu-ns/op), every screen at 80×24,
# the paired screen with 1 and 100 pairings.
for profile in "" "ansi256/"; do
	worst=0 worst_name=""
	for n in $(names "BenchmarkView/$profile"); do
		rest=${n#BenchmarkView/$profile}
		[[ -z "$profile" && "$rest" == ansi256/* ]] && continue
		v=$(median "$n" cpu-ns/op)
		if awk -v a="$v" -v b="$worst" 'BEGIN { exit !(a > b) }'; then worst=$v worst_name=$rest; fi
	done
	label="View() of every screen at 80×24 ≤ 100 µs CPU (${profile:-ascii/}"
	row "${label%/}) " "worst $(awk -v v="$worst" 'BEGIN { printf "%.1f", v / 1000 }') µs ($worst_name)" "$(le "$worst" 100000)"
done

# Keys at 1 to 10,000 pairings: ≤ 1 ms at 1,000, and each tenfold (or
# hundredfold) size costing no more than tenfold (hundredfold): linear.
for screen in paired form; do
	k1=$(median "BenchmarkKeys/$screen/n=1" cpu-ns/op)
	k100=$(median "BenchmarkKeys/$screen/n=100" cpu-ns/op)
	k1000=$(median "BenchmarkKeys/$screen/n=1000" cpu-ns/op)
	k10000=$(median "BenchmarkKeys/$screen/n=10000" cpu-ns/op)
	row "key + frame ($screen) at 1,000 pairings ≤ 1 ms CPU" "$(awk -v v="$k1000" 'BEGIN { printf "%.0f µs", v / 1000 }') (1: $(awk -v v="$k1" 'BEGIN { printf "%.0f", v / 1000 }'), 100: $(awk -v v="$k100" 'BEGIN { printf "%.0f", v / 1000 }'), 10,000: $(awk -v v="$k10000" 'BEGIN { printf "%.0f", v / 1000 }') µs)" "$(le "$k1000" 1000000)"
	growth=$(awk -v a="$k1" -v b="$k100" -v c="$k1000" -v d="$k10000" 'BEGIN {
		r1 = b / a / 100; r2 = c / b / 10; r3 = d / c / 10; m = r1; if (r2 > m) m = r2; if (r3 > m) m = r3
		printf "%.3f %.2f %.2f %.2f", m, b / a, c / b, d / c }')
	row "key + frame ($screen) growth 1→10,000 no worse than linear" "×$(echo "$growth" | cut -d' ' -f2)/×$(echo "$growth" | cut -d' ' -f3)/×$(echo "$growth" | cut -d' ' -f4) per ×100/×10/×10" "$(le "$(echo "$growth" | cut -d' ' -f1)" 1)"
done

# Records: CPU per pairing at 100,000 against 1,000 (a cliff or worse
# than linear growth shows as a ratio above 2), and the listing goal.
l1=$(median "BenchmarkRecordsLoad/n=1000" cpu-ns/pairing)
l100k=$(median "BenchmarkRecordsLoad/n=100000" cpu-ns/pairing)
lratio=$(awk -v a="$l1" -v b="$l100k" 'BEGIN { printf "%.2f", b / a }')
row "records load per pairing, 100,000 vs 1,000 ≤ 2× (no cliff)" "$(awk -v a="$l1" -v b="$l100k" 'BEGIN { printf "%.1f vs %.1f µs", b / 1000, a / 1000 }') = ${lratio}×" "$(le "$lratio" 2)"
lms=$(kv "$listing_out" list_median_ms)
row "status --no-check, $LISTING pairings ≤ 100 ms" "$lms ms (version: $(kv "$listing_out" version_median_ms) ms)" "$(le "$lms" 100)"
# Every pass counts, passed or failed: a failing benchmark prints no result
# line, only its failure message ("took S ms, R× listing (L ms) plus one
# check (C ms)"), so both are read, as "status list check ratio" rows; a
# median of the passes alone would hide the failed ones.
status_rows=$({
	awk '{ n = $1; sub(/-[0-9]+$/, "", n) } n == "BenchmarkStatusChecks" {
		for (i = 2; i < NF; i++) { u = $(i+1); if (u == "status-ms/op") s = $i; if (u == "list-ms/op") l = $i; if (u == "check-ms/op") c = $i; if (u == "status/(list+check)") r = $i }
		print s, l, c, r }' "$raw"
	grep -o 'took [0-9.]* ms, [0-9.]*× listing ([0-9.]* ms) plus one check ([0-9.]* ms)' "$raw" | tr -d '(),×' | awk '{ print $2, $6, $11, $4 }' || true
})
med() { echo "$status_rows" | awk -v f="$1" 'NF { print $f }' | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "NaN") }'; }
sratio=$(med 4)
smed="$(med 1) ms vs $(med 2) + $(med 3) ms (median of $(echo "$status_rows" | grep -c .) passes)"
row "status, 100 live checks ≤ 2× listing + one check" "$smed = $(awk -v r="$sratio" 'BEGIN { printf "%.2f", r }')×" "$(le "$sratio" 2)"

sign=$(median BenchmarkSign ns/op)
row "request signing ≤ 5 µs/op" "$(awk -v v="$sign" 'BEGIN { printf "%.2f", v / 1000 }') µs" "$(le "$sign" 5000)"
# The verdict uses the interleaved sub-benchmark (client and bare take turns
# within one loop, so load on a shared machine hits both); the separate
# sub-benchmarks' figures are printed beside it.
client=$(median BenchmarkPairingRoundTrip/interleaved client-µs/op)
bare=$(median BenchmarkPairingRoundTrip/interleaved bare-µs/op)
rt=$(median BenchmarkPairingRoundTrip/interleaved client/bare)
rt=$(awk -v r="$rt" 'BEGIN { printf "%.2f", r }')
apart=$(awk -v a="$(median BenchmarkPairingRoundTrip/client ns/op)" -v b="$(median BenchmarkPairingRoundTrip/bare ns/op)" 'BEGIN { printf "%.2f", a / b }')
row "Pair+Check+Unpair ≤ 1.2× bare net/http" "$(printf '%.0f vs %.0f µs' "$client" "$bare") = ${rt}× (apart ${apart}×)" "$(le "$rt" 1.2)"

p50=$(kv "$confirm_out" p50_ms)
row "confirm on terminal → paired frame on screen, p50 ≤ 1.5 s" "p50 $p50 ms, p90 $(kv "$confirm_out" p90_ms) ms" "$(le "$p50" 1500)"
rate=$(kv "$confirm_out" req_per_s)
row "≤ 1 request/s averaged while waiting" "$rate/s ($(kv "$confirm_out" req_per_s_after_first)/s after the 1st); $(kv "$confirm_out" requests_per_pairing) req/pairing" "$(le "$rate" 1)"

size_mb=$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
row "stripped binary ≤ 20 MB" "$size_mb MiB" "$(le "$size_bytes" 20971520)"

echo "== informational (no target)"
printf '%-40s %s\n' "Update(key)+View() unpaired" "$(awk -v v="$(median BenchmarkKeyView/unpaired ns/op)" 'BEGIN { printf "%.1f µs", v / 1000 }')"
printf '%-40s %s\n' "Update(key)+View() paired_several" "$(awk -v v="$(median BenchmarkKeyView/paired_several ns/op)" 'BEGIN { printf "%.1f µs", v / 1000 }')"
printf '%-40s %s\n' "Update(key)+View() sandbox_pane" "$(awk -v v="$(median BenchmarkKeyView/sandbox_pane ns/op)" 'BEGIN { printf "%.1f µs", v / 1000 }')"
printf '%-40s %s\n' "sandbox progress-pairing" "$(median BenchmarkSandboxProgressPairing req/s) req/s"
printf '%-40s %s\n' "sandbox signed pairing-info" "$(median BenchmarkSandboxPairingInfo req/s) req/s"
printf '%-40s %s\n' "signature verification GET / POST" "$(awk -v a="$(median BenchmarkVerifySignature/GET ns/op)" -v b="$(median BenchmarkVerifySignature/POST ns/op)" 'BEGIN { printf "%.1f / %.1f µs", a / 1000, b / 1000 }')"
echo

load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "== targets (load average $load_start at the start, $load_end at the end; $(nproc) cores)"
printf '%-58s %-34s %s\n' "target" "measured" "verdict"
printf '%s\n' "${rows[@]}"
exit "$missed"
