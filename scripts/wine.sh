#!/usr/bin/env bash
# Runs tillpair as a Windows till would, under Wine on this Linux machine
# (issue 14; docs/windows.md says what this proves and what it cannot):
#   1. cross-builds tillpair.exe and walks the CLI through every registered
#      provider against the Linux `tillpair sandbox`: setup through stdin,
#      pair, status, test, unpair, exit codes, secrets in the real (Wine)
#      Credential Manager, records in %APPDATA%\tillpair\pairings.json;
#   2. runs the GOOS=windows test binaries (go test -c) under Wine, and the
#      real-keyring tests against the Credential Manager;
#   3. checks the TUI starts and shows its first screen in Wine's console
#      (wine in tmux), takes a key and quits with exit 0.
# Everything Wine needs (the prefix, a ProcessPrng DLL, a test-only overlay
# of Go's Deleteat) lives in a temp dir; nothing here reaches the product.
#
# Usage: scripts/wine.sh
# Exit: 0 passed, 1 failed, 77 skipped (Wine or mingw-w64 missing and not
# root to install them); the reason is the last line: "wine: skipped: ...".
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=wine
. scripts/lib/common.sh

SKIP=77
skip() { echo "$NAME: skipped: $*"; exit "$SKIP"; }
t0=$SECONDS lap_at=$SECONDS
lap() { echo "$NAME: [time] $1: $((SECONDS - lap_at))s (total $((SECONDS - t0))s)"; lap_at=$SECONDS; }

# --- packages ------------------------------------------------------------------
# Debian 12's Wine 8.0 is wine64 at /usr/lib/wine (the wine package with
# /usr/bin/wine is only a recommend and is not needed).
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver
need=()
[ -x "$WINE" ] && [ -x "$WINESERVER" ] || need+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(mingw-w64)
command -v tmux >/dev/null || need+=(tmux)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "${need[*]} not installed, and not root with apt-get to install them (apt-get install --no-install-recommends ${need[*]})"
  fi
  echo "$NAME: installing ${need[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null \
    || skip "apt-get install ${need[*]} failed"
fi
lap packages

# --- a private Wine prefix -------------------------------------------------------
work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko download prompts; no X: console programs only.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# Wine links the prefix's user folders to $HOME's: keep them private, but
# keep Go's caches where they are.
GOPATH=$(go env GOPATH) GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE)
export GOPATH GOCACHE GOMODCACHE
export HOME=$work/home
mkdir -p "$HOME"
SOCK=wine-$$
cleanup() {
  local rc=$?
  set +e
  [ -z "${SANDBOX_PID:-}" ] || kill "$SANDBOX_PID" 2>/dev/null
  [ -z "${BUILD_PID:-}" ] || kill "$BUILD_PID" 2>/dev/null
  tmux -L "$SOCK" kill-server 2>/dev/null
  WINEPREFIX=$work/prefix "$WINESERVER" -k 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap "exit 130" INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# build_tests: GOOS=windows test binaries of every package with tests into
# $work/tests, with $work/tests/names listing "NAME DIR" to run. It runs in
# the background while the prefix is made and the CLI walkthrough runs.
build_tests() {
  # Go's os.RemoveAll deletes with FileDispositionInformationEx, which Wine
  # 8.0 does not implement ("unlinkat ...: Invalid function." in t.TempDir
  # clean-up). The overlay, for test builds here only, makes Deleteat take
  # its own fallback for older Windows at once.
  at=$(go env GOROOT)/src/internal/syscall/windows/at_windows.go
  sed 's/^var TestDeleteatFallback bool$/var TestDeleteatFallback = true/' "$at" >"$work/at_windows.go"
  grep -q '^var TestDeleteatFallback = true$' "$work/at_windows.go" || fail "$at changed: update the Deleteat overlay in scripts/wine.sh"
  printf '{"Replace":{"%s":"%s"}}\n' "$at" "$work/at_windows.go" >"$work/overlay.json"
  # Packages whose tests need a Unix terminal (none so far: pseudo-terminal
  # tests skip themselves on Windows) would be listed here.
  no_windows=()
  # One go test -c per group of packages with distinct names (providers/sci
  # and internal/sandbox/sci go to different groups): each call builds and
  # links its group in parallel. No DWARF (-w -s): linking is most of it.
  declare -A seen=()
  mkdir -p "$work/tests"
  while read -r pkg dir; do
    for skip_pkg in "${no_windows[@]}"; do [ "$pkg" = "$skip_pkg" ] && continue 2; done
    base=${pkg##*/} g=0
    while [ -n "${seen[$g/$base]:-}" ]; do g=$((g + 1)); done
    seen[$g/$base]=1
    echo "$pkg" >>"$work/tests/group$g"
    echo "g$g/$base $dir" >>"$work/tests/names"
  done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' ./... | grep .)
  for list in "$work"/tests/group*; do
    g=g${list##*group}
    mkdir -p "$work/tests/$g"
    # shellcheck disable=SC2046
    GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -ldflags='-s -w' -overlay "$work/overlay.json" -o "$work/tests/$g/" $(cat "$list") \
      || fail "go test -c for windows: $(tr '\n' ' ' <"$list")"
  done
  for n in $(cut -d' ' -f1 "$work/tests/names"); do
    mv "$work/tests/$n.test.exe" "$work/tests/${n/\//_}.test.exe" 2>/dev/null || true
  done
  sed -i 's#^\(g[0-9]*\)/#\1_#' "$work/tests/names"
  # The longest first, so that the two queues end together.
  long='_(reliability|evidence|cli|screens|ui) '
  { grep -E "$long" "$work/tests/names"; grep -vE "$long" "$work/tests/names"; } >"$work/tests/order"
  mv "$work/tests/order" "$work/tests/names"
}
build_tests >"$work/build-tests.log" 2>&1 &
BUILD_PID=$!

# A persistent wineserver, started before anything runs in the prefix
# (later, wineboot's own server may still be up, and -p then exits 2):
# otherwise Wine's background services, started by the first program,
# inherit and hold open the pipes the caller reads output from.
mkdir -p "$WINEPREFIX"
"$WINESERVER" -p
"$WINE" wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log" >&2; fail "wineboot could not create the prefix"; }
# Go >= 1.22 needs ProcessPrng from bcryptprimitives.dll, which Wine 8.0
# lacks ("fatal error: bcryptprimitives.dll not found"): a tiny stand-in
# that calls BCryptGenRandom.
cat >"$work/prng.c" <<'EOF'
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
EOF
x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" "$work/prng.c" -lbcrypt
lap "prefix"

# --- builds ------------------------------------------------------------------------
EXE=$work/tillpair.exe
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$EXE" .
tillpair_bin "" "$work" # the Linux binary, for `tillpair sandbox`
W() { "$WINE" "$EXE" "$@"; }
# The warm-up run: starts Wine's services once, outside any pipe.
W version >"$work/warmup.out" 2>&1 </dev/null || { cat "$work/warmup.out" >&2; fail "tillpair.exe does not start under Wine"; }
grep -q "windows/amd64" "$work/warmup.out" || fail "tillpair.exe version: $(cat "$work/warmup.out")"
lap "build tillpair.exe + warm-up"

# --- 1. the CLI walkthrough, as a Windows till ---------------------------------------
expect_exit() { # want cmd...
  local want=$1; shift; local got=0
  "$@" || got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want"
}
# creds: the Credential Manager's generic credentials ("tillpair:ITEM"), as
# Windows' own reg.exe lists them.
creds() { "$WINE" reg query 'HKCU\Software\Wine\Credential Manager' /s 2>/dev/null | tr -d '\r' | sed -n 's/^HKEY_CURRENT_USER.*\\Generic: //p'; }
has_cred() { creds | grep -qxF "tillpair:$1"; }
# in_records ID: the pairing is in %APPDATA%\tillpair\pairings.json.
in_records() { jq -e --arg id "$1" '.pairings | any(.pairing_id == $id)' "$RECS" >/dev/null; }

step "registered providers"
covered="sci smartconnect helcim sumup square linkly"
registered=$(W pair --help | tr -d '\r' | grep -oE -- '--provider [a-z|]+' | head -n1 | cut -d' ' -f2 | tr '|' ' ')
[ -n "$registered" ] || fail "could not read the providers from tillpair pair --help"
for p in $registered; do
  [[ " $covered " == *" $p "* ]] || fail "provider $p is registered but this walkthrough does not cover it: add its steps to scripts/wine.sh"
done
echo "$registered"

step "the Linux sandbox, and the Windows config dir"
start_sandbox
unset TILLPAIR_CONFIG_DIR XDG_CONFIG_HOME TILLPAIR_SCI_API_KEY TILLPAIR_SCI_SIGNING_SECRET_PART_A TILLPAIR_HELCIM_API_TOKEN \
  TILLPAIR_SUMUP_API_KEY TILLPAIR_SUMUP_MERCHANT_CODE TILLPAIR_SQUARE_ACCESS_TOKEN TILLPAIR_LINKLY_PASSWORD TILLPAIR_KEYRING_SERVICE
S=$work/sandbox.json
CONTROL=$(jq -r .control_url "$S")
appdata=$("$WINE" cmd /c 'echo %APPDATA%' | tr -d '\r')
[[ $appdata == 'C:\users\'*'\AppData\Roaming' ]] || fail "%APPDATA% is $appdata"
RECS=$("$WINE" winepath -u "$appdata\\tillpair\\pairings.json" 2>/dev/null | tr -d '\r')
[ -n "$RECS" ] || fail "winepath gave no Unix path for %APPDATA%"

step "a port in use (WSAEADDRINUSE) is a usage error: exit 2"
port=$(jq -r .control_url "$S" | sed -E 's#^https?://[^:]+:([0-9]+).*#\1#')
expect_exit 2 W sandbox --listen "127.0.0.1:$port" 2>"$work/inuse.err"
grep -q "port $port is already in use" "$work/inuse.err" || fail "sandbox on a taken port: $(cat "$work/inuse.err")"

step "SCI: setup through stdin into the Credential Manager"
export TILLPAIR_SCI_PAIRING_URL=$(jq -r .sci_pairing_url "$S")
SCI_KEY=$(jq -r .credentials.sci_api_key "$S")
SCI_PARTA=$(jq -r .credentials.sci_signing_secret_part_a "$S")
printf '%s\n%s\n' "$SCI_KEY" "$SCI_PARTA" | W setup sci >"$work/sci-setup.out"
has_cred sci/api-key && has_cred sci/signing-secret-part-a || fail "setup sci stored no Credential Manager items: $(creds)"

step "SCI: pair without waiting, test (exit 3), confirm, test, status"
TERM_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="sci") | .id' | head -n1)
CODE=$(curl -sf -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
W pair --code "$CODE" --nickname "Front Bar" --no-wait --json >"$work/pair.json" 2>"$work/pair.err"
jq -e '.status == "awaiting_confirmation" and .pairing_nickname == "Front Bar"' "$work/pair.json" >/dev/null || fail "pair --json: $(cat "$work/pair.json")"
PID_SCI=$(jq -r .pairing_id "$work/pair.json")
CONF=$(jq -r .confirmation_code "$work/pair.json")
[ "$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq -r .confirmation_code)" = "$CONF" ] || fail "terminal shows another code"
has_cred "sci/$PID_SCI/signing-secret-part-b" || fail "Part B is not in the Credential Manager: $(creds)"
[ -s "$RECS" ] || fail "no records file at %APPDATA%\\tillpair\\pairings.json"
jq -e --arg id "$PID_SCI" '.pairings | map(select(.pairing_id == $id)) | length == 1' "$RECS" >/dev/null || fail "records: $(cat "$RECS")"
expect_exit 3 W test "Front Bar"
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/confirm" >/dev/null
W test "Front Bar" >/dev/null || fail "test after confirm (Part B read back from the Credential Manager)"
W status --json >"$work/status.json"
jq -e '.pairings | length == 1 and .[0].status == "active"' "$work/status.json" >/dev/null || fail "status: $(cat "$work/status.json")"
for secret in "$SCI_KEY" "$SCI_PARTA"; do
  ! grep -qF "$secret" "$work/status.json" "$work/pair.json" "$work/sci-setup.out" "$RECS" || fail "an SCI secret leaked"
done

step "SCI: unpair deletes Part B from the Credential Manager"
W unpair "Front Bar" --yes >/dev/null || fail "unpair"
in_records "$PID_SCI" && fail "unpair left the pairing in the records"
! has_cred "sci/$PID_SCI/signing-secret-part-b" || fail "Part B left in the Credential Manager after unpair"
expect_exit 3 W status --json
expect_exit 2 W pair --code 12ab --no-wait 2>/dev/null

step "SCI: pair and wait for the confirmation (the records lock held across the wait)"
CODE=$(curl -sf -X POST "$CONTROL/terminals/$TERM_ID/pairing-code" | jq -r .pairing_code)
W pair --code "$CODE" --json >"$work/wait.json" 2>"$work/wait.err" &
PAIR_PID=$!
for _ in $(seq 400); do
  [ "$(curl -sf "$CONTROL/terminals/$TERM_ID" | jq -r .screen)" = confirm ] && break
  sleep 0.05
done
curl -sf -X POST "$CONTROL/terminals/$TERM_ID/confirm" >/dev/null
wait "$PAIR_PID" || fail "pair --wait exited $?: $(cat "$work/wait.err")"
jq -e '.status == "active"' "$work/wait.json" >/dev/null || fail "pair --wait: $(cat "$work/wait.json")"
W unpair "$(jq -r .pairing_id "$work/wait.json")" --yes >/dev/null

step "SmartConnect: register identity (no secrets), pair, test, unpair on the terminal, forget"
export TILLPAIR_SMARTCONNECT_URL=$(jq -r .smartconnect_url "$S")
W setup smartconnect --register-name "Main Register" --business-name "Toys Shop" --vendor-name "Till2Go" >"$work/sc-setup.out"
REG_ID=$(tr -d '\r' <"$work/sc-setup.out" | sed -n 's/^  Register ID: *\([0-9a-f-]\{36\}\).*/\1/p')
[ -n "$REG_ID" ] || fail "setup smartconnect printed no register ID: $(cat "$work/sc-setup.out")"
jq -e --arg id "$REG_ID" '.settings.smartconnect_register.register_id == $id' "$RECS" >/dev/null || fail "identity not in %APPDATA%\\tillpair\\pairings.json"
SC_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="smartconnect") | .id' | head -n1)
SC_CODE=$(curl -sf -X POST "$CONTROL/terminals/$SC_ID/pairing-code" | jq -r .pairing_code)
W pair --provider smartconnect --code "$SC_CODE" --json >"$work/sc-pair.json"
jq -e --arg id "$REG_ID" '.provider == "smartconnect" and .status == "active" and .pairing_id == $id' "$work/sc-pair.json" >/dev/null || fail "pair smartconnect: $(cat "$work/sc-pair.json")"
W test "$REG_ID" >/dev/null || fail "test smartconnect"
expect_exit 2 W unpair "$REG_ID" --yes 2>/dev/null
curl -sf -X POST "$CONTROL/terminals/$SC_ID/unpair" >/dev/null
expect_exit 3 W test "$REG_ID"
W unpair "$REG_ID" --forget --yes >/dev/null 2>&1 || fail "forget smartconnect"
in_records "$REG_ID" && fail "forget left the SmartConnect pairing in the records"

step "Helcim: token through stdin into the Credential Manager, pair, test, asleep (exit 5), refused (exit 5), forget"
export TILLPAIR_HELCIM_URL=$(jq -r .helcim_url "$S")
HELCIM_TOKEN=$(jq -r .credentials.helcim_api_token "$S")
printf '%s\n' "$HELCIM_TOKEN" | W setup helcim >"$work/helcim-setup.out"
has_cred helcim/api-token || fail "setup helcim stored no Credential Manager item: $(creds)"
HC_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="helcim") | .id' | head -n1)
HC_CODE=$(curl -sf -X POST "$CONTROL/terminals/$HC_ID/pairing-code" | jq -r .pairing_code)
W pair --provider helcim --code "${HC_CODE,,}" --json >"$work/hc-pair.json"
jq -e --arg id "$HC_CODE" '.provider == "helcim" and .status == "active" and .pairing_id == $id' "$work/hc-pair.json" >/dev/null || fail "pair helcim: $(cat "$work/hc-pair.json")"
in_records "$HC_CODE" || fail "the Helcim pairing is not in the records"
W test "$HC_CODE" >/dev/null || fail "test helcim"
curl -sf -X POST "$CONTROL/terminals/$HC_ID/sleep" >/dev/null
expect_exit 5 W test "$HC_CODE"
# A closed port: WSAECONNREFUSED must read as a refused connection.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 9)
TILLPAIR_HELCIM_URL=http://127.0.0.1:$closed expect_exit 5 W test "$HC_CODE" 2>"$work/refused.err" >/dev/null
grep -qi "refused" "$work/refused.err" || fail "a refused connection is not called refused: $(cat "$work/refused.err")"
W unpair "$HC_CODE" --forget --yes >/dev/null 2>&1 || fail "forget helcim"
in_records "$HC_CODE" && fail "forget left the Helcim pairing in the records"
! grep -qF "$HELCIM_TOKEN" "$RECS" "$work/helcim-setup.out" || fail "the Helcim token leaked"
expect_exit 3 W status --json
! grep -rqF "$SCI_PARTA" "$WINEPREFIX/user.reg" 2>/dev/null || fail "Part A stored in clear in the registry"

step "SumUp: API key through stdin into the Credential Manager, pair with the Solo's code, confirm, test, status, unpair"
export TILLPAIR_SUMUP_URL=$(jq -r .sumup_url "$S")
SUMUP_KEY=$(jq -r .credentials.sumup_api_key "$S")
SUMUP_MERCHANT=$(jq -r .credentials.sumup_merchant_code "$S")
printf '%s\n%s\n' "$SUMUP_KEY" "$SUMUP_MERCHANT" | W setup sumup >"$work/sumup-setup.out"
has_cred sumup/api-key || fail "setup sumup stored no Credential Manager item: $(creds)"
SU_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="sumup") | .id' | head -n1)
SU_CODE=$(curl -sf -X POST "$CONTROL/terminals/$SU_ID/pairing-code" | jq -r .pairing_code)
expect_exit 2 W pair --provider sumup --code "AB-12" 2>/dev/null
W pair --provider sumup --code "${SU_CODE,,}" --nickname "Front counter" --no-wait --json >"$work/sumup-pair.json" 2>"$work/sumup-pair.err"
jq -e '.provider == "sumup" and .status == "awaiting_confirmation"' "$work/sumup-pair.json" >/dev/null || fail "pair sumup: $(cat "$work/sumup-pair.json" "$work/sumup-pair.err")"
SU_READER=$(jq -r .pairing_id "$work/sumup-pair.json")
in_records "$SU_READER" || fail "the SumUp pairing is not in the records"
curl -sf -X POST "$CONTROL/terminals/$SU_ID/confirm" >/dev/null
W test "Front counter" >/dev/null || fail "test sumup"
W status --json >"$work/sumup-status.json"
jq -e '.pairings[] | select(.provider=="sumup") | .status == "active"' "$work/sumup-status.json" >/dev/null || fail "status sumup: $(cat "$work/sumup-status.json")"
W unpair "$SU_READER" --yes >/dev/null || fail "unpair sumup"
in_records "$SU_READER" && fail "unpair left the SumUp pairing in the records"
! grep -qF "$SUMUP_KEY" "$RECS" "$work/sumup-setup.out" "$work/sumup-status.json" || fail "the SumUp API key leaked"
expect_exit 3 W status --json 2>/dev/null

step "Square: access token through stdin into the Credential Manager, pair (the register shows the code), sign in on the Terminal, test, forget"
export TILLPAIR_SQUARE_URL=$(jq -r .square_url "$S")
SQ_TOKEN=$(jq -r .credentials.square_access_token "$S")
printf '%s\n\n' "$SQ_TOKEN" | W setup square >"$work/square-setup.out"
creds | grep -q '^tillpair:square/' || fail "setup square stored no Credential Manager item: $(creds)"
SQ_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="square") | .id' | head -n1)
W pair --provider square --nickname "Back bar" --no-wait --json >"$work/square-pair.json" 2>"$work/square-pair.err"
jq -e '.provider == "square" and .status == "awaiting_confirmation"' "$work/square-pair.json" >/dev/null || fail "pair square: $(cat "$work/square-pair.json" "$work/square-pair.err")"
SQ_CODE=$(jq -r .confirmation_code "$work/square-pair.json")
expect_exit 3 W test "Back bar" 2>/dev/null
curl -sf -X POST -d "{\"code\":\"$SQ_CODE\"}" "$CONTROL/terminals/$SQ_ID/sign-in" >/dev/null || fail "sign-in with $SQ_CODE"
W test "Back bar" >/dev/null || fail "test square after sign-in"
W unpair "Back bar" --forget --yes >/dev/null 2>&1 || fail "forget square"
! grep -qF "$SQ_TOKEN" "$RECS" "$work/square-setup.out" "$work/square-pair.json" "$work/square-pair.err" || fail "the Square token leaked"

step "Linkly: POS ID (setup), pair with the username on stdin and the password from the env, test, forget"
export TILLPAIR_LINKLY_AUTH_URL=$(jq -r .linkly_auth_url "$S") TILLPAIR_LINKLY_POS_URL=$(jq -r .linkly_pos_url "$S")
LK_USER=$(jq -r .credentials.linkly_username "$S")
LK_PASSWORD=$(jq -r .credentials.linkly_password "$S")
W setup linkly >"$work/linkly-setup.out"
LK_ID=$(curl -sf "$CONTROL/terminals" | jq -r '.terminals[] | select(.provider=="linkly") | .id' | head -n1)
LK_CODE=$(curl -sf -X POST "$CONTROL/terminals/$LK_ID/pairing-code" | jq -r .pairing_code)
printf '%s\n' "$LK_USER" | TILLPAIR_LINKLY_PASSWORD=$LK_PASSWORD W pair --provider linkly --code "$LK_CODE" --nickname "PIN pad 1" --json >"$work/linkly-pair.json" 2>"$work/linkly-pair.err"
jq -e '.provider == "linkly" and .status == "active"' "$work/linkly-pair.json" >/dev/null || fail "pair linkly: $(cat "$work/linkly-pair.json" "$work/linkly-pair.err")"
W test "PIN pad 1" >/dev/null || fail "test linkly"
W unpair "PIN pad 1" --forget --yes >/dev/null 2>&1 || fail "forget linkly"
! grep -qF "$LK_PASSWORD" "$RECS" "$work"/linkly-* || fail "the Linkly password leaked"
expect_exit 3 W status --json 2>/dev/null
unset TILLPAIR_SCI_PAIRING_URL TILLPAIR_SMARTCONNECT_URL TILLPAIR_HELCIM_URL TILLPAIR_SUMUP_URL TILLPAIR_SQUARE_URL TILLPAIR_LINKLY_AUTH_URL TILLPAIR_LINKLY_POS_URL
echo "$NAME: CLI walkthrough passed"
lap "CLI walkthrough"

# --- 2. the Go tests, built for Windows (in the background since the start) ---
wait "$BUILD_PID" || { cat "$work/build-tests.log" >&2; fail "building the test binaries for windows"; }
BUILD_PID=
lap "wait for the $(wc -l <"$work/tests/names") test binaries (built alongside the steps above)"

# run_test NAME DIR: one test binary in its package dir, as go test would;
# the log keeps its output for the summary.
run_test() {
  local n=$1 dir=$2 rc=0 s=$SECONDS skip=
  # Wine's own: its first check of a certificate chain (crypt32 loading
  # the root store) takes longer than the suite's 400 ms request deadline,
  # so the untrusted-TLS case reads as a timeout. docs/windows.md.
  [[ $n == *_reliability ]] && skip='TestSecretCanary/matrix_errors/.*/.*/tls_untrusted'
  once() { (cd "$dir" && timeout 240 "$WINE" "$work/tests/$n.test.exe" -test.timeout=200s -test.short ${skip:+-test.skip "$skip"} >"$work/tests/$n.log" 2>&1); }
  once || rc=$?
  # A binary that failed without a word from the testing package (no
  # "--- FAIL", "FAIL", "PASS" or "panic:") never reached a test: once in
  # CI one exited 1 at once under Wine and passed on every rerun. It runs
  # once more, and the first run's output is kept in the summary.
  if [ "$rc" != 0 ] && ! grep -qE -- '^(--- |FAIL|PASS|panic: )' "$work/tests/$n.log"; then
    mv "$work/tests/$n.log" "$work/tests/$n.first.log"
    rc=0
    once || rc=$?
  fi
  echo "$rc $n $((SECONDS - s))s" >"$work/tests/$n.rc"
}
export -f run_test
export WINE work
# Two at a time: the machine has two cores.
xargs -P 2 -L 1 bash -c 'run_test "$0" "$1"' <"$work/tests/names"
failed=0
while read -r n _; do
  read -r rc _ secs <"$work/tests/$n.rc"
  if [ -f "$work/tests/$n.first.log" ]; then
    echo "note $n: its first run stopped before any test (rerun below); it printed:"
    tail -n 30 "$work/tests/$n.first.log" | sed 's/^/    | /'
  fi
  if [ "$rc" = 0 ]; then echo "ok   $n ($secs)"; else
    echo "FAIL $n ($secs, exit $rc)"
    # The failing tests, or, when the binary said no such line (it did
    # not start, or Wine stopped it), the end of what it printed.
    grep -E -- '^(---|    |panic|FAIL)' "$work/tests/$n.log" | head -40 || tail -n 30 "$work/tests/$n.log"
    failed=$((failed + 1))
  fi
done <"$work/tests/names"
[ "$failed" = 0 ] || fail "$failed test binaries failed under Wine"

# The real-keyring tests, against the Credential Manager (the
# Secret-Service-only ones are not named).
(cd keystore && TILLPAIR_KEYRING_REAL=1 "$WINE" "$work/tests/g0_keystore.test.exe" -test.v \
  -test.run '^TestRealKeyring(Lifecycle|DesignItemNames|TooBigRefused|CredentialPrefersEnv)$' >"$work/credman.log" 2>&1) \
  || { cat "$work/credman.log" >&2; fail "real-keyring tests against the Credential Manager"; }
[ "$(grep -c -- '^--- PASS' "$work/credman.log")" = 4 ] || { cat "$work/credman.log" >&2; fail "not all 4 Credential Manager tests ran"; }
echo "ok   Credential Manager: TestRealKeyring{Lifecycle,DesignItemNames,TooBigRefused,CredentialPrefersEnv}"
lap "run the Windows tests under Wine"

# --- 3. the TUI in Wine's console --------------------------------------------------------
# Wine gives a console program started from a terminal its console through
# that terminal (no X needed); tmux is the terminal.
export TILLPAIR_CONFIG_DIR='C:\tillpair-tui'
printf '%s\n' "set -g status off" "set -g default-terminal xterm-256color" >"$work/tmux.conf"
t() { tmux -L "$SOCK" -u -f "$work/tmux.conf" "$@"; }
screen() { t capture-pane -p -t tui; }
wait_text() { # text seconds
  local i
  for ((i = 0; i < $2 * 4; i++)); do screen | grep -qF "$1" && return 0; sleep 0.25; done
  echo "--- screen:" >&2; screen >&2; return 1
}
t new-session -d -s tui -x 80 -y 24 "'$WINE' '$EXE' --sandbox; echo \$? >'$work/tui.exit'; sleep 600"
wait_text "Pairing Code" 30 || fail "the TUI showed no first screen in 30 s"
for want in "Simple Cloud Integration" "[ Pair ]" "Terminal " "ctrl+t provider"; do
  screen | grep -qF "$want" || { screen >&2; fail "the first screen lacks \"$want\""; }
done
screen >"$work/tui-first.txt"
t send-keys -t tui C-t
# The picker's note, not its heading: Wine's partial redraws (docs/windows.md)
# have left the heading undrawn on a loaded machine while the rest showed.
wait_text "Each provider keeps its own pairings" 30 || fail "ctrl+t did not open the provider list"
t send-keys -t tui q
for _ in $(seq 80); do [ -s "$work/tui.exit" ] && break; sleep 0.25; done
[ "$(cat "$work/tui.exit" 2>/dev/null)" = 0 ] || fail "the TUI did not quit with exit 0 on q (exit: $(cat "$work/tui.exit" 2>/dev/null || echo none))"
echo "$NAME: TUI first screen in Wine's console:"
sed 's/^/    | /' "$work/tui-first.txt"
lap "TUI"
echo "$NAME: all passed in $((SECONDS - t0))s"
