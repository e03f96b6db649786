# shellcheck shell=bash
# Helpers shared by the scripts that run the real tillpair binary. Sourced
# after `cd` to the repo root; the caller sets NAME (the prefix of its
# messages) first.

# tillpair_bin [BIN] [DIR] [go build flags...]: sets BIN to an absolute path,
# building the binary into DIR (default $work) when no BIN is given.
tillpair_bin() {
  BIN=${1:-}
  local dir=${2:-$work}
  if [ -z "$BIN" ]; then
    BIN=$dir/tillpair
    go build "${@:3}" -o "$BIN" .
  fi
  BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
  [ -x "$BIN" ] || { echo "$NAME: $BIN is not an executable; build it with make build" >&2; exit 2; }
}

# private_home: nothing real is touched. Config, XDG dirs and HOME are
# private, and --sandbox keeps records and secrets in memory.
private_home() {
  export HOME=$work/home TILLPAIR_CONFIG_DIR=$work/config
  export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
  export XDG_CACHE_HOME=$work/xdg/cache XDG_STATE_HOME=$work/xdg/state
  unset TMUX ACCESSIBLE
  mkdir -p "$HOME"
}

# walkthrough_setup [BIN]: what a script replaying a page's curl commands
# needs: $work, BIN (built when not given), `tillpair sandbox` running with
# its line in $work/sandbox.json, and fail.
walkthrough_setup() {
  work=$(mktemp -d)
  tillpair_bin "${1:-}"
  sandbox_up
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# sandbox_up: starts `$BIN sandbox` in the background with its JSON line in
# $work/sandbox.json, waits for the line far from any cost (30 s), and
# installs a clean-up trap that stops it and removes $work.
sandbox_up() {
  "$BIN" sandbox > "$work/sandbox.json" &
  SANDBOX_PID=$!
  trap 'kill "$SANDBOX_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 600); do [ -s "$work/sandbox.json" ] && break; sleep 0.05; done
  [ -s "$work/sandbox.json" ] || { echo "$NAME: tillpair sandbox printed no JSON line in 30 s" >&2; exit 1; }
}

# install_or_exit PKG...: installs the Debian packages a script needs with
# apt-get when run as root (no recommends); otherwise says how and exits 2.
install_or_exit() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "$NAME: installing $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "$NAME: needs $*; install them (apt-get install $*) or run as root" >&2
    exit 2
  fi
}

# start_sandbox: runs "$BIN sandbox" in the background with its JSON line
# in $work/sandbox.json (SANDBOX_PID is its process; the caller's clean-up
# kills it) and waits for the line, up to 30 s, far from any cost.
start_sandbox() {
  "$BIN" sandbox > "$work/sandbox.json" &
  SANDBOX_PID=$!
  for _ in $(seq 600); do [ -s "$work/sandbox.json" ] && return 0; sleep 0.05; done
  echo "$NAME: tillpair sandbox printed no JSON line in 30 s" >&2
  exit 1
}
