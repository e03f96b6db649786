package keystore

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorKind classifies a store failure by what the user should do about it.
type ErrorKind int

const (
	KindUnknown ErrorKind = iota
	// KindNotFound: no keyring item of that name. Not a failure of the store.
	KindNotFound
	// KindNoService: there is no OS keyring to talk to (no D-Bus session bus,
	// no Secret Service provider).
	KindNoService
	// KindLocked: the keyring exists but is locked and could not be unlocked.
	KindLocked
	// KindDenied: the keyring refused access.
	KindDenied
	// KindTooBig: the secret is larger than every platform's keyring accepts.
	KindTooBig
	// KindInvalid: the caller asked for something meaningless (empty item
	// name, empty secret, a secret headed for the records file).
	KindInvalid
	// KindUnsupported: go-keyring has no backend for this OS.
	KindUnsupported
	// KindCorrupt: the records file is not valid records; it was kept.
	KindCorrupt
	// KindNewerVersion: the records file was written by a newer tillpair.
	KindNewerVersion
	// KindBusy: another process holds the records lock for too long.
	KindBusy
	// KindReadOnly: the config dir or records file cannot be written.
	KindReadOnly
	// KindIO: any other file system failure (disk full, missing dir, ...).
	KindIO
	// KindTimeout: the OS keyring did not answer in time, usually because
	// it is waiting for an unlock prompt that nobody answers.
	KindTimeout
)

var errorKindNames = [...]string{
	KindUnknown:      "unknown",
	KindNotFound:     "not_found",
	KindNoService:    "no_service",
	KindLocked:       "locked",
	KindDenied:       "denied",
	KindTooBig:       "too_big",
	KindInvalid:      "invalid",
	KindUnsupported:  "unsupported",
	KindCorrupt:      "corrupt",
	KindNewerVersion: "newer_version",
	KindBusy:         "busy",
	KindReadOnly:     "read_only",
	KindIO:           "io",
	KindTimeout:      "timeout",
}

// String is the stable snake_case name used in JSON output.
func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(errorKindNames) {
		return errorKindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is every failure this package returns. Its message names what failed,
// why, and what to do next; it never contains a secret value.
type Error struct {
	Kind ErrorKind
	// Op is what was attempted, phrased for a sentence: "read secret",
	// "write records", ...
	Op string
	// Item is the keyring item name, for keyring errors.
	Item string
	// Service is the keyring service the item lives in, for keyring errors.
	Service string
	// Path is the file involved, for records errors.
	Path string
	// Cause is a short human description of why it failed; Err has the
	// underlying detail.
	Cause string
	Err   error
}

// StoreError lets the cli map any keystore failure to its store exit code
// without importing this package's types.
func (e *Error) StoreError() bool { return true }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cannot ")
	b.WriteString(e.Op)
	switch {
	case e.Item != "":
		fmt.Fprintf(&b, " %q in OS keyring service %q", e.Item, e.Service)
	case e.Path != "":
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	b.WriteString(": ")
	b.WriteString(e.cause())
	if e.Err != nil && e.Kind != KindNotFound {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	if fix := e.Fix(); fix != "" {
		b.WriteString(". ")
		b.WriteString(fix)
	}
	return b.String()
}

func (e *Error) cause() string {
	if e.Cause != "" {
		return e.Cause
	}
	switch e.Kind {
	case KindNotFound:
		return "no such item"
	case KindNoService:
		return "no OS keyring (Secret Service) is available"
	case KindLocked:
		return "the OS keyring is locked and could not be unlocked"
	case KindDenied:
		return "the OS keyring denied access"
	case KindTooBig:
		return fmt.Sprintf("the value is larger than %d bytes, more than every OS keyring accepts", MaxSecretBytes)
	case KindUnsupported:
		return "there is no OS keyring support on this operating system"
	case KindCorrupt:
		return "the file is not valid tillpair records"
	case KindNewerVersion:
		return "the file was written by a newer tillpair"
	case KindBusy:
		return "another tillpair is updating it"
	case KindReadOnly:
		return "it is not writable"
	case KindTimeout:
		return "the OS keyring did not answer in time"
	}
	return "unexpected failure"
}

// Fix is the next step for the user, already included in Error().
func (e *Error) Fix() string {
	if isPartB(e.Item) && (e.Kind == KindNoService || e.Kind == KindLocked) {
		// No environment variable can hold a secret that each pairing
		// creates, so the env-var advice would lead nowhere.
		return "Each SCI pairing's signing secret (Part B) is created when pairing and can only be kept in the " +
			"OS keyring: install and unlock gnome-keyring or KeePassXC, or on a server run tillpair inside " +
			"dbus-run-session (see scripts/with-keyring.sh), then pair again"
	}
	switch e.Kind {
	case KindNoService:
		return "Install and unlock gnome-keyring or KeePassXC, or on a server run inside dbus-run-session " +
			"(see scripts/with-keyring.sh); alternatively supply credentials with the TILLPAIR_SCI_API_KEY, " +
			"TILLPAIR_SCI_SIGNING_SECRET_PART_A and TILLPAIR_HELCIM_API_TOKEN environment variables"
	case KindLocked:
		return "Unlock your login keyring (log in to a desktop session, or run `gnome-keyring-daemon --unlock` " +
			"with the keyring password), then try again"
	case KindTimeout:
		return "It is probably waiting for an unlock prompt on the desktop that nobody answered: answer it, or " +
			"unlock your login keyring first (log in to a desktop session, or run `gnome-keyring-daemon --unlock` " +
			"with the keyring password), then try again; if no prompt is showing, restart gnome-keyring-daemon"
	case KindDenied:
		return "Allow tillpair to use the keyring (check the keyring's access prompt or policy), then try again"
	case KindTooBig:
		if e.Item == "" {
			return fmt.Sprintf("It was kept untouched. One records file holds at most %d pairings: forget the "+
				"pairings no longer in use, or keep some registers in another config dir with --config-dir or "+
				"TILLPAIR_CONFIG_DIR", MaxPairings)
		}
		return "Check that the right value was supplied; tillpair stores one short secret per item"
	case KindUnsupported:
		return "Supply credentials with TILLPAIR_* environment variables instead"
	case KindCorrupt:
		return fmt.Sprintf("It was kept untouched. Move it aside (for example `mv %s %s.bad`) and run tillpair "+
			"again to start with no local pairings, then pair the terminals again", e.Path, e.Path)
	case KindNewerVersion:
		return "It was kept untouched. Upgrade tillpair, or point this version at another directory with " +
			"--config-dir or TILLPAIR_CONFIG_DIR"
	case KindBusy:
		return "Wait for the other tillpair to finish and try again. The lock is released automatically when " +
			"that process exits; do not delete the lock file"
	case KindReadOnly:
		return "Make the directory writable, or choose another one with --config-dir or TILLPAIR_CONFIG_DIR"
	case KindUnknown:
		if e.Service != "" {
			return "Check that the OS keyring is running and unlocked, or supply credentials with TILLPAIR_* " +
				"environment variables"
		}
	case KindIO:
		return "Check the disk has free space and the directory exists and is writable, or choose another one " +
			"with --config-dir or TILLPAIR_CONFIG_DIR"
	}
	return ""
}

// isPartB reports whether item is an SCI pairing's Part B (see SCIPartB).
func isPartB(item string) bool {
	id, ok := strings.CutPrefix(item, "sci/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/signing-secret-part-b")
	return ok && id != ""
}

// AsError returns err's *Error, if it has one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports whether err means a keyring item does not exist.
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindNotFound
}
