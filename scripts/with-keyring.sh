#!/bin/sh
# Usage: with-keyring.sh CMD [ARGS...]
# Runs CMD inside a private D-Bus session bus with a real, unlocked
# gnome-keyring "login" collection kept in a throwaway XDG_DATA_HOME.
# HOME is left alone so Go's module/build caches keep working.
# Debian packages: dbus-daemon (dbus-run-session), dbus-bin (dbus-send), gnome-keyring.
#
# CMD sees WITH_KEYRING_PASSWORD, the throwaway keyring's password, so tests
# that lock the collection can unlock it again. If WITH_KEYRING_BUS_CONFIG
# names a dbus-daemon config file, the bus uses it instead of the default
# session config (tests use this to impose a deny policy).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
export WITH_KEYRING_PASSWORD="throwaway-ci-pass"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
config=
[ -n "${WITH_KEYRING_BUS_CONFIG:-}" ] && config="--config-file=$WITH_KEYRING_BUS_CONFIG"
# ${config:+"$config"} expands to nothing when unset, keeping dbus-run-session's default.
dbus-run-session ${config:+"$config"} -- sh -c '
  printf %s "$WITH_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # wait until the daemon owns org.freedesktop.secrets on this bus (max ~5s),
  # so it is tied to the bus and exits with it
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
    i=$((i+1)); [ $i -gt 50 ] && { echo "secret service did not come up" >&2; exit 1; }
    sleep 0.1
  done
  "$@"' sh "$@"
