#!/usr/bin/env bash
# Runs docs/providers/linkly.md's "The simulator" walkthrough against
# `tillpair sandbox`: the same commands, plus checks of each answer.
# Usage: curl-linkly.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=curl-linkly
. scripts/lib/common.sh
work=$(mktemp -d)
cleanup() { [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
tillpair_bin "${1:-}"
start_sandbox
cd "$work"

# --- from here on, the page's commands -----------------------------------------
AUTH=$(jq -r .linkly_auth_url sandbox.json)
POS=$(jq -r .linkly_pos_url sandbox.json)
USERNAME=$(jq -r .credentials.linkly_username sandbox.json)
PASSWORD=$(jq -r .credentials.linkly_password sandbox.json)
CONTROL=$(jq -r .control_url sandbox.json)
api() { # api [curl options] URL: a Linkly call; the body, then "HTTP <status>"
  curl -s -w '\nHTTP %{http_code}\n' -H 'Content-Type: application/json' "$@"
}
PAD=$(curl -s "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="linkly") | .id')
CODE=$(curl -s -X POST "$CONTROL/terminals/$PAD/pairing-code" | jq -r .pairing_code)
api "$AUTH/v1/pairing/cloudpos" \
  -d "{\"username\":\"$USERNAME\",\"password\":\"not-it\",\"pairCode\":\"$CODE\"}" > refused.txt  # 401, no body
api "$AUTH/v1/pairing/cloudpos" \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\",\"pairCode\":\"$CODE\"}" > paired.txt  # 200 {"secret"}
SECRET=$(head -n 1 paired.txt | jq -r .secret)
curl -s "$CONTROL/terminals/$PAD" | jq -c '{screen, message, pairings}' > pad-paired.json
POS_ID=3e7f5001-58a3-43fa-9129-6e84a7b4f2a0      # one per register, kept
VENDOR_ID=a256b7ec-709d-4c7d-8ffe-57cc7ca1fd22   # one per POS product
api "$AUTH/v1/tokens/cloudpos" -d "{\"secret\":\"$SECRET\",\"posName\":\"tillpair\",\"posVersion\":\"1.0\",\
\"posId\":\"register-1\",\"posVendorId\":\"$VENDOR_ID\"}" > bad-pos-id.txt       # 400: posId is not a UUID
api "$AUTH/v1/tokens/cloudpos" -d "{\"secret\":\"$SECRET\",\"posName\":\"tillpair\",\"posVersion\":\"1.0\",\
\"posId\":\"$POS_ID\",\"posVendorId\":\"$VENDOR_ID\"}" > token.txt               # 200 {"token","expirySeconds"}
TOKEN=$(head -n 1 token.txt | jq -r .token)
SESSION=5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b    # a fresh UUID v4 per request
api -H "Authorization: Bearer $TOKEN" "$POS/v2/sessions/${SESSION//-/}/status" \
  -d "{\"request\":{\"merchant\":\"00\",\"posName\":\"tillpair\",\"posVersion\":\"1.0\",\"posId\":\"$POS_ID\",\"statusType\":\"0\"}}" > status.txt
api -H "Authorization: Bearer $TOKEN" "$POS/v2/sessions/$SESSION/result?all=false" > result.txt   # 200 [status event]
api -H "Authorization: Bearer $TOKEN" "$POS/v2/sessions/$SESSION/result?all=false" > again.txt    # 425 after 1 s: nothing new
curl -s -X POST "$CONTROL/terminals/$PAD/unpair" | jq -c '{screen, message}' > unpaired.json
api "$AUTH/v1/tokens/cloudpos" -d "{\"secret\":\"$SECRET\",\"posName\":\"tillpair\",\"posVersion\":\"1.0\",\
\"posId\":\"$POS_ID\",\"posVendorId\":\"$VENDOR_ID\"}" > revoked.txt             # 401: pair again
api -H "Authorization: Bearer $TOKEN" "$POS/v2/sessions/$SESSION/result?all=true" > old-token.txt   # 401
CODE=$(curl -s -X POST "$CONTROL/terminals/$PAD/pairing-code" | jq -r .pairing_code)
curl -s -X POST "$CONTROL/terminals/$PAD/expire-code" > /dev/null
api "$AUTH/v1/pairing/cloudpos" \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\",\"pairCode\":\"$CODE\"}" > expired.txt  # 401, no body
# --- end of the page's commands ---------------------------------------------------

[[ $CODE =~ ^[0-9]{6}$ ]] || fail "pair code $CODE"
[ "$(cat refused.txt)" = $'\nHTTP 401' ] || fail "wrong password: $(cat refused.txt)"
[ "$(tail -n 1 paired.txt)" = "HTTP 200" ] && [[ $SECRET =~ ^[a-z0-9]{128}$ ]] || fail "pair: $(cat paired.txt)"
jq -e '.screen == "paired" and .message == "PAIRED" and .pairings[0].status == "active"' pad-paired.json >/dev/null || fail "pad after pairing: $(cat pad-paired.json)"
[ "$(cat bad-pos-id.txt)" = $'\nHTTP 400' ] || fail "posId not a UUID: $(cat bad-pos-id.txt)"
[ "$(tail -n 1 token.txt)" = "HTTP 200" ] && head -n 1 token.txt | jq -e '.expirySeconds == 1800 and (.token | length) > 0' >/dev/null || fail "token: $(cat token.txt)"
[ "$(tail -n 1 status.txt)" = "HTTP 200" ] && head -n 1 status.txt | jq -e --arg s "$SESSION" '.requestId == $s and .uri == "/v2/sessions/\($s)/result"' >/dev/null || fail "status: $(cat status.txt)"
[ "$(tail -n 1 result.txt)" = "HTTP 200" ] && head -n 1 result.txt | jq -e '.[0].responseType == "status" and .[0].success and .[0].responseCode == "00"' >/dev/null || fail "result: $(cat result.txt)"
[ "$(cat again.txt)" = $'\nHTTP 425' ] || fail "result again: $(cat again.txt)"
jq -e '.screen == "idle" and (.message | startswith("UNPAIRED"))' unpaired.json >/dev/null || fail "unpair: $(cat unpaired.json)"
[ "$(cat revoked.txt)" = $'\nHTTP 401' ] || fail "token after unpair: $(cat revoked.txt)"
[ "$(cat old-token.txt)" = $'\nHTTP 401' ] || fail "old token after unpair: $(cat old-token.txt)"
[ "$(cat expired.txt)" = $'\nHTTP 401' ] || fail "expired code: $(cat expired.txt)"
echo "curl Linkly walkthrough: all steps passed"
