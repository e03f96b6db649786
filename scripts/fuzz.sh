#!/usr/bin/env bash
# Runs every Fuzz* target in the module for $1 (default 30s) each and prints
# a line per target with the executions run, as recorded in docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
fail=0
while IFS= read -r line; do
  file=${line%%:*}; name=${line##*func }; name=${name%%(*}
  pkg=./$(dirname "$file")
  echo "==> $pkg $name ($t)"
  if ! out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" "$pkg" 2>&1); then
    echo "$out"; fail=1
  fi
  # The last progress line carries the total execs; then the verdict.
  echo "$out" | grep -E '^fuzz: elapsed' | tail -n 1
  echo "$out" | grep -E '^(ok|FAIL|--- FAIL)' | tail -n 2
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sort)
exit $fail
