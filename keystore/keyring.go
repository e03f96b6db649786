package keystore

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"

	"github.com/tillpair/tillpair/providers"
)

const (
	// DefaultService is the keyring service tillpair's items live under;
	// callers override it from TILLPAIR_KEYRING_SERVICE.
	DefaultService = "tillpair"
	// MaxSecretBytes is refused before the keyring is asked: Windows caps a
	// credential at 2560 bytes and macOS at about 3000 including names, and
	// failing the same way everywhere beats a secret that only fits on Linux.
	MaxSecretBytes = 2048
	// DefaultKeyringTimeout bounds one keyring call. go-keyring waits
	// without limit for an unlock prompt to be answered, and the prompt may
	// be on a screen nobody is watching (a till reached over SSH while its
	// desktop keyring is locked). A minute leaves time to notice and answer
	// a prompt on the desktop.
	DefaultKeyringTimeout = time.Minute
)

// Keyring is Secrets in the OS keyring via go-keyring (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows).
type Keyring struct {
	service string
	// Timeout bounds each Get, Set and Delete; set it before first use.
	// Zero means DefaultKeyringTimeout. A call that times out is abandoned,
	// not cancelled (go-keyring cannot be), so it may still finish later.
	Timeout time.Duration
}

var _ Secrets = (*Keyring)(nil)

// NewKeyring returns the keyring store for service ("" means DefaultService).
func NewKeyring(service string) *Keyring {
	if service == "" {
		service = DefaultService
	}
	return &Keyring{service: service}
}

// Service is the keyring service name, for messages and debugging.
func (k *Keyring) Service() string { return k.service }

func (k *Keyring) Get(name string) (providers.Secret, error) {
	if err := k.checkName("read secret", name); err != nil {
		return providers.Secret{}, err
	}
	if err := k.noSessionBus("read secret", name); err != nil {
		return providers.Secret{}, err
	}
	var v string
	err := k.call("read secret", name, func() (err error) {
		v, err = keyring.Get(k.service, name)
		return err
	})
	if err != nil {
		return providers.Secret{}, k.mapErr("read secret", name, err, "")
	}
	return providers.NewSecret(v), nil
}

func (k *Keyring) Set(name string, value providers.Secret) error {
	const op = "store secret"
	if err := k.checkName(op, name); err != nil {
		return err
	}
	if value.IsZero() {
		return &Error{Kind: KindInvalid, Op: op, Item: name, Service: k.service, Cause: "the value is empty"}
	}
	if value.Len() > MaxSecretBytes {
		return &Error{Kind: KindTooBig, Op: op, Item: name, Service: k.service}
	}
	if err := k.noSessionBus(op, name); err != nil {
		return err
	}
	err := k.call(op, name, func() error { return keyring.Set(k.service, name, value.Reveal()) })
	if err != nil {
		return k.mapErr(op, name, err, value.Reveal())
	}
	return nil
}

func (k *Keyring) Delete(name string) error {
	if err := k.checkName("delete secret", name); err != nil {
		return err
	}
	if err := k.noSessionBus("delete secret", name); err != nil {
		return err
	}
	err := k.call("delete secret", name, func() error { return keyring.Delete(k.service, name) })
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return k.mapErr("delete secret", name, err, "")
}

// call runs fn, a go-keyring call, under the deadline. On timeout fn keeps
// running in its goroutine; the buffered channel lets it exit when (if)
// the backend answers. fn's own errors are returned for mapErr.
func (k *Keyring) call(op, name string, fn func() error) error {
	timeout := k.timeout()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return &Error{Kind: KindTimeout, Op: op, Item: name, Service: k.service,
			Cause: fmt.Sprintf("the OS keyring did not answer within %v", timeout)}
	}
}

func (k *Keyring) timeout() time.Duration {
	if k.Timeout <= 0 {
		return DefaultKeyringTimeout
	}
	return k.Timeout
}

func (k *Keyring) checkName(op, name string) error {
	if strings.TrimSpace(name) == "" {
		return &Error{Kind: KindInvalid, Op: op, Service: k.service, Cause: "no item name given (a tillpair bug)"}
	}
	return nil
}

// mapErr classifies a go-keyring error. secret is the value being stored,
// if any, so it can be scrubbed from backend messages that might echo it.
func (k *Keyring) mapErr(op, name string, err error, secret string) error {
	// Already classified (a timeout from call); go-keyring never returns one.
	if e, ok := err.(*Error); ok {
		return e
	}
	e := &Error{Kind: classifyKeyringErr(err), Op: op, Item: name, Service: k.service, Err: err}
	if secret != "" && strings.Contains(err.Error(), secret) {
		e.Err = errors.New(strings.ReplaceAll(err.Error(), secret, providers.NewSecret(secret).String()))
	}
	return e
}

// classifyKeyringErr maps go-keyring and D-Bus failures (exact strings in
// tui-notes §3.1) to kinds. Backends return unexported or plain string
// errors, so strings are matched where no sentinel or type exists.
func classifyKeyringErr(err error) ErrorKind {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return KindNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return KindTooBig
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return KindUnsupported
	}
	msg := err.Error()
	// A dbus.Error's message is its body text; the stable part is its name.
	var dbusErr dbus.Error
	if errors.As(err, &dbusErr) {
		msg = dbusErr.Name + ": " + msg
	}
	var dbusErrPtr *dbus.Error
	if errors.As(err, &dbusErrPtr) {
		msg = dbusErrPtr.Name + ": " + msg
	}
	var execErr *exec.Error
	var netErr *net.OpError
	switch {
	// godbus runs dbus-launch when there is no session bus address; on a
	// server it is missing or fails.
	case errors.As(err, &execErr), strings.Contains(msg, "dbus-launch"),
		strings.Contains(msg, "couldn't determine address of session bus"),
		// A bus address that points at no socket (stale session).
		errors.As(err, &netErr),
		// A bus without any Secret Service provider.
		strings.Contains(msg, "org.freedesktop.DBus.Error.ServiceUnknown"),
		strings.Contains(msg, "org.freedesktop.secrets was not provided"):
		return KindNoService
	case strings.Contains(msg, "failed to unlock correct collection"),
		strings.Contains(msg, "org.freedesktop.Secret.Error.IsLocked"),
		// macOS, when the keychain is locked and no UI can prompt.
		strings.Contains(msg, "User interaction is not allowed"):
		return KindLocked
	case strings.Contains(msg, "org.freedesktop.DBus.Error.AccessDenied"),
		strings.Contains(strings.ToLower(msg), "access denied"),
		// Windows ERROR_ACCESS_DENIED.
		strings.Contains(msg, "Access is denied"):
		return KindDenied
	}
	return KindUnknown
}
