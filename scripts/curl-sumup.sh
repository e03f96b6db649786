#!/usr/bin/env bash
# Runs docs/providers/sumup.md's "The simulator" walkthrough against
# `tillpair sandbox`: the same commands, plus checks of each answer.
# Usage: curl-sumup.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=curl-sumup
. scripts/lib/common.sh
work=$(mktemp -d)
cleanup() { [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
tillpair_bin "${1:-}"
start_sandbox
cd "$work"

# --- from here on, the page's commands -----------------------------------------
SUMUP=$(jq -r .sumup_url sandbox.json)
KEY=$(jq -r .credentials.sumup_api_key sandbox.json)
MERCHANT=$(jq -r .credentials.sumup_merchant_code sandbox.json)
CONTROL=$(jq -r .control_url sandbox.json)
READERS=$SUMUP/v0.1/merchants/$MERCHANT/readers
api() { # api [curl options] URL: a Cloud API call; the body, then "HTTP <status>"
  curl -s -w '\nHTTP %{http_code}\n' -H "Authorization: Bearer $KEY" "$@"
}
SOLO=$(curl -s "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="sumup") | .id')
CODE=$(curl -s -X POST "$CONTROL/terminals/$SOLO/pairing-code" | jq -r .pairing_code)
api -X POST "$READERS" -H 'Content-Type: application/json' \
  -d "{\"pairing_code\":\"$CODE\"}" > no-name.txt            # 400: name is required
api -X POST "$READERS" -H 'Content-Type: application/json' \
  -d "{\"pairing_code\":\"$CODE\",\"name\":\"Frontdesk\"}" > created.txt   # 201 processing
READER=$(head -n 1 created.txt | jq -r .id)
curl -s "$CONTROL/terminals/$SOLO" | jq -c '{screen, pairings}' > solo-confirming.json
curl -s -X POST "$CONTROL/terminals/$SOLO/confirm" > /dev/null    # the Solo acknowledges
api "$READERS/$READER" > paired.txt                               # 200 paired
api "$READERS/$READER/status" > online.txt                        # ONLINE
curl -s -X POST "$CONTROL/terminals/$SOLO/power" -d '{"online":false}' > /dev/null
api "$READERS/$READER/status" > offline.txt                       # OFFLINE
curl -s -X POST "$CONTROL/terminals/$SOLO/power" -d '{"online":true}' > /dev/null
api -X DELETE "$READERS/$READER" > deleted.txt                    # 200, empty body
api "$READERS/$READER" > gone.txt                                 # 404 problem
curl -s -X POST "$CONTROL/terminals/$SOLO/unpair" | jq -c '{screen, message}' > disconnected.json
CODE=$(curl -s -X POST "$CONTROL/terminals/$SOLO/pairing-code" | jq -r .pairing_code)
curl -s -X POST "$CONTROL/terminals/$SOLO/expire-code" > /dev/null
api -X POST "$READERS" -H 'Content-Type: application/json' \
  -d "{\"pairing_code\":\"$CODE\",\"name\":\"Frontdesk\"}" > expired.txt   # 404: no pending reader
curl -s -X POST "$CONTROL/sumup" -d '{"legacy_status_errors":true}' > /dev/null
curl -s -w '\nHTTP %{http_code}\n' "$READERS/$READER/status" > legacy.txt   # 401 {"errors":…}
curl -s -X POST "$CONTROL/faults" -d '{"provider":"sumup","route":"list","status":429,"count":1}' > /dev/null
api -D headers.txt "$READERS" > limited.txt                      # 429, Retry-After: 2
# --- end of the page's commands ---------------------------------------------------

status() { tail -n 1 "$1"; }
body() { head -n 1 "$1"; }
[[ $CODE =~ ^[A-Z0-9]{8}$ ]] || fail "pairing code $CODE"
[ "$(status no-name.txt)" = "HTTP 400" ] && body no-name.txt | jq -e '.fields[0].message == "missing property '"'"'name'"'"'" and (.trace_id | test("^[0-9a-f]{32}$"))' >/dev/null ||
  fail "create without name: $(cat no-name.txt)"
[ "$(status created.txt)" = "HTTP 201" ] && body created.txt | jq -e '.status == "processing" and (.id | test("^rdr_[0-9A-Z]{26}$"))' >/dev/null ||
  fail "create: $(cat created.txt)"
jq -e '.screen == "confirm" and .pairings[0].status == "awaiting_confirmation"' solo-confirming.json >/dev/null || fail "Solo after create: $(cat solo-confirming.json)"
[ "$(status paired.txt)" = "HTTP 200" ] && body paired.txt | jq -e '.status == "paired" and .service_account_id' >/dev/null || fail "after confirm: $(cat paired.txt)"
body online.txt | jq -e '.data.status == "ONLINE" and (.data.battery_level | type) == "number"' >/dev/null || fail "status: $(cat online.txt)"
body offline.txt | jq -e '.data.status == "OFFLINE"' >/dev/null || fail "status while off: $(cat offline.txt)"
[ "$(cat deleted.txt)" = $'\nHTTP 200' ] || fail "delete: $(cat deleted.txt)"
[ "$(status gone.txt)" = "HTTP 404" ] && body gone.txt | jq -e '.type == "https://developer.sumup.com/problem/not-found"' >/dev/null || fail "after delete: $(cat gone.txt)"
jq -e '.screen == "idle"' disconnected.json >/dev/null || fail "Disconnect: $(cat disconnected.json)"
[ "$(status expired.txt)" = "HTTP 404" ] || fail "expired code: $(cat expired.txt)"
[ "$(cat legacy.txt)" = $'{"errors":{"detail":"Unauthorized"}}\nHTTP 401' ] || fail "legacy status error: $(cat legacy.txt)"
[ "$(status limited.txt)" = "HTTP 429" ] && grep -qi '^Retry-After: 2' headers.txt || fail "429: $(cat limited.txt headers.txt)"
echo "curl SumUp walkthrough: all steps passed"
