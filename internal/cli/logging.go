package cli

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// debugLogName is the log file in the config dir when --debug is given
// without --log-file.
const debugLogName = "tillpair-debug.log"

// openLogger returns the logger for this run and a func that closes it.
// Without --debug or --log-file logs are discarded. With them, JSON lines at
// debug level are appended to the file (created 0600), with secrets
// redacted by key and by type.
func (e *env) openLogger() (*slog.Logger, func() error, error) {
	nop := func() error { return nil }
	if !e.g.debug && e.g.logFile == "" {
		return slog.New(slog.DiscardHandler), nop, nil
	}
	path := e.g.logFile
	if path == "" {
		dir, err := keystore.ConfigDir(e.getenv, e.g.configDir)
		if err != nil {
			return nil, nop, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nop, withExit(ExitUsage, fmt.Errorf("cannot create the config dir for the debug log: %w; pass --log-file PATH", err))
		}
		path = filepath.Join(dir, debugLogName)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nop, withExit(ExitUsage, fmt.Errorf("cannot open the debug log: %w; pass --log-file with a writable path", err))
	}
	h := slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: redactAttr})
	return slog.New(h), f.Close, nil
}

// redactAttr is the debug log's last line of defence; code should never
// log a secret in the first place.
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	if secretKey(a.Key) {
		return slog.String(a.Key, "[redacted]")
	}
	if a.Value.Kind() == slog.KindAny {
		switch a.Value.Any().(type) {
		case providers.Secret, *providers.Secret:
			return slog.String(a.Key, "[redacted]")
		}
	}
	return a
}

// secretKey reports attribute keys whose values are redacted whatever their
// type: a secret that reached a log as a plain string by mistake is still
// caught by its key.
func secretKey(k string) bool {
	k = strings.ToLower(strings.ReplaceAll(k, "-", "_"))
	for _, p := range [...]string{"api_key", "apikey", "token", "secret", "signature", "authorization", "part_a", "part_b", "password"} {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}
