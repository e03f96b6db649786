#!/usr/bin/env bash
# Runs docs/providers/square.md's "The simulator" walkthrough against
# `tillpair sandbox`: the same commands, plus checks of each answer.
# Usage: curl-square.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=curl-square
. scripts/lib/common.sh
walkthrough_setup "${1:-}"
cd "$work"

# --- from here on, the page's commands -------------------------------------------
SQUARE_URL=$(jq -r .square_url sandbox.json)
TOKEN=$(jq -r .credentials.square_access_token sandbox.json)
LOCATION=$(jq -r .credentials.square_location_id sandbox.json)
CONTROL=$(jq -r .control_url sandbox.json)
sq() { # sq METHOD PATH [BODY]: a Square API call; prints the body, then HTTP <status>
  curl -s -w '\nHTTP %{http_code}\n' -X "$1" "$SQUARE_URL$2" \
    -H "Authorization: Bearer $TOKEN" -H 'Square-Version: 2025-08-20' \
    ${3:+-H 'Content-Type: application/json' -d "$3"}
}
TERM_ID=$(curl -s "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="square") | .id')
curl -s "$CONTROL/terminals/$TERM_ID" | jq -c '{screen, tid, message}' > terminal-start.json

# 1. The POS creates a device code (and retries it: the same key and body give the same code).
BODY='{"idempotency_key":"7d6c1f5e-walkthrough","device_code":{"name":"Counter 1","location_id":"'$LOCATION'","product_type":"TERMINAL_API"}}'
sq POST /v2/devices/codes "$BODY" > create.txt
sq POST /v2/devices/codes "$BODY" > retry.txt
head -1 create.txt > code.json
CODE_ID=$(jq -r .device_code.id code.json)
CODE=$(jq -r .device_code.code code.json)
sq POST /v2/devices/codes '{"idempotency_key":"7d6c1f5e-walkthrough","device_code":{"name":"Counter 2","product_type":"TERMINAL_API"}}' > reused.txt
sq GET "/v2/devices/codes/$CODE_ID" > unpaired.txt

# 2. On the Terminal: Sign in with device code, a typo first.
curl -s -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -c '{screen, message}' > form.json
curl -s -w '\nHTTP %{http_code}\n' -X POST "$CONTROL/terminals/$TERM_ID/sign-in" -d '{"code":"QQQQQQ"}' > typo.txt
curl -s "$CONTROL/terminals/$TERM_ID" | jq -c '{screen, message}' > failed.json
curl -s -X POST "$CONTROL/terminals/$TERM_ID/sign-in" -d "{\"code\":\"$CODE\"}" | jq -c '{screen, tid, message, pairings}' > signed-in.json

# 3. The POS's poll sees PAIRED with the Terminal's serial; the device is AVAILABLE.
sq GET "/v2/devices/codes/$CODE_ID" > paired.txt
DEVICE_ID=$(head -1 paired.txt | jq -r .device_code.device_id)
sq GET "/v2/devices/device%3A$DEVICE_ID" > device.txt
sq GET /v2/devices > devices.txt

# 4. Switched off, then signed out on the Terminal: the device goes OFFLINE, the code stays PAIRED.
curl -s -X POST "$CONTROL/terminals/$TERM_ID/power" -d '{"online":false}' > /dev/null
sq GET "/v2/devices/device%3A$DEVICE_ID" > off.txt
curl -s -X POST "$CONTROL/terminals/$TERM_ID/power" -d '{"online":true}' > /dev/null
curl -s -X POST "$CONTROL/terminals/$TERM_ID/unpair" | jq -c '{screen, pairings}' > signed-out.json
sq GET "/v2/devices/codes/$CODE_ID" > after-sign-out.txt
sq GET "/v2/devices/device%3A$DEVICE_ID" > device-after.txt

# 5. A code that expires before anyone types it.
sq POST /v2/devices/codes '{"idempotency_key":"second-code","device_code":{"product_type":"TERMINAL_API"}}' > second.txt
CODE2_ID=$(head -1 second.txt | jq -r .device_code.id)
CODE2=$(head -1 second.txt | jq -r .device_code.code)
curl -s -X POST "$CONTROL/terminals/$TERM_ID/expire-code" -d "{\"code\":\"$CODE2\"}" > /dev/null
sq GET "/v2/devices/codes/$CODE2_ID" > expired.txt
curl -s -w '\nHTTP %{http_code}\n' -X POST "$CONTROL/terminals/$TERM_ID/sign-in" -d "{\"code\":\"$CODE2\"}" > expired-sign-in.txt

# 6. A wrong token and a malformed Square-Version.
curl -s -w '\nHTTP %{http_code}\n' "$SQUARE_URL/v2/devices/codes" -H 'Authorization: Bearer nope' -H 'Square-Version: 2025-08-20' > wrong-token.txt
curl -s -w '\nHTTP %{http_code}\n' "$SQUARE_URL/v2/devices/codes" -H "Authorization: Bearer $TOKEN" -H 'Square-Version: 2025-8-20' > bad-version.txt
# --- end of the page's commands ----------------------------------------------------

status() { tail -1 "$1"; }
first() { head -1 "$1"; }
[ "$(jq -r .screen terminal-start.json)" = signed_out ] || fail "start: $(cat terminal-start.json)"
[ "$(status create.txt)" = 'HTTP 200' ] || fail "create: $(cat create.txt)"
[[ $CODE =~ ^[A-Z]{6}$ ]] || fail "code $CODE"
[[ $CODE_ID =~ ^[0-9A-Z]{13}$ ]] || fail "code id $CODE_ID"
jq -e --arg loc "$LOCATION" '.device_code | .status=="UNPAIRED" and .name=="Counter 1" and .location_id==$loc and .product_type=="TERMINAL_API"' code.json >/dev/null || fail "created: $(cat code.json)"
created=$(jq -r .device_code.created_at code.json); pair_by=$(jq -r .device_code.pair_by code.json)
[ $(( $(date -d "$pair_by" +%s) - $(date -d "$created" +%s) )) -eq 300 ] || fail "pair_by $pair_by is not created_at $created + 5 min"
cmp -s create.txt retry.txt || fail "the retry answered differently: $(cat retry.txt)"
[ "$(status reused.txt)" = 'HTTP 400' ] && grep -q IDEMPOTENCY_KEY_REUSED reused.txt || fail "reused key: $(cat reused.txt)"
first unpaired.txt | jq -e '.device_code.status=="UNPAIRED"' >/dev/null || fail "poll before sign-in: $(cat unpaired.txt)"
[ "$(jq -r .screen form.json)" = sign_in_form ] || fail "form: $(cat form.json)"
[ "$(status typo.txt)" = 'HTTP 422' ] && grep -q incorrect_device_code typo.txt || fail "typo: $(cat typo.txt)"
jq -e '.screen=="sign_in_failed" and (.message | test("Incorrect device code"))' failed.json >/dev/null || fail "failure screen: $(cat failed.json)"
jq -e --arg id "$CODE_ID" '.screen=="paired" and .pairings[0].pairing_id==$id and .pairings[0].status=="active"' signed-in.json >/dev/null || fail "sign-in: $(cat signed-in.json)"
[ "$DEVICE_ID" = "$(jq -r .tid signed-in.json)" ] || fail "device_id $DEVICE_ID is not the Terminal's serial"
first paired.txt | jq -e '.device_code.status=="PAIRED" and .device_code.paired_at' >/dev/null || fail "poll after sign-in: $(cat paired.txt)"
first device.txt | jq -e --arg id "$CODE_ID" '.device.status.category=="AVAILABLE" and .device.components[0].application_details.device_code_id==$id' >/dev/null || fail "device: $(cat device.txt)"
first devices.txt | jq -e '.devices | length == 1' >/dev/null || fail "devices: $(cat devices.txt)"
first off.txt | jq -e '.device.status.category=="OFFLINE"' >/dev/null || fail "switched off: $(cat off.txt)"
jq -e '.screen=="signed_out" and .pairings[0].status=="unpaired"' signed-out.json >/dev/null || fail "sign-out: $(cat signed-out.json)"
first after-sign-out.txt | jq -e '.device_code.status=="PAIRED"' >/dev/null || fail "code after sign-out: $(cat after-sign-out.txt)"
first device-after.txt | jq -e '.device.status.category=="OFFLINE"' >/dev/null || fail "device after sign-out: $(cat device-after.txt)"
first expired.txt | jq -e '.device_code.status=="EXPIRED"' >/dev/null || fail "expired: $(cat expired.txt)"
[ "$(status expired-sign-in.txt)" = 'HTTP 422' ] || fail "sign-in with an expired code: $(cat expired-sign-in.txt)"
[ "$(status wrong-token.txt)" = 'HTTP 401' ] || fail "wrong token: $(cat wrong-token.txt)"
[ "$(first wrong-token.txt)" = '{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}' ] || fail "401 body: $(cat wrong-token.txt)"
[ "$(status bad-version.txt)" = 'HTTP 400' ] && grep -q INVALID_SQUARE_VERSION_FORMAT bad-version.txt || fail "bad version: $(cat bad-version.txt)"
echo "square curl walkthrough: all steps passed"
