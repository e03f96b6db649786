# shellcheck shell=bash
# Helpers shared by the scripts that drive the real tillpair binary in tmux
# (e2e.sh, e2e-providers.sh, demo.sh). Sourced after `cd` to the repo root;
# the caller sets NAME (the prefix of its messages) first.
#
# tmux_setup makes $work, a private tmux server ($SOCK) and its config, and
# installs a clean-up trap that also stops a running scenario; a caller with
# more to stop (an xterm) redefines cleanup_extra after sourcing this. Each
# scenario gets a fresh session on the private server, so a user's tmux is
# never touched.

. scripts/lib/common.sh

# tmux_setup [EXTRA_CONF...]: status off gives the app every row; tmux sets
# a pane's TERM from default-terminal (overriding -e TERM=...).
tmux_setup() {
  work=$(mktemp -d)
  SOCK=$NAME-$$
  trap tmux_cleanup EXIT
  trap "exit 130" INT TERM
  printf '%s\n' "set -g status off" "set -g default-terminal xterm-256color" "$@" > "$work/tmux.conf"
}

# e2e_setup [BIN]: all an e2e script needs before its scenarios. Colour is
# off so that screens compare as plain text.
e2e_setup() {
  tmux_setup
  tillpair_bin "${1:-}"
  private_home
  export NO_COLOR=1
  unset COLORTERM
}

cleanup_extra() { :; }

# tmux_cleanup keeps the script's exit status: a failed kill (the process
# may be gone already) must neither stop the clean-up nor replace it.
tmux_cleanup() {
  local rc=$?
  set +e
  [ -z "${SCEN_PID:-}" ] || kill "$SCEN_PID" 2>/dev/null
  cleanup_extra
  tmux -L "$SOCK" kill-server 2>/dev/null
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK" # kill-server leaves it
  rm -rf "$work"
  exit "$rc"
}

t() { tmux -L "$SOCK" -u -f "$work/tmux.conf" "$@"; }

S= # the session the helpers act on
fail() { echo "FAIL [$S]: $*" >&2; screen >&2 || true; exit 1; }
screen() { t capture-pane -p -t "$S"; }
keys() { t send-keys -t "$S" "$@"; }
text() { t send-keys -t "$S" -l "$1"; }

# start NAME COLS ROWS [VAR=val...]: a fresh session running the binary in
# sandbox mode; it stays open after the binary exits so EXIT=n can be read.
start() {
  S=$1; local cols=$2 rows=$3; shift 3
  local envs=(-e NO_COLOR=1) kv
  for kv in "$@"; do envs+=(-e "$kv"); done
  t new-session -d -s "$S" -x "$cols" -y "$rows" "${envs[@]}" "'$BIN' --sandbox; echo EXIT=\$?; sleep 60"
}

# poll_screen WANT FLAG PATTERN SECONDS MESSAGE: polls the screen every
# 50 ms until `grep -qFLAG PATTERN` has status WANT (0: shown, 1: gone);
# past the deadline it fails with MESSAGE, dumping the screen.
poll_screen() {
  local want=$1 flag=$2 pattern=$3 deadline=$((SECONDS + $4)) got
  while :; do
    got=0
    screen | grep -q"$flag" -- "$pattern" || got=1
    [ "$got" = "$want" ] && return 0
    ((SECONDS < deadline)) || fail "$5"
    sleep 0.05
  done
}
# wait_for TEXT [SECONDS], wait_re REGEX [SECONDS]: wait until it is shown.
wait_for() { poll_screen 0 F "$1" "${2:-10}" "timeout waiting for: $1"; }
wait_re() { poll_screen 0 E "$1" "${2:-10}" "timeout waiting for /$1/"; }
# wait_gone TEXT [SECONDS]: wait until it is no longer shown.
wait_gone() { poll_screen 1 F "$1" "${2:-10}" "still showing: $1"; }
has() { screen | grep -qF -- "$1" || fail "screen lacks: $1"; }
lacks() { ! screen | grep -qF -- "$1" || fail "screen still shows: $1"; }

# expect_exit CODE: the binary has exited with CODE.
expect_exit() {
  wait_re '^EXIT=[0-9]+$'
  has "EXIT=$1"
}

# run_scenarios NAME...: runs each scenario function and reports it; the
# status says whether all passed. A background subshell keeps set -e in
# force inside the scenario (it is switched off in any function whose
# status is tested). --sandbox keeps records in memory, so a pairings.json
# in the private config dir is a failure too.
run_scenarios() {
  local start_all=$SECONDS passed=0 failed=0 name
  for name in "$@"; do
    ("$name") &
    SCEN_PID=$!
    if wait "$SCEN_PID"; then
      echo "$NAME: $name ok"; passed=$((passed + 1))
    else
      echo "$NAME: $name FAILED"; failed=$((failed + 1))
    fi
  done
  SCEN_PID=
  if [ -e "$TILLPAIR_CONFIG_DIR/pairings.json" ]; then
    echo "$NAME: --sandbox wrote $TILLPAIR_CONFIG_DIR/pairings.json"; failed=$((failed + 1))
  fi
  echo "$NAME: $passed passed, $failed failed ($((SECONDS - start_all))s)"
  [ "$failed" -eq 0 ]
}
