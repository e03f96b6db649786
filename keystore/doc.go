// Package keystore keeps what tillpair must remember between runs: secrets in
// the OS keyring (one small item per secret: the SCI API key and signing
// secret Part A, the Helcim API token, and each SCI pairing's Part B) and,
// in a JSON file in the config dir, the non-secret pairing records plus the
// per-installation settings (the SmartConnect register identity and
// environment). It also has in-memory versions of both for sandbox mode,
// so a demo leaves nothing behind.
//
// # Layout
//
// The config dir (see ConfigDir) holds two files:
//
//	pairings.json       records: versioned JSON, mode 0600, dir 0700
//	pairings.json.lock  empty; only ever locked, never deleted
//
// Secrets live in the OS keyring under one service (default "tillpair"), one
// item per secret, named by the constants in this package. On Linux they can
// be found with `secret-tool search service tillpair`.
//
// # Locking
//
// Update holds an exclusive flock(2)/LockFileEx lock on pairings.json.lock
// for the whole read-modify-write, so two tillpair processes cannot lose each
// other's changes. The lock lives on a separate file because the records file
// itself is replaced by rename on every write; a lock on it would be a lock on
// an inode that no longer has a name. OS file locks die with their process,
// so a crash never leaves a stale lock and the lock file is never removed
// (removing it would let two writers lock two different inodes). Waiting is
// bounded (LockTimeout) and ends with an error naming the lock file.
//
// Load takes no lock: writers never modify pairings.json in place, they
// rename a complete new file over it, so a reader always sees one whole
// version. That also keeps Load working on a read-only config dir.
//
// # Atomic writes
//
// A write goes to a temp file in the same directory (rename is only atomic
// within one file system), which is fsynced and closed, then renamed over
// pairings.json, and then the directory is fsynced so the rename itself is
// durable. After a crash at any point the file is either the old or the new
// version, never a mix or empty. Temp files orphaned by a crash are removed
// by the next Update, under the lock, when no other writer can own them.
// Every write creates the file afresh with mode 0600, which also re-tightens
// a file whose permissions were loosened by hand.
//
// A file that cannot be read as records (invalid JSON, wrong types) or that
// has a newer format version is reported with its path and never
// overwritten: it may hold pairings the user still needs, and only the user
// can decide to move it aside.
//
// # No plaintext fallback
//
// When the keyring is unavailable (no Secret Service, locked, access denied,
// value too big) every operation fails with an *Error naming the cause and
// the fix. There is deliberately no fallback to a file: a silent fallback
// would put API keys and signing secrets on disk where backups, sync tools
// and other users can read them, and the user would never know. Headless
// machines can run inside dbus-run-session with gnome-keyring (see
// scripts/with-keyring.sh) or supply credentials through TILLPAIR_*
// environment variables (see Credential).
//
// With no session bus (no DBUS_SESSION_BUS_ADDRESS and no socket in
// /run/user/<uid>), the keyring is not asked at all and reports
// KindNoService: go-keyring's D-Bus library would otherwise run dbus-launch
// and leave a dbus-daemon and a gnome-keyring-daemon behind on every run.
// Tests use MockInit, not keyring.MockInit, so the mock needs no bus.
//
// Every keyring call has a deadline (Keyring.Timeout, a minute by default):
// go-keyring waits without limit for an unlock prompt, and on a till reached
// over SSH that prompt may sit on a screen nobody watches. A call that runs
// out is reported as KindTimeout; it cannot be cancelled, so it is abandoned.
package keystore
