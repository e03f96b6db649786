#!/usr/bin/env bash
# Records the README's animation from a real terminal: the binary runs in
# tmux, an xterm on a virtual X display shows it, and ImageMagick grabs the
# xterm window at each step of a sandbox pairing. Writes docs/img/
# tillpair-demo.gif. The stills (docs/img/*.png with their text captures)
# come from the evidence renderer: scripts/pictures.sh (`make pictures`).
# Usage: demo.sh [BIN]   (with no BIN it builds one into a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8

COLS=${DEMO_COLS:-100} ROWS=${DEMO_ROWS:-30}
FONT=${DEMO_FONT:-DejaVu Sans Mono} FONT_SIZE=${DEMO_FONT_SIZE:-12}
OUT=docs/img

NAME=demo
. scripts/lib/common.sh

# --- tools ------------------------------------------------------------------
# `convert` may be a stand-in that only turns a PNG into a picture; the GIF
# needs ImageMagick's own.
have_magick() { command -v import >/dev/null && convert -version 2>/dev/null | grep -q ImageMagick; }
missing=()
command -v tmux >/dev/null || missing+=(tmux)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xterm >/dev/null || missing+=(xterm)
have_magick || missing+=(imagemagick)
fc-list 2>/dev/null | grep -qi "$FONT" || missing+=(fonts-dejavu-core)
install_or_exit "${missing[@]}"

. scripts/lib/tmux.sh
# The RGB feature passes the app's true colour through to xterm.
tmux_setup "set -as terminal-features ',xterm*:RGB'"
XVFB_PID= XTERM_PID=
# The xterm may be gone already (its tmux client ends with the server).
cleanup_extra() {
  if [ -n "$XTERM_PID" ]; then kill "$XTERM_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
tillpair_bin "${1:-}" "$work" -trimpath
private_home
unset NO_COLOR
mkdir -p "$OUT"

# --- display, tmux, xterm -----------------------------------------------------
# -displayfd lets Xvfb pick a free display, so two runs never collide.
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
[ -s "$work/display" ] || { echo "demo: Xvfb did not start:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=:$(head -n1 "$work/display")

S=demo
t new-session -d -s "$S" -x "$COLS" -y "$ROWS" \
  -e COLORTERM=truecolor "'$BIN' --sandbox; echo EXIT=\$?; sleep 60"

# A softer 16-colour palette than xterm's default reads better on a web page.
PALETTE=()
i=0
for c in '#282c34' '#e06c75' '#98c379' '#e5c07b' '#61afef' '#c678dd' '#56b6c2' '#abb2bf' \
  '#6b7280' '#ef7b84' '#a8d38a' '#f0cd8c' '#74bdf5' '#d08ae6' '#6cc4cf' '#f3f4f6'; do
  PALETTE+=(-xrm "XTerm*color$i: $c"); i=$((i + 1))
done
# The xterm writes its window id so only that window is grabbed.
xterm -geometry "${COLS}x${ROWS}+0+0" -b 8 -bw 0 -fa "$FONT" -fs "$FONT_SIZE" \
  -bg '#1b1d23' -fg '#d7dae0' -cr '#1b1d23' -tn xterm-256color +sb \
  -xrm 'XTerm*boldColors: false' -xrm 'XTerm*forceBoxChars: true' "${PALETTE[@]}" \
  -e sh -c "echo \$WINDOWID > '$work/winid'; exec tmux -L '$SOCK' -u attach -t '$S'" 2>"$work/xterm.log" &
XTERM_PID=$!
for _ in $(seq 100); do [ -s "$work/winid" ] && break; sleep 0.05; done
[ -s "$work/winid" ] || { echo "demo: xterm did not start:" >&2; cat "$work/xterm.log" >&2; exit 1; }
WIN=$(cat "$work/winid")
for _ in $(seq 100); do [ "$(t list-clients -t "$S" | wc -l)" -ge 1 ] && break; sleep 0.05; done

n=0
# shot REGEX: once REGEX is on screen, grab a GIF frame. The short settle
# lets xterm finish painting.
shot() {
  wait_re "$1"
  sleep 0.4
  n=$((n + 1))
  local f; f=$(printf '%s/frame%02d.png' "$work" "$n")
  import -silent -window "$WIN" "$f"
}

# --- the pairing, step by step --------------------------------------------------
shot '│ Terminal [0-9]+'
keys C-p
shot '│ [0-9]{3} [0-9]{3} '
code=$(screen | grep -oE '│ [0-9]{3} [0-9]{3} ' | head -n1 | tr -dc 0-9)
text "$code"
shot "^ +$code "  # the typed code, under the field's label
keys Enter
shot 'Check the terminal shows the same code'
keys C-o
shot 'Pairing successful'
keys q
expect_exit 0

# Each frame holds 1.2 s, the last one longer; a shared palette keeps the
# GIF small.
frames=("$work"/frame*.png)
convert -delay 120 "${frames[@]:0:${#frames[@]}-1}" -delay 300 "${frames[-1]}" \
  -loop 0 +dither -colors 64 -layers OptimizePlus "$OUT/tillpair-demo.gif"
printf 'demo: %-28s %s bytes\n' "$OUT/tillpair-demo.gif" "$(stat -c %s "$OUT/tillpair-demo.gif")"
