#!/usr/bin/env bash
# Runs every test suite `make test` promises and reports each as passed,
# failed or skipped (with the reason). Exits non-zero if any suite failed.
# Installs what it needs (gnome-keyring, tmux, jq, curl) when running as root
# with apt-get; otherwise the suites that need them are reported as skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
RACE_TIMEOUT=${RACE_TIMEOUT:-30m}
passed=0 failed=0 skipped=0
summary=()

log() { printf '\n==> %s\n' "$*"; }
record() { # status name [reason]
  case $1 in
    pass) passed=$((passed + 1)); summary+=("  PASS  $2") ;;
    fail) failed=$((failed + 1)); summary+=("  FAIL  $2") ;;
    skip) skipped=$((skipped + 1)); summary+=("  SKIP  $2 — $3") ;;
  esac
}
suite() { # name cmd...
  local name=$1; shift
  log "$name: $*"
  local start=$SECONDS
  if "$@"; then record pass "$name ($((SECONDS - start))s)"; else record fail "$name ($((SECONDS - start))s)"; fi
}

# --- dependencies ----------------------------------------------------------
need_pkgs=()
command -v gnome-keyring-daemon >/dev/null || need_pkgs+=(gnome-keyring)
command -v dbus-run-session >/dev/null || need_pkgs+=(dbus-daemon)
command -v dbus-send >/dev/null || need_pkgs+=(dbus-bin)
command -v tmux >/dev/null || need_pkgs+=(tmux)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v openssl >/dev/null || need_pkgs+=(openssl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # dbus-x11 must never be pulled in: it makes go-keyring autolaunch a
    # stray bus (tui-notes §3.1), so recommends are off.
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null \
      || echo "apt-get install failed; dependent suites will be skipped"
  else
    echo "not root or no apt-get: cannot install ${need_pkgs[*]}; dependent suites will be skipped"
  fi
fi

# The evidence suite renders the report and its pictures in Debian's
# Chromium with a monospace font that has box drawing. It is large, so it is
# installed on its own: a failure here only skips that suite.
chromium_missing="chromium not installed"
browser_pkgs=()
command -v chromium >/dev/null || browser_pkgs+=(chromium)
fc-list 2>/dev/null | grep -qi "DejaVu Sans Mono" || browser_pkgs+=(fonts-dejavu-core)
if [ ${#browser_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${browser_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${browser_pkgs[@]}"; } >/dev/null \
      || chromium_missing="apt-get install ${browser_pkgs[*]} failed"
  else
    chromium_missing="chromium not installed and not root: cannot apt-get install it"
  fi
fi

# --- static checks ---------------------------------------------------------
check_fmt() {
  local out; out=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
  [ -z "$out" ] || { echo "gofmt would change:"; echo "$out"; return 1; }
}
suite gofmt check_fmt
suite vet $GO vet ./...

# --- Go suites ---------------------------------------------------------------
# unit: every package, including golden files and fuzz seed corpora.
suite unit $GO test -count=1 ./...
suite race $GO test -race -count=1 -timeout "$RACE_TIMEOUT" ./...
suite golden $GO test -count=1 -run 'Golden' ./ui/... ./internal/certify/demo/

# --- real Secret Service -------------------------------------------------------
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null && command -v dbus-send >/dev/null; then
  suite keyring scripts/with-keyring.sh env TILLPAIR_KEYRING_REAL=1 $GO test -race -count=1 -run 'Real' ./...
else
  record skip keyring "gnome-keyring/dbus-run-session not installed (run as root to let make test install them)"
fi

# --- cross builds: many tills run Windows --------------------------------------
cross() {
  local t
  for t in windows/amd64 darwin/arm64 linux/arm64; do
    echo "build $t"
    GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 $GO build -o /dev/null . || return 1
  done
}
suite cross-build cross

# --- end to end: the real binary -----------------------------------------------
if command -v tmux >/dev/null; then
  suite e2e-tui scripts/e2e.sh
  suite e2e-providers scripts/e2e-providers.sh
else
  record skip e2e-tui "tmux not installed"
  record skip e2e-providers "tmux not installed"
fi
if command -v curl >/dev/null && command -v jq >/dev/null; then
  suite e2e-cli scripts/cli-walkthrough.sh
  if command -v openssl >/dev/null; then
    suite e2e-curl scripts/curl-walkthrough.sh
  else
    record skip e2e-curl "openssl not installed"
  fi
  suite e2e-curl-square scripts/curl-square.sh
  suite e2e-curl-sumup scripts/curl-sumup.sh
  suite e2e-curl-linkly scripts/curl-linkly.sh
else
  record skip e2e-cli "curl/jq not installed"
  record skip e2e-curl "curl/jq not installed"
  record skip e2e-curl-square "curl/jq not installed"
  record skip e2e-curl-sumup "curl/jq not installed"
  record skip e2e-curl-linkly "curl/jq not installed"
fi

# --- the certification pack in a real browser -----------------------------------
evidence() {
  TILLPAIR_EVIDENCE_CHROMIUM=1 $GO test -count=1 -run 'Pictures' ./internal/certify/evidence/ && scripts/e2e-evidence.sh
}
if command -v chromium >/dev/null; then
  suite evidence evidence
else
  record skip evidence "$chromium_missing"
fi

# --- fleet health: tillpair.prom through a real node_exporter, promtool -------
# Debian's packages; their maintainer scripts start network services
# (prometheus on :9090, node_exporter on :9100) on a machine running
# systemd, so they are only installed automatically where it is not
# (containers, CI).
have_node_exporter() { command -v prometheus-node-exporter >/dev/null || command -v node_exporter >/dev/null; }
metrics_pkgs=()
have_node_exporter || metrics_pkgs+=(prometheus-node-exporter)
command -v promtool >/dev/null || metrics_pkgs+=(prometheus)
metrics_skip=
if [ ${#metrics_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    metrics_skip="${metrics_pkgs[*]} not installed, and not root with apt-get to install them"
  elif [ -d /run/systemd/system ]; then
    metrics_skip="${metrics_pkgs[*]} not installed; not installed automatically because on a systemd machine the packages start network services — apt-get install --no-install-recommends ${metrics_pkgs[*]} to run it"
  else
    log "installing ${metrics_pkgs[*]}"
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${metrics_pkgs[@]}" >/dev/null; } \
      || metrics_skip="apt-get install ${metrics_pkgs[*]} failed"
  fi
fi
if [ -z "$metrics_skip" ] && ! { have_node_exporter && command -v promtool >/dev/null; }; then
  metrics_skip="node_exporter or promtool still missing after installing"
fi
if [ -z "$metrics_skip" ] && ! { command -v curl >/dev/null && command -v jq >/dev/null && command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; }; then
  metrics_skip="curl, jq or gnome-keyring/dbus-run-session not installed"
fi
if [ -z "$metrics_skip" ]; then
  suite metrics scripts/e2e-metrics.sh
else
  record skip metrics "$metrics_skip"
fi

# --- Windows: tillpair.exe under Wine (scripts/wine.sh, docs/windows.md) -------
# After the Linux suites. wine.sh installs wine64 and mingw-w64 when root;
# its exit 77 means skipped, with the reason on its last line.
windows() {
  local out rc=0
  out=$(mktemp)
  scripts/wine.sh 2>&1 | tee "$out" || rc=$?
  if [ "$rc" = 77 ]; then
    windows_skip=$(sed -n 's/^wine: skipped: //p' "$out" | tail -n1)
  fi
  rm -f "$out"
  [ "$rc" = 0 ] || [ "$rc" = 77 ]
}
windows_skip=
log "windows: scripts/wine.sh"
windows_start=$SECONDS
if windows; then
  if [ -n "$windows_skip" ]; then record skip windows "$windows_skip"; else record pass "windows ($((SECONDS - windows_start))s)"; fi
else
  record fail "windows ($((SECONDS - windows_start))s)"
fi

printf '\n==> summary\n'
printf '%s\n' "${summary[@]}"
echo "suites: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
