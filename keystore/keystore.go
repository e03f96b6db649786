package keystore

import (
	"github.com/tillpair/tillpair/providers"
)

// Secret item names inside the keyring service (design.md, Storage).
const (
	SCIAPIKey       = "sci/api-key"
	SCISigningPartA = "sci/signing-secret-part-a"
	HelcimAPIToken  = "helcim/api-token"
)

// SCIPartB is the item name of a pairing's signing secret Part B.
func SCIPartB(pairingID string) string { return "sci/" + pairingID + "/signing-secret-part-b" }

// Secrets stores secrets by item name. Get of a missing item returns an
// *Error of KindNotFound.
type Secrets interface {
	Get(name string) (providers.Secret, error)
	Set(name string, value providers.Secret) error
	// Delete of a missing item is not an error.
	Delete(name string) error
}

// FileVersion is the records file format version this build writes.
const FileVersion = 1

// File is the records file's content. Non-secret metadata only.
type File struct {
	Version  int                 `json:"version"`
	Pairings []providers.Pairing `json:"pairings"`
	Settings Settings            `json:"settings"`
}

// Settings are non-secret per-installation settings.
type Settings struct {
	// SmartConnect register identity; the register ID is generated once.
	Register *providers.RegisterIdentity `json:"smartconnect_register,omitempty"`
	// SmartConnect environment: "dev" or "production".
	SmartConnectEnv string `json:"smartconnect_environment,omitempty"`
	// Values are the providers' other non-secret settings, by their
	// descriptor's credential name (a SumUp merchant code).
	Values map[string]string `json:"settings,omitempty"`
}

// legacyEnvSetting is the credential name of the setting kept in
// SmartConnectEnv, the field older versions read and write.
const legacyEnvSetting = "smartconnect_env"

// Value is the stored setting of a provider credential by its name, ""
// when unset.
func (s Settings) Value(name string) string {
	if name == legacyEnvSetting {
		return s.SmartConnectEnv
	}
	return s.Values[name]
}

// SetValue stores a provider setting by its credential name ("" deletes).
func (s *Settings) SetValue(name, v string) {
	if name == legacyEnvSetting {
		s.SmartConnectEnv = v
		return
	}
	if v == "" {
		delete(s.Values, name)
		return
	}
	if s.Values == nil {
		s.Values = map[string]string{}
	}
	s.Values[name] = v
}

// Records is the pairing records store.
type Records interface {
	// Load returns the current content, decoded anew: the caller owns it
	// and may change it. A missing file is an empty File.
	Load() (File, error)
	// Update runs fn on the current content under an exclusive lock held
	// across processes, and writes the result atomically if fn returns nil.
	// If fn returns an error nothing is written and that error is returned.
	Update(fn func(*File) error) error
	// Path is where the records live ("" in memory), for messages.
	Path() string
}
