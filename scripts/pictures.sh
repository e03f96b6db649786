#!/usr/bin/env bash
# Makes the README's pictures from the current app: `tillpair evidence`
# plays SCI's certification scenarios on the real screens (deterministic:
# fixed seed and clock) at each size docs/img/pictures.list names; each
# listed screen's text capture is copied to docs/img/NAME-WxH.txt and its
# ANSI capture is shown in a real xterm on a virtual X display and grabbed
# as docs/img/NAME-WxH.png. A restyle therefore shows in a text diff as
# well as in the pictures, and the e2e test TestREADMEPicturesMatchTheApp
# (internal/certify/evidence) fails when a capture is out of date.
# One command regenerates them all: `make pictures` (or
# scripts/pictures.sh [BIN]; with no BIN it builds one).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
NAME=pictures
OUT=docs/img
LIST=$OUT/pictures.list
FONT=${PICTURES_FONT:-DejaVu Sans Mono} FONT_SIZE=${PICTURES_FONT_SIZE:-12}

. scripts/lib/common.sh
have_magick() { command -v import >/dev/null && convert -version 2>/dev/null | grep -q ImageMagick; }
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xterm >/dev/null || missing+=(xterm)
have_magick || missing+=(imagemagick)
fc-list 2>/dev/null | grep -qi "$FONT" || missing+=(fonts-dejavu-core)
install_or_exit "${missing[@]}"

work=$(mktemp -d)
XVFB_PID=
cleanup() {
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
tillpair_bin "${1:-}" "$work" -trimpath
private_home

# -displayfd lets Xvfb pick a free display, so two runs never collide.
Xvfb -displayfd 3 -screen 0 1800x1100x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
[ -s "$work/display" ] || { echo "pictures: Xvfb did not start:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=:$(head -n1 "$work/display")

# The palette of the README's GIF (scripts/demo.sh): softer than xterm's.
PALETTE=()
i=0
for c in '#282c34' '#e06c75' '#98c379' '#e5c07b' '#61afef' '#c678dd' '#56b6c2' '#abb2bf' \
  '#6b7280' '#ef7b84' '#a8d38a' '#f0cd8c' '#74bdf5' '#d08ae6' '#6cc4cf' '#f3f4f6'; do
  PALETTE+=(-xrm "XTerm*color$i: $c"); i=$((i + 1))
done

# draw ANS COLS ROWS PNG: shows the ANSI capture in an xterm of exactly
# COLS×ROWS (cursor hidden, no final newline, so nothing scrolls) and
# grabs that window.
draw() {
  local ans=$1 cols=$2 rows=$3 png=$4
  rm -f "$work/winid"
  xterm -geometry "${cols}x${rows}+0+0" -b 8 -bw 0 -fa "$FONT" -fs "$FONT_SIZE" \
    -bg '#1b1d23' -fg '#d7dae0' -cr '#1b1d23' -tn xterm-256color +sb \
    -xrm 'XTerm*boldColors: false' -xrm 'XTerm*forceBoxChars: true' "${PALETTE[@]}" \
    -e sh -c "printf '\033[?25l'; head -c -1 '$ans'; echo \$WINDOWID > '$work/winid'; sleep 60" \
    2>"$work/xterm.log" &
  local pid=$!
  for _ in $(seq 100); do [ -s "$work/winid" ] && break; sleep 0.05; done
  [ -s "$work/winid" ] || { echo "pictures: xterm did not start:" >&2; cat "$work/xterm.log" >&2; exit 1; }
  sleep 0.5 # let xterm finish painting
  import -silent -window "$(cat "$work/winid")" "$png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

mkdir -p "$OUT"
sizes=$(awk '$1 == "size" {print $2}' "$LIST")
[ -n "$sizes" ] || { echo "pictures: $LIST names no size" >&2; exit 1; }
for size in $sizes; do
  cols=${size%x*} rows=${size#*x}
  pack=$work/pack-$size
  "$BIN" evidence --provider sci --width "$cols" --height "$rows" --pictures=false --out "$pack" > "$work/out-$size.txt"
  awk '$1 != "size" && $1 !~ /^#/ && NF == 2' "$LIST" | while read -r name screen; do
    src=$(ls "$pack/sci/screens/"[0-9][0-9]-"$screen".txt 2>/dev/null | head -n1 || true)
    [ -n "$src" ] || { echo "pictures: no screen $screen in the pack at $size" >&2; exit 1; }
    cp "$src" "$OUT/$name-$size.txt"
    draw "${src%.txt}.ans" "$cols" "$rows" "$OUT/$name-$size.png"
    printf 'pictures: %-28s %7s bytes  (from %s)\n' "$OUT/$name-$size.png" "$(stat -c %s "$OUT/$name-$size.png")" "$(basename "$src")"
  done
done
