#!/usr/bin/env bash
# Runs the test suites on a machine kept busy on purpose, to catch tests that
# depend on wall-clock speed (docs/RELIABILITY.md, "Tests under load").
#
#   scripts/stress-test.sh [--race] [--runs N] [--loops N] [--pkgs "PKGS"] [--cmd "CMD"]
#
# Each run executes the command while N busy loops (`while :; do :; done`,
# default 4) keep every core busy, and is reported as PASS or FAIL with its
# time, its log and, for a failure, the failing tests; a summary and a
# Markdown row for docs/RELIABILITY.md follow. The loops are killed on exit,
# however the script ends (trap). Exit status: 0 when every run passed.
#
#   (default)    make test, STRESS_RUNS (default 5) times
#   --race       go test -race -count=N PKGS instead (--count N or
#                STRESS_COUNT, default 5)
#   --pkgs PKGS  the packages for --race (default ./...), e.g. ./keystore
#   --cmd CMD    any command instead, e.g. --cmd 'go test -count=1 ./keystore'
#   --runs N     how many runs (STRESS_RUNS, default 5)
#   --loops N    how many busy loops (STRESS_LOOPS, default 4)
#   --logs DIR   where each run's log goes (default a new temporary directory)
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${STRESS_RUNS:-5}
loops=${STRESS_LOOPS:-4}
count=${STRESS_COUNT:-5}
pkgs=${STRESS_PKGS:-./...}
cmd=${STRESS_CMD:-}
race=0
logs=

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --race) race=1 ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --loops) loops=${2:?--loops needs a number}; shift ;;
    --count) count=${2:?--count needs a number}; shift ;;
    --pkgs) pkgs=${2:?--pkgs needs packages}; shift ;;
    --cmd) cmd=${2:?--cmd needs a command}; shift ;;
    --logs) logs=${2:?--logs needs a directory}; shift ;;
    -h | --help) usage 0 ;;
    *) echo "stress-test: unknown argument $1" >&2; usage 2 ;;
  esac
  shift
done
for n in "$runs" "$loops" "$count"; do
  case $n in '' | *[!0-9]*) echo "stress-test: $n is not a number" >&2; exit 2 ;; esac
done
if [ -z "$cmd" ]; then
  if [ "$race" = 1 ]; then
    cmd="go test -race -count=$count $pkgs"
  else
    cmd="make test"
  fi
fi
if [ -z "$logs" ]; then
  logs=$(mktemp -d "${TMPDIR:-/tmp}/tillpair-stress.XXXXXX")
fi
mkdir -p "$logs"

# The busy loops, by PID: only these are ever killed.
loop_pids=()
stop_loops() {
  local pid
  for pid in "${loop_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${loop_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  loop_pids=()
}
# The run in progress, in its own session so that its whole process tree
# (make, go test, test binaries) can be stopped with it.
run_pid=
stop_run() {
  if [ -n "$run_pid" ]; then
    kill -TERM -- "-$run_pid" 2>/dev/null || kill -TERM "$run_pid" 2>/dev/null
    wait "$run_pid" 2>/dev/null
    run_pid=
  fi
}
trap 'stop_run; stop_loops' EXIT
trap 'echo "stress-test: interrupted" >&2; exit 130' INT TERM HUP

cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "stress-test: $runs run(s) of: $cmd"
echo "stress-test: $loops busy loop(s) on $cores core(s); logs in $logs"
for _ in $(seq "$loops"); do
  sh -c 'while :; do :; done' &
  loop_pids+=($!)
done

passed=0
for i in $(seq "$runs"); do
  log=$logs/run-$i.log
  start=$SECONDS
  if command -v setsid >/dev/null; then
    setsid bash -c "$cmd" >"$log" 2>&1 </dev/null &
  else
    bash -c "$cmd" >"$log" 2>&1 </dev/null &
  fi
  run_pid=$!
  wait "$run_pid"
  rc=$?
  run_pid=
  took=$((SECONDS - start))
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    printf 'run %d/%d: PASS (%ds, load %s)\n' "$i" "$runs" "$took" "$load"
  else
    printf 'run %d/%d: FAIL (exit %d, %ds, load %s) — %s\n' "$i" "$runs" "$rc" "$took" "$load" "$log"
    # The failing tests (go test) or suites (scripts/test.sh), first few.
    grep -E -e '--- FAIL|^FAIL|^  FAIL ' "$log" | sort -u | head -n 15 | sed 's/^/    /'
  fi
done
stop_loops

echo
echo "stress-test: $passed of $runs run(s) passed with $loops busy loop(s) on $cores core(s): $cmd"
echo "Markdown row: | $(date -u +%Y-%m-%d) | \`$cmd\` | $loops | $cores | $passed of $runs |"
[ "$passed" = "$runs" ]
