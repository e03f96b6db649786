#!/usr/bin/env bash
# Makes the README's stills with the evidence pack's renderer: `tillpair
# evidence` plays SCI's certification scenarios on the real screens at
# 100×30 and headless Chromium draws each screen from its ANSI capture. The
# chosen screens are copied to docs/img/NAME.png with their plain-text
# capture beside them (docs/img/NAME.txt), so a restyle shows up in a text
# diff as well as in the pictures. One command regenerates them all:
# `make pictures` (or scripts/pictures.sh [BIN]; with no BIN it builds one).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
NAME=pictures
COLS=${PICTURES_COLS:-100} ROWS=${PICTURES_ROWS:-30}
OUT=docs/img

. scripts/lib/common.sh
missing=()
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$CHROMIUM" ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "DejaVu Sans Mono" || missing+=(fonts-dejavu-core)
install_or_exit "${missing[@]}"
CHROMIUM=${CHROMIUM:-$(command -v chromium)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tillpair_bin "${1:-}" "$work" -trimpath
private_home

"$BIN" evidence --provider sci --width "$COLS" --height "$ROWS" --chromium "$CHROMIUM" --out "$work/pack" > "$work/out.txt"
grep -q 'pictures skipped' "$work/out.txt" && { cat "$work/out.txt" >&2; exit 1; }
mkdir -p "$OUT"
# NAME  the screen (scenario-step) of SCI's script it comes from
while read -r name screen; do
  src=$(ls "$work/pack/sci/screens/"[0-9][0-9]-"$screen".png | head -n1)
  [ -n "$src" ] || { echo "pictures: no screen $screen in the pack" >&2; exit 1; }
  cp "$src" "$OUT/$name.png"
  cp "${src%.png}.txt" "$OUT/$name.txt"
  printf 'pictures: %-24s %7s bytes  (from %s)\n' "$OUT/$name.png" "$(stat -c %s "$OUT/$name.png")" "$(basename "$src")"
done <<'EOF'
unpaired   unpaired-form
confirming confirming-confirming
paired     paired-paired
EOF
