#!/usr/bin/env bash
# Fleet health end to end (docs/fleet-health.md) with real parts: the real
# tillpair binary against `tillpair sandbox`, a real node_exporter (Debian's
# prometheus-node-exporter) serving the textfile collector on loopback, and
# promtool. Through a pairing's life — awaiting confirmation, active, the
# till's network failing, unpaired on the terminal — it runs `tillpair
# status --textfile DIR`, scrapes node_exporter's /metrics and checks every
# series and value; then `promtool check metrics` on tillpair's output,
# `promtool check rules` and `promtool test rules` on the alert rules, and
# the contrib units. Usage: e2e-metrics.sh [BIN]   (with no BIN it builds one)
# Needs prometheus-node-exporter, promtool (Debian package prometheus), curl,
# jq and gnome-keyring (scripts/test.sh installs them when it can).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=e2e-metrics
. scripts/lib/common.sh
work=$(mktemp -d)
tillpair_bin "${1:-}" "$work"
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter) || { echo "$NAME: node_exporter not installed" >&2; exit 2; }
command -v promtool >/dev/null || { echo "$NAME: promtool not installed" >&2; exit 2; }

# The body runs inside a private D-Bus session with gnome-keyring: an SCI
# pairing's signing secret (Part B) lives in the keyring.
exec scripts/with-keyring.sh bash -euo pipefail -c '
BIN=$1 NODE_EXPORTER=$2 work=$3
cleanup() {
  [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null
  [ -n "${NE_PID:-}" ] && kill "$NE_PID" 2>/dev/null
  wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -s "$work/scrape" ] && { echo "--- last scrape:" >&2; grep -E "^(tillpair|node_textfile)" "$work/scrape" >&2; }; exit 1; }
step() { echo "--- $*"; }
# until SECONDS CMD...: polls CMD until it succeeds, failing after SECONDS.
until_ok() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
expect_exit() { # want cmd...
  local want=$1; shift; local got=0
  "$@" || got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want"
}
export HOME=$work/home TILLPAIR_CONFIG_DIR=$work/config
mkdir -p "$HOME"
textdir=$work/textfile
mkdir -p "$textdir"

step "1. sandbox"
"$BIN" sandbox > "$work/sandbox.json" &
SANDBOX_PID=$!
until_ok 30 test -s "$work/sandbox.json" || fail "the sandbox printed nothing"
export TILLPAIR_SCI_PAIRING_URL=$(jq -r .sci_pairing_url "$work/sandbox.json")
export TILLPAIR_SCI_API_KEY=$(jq -r .credentials.sci_api_key "$work/sandbox.json")
export TILLPAIR_SCI_SIGNING_SECRET_PART_A=$(jq -r .credentials.sci_signing_secret_part_a "$work/sandbox.json")
CONTROL=$(jq -r .control_url "$work/sandbox.json")
TERM_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"sci\") | .id" | head -n1)

step "2. node_exporter on loopback, textfile collector only"
# A free port: node_exporter exits when the port is taken, so try another.
for attempt in 1 2 3 4 5; do
  PORT=$(( 20000 + RANDOM % 40000 ))
  "$NODE_EXPORTER" --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$textdir" --web.disable-exporter-metrics \
    --web.listen-address="127.0.0.1:$PORT" 2> "$work/node_exporter.log" &
  NE_PID=$!
  up() { curl -sf "http://127.0.0.1:$PORT/metrics" > /dev/null || ! kill -0 "$NE_PID" 2>/dev/null; }
  until_ok 30 up || fail "node_exporter did not come up: $(cat "$work/node_exporter.log")"
  kill -0 "$NE_PID" 2>/dev/null && break
  NE_PID=
done
[ -n "$NE_PID" ] || fail "node_exporter found no free port: $(cat "$work/node_exporter.log")"
echo "node_exporter $("$NODE_EXPORTER" --version 2>&1 | head -n1 | cut -d" " -f3) on 127.0.0.1:$PORT"

# run_textfile WANT: one `status --textfile` run, its exit code, then a scrape.
run_textfile() {
  expect_exit "$1" "$BIN" status --textfile "$textdir"
  [ -s "$textdir/tillpair.prom" ] || fail "no $textdir/tillpair.prom"
  curl -sf "http://127.0.0.1:$PORT/metrics" > "$work/scrape" || fail "scrape failed"
  grep -qx "node_textfile_scrape_error 0" "$work/scrape" || fail "node_exporter could not read the textfile"
  grep -qE "^node_textfile_mtime_seconds\{file=\"[^\"]*tillpair\.prom\"\} " "$work/scrape" || fail "no mtime for tillpair.prom"
  for secret in "$TILLPAIR_SCI_API_KEY" "$TILLPAIR_SCI_SIGNING_SECRET_PART_A"; do
    ! grep -qF "$secret" "$textdir/tillpair.prom" || fail "a credential is in the textfile"
  done
}
# series NAME [LABEL-RE]: the values of NAME for this pairing in the scrape.
series() {
  grep -E "^$1\{" "$work/scrape" | grep -F "pairing_id=\"$PID\"" | grep -E "${2:-.}" | awk "{print \$NF}"
}
# expect NAME VALUE [LABEL-RE]: exactly one such series, with VALUE.
expect() {
  local got; got=$(series "$1" "${3:-}")
  [ "$got" = "$2" ] || fail "$1${3:+ ($3)} = \"$got\", want $2"
}
# absent NAME: no such series for this pairing.
absent() { [ -z "$(series "$1")" ] || fail "$1 present: $(series "$1")"; }

step "3. pair, not confirmed yet"
CODE=$(curl -sf -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
"$BIN" pair --code "$CODE" --nickname "Front Bar" --no-wait --json > "$work/pair.json"
PID=$(jq -r .pairing_id "$work/pair.json")
TID=$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq -r .tid)
CONF=$(jq -r .confirmation_code "$work/pair.json")
run_textfile 3
labels="provider=\"sci\",tid=\"$TID\""
grep -E "^tillpair_pairing_up\{" "$work/scrape" | grep -qF "{nickname=\"Front Bar\",pairing_id=\"$PID\",$labels}" || fail "labels of tillpair_pairing_up"
expect tillpair_pairing_up 0
expect tillpair_pairing_awaiting_confirmation 1
expect tillpair_pairing_check_success 1
absent tillpair_pairing_check_error
! grep -qE "\"$CONF\"|\"$CODE\"" "$textdir/tillpair.prom" || fail "a pairing or confirmation code is a label value"
grep -qE "^tillpair_build_info\{goversion=\"go[^\"]+\",version=\"[^\"]+\"\} 1$" "$work/scrape" || fail "no tillpair_build_info"

step "4. confirmed on the terminal: active"
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/confirm" > /dev/null
before=$(date +%s)
run_textfile 0
expect tillpair_pairing_up 1
expect tillpair_pairing_awaiting_confirmation 0
expect tillpair_pairing_check_success 1
absent tillpair_pairing_check_error
last=$(series tillpair_pairing_last_check_success_timestamp_seconds)
awk -v t="$last" -v b="$before" "BEGIN{exit !(t+0 >= b-1 && t+0 <= b+60)}" || fail "last check success $last, run at $before"
took=$(series tillpair_pairing_check_duration_seconds)
awk -v d="$took" "BEGIN{exit !(d+0 > 0 && d+0 < 60)}" || fail "check duration $took"

step "5. the till loses the network: still paired, check failed (network)"
curl -sf -X POST "$CONTROL/faults" -d "{\"provider\":\"sci\",\"route\":\"pairing-info\",\"reset\":true}" > /dev/null
run_textfile 5
expect tillpair_pairing_up 1
expect tillpair_pairing_check_success 0
expect tillpair_pairing_check_error 1 "kind=\"network\""
[ "$(series tillpair_pairing_last_check_success_timestamp_seconds)" = "$last" ] || fail "a failed check moved the last success time"
curl -sf -X DELETE "$CONTROL/faults" > /dev/null

step "6. unpaired on the terminal: pairing lost"
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/unpair" > /dev/null
run_textfile 3
expect tillpair_pairing_up 0
expect tillpair_pairing_awaiting_confirmation 0
expect tillpair_pairing_check_success 1
absent tillpair_pairing_check_error

step "7. promtool: the output, the alert rules"
promtool check metrics < "$textdir/tillpair.prom" || fail "promtool check metrics (textfile)"
expect_exit 3 "$BIN" status --format openmetrics > "$work/om.txt"
tail -n1 "$work/om.txt" | grep -qx "# EOF" || fail "--format openmetrics does not end with # EOF"
promtool check metrics < "$work/om.txt" || fail "promtool check metrics (openmetrics)"
promtool check rules contrib/prometheus/tillpair-alerts.yml || fail "promtool check rules"
(cd contrib/prometheus && promtool test rules tillpair-alerts_test.yml) || fail "promtool test rules"

step "8. contrib: the systemd units and the Windows task"
if command -v systemd-analyze > /dev/null; then
  mkdir -p "$work/units"
  sed "s|/usr/local/bin/tillpair|$BIN|" contrib/systemd/tillpair-metrics.service > "$work/units/tillpair-metrics.service"
  cp contrib/systemd/tillpair-metrics.timer "$work/units/"
  systemd-analyze verify --man=no "$work/units/tillpair-metrics.service" "$work/units/tillpair-metrics.timer" || fail "systemd-analyze verify"
else
  echo "systemd-analyze not installed: units not verified"
fi
grep -q "status --textfile" contrib/windows/tillpair-metrics.xml || fail "the Windows task does not run status --textfile"
if command -v python3 > /dev/null; then
  python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" contrib/windows/tillpair-metrics.xml || fail "the Windows task is not well-formed XML"
fi
echo "e2e-metrics: all steps passed"
' bash "$BIN" "$NODE_EXPORTER" "$work"
