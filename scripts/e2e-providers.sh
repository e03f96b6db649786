#!/usr/bin/env bash
# Drives the real tillpair binary in tmux through SmartConnect and Helcim,
# as a user at a terminal would: switching provider with ctrl+t, starting
# pairing on the sandbox's virtual terminal from the pane, reading the code
# the pane shows, pairing, testing and forgetting. Each scenario runs in a
# fresh tmux session on a private tmux server, so a user's tmux is never
# touched. Usage: e2e-providers.sh [BIN]   (with no BIN it builds one)
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8

work=$(mktemp -d)
SOCK=e2e-providers-$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

BIN=${1:-}
if [ -z "$BIN" ]; then
  BIN=$work/tillpair
  go build -o "$BIN" .
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -x "$BIN" ] || { echo "e2e-providers: $BIN is not an executable; build it with make build" >&2; exit 2; }

# Nothing real is touched: config, XDG dirs and HOME are private, and
# --sandbox keeps records and secrets in memory.
export HOME=$work/home TILLPAIR_CONFIG_DIR=$work/config
export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
export XDG_CACHE_HOME=$work/xdg/cache XDG_STATE_HOME=$work/xdg/state
export TERM=xterm-256color NO_COLOR=1
unset TMUX COLORTERM ACCESSIBLE
mkdir -p "$HOME"

cat > "$work/tmux.conf" <<'EOF'
set -g status off
EOF
t() { tmux -L "$SOCK" -u -f "$work/tmux.conf" "$@"; }

S= # the session the helpers act on
fail() { echo "FAIL [$S]: $*" >&2; screen >&2 || true; exit 1; }
screen() { t capture-pane -p -t "$S"; }
keys() { t send-keys -t "$S" "$@"; }
text() { t send-keys -t "$S" -l "$1"; }

# start NAME COLS ROWS: a fresh session running the binary in sandbox mode.
start() {
  S=$1
  t new-session -d -s "$S" -x "$2" -y "$3" "'$BIN' --sandbox; echo EXIT=\$?; sleep 60"
}

# wait_for TEXT [SECONDS]: poll the screen for fixed TEXT; dump it on timeout.
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  until screen | grep -qF -- "$1"; do
    ((SECONDS < deadline)) || fail "timeout waiting for: $1"
    sleep 0.05
  done
}
wait_re() {
  local deadline=$((SECONDS + ${2:-10}))
  until screen | grep -qE -- "$1"; do
    ((SECONDS < deadline)) || fail "timeout waiting for /$1/"
    sleep 0.05
  done
}
has() { screen | grep -qF -- "$1" || fail "screen lacks: $1"; }
expect_exit() {
  wait_re '^EXIT=[0-9]+$'
  has "EXIT=$1"
}

# choose PRODUCT: ctrl+t opens the provider picker; the provider's number
# is read off the list, so the order may change without breaking this.
choose() {
  keys C-t
  wait_for "Choose the payment provider"
  local n
  n=$(screen | grep -F -- "$1" | grep -oE '[0-9]+\.' | head -n1 | tr -dc 0-9)
  [ -n "$n" ] || fail "the picker does not list $1"
  text "$n"
  wait_re "tillpair │ $1"
}

# --- scenarios -----------------------------------------------------------------

smartconnect() {
  start sc 80 24
  wait_for "Simple Cloud Integration"
  choose "Smartpay SmartConnect"
  wait_for "Pairing Code"
  has "AUTHORISE POS"
  keys C-p
  # The strip pane: "Terminal SC…: code 1234 5678 (refreshes 1:59)".
  wait_re 'code [0-9]{4} [0-9]{4}'
  local code
  code=$(screen | grep -oE 'code [0-9]{4} [0-9]{4}' | head -n1 | tr -dc 0-9)
  text "$code"; keys Enter
  wait_for "this register is paired with the terminal"
  wait_for "1 register(s) paired"
  has "Register ID"
  text t
  wait_for "Terminal reachable" 20
  text f
  wait_for "on this register?"
  has "POS INTEGRATIONS"
  text y
  wait_for "Forgot"
  wait_for "Pairing Code"
  keys C-c
  expect_exit 0
}

helcim() {
  start helcim 80 24
  wait_for "Simple Cloud Integration"
  choose "Helcim Payment Hardware"
  wait_for "Device Code"
  keys C-p
  wait_re 'pairing mode, code [A-Z0-9]{4}'
  local code
  code=$(screen | grep -oE 'pairing mode, code [A-Z0-9]{4}' | head -n1 | awk '{print $4}')
  # Typed in lower case: the form shows it upper-case and pairing works.
  text "$(tr 'A-Z' 'a-z' <<<"$code")"
  wait_for "Device Code      $code"
  keys Enter
  wait_for "Check the terminal screen for the ping message"
  wait_for "Ping received from API"
  text f
  wait_for "on this till?"
  text y
  wait_for "Forgot"
  keys C-x
  wait_re 'Terminal [A-Z0-9]{4}: standalone mode'
  keys C-c
  expect_exit 0
}

helcim_asleep() {
  start asleep 80 24
  wait_for "Simple Cloud Integration"
  choose "Helcim Payment Hardware"
  keys C-p
  wait_re 'pairing mode, code [A-Z0-9]{4}'
  local code
  code=$(screen | grep -oE 'pairing mode, code [A-Z0-9]{4}' | head -n1 | awk '{print $4}')
  text "$code"; keys Enter
  wait_for "Check the terminal screen for the ping message"
  keys C-w
  wait_re 'Terminal [A-Z0-9]{4}: asleep'
  text t
  wait_for "The terminal is not listening"
  keys C-c
  expect_exit 0
}

# --- run -----------------------------------------------------------------------
start_all=$SECONDS
passed=0 failed=0
for name in smartconnect helcim helcim_asleep; do
  # A background subshell keeps set -e in force inside the scenario.
  ("$name") &
  if wait $!; then
    echo "e2e-providers: $name ok"; passed=$((passed + 1))
  else
    echo "e2e-providers: $name FAILED"; failed=$((failed + 1))
  fi
done
if [ -e "$TILLPAIR_CONFIG_DIR/pairings.json" ]; then
  echo "e2e-providers: --sandbox wrote $TILLPAIR_CONFIG_DIR/pairings.json"; failed=$((failed + 1))
fi
echo "e2e-providers: $passed passed, $failed failed ($((SECONDS - start_all))s)"
[ "$failed" -eq 0 ]
