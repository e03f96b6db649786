package app

// Helcim environment variables (the descriptor's names: kept for callers
// that name them).
const (
	EnvHelcimAPIToken = "TILLPAIR_HELCIM_API_TOKEN"
	EnvHelcimURL      = "TILLPAIR_HELCIM_URL"
)
