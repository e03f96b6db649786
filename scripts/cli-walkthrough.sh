#!/usr/bin/env bash
# Runs the README's command-line walkthrough against `tillpair sandbox` with
# the real binary and a real Secret Service, step by step as a user would,
# and checks each step's output and exit code. Usage: cli-walkthrough.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=walkthrough
. scripts/lib/common.sh
tillpair_bin "${1:-}" "$(mktemp -d)"

# The body runs inside a private D-Bus session with gnome-keyring, as the
# README tells headless users to do.
exec scripts/with-keyring.sh bash -euo pipefail -c '
BIN=$1
work=$(mktemp -d)
cleanup() { [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
expect_exit() { # want cmd...
  local want=$1; shift; local got=0
  "$@" || got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want"
}

step "1. start the sandbox"
"$BIN" sandbox > "$work/sandbox.json" &
SANDBOX_PID=$!
for _ in $(seq 100); do [ -s "$work/sandbox.json" ] && break; sleep 0.05; done
[ -s "$work/sandbox.json" ] || fail "sandbox printed nothing"
jq -e .control_url "$work/sandbox.json" >/dev/null || fail "sandbox line is not the documented JSON"

step "2. point tillpair at it"
export TILLPAIR_SCI_PAIRING_URL=$(jq -r .sci_pairing_url "$work/sandbox.json")
export TILLPAIR_SCI_API_KEY=$(jq -r .credentials.sci_api_key "$work/sandbox.json")
export TILLPAIR_SCI_SIGNING_SECRET_PART_A=$(jq -r .credentials.sci_signing_secret_part_a "$work/sandbox.json")
export TILLPAIR_CONFIG_DIR=$work/config
CONTROL=$(jq -r .control_url "$work/sandbox.json")

step "3. start pairing on the terminal"
TERM_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"sci\") | .id" | head -n1)
CODE=$(curl -sf -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
[[ $CODE =~ ^[0-9]{6}$ ]] || fail "pairing code $CODE"

step "4. pair without waiting"
"$BIN" pair --code "$CODE" --nickname "Front Bar" --no-wait --json > "$work/pair.json" 2> "$work/pair.err"
jq -e ".status == \"awaiting_confirmation\" and .pairing_nickname == \"Front Bar\"" "$work/pair.json" >/dev/null || fail "pair --json: $(cat "$work/pair.json")"
CONF=$(jq -r .confirmation_code "$work/pair.json")
grep -q "Confirmation code: $CONF" "$work/pair.err" || fail "no confirmation code line on stderr"
[ "$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq -r .confirmation_code)" = "$CONF" ] || fail "terminal shows another code"
expect_exit 3 "$BIN" test "Front Bar"

step "5. confirm on the terminal, then test"
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/confirm" >/dev/null
"$BIN" test "Front Bar" | grep -q "is active" || fail "test after confirm"

step "6. status"
"$BIN" status --json > "$work/status.json"
jq -e ".pairings | length == 1 and .[0].status == \"active\"" "$work/status.json" >/dev/null || fail "status: $(cat "$work/status.json")"
! grep -qF "$TILLPAIR_SCI_API_KEY" "$work/status.json" "$work/pair.json" "$work/config/pairings.json" || fail "API key leaked"
! grep -qF "$TILLPAIR_SCI_SIGNING_SECRET_PART_A" "$work/status.json" "$work/pair.json" "$work/config/pairings.json" || fail "Part A leaked"

step "7. unpair"
"$BIN" unpair "Front Bar" --yes | grep -q "Unpaired" || fail "unpair"
expect_exit 3 "$BIN" status --json
[ "$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq ".pairings | map(select(.status==\"active\")) | length")" = 0 ] || fail "sandbox still holds a pairing"

step "8. pair and wait for the confirmation"
CODE=$(curl -sf -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
"$BIN" pair --code "$CODE" --json > "$work/wait.json" 2> "$work/wait.err" &
PAIR_PID=$!
for _ in $(seq 200); do
  [ "$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq -r .screen)" = confirm ] && break
  sleep 0.05
done
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/confirm" >/dev/null
wait "$PAIR_PID" || fail "pair --wait exited $?"
jq -e ".status == \"active\"" "$work/wait.json" >/dev/null || fail "pair --wait: $(cat "$work/wait.json")"
"$BIN" unpair "$(jq -r .pairing_id "$work/wait.json")" --yes >/dev/null

step "9. bad input gets exit 2 and a message naming the problem"
expect_exit 2 "$BIN" pair --code 12ab --no-wait

step "10. SmartConnect: set up the register identity (no secrets)"
export TILLPAIR_SMARTCONNECT_URL=$(jq -r .smartconnect_url "$work/sandbox.json")
expect_exit 2 "$BIN" setup smartconnect --register-name "Main Register"
"$BIN" setup smartconnect --register-name "Main Register" --business-name "Toys Shop" --vendor-name "Till2Go" > "$work/sc-setup.out"
REG_ID=$(sed -n "s/^  Register ID: *\([0-9a-f-]\{36\}\).*/\1/p" "$work/sc-setup.out")
[ -n "$REG_ID" ] || fail "setup smartconnect printed no register ID: $(cat "$work/sc-setup.out")"
jq -e ".settings.smartconnect_register.register_id == \"$REG_ID\"" "$work/config/pairings.json" >/dev/null || fail "identity not in the records file"

step "11. SmartConnect: pair with the code on the terminal, test, unpair on the terminal, forget"
SC_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"smartconnect\") | .id" | head -n1)
SC_CODE=$(curl -sf -X POST "$CONTROL/terminals/$SC_ID/pairing-code" | jq -r .pairing_code)
"$BIN" pair --provider smartconnect --code "$SC_CODE" --json > "$work/sc-pair.json"
jq -e ".provider == \"smartconnect\" and .status == \"active\" and .pairing_id == \"$REG_ID\"" "$work/sc-pair.json" >/dev/null || fail "pair smartconnect: $(cat "$work/sc-pair.json")"
[ "$(curl -sf "$CONTROL/terminals/$SC_ID" | jq -r ".pairings[0].pairing_id")" = "$REG_ID" ] || fail "terminal does not list the register"
"$BIN" test "$REG_ID" | grep -q "is active" || fail "test smartconnect"
expect_exit 2 "$BIN" unpair "$REG_ID" --yes 2> "$work/sc-unpair.err"
grep -q -- "--forget" "$work/sc-unpair.err" || fail "unpair gave no --forget hint: $(cat "$work/sc-unpair.err")"
"$BIN" status --json --no-check | jq -e ".pairings | map(select(.provider==\"smartconnect\")) | length == 1" >/dev/null || fail "unpair without --forget removed the pairing"
curl -sf -X POST "$CONTROL/terminals/$SC_ID/unpair" >/dev/null
expect_exit 3 "$BIN" test "$REG_ID"
"$BIN" unpair "$REG_ID" --forget --yes | grep -q "Forgot Smartpay SmartConnect pairing" || fail "forget smartconnect"

step "12. Helcim: store the API token, pair with the device code, test, forget"
export TILLPAIR_HELCIM_URL=$(jq -r .helcim_url "$work/sandbox.json")
HELCIM_TOKEN=$(jq -r .credentials.helcim_api_token "$work/sandbox.json")
printf "%s\n" "$HELCIM_TOKEN" | "$BIN" setup helcim > "$work/helcim-setup.out"
grep -q "Helcim API token stored" "$work/helcim-setup.out" || fail "setup helcim: $(cat "$work/helcim-setup.out")"
HC_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"helcim\") | .id" | head -n1)
HC_CODE=$(curl -sf -X POST "$CONTROL/terminals/$HC_ID/pairing-code" | jq -r .pairing_code)
[[ $HC_CODE =~ ^[A-Z0-9]{4}$ ]] || fail "device code $HC_CODE"
expect_exit 2 "$BIN" pair --provider helcim --code "AB!D"
[ "$("$BIN" pair --provider helcim --code "${HC_CODE,,}")" = "Helcim Payment Hardware pairing $HC_CODE: active. Ping sent — check the terminal screen." ] || fail "pair helcim"
[ "$(curl -sf "$CONTROL/terminals/$HC_ID" | jq -r .screen)" = ping ] || fail "terminal shows no ping"
"$BIN" test "$HC_CODE" | grep -q "Ping sent" || fail "test helcim"
curl -sf -X POST "$CONTROL/terminals/$HC_ID/sleep" >/dev/null
expect_exit 5 "$BIN" test "$HC_CODE"
"$BIN" unpair "$HC_CODE" --forget --yes 2> "$work/helcim-forget.err" | grep -q "Forgot Helcim Payment Hardware pairing $HC_CODE" || fail "forget helcim"
grep -q "standalone" "$work/helcim-forget.err" || fail "no on-terminal reminder"
! grep -rqF "$HELCIM_TOKEN" "$work/config" "$work/helcim-setup.out" || fail "Helcim token leaked"
expect_exit 3 "$BIN" status --json

step "13. SumUp: store the API key and merchant code, pair with the code the Solo shows, status with health, test, unpair"
export TILLPAIR_SUMUP_URL=$(jq -r .sumup_url "$work/sandbox.json")
SUMUP_KEY=$(jq -r .credentials.sumup_api_key "$work/sandbox.json")
SUMUP_MERCHANT=$(jq -r .credentials.sumup_merchant_code "$work/sandbox.json")
printf "%s\n%s\n" "$SUMUP_KEY" "$SUMUP_MERCHANT" | "$BIN" setup sumup > "$work/sumup-setup.out"
grep -q "API key stored in the OS keyring" "$work/sumup-setup.out" || fail "setup sumup: $(cat "$work/sumup-setup.out")"
grep -q "Merchant code saved" "$work/sumup-setup.out" || fail "setup sumup kept no merchant code: $(cat "$work/sumup-setup.out")"
SU_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"sumup\") | .id" | head -n1)
SU_CODE=$(curl -sf -X POST "$CONTROL/terminals/$SU_ID/pairing-code" | jq -r .pairing_code)
[[ $SU_CODE =~ ^[A-Z0-9]{8,9}$ ]] || fail "Solo code $SU_CODE"
expect_exit 2 "$BIN" pair --provider sumup --code "AB-12"
"$BIN" pair --provider sumup --code "${SU_CODE,,}" --nickname "Front counter" --no-wait --json > "$work/sumup-pair.json" 2> "$work/sumup-pair.err"
jq -e ".provider == \"sumup\" and .status == \"awaiting_confirmation\"" "$work/sumup-pair.json" >/dev/null || fail "pair sumup: $(cat "$work/sumup-pair.json" "$work/sumup-pair.err")"
SU_READER=$(jq -r .pairing_id "$work/sumup-pair.json")
curl -sf -X POST "$CONTROL/terminals/$SU_ID/confirm" >/dev/null
"$BIN" test "Front counter" | grep -q "is active" || fail "test sumup"
"$BIN" status --json > "$work/sumup-status.json"
jq -e ".pairings[] | select(.provider==\"sumup\") | .status == \"active\" and .health.online == true and (.health.battery_percent | type) == \"number\" and .serial != null" "$work/sumup-status.json" >/dev/null || fail "status --json has no SumUp health: $(cat "$work/sumup-status.json")"
"$BIN" unpair "$SU_READER" --yes | grep -q "Unpaired SumUp" || fail "unpair sumup"
[ "$(curl -sf "$CONTROL/terminals/$SU_ID" | jq -r "[.pairings[] | select(.status != \"unpaired\")] | length")" = 0 ] || fail "the Solo is still paired"
! grep -rqF "$SUMUP_KEY" "$work/config" "$work/sumup-setup.out" "$work/sumup-status.json" || fail "SumUp API key leaked"
expect_exit 3 "$BIN" status --json
step "14. Square: store the access token, pair (the register shows the code), sign in on the Terminal, test, forget"
export TILLPAIR_SQUARE_URL=$(jq -r .square_url "$work/sandbox.json")
SQ_TOKEN=$(jq -r .credentials.square_access_token "$work/sandbox.json")
printf "%s\n\n" "$SQ_TOKEN" | "$BIN" setup square > "$work/square-setup.out"
grep -q "stored" "$work/square-setup.out" || fail "setup square: $(cat "$work/square-setup.out")"
SQ_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"square\") | .id" | head -n1)
expect_exit 2 "$BIN" pair --provider square --code ABCDEF
"$BIN" pair --provider square --nickname "Back bar" --no-wait --json > "$work/square-pair.json" 2> "$work/square-pair.err"
jq -e ".provider == \"square\" and .status == \"awaiting_confirmation\" and (.confirmation_code | test(\"^[A-Z0-9]{6,12}$\")) and (.expires_at | fromdateiso8601) > now" "$work/square-pair.json" >/dev/null || fail "pair square: $(cat "$work/square-pair.json" "$work/square-pair.err")"
SQ_CODE=$(jq -r .confirmation_code "$work/square-pair.json")
grep -q "Device code: $SQ_CODE" "$work/square-pair.err" || fail "no code line on stderr"
grep -q "in 5 minutes" "$work/square-pair.err" || fail "no minutes left on stderr: $(cat "$work/square-pair.err")"
expect_exit 3 "$BIN" test "Back bar"
[ "$(curl -s -o /dev/null -w "%{http_code}" -X POST -d "{\"code\":\"ZZZZZZ\"}" "$CONTROL/terminals/$SQ_ID/sign-in")" != 200 ] || fail "the Terminal took a wrong code"
curl -sf -X POST -d "{\"code\":\"$SQ_CODE\"}" "$CONTROL/terminals/$SQ_ID/sign-in" >/dev/null || fail "sign-in with $SQ_CODE"
"$BIN" test "Back bar" | grep -q "is active" || fail "test square after sign-in"
"$BIN" status --json --no-check | jq -e ".pairings[] | select(.provider==\"square\") | .status == \"active\"" >/dev/null || fail "status square"
expect_exit 2 "$BIN" unpair "Back bar" --yes
"$BIN" unpair "Back bar" --forget --yes | grep -q "Forgot" || fail "forget square"
! grep -rqF "$SQ_TOKEN" "$work/config" "$work/square-setup.out" "$work/square-pair.json" "$work/square-pair.err" || fail "Square token leaked"
step "15. Linkly: the POS ID (setup), pair with username on stdin and password from the env, status, test, forget"
export TILLPAIR_LINKLY_AUTH_URL=$(jq -r .linkly_auth_url "$work/sandbox.json")
export TILLPAIR_LINKLY_POS_URL=$(jq -r .linkly_pos_url "$work/sandbox.json")
LK_USER=$(jq -r .credentials.linkly_username "$work/sandbox.json")
LK_PASSWORD=$(jq -r .credentials.linkly_password "$work/sandbox.json")
"$BIN" setup linkly > "$work/linkly-setup.out"
POS_ID=$(sed -n "s/^  POS ID: *\([0-9a-f-]\{36\}\).*/\1/p" "$work/linkly-setup.out")
[ "$POS_ID" = "$REG_ID" ] || fail "setup linkly: POS ID $POS_ID is not the register id $REG_ID: $(cat "$work/linkly-setup.out")"
LK_ID=$(curl -sf "$CONTROL/terminals" | jq -r ".terminals[] | select(.provider==\"linkly\") | .id" | head -n1)
LK_CODE=$(curl -sf -X POST "$CONTROL/terminals/$LK_ID/pairing-code" | jq -r .pairing_code)
[[ $LK_CODE =~ ^[0-9]{6}$ ]] || fail "pair code $LK_CODE"
# A wrong password is refused like every other refusal (401, no body), and
# the password is never printed.
printf "%s\n%s\n" "$LK_USER" "not-the-password" | expect_exit 4 "$BIN" pair --provider linkly --code "$LK_CODE" 2> "$work/linkly-refused.err"
grep -q "check username, password and pair code" "$work/linkly-refused.err" || fail "wrong password: $(cat "$work/linkly-refused.err")"
# An expired code: the same one message.
LK_CODE=$(curl -sf -X POST "$CONTROL/terminals/$LK_ID/pairing-code" | jq -r .pairing_code)
curl -sf -X POST "$CONTROL/terminals/$LK_ID/expire-code" >/dev/null
printf "%s\n" "$LK_USER" | TILLPAIR_LINKLY_PASSWORD=$LK_PASSWORD expect_exit 4 "$BIN" pair --provider linkly --code "$LK_CODE" 2> "$work/linkly-expired.err"
grep -q "Codes expire after about 3 minutes" "$work/linkly-expired.err" || fail "expired code: $(cat "$work/linkly-expired.err")"
LK_CODE=$(curl -sf -X POST "$CONTROL/terminals/$LK_ID/pairing-code" | jq -r .pairing_code)
printf "%s\n" "$LK_USER" | TILLPAIR_LINKLY_PASSWORD=$LK_PASSWORD "$BIN" pair --provider linkly --code "$LK_CODE" --nickname "PIN pad 1" --json > "$work/linkly-pair.json" 2> "$work/linkly-pair.err"
jq -e ".provider == \"linkly\" and .status == \"active\" and .pairing_nickname == \"PIN pad 1\"" "$work/linkly-pair.json" >/dev/null || fail "pair linkly: $(cat "$work/linkly-pair.json" "$work/linkly-pair.err")"
[ "$(curl -sf "$CONTROL/terminals/$LK_ID" | jq -r .screen)" = paired ] || fail "the PIN pad is not paired"
"$BIN" status --json --no-check | jq -e ".pairings | map(select(.provider==\"linkly\")) | length == 1" >/dev/null || fail "status linkly"
"$BIN" test "PIN pad 1" | grep -q "is active" || fail "test linkly"
expect_exit 2 "$BIN" unpair "PIN pad 1" --yes 2> "$work/linkly-unpair.err"
grep -q -- "--forget" "$work/linkly-unpair.err" || fail "unpair gave no --forget hint: $(cat "$work/linkly-unpair.err")"
"$BIN" unpair "PIN pad 1" --forget --yes 2> "$work/linkly-forget.err" | grep -q "Forgot Linkly Cloud pairing" || fail "forget linkly"
grep -q "Linkly Cloud settings" "$work/linkly-forget.err" || fail "no PIN pad steps: $(cat "$work/linkly-forget.err")"
! grep -rqF "$LK_PASSWORD" "$work/config" "$work"/linkly-* || fail "Linkly password leaked"
expect_exit 3 "$BIN" status --json
echo "walkthrough: all steps passed"
' walkthrough "$BIN"
