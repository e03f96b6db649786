#!/usr/bin/env bash
# Runs the README's "SCI wire protocol with curl" walkthrough against
# `tillpair sandbox`: the same commands, plus checks of each answer.
# Usage: curl-walkthrough.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=curl-walkthrough
. scripts/lib/common.sh
walkthrough_setup "${1:-}"
cd "$work"

# --- from here on, the README's commands -------------------------------------
PAIRING_URL=$(jq -r .sci_pairing_url sandbox.json)
API_KEY=$(jq -r .credentials.sci_api_key sandbox.json)
PART_A=$(jq -r .credentials.sci_signing_secret_part_a sandbox.json)
CONTROL=$(jq -r .control_url sandbox.json)
TERM_ID=$(curl -s "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="sci") | .id')
CODE=$(curl -s -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
curl -s -X POST "$PAIRING_URL/v1/progress-pairing" \
  -H "Authorization: ApiKey $API_KEY" -H 'Content-Type: application/json' \
  -d "{\"pairing_code\":\"$CODE\",\"pairing_nickname\":\"Front Bar\"}" > pairing.json
BASE=$(jq -r .data.sci_api_base_url pairing.json)
KEY_ID=$(jq -r .data.key_id pairing.json)
PART_B=$(jq -r .data.signing_secret_part_b pairing.json)
curl -s "$CONTROL/terminals/$TERM_ID" | jq -c '{screen, confirmation_code}' > terminal.json
sci() { # sci METHOD PATH: a signed request to the pairing's SCI API (RFC 9421, HMAC-SHA256)
  local method=$1 url=$BASE$2 authority target comps params base digest="" sig
  authority=${url#*://}; authority=${authority%%/*}
  target=/${url#*://*/}
  comps='"@method" "@authority" "@request-target"'
  base="\"@method\": $method"$'\n'"\"@authority\": $authority"$'\n'"\"@request-target\": $target"
  if [ "$method" = POST ]; then   # empty body: digest of zero bytes
    digest="sha-256=:$(printf '' | openssl dgst -sha256 -binary | base64):"
    comps="$comps \"content-digest\""
    base="$base"$'\n'"\"content-digest\": $digest"
  fi
  params="($comps);created=$(date +%s);alg=\"hmac-sha256\";keyid=\"$KEY_ID\""
  base="$base"$'\n'"\"@signature-params\": $params"
  sig=$(printf '%s' "$base" | openssl dgst -sha256 -hmac "$PART_A$PART_B" -binary | base64)
  curl -s -w '\nHTTP %{http_code}\n' -X "$method" "$url" \
    -H "Signature-Input: sig1=$params" -H "Signature: sig1=:$sig:" \
    ${digest:+-H "Content-Digest: $digest"}
}
sci GET /v1/pairing-info > before.txt          # 401 no_active_pairings_found: not confirmed yet
curl -s -X POST "$CONTROL/terminals/$TERM_ID/confirm" > /dev/null
sci GET /v1/pairing-info > active.txt          # 200 with the pairing
sci POST /v1/unpair > unpair.txt               # 204
sci GET /v1/pairing-info > after.txt           # 401 again
# --- end of the README's commands ----------------------------------------------

[[ $CODE =~ ^[0-9]{6}$ ]] || fail "pairing code $CODE"
jq -e '.data.pairing_id and .data.confirmation_code' pairing.json >/dev/null || fail "progress-pairing: $(cat pairing.json)"
[ "$(jq -r .confirmation_code terminal.json)" = "$(jq -r .data.confirmation_code pairing.json)" ] || fail "terminal shows another confirmation code: $(cat terminal.json)"
grep -q 'HTTP 401' before.txt && grep -q no_active_pairings_found before.txt || fail "pairing-info before confirm: $(cat before.txt)"
grep -q 'HTTP 200' active.txt && grep -q "$(jq -r .data.pairing_id pairing.json)" active.txt || fail "pairing-info after confirm: $(cat active.txt)"
grep -q 'HTTP 204' unpair.txt || fail "unpair: $(cat unpair.txt)"
grep -q 'HTTP 401' after.txt || fail "pairing-info after unpair: $(cat after.txt)"
echo "curl walkthrough: all steps passed"
