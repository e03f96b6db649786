#!/usr/bin/env bash
# Drives the real tillpair binary in tmux, as a user at a terminal would:
# pairing through the sandbox's virtual terminal, a wrong code, resizing,
# cancelling, quitting while confirming, and the accessible line prompts.
# Each scenario runs in a fresh tmux session on a private tmux server, so a
# user's tmux is never touched.
# Usage: e2e.sh [BIN]   (with no BIN it builds one into a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."

# Block digits and the screen text are UTF-8; bash substrings must count
# characters, not bytes, when the confirmation code is read back.
export LC_ALL=C.UTF-8

NAME=e2e
. scripts/lib/tmux.sh
e2e_setup "${1:-}"

# terminal_code: the 6-digit pairing code the virtual terminal shows
# ("pairing code 919 571" in the strip pane).
terminal_code() {
  wait_re 'pairing code [0-9]{3} [0-9]{3}'
  screen | grep -oE 'pairing code [0-9]{3} [0-9]{3}' | head -n1 | tr -dc 0-9
}

# The block-digit glyphs, read from the same file the binary embeds:
# GLYPH[digit*3+row] is that row padded to 4 columns.
declare -A GLYPH
load_glyphs() {
  local -a lines; mapfile -t lines < assets/digits.txt
  local i r d
  for ((i = 0; i + 3 < ${#lines[@]}; i += 4)); do
    d=${lines[i]// /}
    for r in 0 1 2; do GLYPH[$d,$r]=$(printf '%-4s' "${lines[i + 1 + r]}"); done
  done
  [ "${#GLYPH[@]}" = 30 ] || { echo "e2e: assets/digits.txt has ${#GLYPH[@]} glyph rows, want 30" >&2; exit 2; }
}

# big_code: reads the 4-digit confirmation code drawn in block digits under
# "Confirmation code" (glyphs 4 wide, one column apart) at any indent.
big_code() {
  local -a lines; mapfile -t lines < <(screen)
  local i at=-1
  for i in "${!lines[@]}"; do
    [[ ${lines[i]} == *"Confirmation code"* ]] && { at=$i; break; }
  done
  ((at >= 0)) || return 1
  local pad; pad=$(printf '%*s' 200 '')
  local k off n d code
  # The digits sit in a card: a few rows under the label, inside its border.
  for ((k = at + 1; k <= at + 4; k++)); do
  local r0="${lines[k]}$pad" r1="${lines[k + 1]}$pad" r2="${lines[k + 2]}$pad"
  for ((off = 0; off < 120; off++)); do
    code=
    for ((n = 0; n < 4; n++)); do
      local c=$((off + n * 5)) hit=
      for d in 0 1 2 3 4 5 6 7 8 9; do
        if [ "${r0:c:4}" = "${GLYPH[$d,0]}" ] && [ "${r1:c:4}" = "${GLYPH[$d,1]}" ] && [ "${r2:c:4}" = "${GLYPH[$d,2]}" ]; then
          hit=$d; break
        fi
      done
      [ -n "$hit" ] || break
      code+=$hit
    done
    [ "${#code}" = 4 ] && { echo "$code"; return 0; }
  done
  done
  return 1
}

# typed CODE: the code field shows CODE (the value sits under the field's
# label, at the content column).
typed() { wait_re "^ +$1( |\$)"; }

# pair_to_confirming: from the unpaired screen, get a code on the virtual
# terminal, type it and submit; ends on the confirming screen. Prints the
# confirmation code after checking both sides show the same one.
pair_to_confirming() {
  wait_for "Simple Cloud Integration"
  wait_re 'Terminal [0-9]+: idle'
  keys C-p
  local code; code=$(terminal_code)
  [[ $code =~ ^[0-9]{6}$ ]] || fail "pairing code '$code' is not 6 digits"
  text "$code"
  typed "$code"
  keys Enter
  wait_for "Check the terminal shows the same code"
  wait_re 'confirm [0-9]{4}\?'
  local term pos
  term=$(screen | grep -oE 'confirm [0-9]{4}\?' | tr -dc 0-9)
  pos=$(big_code) || fail "no block-digit confirmation code under 'Confirmation code'"
  [ "$pos" = "$term" ] || fail "the till shows $pos but the terminal shows $term"
  echo "$code $pos"
}

# --- scenarios -----------------------------------------------------------------

pair_unpair() {
  start pair 80 24
  local codes; codes=$(pair_to_confirming)
  keys C-o
  wait_for "Pairing successful"
  wait_re 'Pairing ID +pid_'
  wait_re 'Status +active'
  wait_re 'Terminal [0-9]+: 1 register paired'
  keys u
  wait_for "y yes"
  keys y
  wait_for "Unpaired"
  wait_for "Pairing Code"
  wait_re 'Terminal [0-9]+: idle'
  lacks "Pairing ID"
  lacks "register paired"
  # The code field takes digits only, so q is not a key here: ctrl+c quits.
  keys C-c
  expect_exit 0
  echo "    pairing code ${codes% *}; confirmation code ${codes#* } on both till and terminal"
}

wrong_code() {
  start wrong 80 24
  wait_for "Pairing Code"
  keys C-p
  local code bad=000000; code=$(terminal_code)
  [ "$code" != "$bad" ] || bad=111111
  text "$bad"
  typed "$bad"
  keys Enter
  wait_for "Pairing not found: Pairing not found"
  has "Check the code on the terminal and type it again."
  keys Enter
  wait_for "How to pair"
  has "Pairing Code"
  lacks "Pairing not found"
  keys C-c
  expect_exit 0
}

# frame_ok COLS: the frame fills exactly COLS: the rule under the header
# spans the width and the badge ends the header row (its one-column
# padding is the last cell, which capture-pane trims).
frame_ok() {
  local cols=$1 line rule
  line=$(screen | sed -n 1p) rule=$(screen | sed -n 2p)
  # One blank column of margin each side; the badge's padding and the
  # right margin are trimmed by capture-pane.
  [[ $line == " tillpair"*"[SANDBOX]" ]] || fail "header row is '$line'"
  [ "${#line}" = $((cols - 2)) ] || fail "header row is ${#line} wide, want $((cols - 2))"
  [[ $rule =~ ^\ ─+$ && ${#rule} = $((cols - 1)) ]] || fail "header rule is ${#rule} wide, want $((cols - 1))"
}

resize() {
  start resize 100 30
  local big=$S
  start base 80 24 # a never-resized 80x24 view, to compare against
  S=$big
  wait_for "How to pair"
  # Wide: the terminal pane sits beside the form, drawn as a device; its
  # keys are the footer's terminal group at every size.
  wait_re '▀█▀ +╭─+╮$'
  has "Simple Cloud Integration"
  has "│ ┌"
  wait_re '^ terminal  ctrl\+p new code'
  frame_ok 100

  t resize-window -t "$S" -x 60 -y 20
  wait_re '^ ╭─{56}╮$'
  wait_re 'Terminal [0-9]+: idle'
  wait_re '^ terminal  ctrl\+p new code'
  has "Pairing Code"
  lacks "Manage POS pairing is closed."
  frame_ok 60

  t resize-window -t "$S" -x 50 -y 15
  wait_for "Terminal too small"
  has "Need 60×20, have 50×15."
  lacks "Pairing Code"
  lacks "tillpair"

  t resize-window -t "$S" -x 80 -y 24
  wait_for "How to pair"
  wait_re '^ ╭─{76}╮$'
  lacks "Terminal too small"
  frame_ok 80
  # Same frame as a session that started at 80x24 (terminal ids differ).
  local now want
  now=$(screen | sed 's/[0-9]\{8\}/TID/')
  S=base; wait_for "How to pair"
  want=$(screen | sed 's/[0-9]\{8\}/TID/')
  [ "$now" = "$want" ] || { S=resize; fail "after resizing back the frame differs from a fresh 80x24 one:
$(diff <(echo "$want") <(echo "$now") || true)"; }
  S=resize; keys C-c; expect_exit 0
  S=base; keys C-c; expect_exit 0
}

cancel() {
  start cancel 80 24
  pair_to_confirming >/dev/null
  keys Escape
  wait_for "Pairing cancelled; nothing is left paired on the terminal"
  wait_for "How to pair"
  wait_re 'Terminal [0-9]+: idle'
  lacks "Confirmation code"
  ! screen | grep -qE 'confirm [0-9]{4}' || fail "the terminal still asks to confirm"
  keys C-c
  expect_exit 0
}

# Quitting while the terminal waits for confirmation cancels the pairing
# first (nothing half made), and says so after the alt screen is gone.
quit_confirming() {
  start quitconf 80 24
  pair_to_confirming >/dev/null
  keys q
  wait_for "tillpair: Pairing cancelled before quitting; nothing is left"
  expect_exit 0
}

accessible() {
  # Tall enough that the whole session stays on screen: lines are never
  # redrawn, so every check reads what scrolled by.
  start access 100 120 ACCESSIBLE=1
  wait_for "Simple Cloud Integration — tillpair [SANDBOX]"
  wait_for "No pairings yet."
  wait_for "Pair a terminal now? [Y/n]"
  keys Enter
  wait_re 'Start pairing on virtual terminal [0-9]+ now\? \[Y/n\]'
  keys y Enter
  wait_re 'shows pairing code [0-9]{6}\.'
  local code; code=$(screen | grep -oE 'shows pairing code [0-9]{6}' | tr -dc 0-9)
  # A wrong code fails the pairing, not the session: the error, then the
  # menu, where p pairs again.
  local wrong=111111; [ "$code" != "$wrong" ] || wrong=222222
  wait_for "Pairing Code:"
  text "$wrong"; keys Enter
  wait_for "Pairing Nickname (optional):"
  keys Enter
  wait_re '^Error: '
  wait_for "What next? p: pair a terminal, q: quit."
  text p; keys Enter
  wait_re 'Start pairing on virtual terminal [0-9]+ now\? \[Y/n\]$'
  keys y Enter
  # The prompt comes after the line naming the code: the last such line.
  wait_re '^Pairing Code:$'
  code=$(screen | grep -oE 'shows pairing code [0-9]{6}' | tail -n1 | tr -dc 0-9)
  text "$code"; keys Enter
  wait_re '^Pairing Nickname \(optional\):$'
  text "Front counter"; keys Enter
  wait_re 'Confirmation code: [0-9]{4}'
  has "Check the terminal shows the same code, then confirm on the terminal."
  wait_for "Confirm on the virtual terminal now? [y/N]"
  keys y Enter
  wait_for "Pairing successful — register paired with the terminal"
  has "Pairing Nickname: Front counter"
  screen | grep -qE '^Pairing ID: pid_' || fail "no Pairing ID line"
  # After pairing, the menu: test right away, then unpair.
  wait_for "What next? t: test, u: unpair, p: pair another terminal, q: quit."
  wait_re '^Choice:$'
  text t; keys Enter
  wait_re '^Front counter: Pairing is active — checked [0-9:]{8}\.$'
  text u; keys Enter
  wait_for "Unpair Front counter? [y/N]"
  text y; keys Enter
  wait_for "Unpaired Front counter."
  wait_re '^Choice:$'
  [ "$(screen | grep -c '^What next? p: pair a terminal, q: quit\.$')" = 2 ] || fail "want the empty menu twice (after the wrong code, after unpairing)"
  [ "$(screen | grep -c '^Error: ')" = 1 ] || fail "want exactly one Error: line (the wrong code)"
  # A line interface never redraws, so no box drawing may appear.
  ! screen | grep -qE '[╭╮│─█]' || fail "box drawing in accessible mode"
  text q; keys Enter
  expect_exit 0
}

# --- run -----------------------------------------------------------------------
load_glyphs
run_scenarios pair_unpair wrong_code resize cancel quit_confirming accessible
