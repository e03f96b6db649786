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

NAME=e2e-providers
. scripts/lib/tmux.sh
e2e_setup "${1:-}"

# choose PRODUCT: ctrl+t opens the provider picker; the provider's number
# is read off the list, so the order may change without breaking this.
choose() {
  keys C-t
  wait_for "Choose the payment provider"
  local n
  n=$(screen | grep -F -- "$1" | grep -oE '[0-9]+\.' | head -n1 | tr -dc 0-9)
  [ -n "$n" ] || fail "the picker does not list $1"
  text "$n"
  # The header names the provider in short; the body's wordmark in full.
  wait_for "Provider: $1"
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
  wait_for "1 register paired"
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
  wait_re "^ +$code( |\$)" # the field's value, under its label
  keys Enter
  wait_for "Check the terminal screen for the ping message"
  wait_for "Ping received from API"
  text f
  wait_for "on this register?"
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
run_scenarios smartconnect helcim helcim_asleep
