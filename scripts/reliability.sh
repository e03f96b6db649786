#!/usr/bin/env bash
# Runs the reliability suite (./reliability, with -race) and prints the fault
# matrix as published in docs/RELIABILITY.md: one row per provider and
# operation, one column per fault, each cell the subtest's result
# (pass / FAIL / n/a), then the pass counts. Exits non-zero if anything failed.
# RELIABILITY_COUNT=N repeats every test N times (the doc's figures use 3).
set -uo pipefail
cd "$(dirname "$0")/.."
count=${RELIABILITY_COUNT:-1}
json=$(mktemp)
trap 'rm -f "$json"' EXIT
go test -race -count="$count" -json -timeout 20m ./internal/reliability/ >"$json"
rc=$?
# Every non-matrix test's verdict, plus the log lines of the suites that
# report figures (crash, load, fuzz corpus, canary).
grep -o '"Action":"\(pass\|fail\|skip\)","Package":"[^"]*","Test":"[^"/]*"' "$json" \
  | sed 's/"Action":"\([a-z]*\)".*"Test":"\([^"]*\)"/\1 \2/' | sort | uniq -c | sed 's/^/  /'
echo
grep -o '"Output":"[^"]*FIGURE[^"]*"' "$json" | sed 's/^"Output":"//; s/"$//; s/\\n$//; s/\\t/  /g; s/^ *//' | sort -u
echo
awk '
  {
    if (!match($0, /"Action":"(pass|fail|skip)"/)) next
    act = substr($0, RSTART+10, RLENGTH-11)
    if (!match($0, /"Test":"TestFaultMatrix\/[^"]*"/)) next
    name = substr($0, RSTART+24, RLENGTH-25)
    split(name, p, "/"); row = p[1] "/" p[2]; col = p[3]
    if (!(row in rows)) { rows[row] = 1; order[++nr] = row }
    if (!(col in cols)) { cols[col] = 1; corder[++nc] = col }
    if (act == "pass") { pass[row, col]++; tp++ } else if (act == "fail") { fail[row, col]++; tf++ } else { skip[row, col]++; ts++ }
  }
  END {
    printf "| provider/op |"; for (c = 1; c <= nc; c++) printf " %s |", corder[c]; printf "\n|---|"
    for (c = 1; c <= nc; c++) printf "---|"; printf "\n"
    for (r = 1; r <= nr; r++) {
      printf "| %s |", order[r]
      for (c = 1; c <= nc; c++) {
        k = order[r] SUBSEP corder[c]
        if (fail[k]) printf " FAIL %d/%d |", pass[k], pass[k] + fail[k]
        else if (pass[k]) printf " pass %d |", pass[k]
        else printf " n/a |"
      }
      printf "\n"
    }
    printf "\ncells: %d passed, %d failed, %d n/a (no such step for the provider)\n", tp, tf, ts
  }' "$json"
exit $rc
