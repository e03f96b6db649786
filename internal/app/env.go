package app

// Environment variables of the providers, as their descriptors name them
// (providers.EnvName): kept for callers and tests that name them.
const (
	EnvHelcimAPIToken  = "TILLPAIR_HELCIM_API_TOKEN"
	EnvHelcimURL       = "TILLPAIR_HELCIM_URL"
	EnvSmartConnectEnv = "TILLPAIR_SMARTCONNECT_ENV"
	EnvSmartConnectURL = "TILLPAIR_SMARTCONNECT_URL"
)

// Sandbox register identity, seeded so a provider that pairs by register
// identity (SmartConnect) works in the sandbox without running setup first.
const (
	SandboxRegisterName = "Register 1"
	SandboxBusinessName = "Sandbox Store"
	SandboxVendorName   = "tillpair"
)
