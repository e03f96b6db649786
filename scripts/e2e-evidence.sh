#!/usr/bin/env bash
# End to end for the certification pack: the real binary writes the pack of
# every provider, with canary credentials planted in its sandbox, and makes
# the pictures with headless Chromium; Chromium then opens the report from
# disk (file://), screenshots it and dumps the DOM it parsed. Checks: every
# link of the parsed report points at a file of the pack or an anchor of the
# page, and none leaves it; every screen has its step in the report and its
# PNG; no file holds a canary or anything shaped like a credential; a second
# run with the same seed writes the same text captures and request logs.
# Usage: e2e-evidence.sh [BIN]. Exits 2 without Chromium. KEEP=DIR keeps the
# pack and the report's screenshot there.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=e2e-evidence
. scripts/lib/common.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$CHROMIUM" ] || { echo "$NAME: no Chromium; install it (apt-get install chromium) or set CHROMIUM" >&2; exit 2; }
tillpair_bin "${1:-}" "$work"
private_home

# Canaries: the sandbox accepts exactly these, so the app uses them.
cat > "$work/canary.json" <<'JSON'
{"sci_api_key":"test_pak_CANARYe2eEv1d3nceK","sci_signing_secret_part_a":"CANARYe2ePartAq8WzR2","helcim_api_token":"CANARYe2eHelc1mT0k3nX"}
JSON

step "1. tillpair evidence, every provider, with pictures"
start=$SECONDS
"$BIN" evidence --out "$work/pack" --sandbox-credentials "$work/canary.json" --chromium "$CHROMIUM" > "$work/out.txt" \
  || fail "tillpair evidence exited $?: $(cat "$work/out.txt")"
cat "$work/out.txt"
pack=$work/pack
screens=$(find "$pack" -path '*/screens/*.txt' | wc -l)
pngs=$(find "$pack" -path '*/screens/*.png' | wc -l)
[ "$screens" -ge 45 ] || fail "only $screens screens"
grep -q "($pngs pictures)" "$work/out.txt" || fail "stdout does not count the $pngs pictures"
[ "$pngs" = "$screens" ] || fail "$pngs PNGs for $screens screens"
for txt in $(find "$pack" -path '*/screens/*.txt'); do
  png=${txt%.txt}.png
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$png is not a PNG"
done
echo "pack: $(du -sk "$pack" | cut -f1) KiB, $(find "$pack" -type f | wc -l) files, $((SECONDS - start)) s"

step "2. Chromium opens the report from disk"
flags=(--headless --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update
  --disable-sync --hide-scrollbars --virtual-time-budget=5000)
[ "$(id -u)" != 0 ] || flags+=(--no-sandbox)
url="file://$pack/index.html"
"$CHROMIUM" "${flags[@]}" --user-data-dir="$work/profile1" --dump-dom "$url" > "$work/dom.html" 2> "$work/chromium.log" \
  || fail "chromium --dump-dom failed: $(tail -n3 "$work/chromium.log")"
"$CHROMIUM" "${flags[@]}" --user-data-dir="$work/profile2" --window-size=1400,2400 --screenshot="$work/report.png" "$url" \
  > /dev/null 2>> "$work/chromium.log" || fail "chromium --screenshot failed: $(tail -n3 "$work/chromium.log")"
[ "$(stat -c %s "$work/report.png")" -gt 50000 ] || fail "the report's screenshot is nearly empty"
steps=$(grep -o 'class="step"' "$work/dom.html" | wc -l)
[ "$steps" = "$screens" ] || fail "Chromium's DOM has $steps steps for $screens screens"
for brand in "Simple Cloud Integration" "Smartpay SmartConnect" "Helcim Payment Hardware"; do
  grep -qF "$brand" "$work/dom.html" || fail "the report lacks $brand"
done

step "3. every link of the parsed report is in the pack"
links=0
while IFS= read -r href; do
  links=$((links + 1))
  case $href in
    '#'*) grep -qF "id=\"${href#\#}\"" "$work/dom.html" || fail "link $href has no target" ;;
    *:* | /* | *..*) fail "link $href leaves the pack" ;;
    *) [ -f "$pack/$href" ] || fail "link $href: no such file" ;;
  esac
done < <(grep -o 'href="[^"]*"' "$work/dom.html" | sed 's/^href="//; s/"$//')
echo "$links links checked"
for f in $(cd "$pack" && find . -name '*.txt' -o -name '*.ans' -o -name '*.png' -o -name '*.log' | sed 's|^\./||'); do
  grep -qF "href=\"$f\"" "$work/dom.html" || fail "the report does not link $f"
done

step "4. no secret in any file"
if grep -rl -e CANARY -e 'test_pak_[A-Za-z0-9]' "$pack"; then fail "the files above hold a credential"; fi
# A credential-shaped run (32+ letters and digits: Part A and B, tokens) in
# any text file; PNGs are pictures, checked for the canaries above. Two
# shapes are identifiers shown on purpose and are let through by value:
# SumUp's trace ids (the sandbox's "trace_id", which a user quotes to SumUp
# support) and Square's idempotency keys ("tillpair-" and a SHA-256 of the
# attempt and body, no credential in it).
shaped='(^|[^A-Za-z0-9+/])[A-Za-z0-9]{32,}([^A-Za-z0-9+/=]|$)'
grep -rhoE --exclude='*.png' '"trace_id":"[0-9a-f]{32}"|tillpair-[0-9a-f]{64}' "$pack" | grep -oE '[0-9a-f]{32,}' | sort -u > "$work/ids.allowed"
grep -rhoE --exclude='*.png' "$shaped" "$pack" | grep -oE '[A-Za-z0-9]{32,}' | sort -u | grep -vxF -f "$work/ids.allowed" > "$work/shaped" || true
echo "$(wc -l < "$work/ids.allowed") trace ids and idempotency keys let through"
if [ -s "$work/shaped" ]; then
  grep -rlF --exclude='*.png' -f "$work/shaped" "$pack"
  fail "the files above hold something shaped like a secret"
fi

step "5. a second run writes the same captures and logs"
"$BIN" evidence --out "$work/pack2" --sandbox-credentials "$work/canary.json" --pictures=false > /dev/null
diff -r -x '*.png' -x 'index.md' -x 'index.html' "$pack" "$work/pack2" || fail "the two runs differ"
[ "$(find "$work/pack2" -name '*.txt' | wc -l)" = "$screens" ] || fail "the second run wrote other screens"

if [ -n "${KEEP:-}" ]; then
  rm -rf "$KEEP" && mkdir -p "$KEEP" && cp -r "$pack" "$KEEP/pack" && cp "$work/report.png" "$KEEP/"
  echo "kept in $KEEP"
fi
echo "e2e-evidence: every check passed"
