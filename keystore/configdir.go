package keystore

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
)

// ConfigDir resolves the config dir: the --config-dir flag, else
// $TILLPAIR_CONFIG_DIR, else %APPDATA%\tillpair on Windows, else
// $XDG_CONFIG_HOME/tillpair, else ~/.config/tillpair. It reads the
// environment only through getenv so callers and tests control it, and it
// creates nothing (the first write does).
func ConfigDir(getenv func(string) string, flagValue string) (string, error) {
	return configDir(runtime.GOOS, getenv, flagValue)
}

func configDir(goos string, getenv func(string) string, flagValue string) (string, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if flagValue != "" {
		return absDir(flagValue)
	}
	if v := getenv("TILLPAIR_CONFIG_DIR"); v != "" {
		return absDir(v)
	}
	if goos == "windows" {
		appData := getenv("APPDATA")
		if appData == "" {
			return "", errors.New("cannot find the config dir: %APPDATA% is not set. " +
				"Set TILLPAIR_CONFIG_DIR or pass --config-dir")
		}
		// Joined by hand so the Windows result is testable on any OS.
		return strings.TrimRight(appData, `\/`) + `\tillpair`, nil
	}
	// The XDG spec says relative values are invalid and must be ignored.
	if v := getenv("XDG_CONFIG_HOME"); v != "" && strings.HasPrefix(v, "/") {
		return filepath.Join(v, "tillpair"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find the config dir: $HOME is not set. " +
			"Set TILLPAIR_CONFIG_DIR or pass --config-dir")
	}
	return filepath.Join(home, ".config", "tillpair"), nil
}

// absDir makes an explicit dir absolute so messages name an unambiguous path.
func absDir(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", errors.New("cannot resolve the config dir " + p + ": " + err.Error() +
			". Pass an absolute path with --config-dir or TILLPAIR_CONFIG_DIR")
	}
	return abs, nil
}
