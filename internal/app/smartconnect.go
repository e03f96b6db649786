package app

import (
	"strings"

	"github.com/tillpair/tillpair/providers/smartconnect"
)

// SmartConnect environment variables.
const (
	EnvSmartConnectEnv = "TILLPAIR_SMARTCONNECT_ENV"
	EnvSmartConnectURL = "TILLPAIR_SMARTCONNECT_URL"
)

// Sandbox register identity, seeded so the sandbox SmartConnect flow works
// without running setup first.
const (
	SandboxRegisterName = "Register 1"
	SandboxBusinessName = "Sandbox Store"
	SandboxVendorName   = "tillpair"
)

// SmartConnectEnvironment is the environment a configured runtime uses:
// TILLPAIR_SMARTCONNECT_ENV, else the stored setting, else dev.
func SmartConnectEnvironment(getenv func(string) string, stored string) string {
	if getenv != nil {
		if v := strings.TrimSpace(getenv(EnvSmartConnectEnv)); v != "" {
			return strings.ToLower(v)
		}
	}
	if stored != "" {
		return stored
	}
	return smartconnect.EnvDev
}
