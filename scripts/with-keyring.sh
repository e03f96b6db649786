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
#
# CMD's own output is untouched. What the daemons (dbus-daemon, and
# gnome-keyring-daemon with the prompters it activates) write goes to a log
# that is shown on stderr when the script ends, without the warnings every
# headless run produces: dbus-daemon failing to raise its fd limit, gcr's
# prompter finding no display (Gtk-WARNING) and the activations of that
# prompter. Anything else the daemons say, a real failure, stays visible.
# WITH_KEYRING_VERBOSE=1 shows everything as it comes.
set -eu
tmp=$(mktemp -d)
log="$tmp/daemons.log"
noise='Failed to set fd limit to [0-9]+: Operation not permitted'
noise="$noise|Gtk-WARNING \*\*: .*cannot open display"
noise="$noise|Activating service name='org\.gnome\.keyring\.SystemPrompter'"
noise="$noise|Activated service 'org\.gnome\.keyring\.SystemPrompter' failed: Process org\.gnome\.keyring\.SystemPrompter exited with status 1"
noise="$noise|^[[:space:]]*$"
daemon_log() {
  if [ -s "$log" ]; then
    grep -v -E "$noise" "$log" | sed 's/^/with-keyring: /' >&2 || true
  fi
}
trap 'status=$?; daemon_log; rm -rf "$tmp"; exit $status' EXIT
if [ "${WITH_KEYRING_VERBOSE:-}" = 1 ]; then log=/dev/stderr; fi
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
export WITH_KEYRING_PASSWORD="throwaway-ci-pass"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
config=
[ -n "${WITH_KEYRING_BUS_CONFIG:-}" ] && config="--config-file=$WITH_KEYRING_BUS_CONFIG"
# ${config:+"$config"} expands to nothing when unset, keeping dbus-run-session's default.
# fd 3 is this script's stderr: CMD and the setup's own messages use it, while
# the daemons inherit stderr, the log.
exec 3>&2
dbus-run-session ${config:+"$config"} -- sh -c '
  printf %s "$WITH_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # wait until the daemon owns org.freedesktop.secrets on this bus (max ~5s),
  # so it is tied to the bus and exits with it
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
    i=$((i+1)); [ $i -gt 50 ] && { echo "with-keyring: secret service did not come up" >&3; exit 1; }
    sleep 0.1
  done
  "$@" 2>&3 3>&-' sh "$@" 2>>"$log"
