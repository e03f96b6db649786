package pairing

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// MaxRegisterFieldRunes caps each register identity field. SmartConnect
// documents no limit; 64 runes is ample for a store name and keeps the
// terminal's register display readable.
const MaxRegisterFieldRunes = 64

// RegisterInput is what the user entered for the SmartConnect register
// identity. The register ID is never typed: it is generated.
type RegisterInput struct {
	RegisterName string
	BusinessName string
	VendorName   string
	// RegenerateID makes a new register ID, which breaks every existing
	// SmartConnect pairing of this register.
	RegenerateID bool
}

// RegisterChange is the outcome of SaveRegister.
type RegisterChange struct {
	Identity providers.RegisterIdentity
	// NeedsRepair is true when the register ID or business name changed
	// while a SmartConnect pairing exists: SmartConnect routes by them, so
	// the terminal no longer reaches this register until paired again.
	NeedsRepair bool
	// Reasons are plain sentences explaining NeedsRepair (and other
	// noteworthy changes), for warnings.
	Reasons []string
}

// Register returns this installation's SmartConnect register identity; ok
// is false when it was never set up.
func (s *Service) Register() (providers.RegisterIdentity, bool, error) {
	f, err := s.cfg.Records.Load()
	if err != nil {
		return providers.RegisterIdentity{}, false, err
	}
	if f.Settings.Register == nil || f.Settings.Register.RegisterID == "" {
		return providers.RegisterIdentity{}, false, nil
	}
	return *f.Settings.Register, true, nil
}

// SaveRegister validates the identity and stores it in the records file's
// Settings, generating the register ID the first time or when RegenerateID.
// Validation failures are *providers.Error of KindInvalidInput naming the
// field.
func (s *Service) SaveRegister(in RegisterInput) (RegisterChange, error) {
	fields := []struct {
		label string
		value *string
	}{
		{"register name", &in.RegisterName},
		{"business name", &in.BusinessName},
		{"vendor name", &in.VendorName},
	}
	for _, f := range fields {
		v, err := normalizeRegisterField(s.registerProvider(), f.label, *f.value)
		if err != nil {
			return RegisterChange{}, err
		}
		*f.value = v
	}
	var out RegisterChange
	err := s.cfg.Records.Update(func(file *keystore.File) error {
		var old *providers.RegisterIdentity
		if file.Settings.Register != nil && file.Settings.Register.RegisterID != "" {
			c := *file.Settings.Register
			old = &c
		}
		id := ""
		if old != nil && !in.RegenerateID {
			id = old.RegisterID
		}
		if id == "" {
			id = uuid.NewString()
		}
		next := providers.RegisterIdentity{
			RegisterID:   id,
			RegisterName: in.RegisterName,
			BusinessName: in.BusinessName,
			VendorName:   in.VendorName,
		}
		out = RegisterChange{Identity: next}
		if old != nil && s.hasRegisterPairing(file) {
			out.Reasons = repairReasons(*old, next)
			out.NeedsRepair = IdentityChanged(*old, next)
		}
		file.Settings.Register = &next
		return nil
	})
	if err != nil {
		return RegisterChange{}, err
	}
	s.log.Info("register: saved", "register_id", out.Identity.RegisterID, "needs_repair", out.NeedsRepair)
	return out, nil
}

// EnsureRegisterID returns this register's identity, making its id (a
// version 4 UUID) the first time and keeping it after: the id a provider
// whose descriptor's RegisterSpec has a GeneratedID and no fields sends on
// every request (Linkly's posId). created says it was made now. The
// identity's other fields are left as they are.
func (s *Service) EnsureRegisterID() (id providers.RegisterIdentity, created bool, err error) {
	err = s.cfg.Records.Update(func(file *keystore.File) error {
		if file.Settings.Register != nil && file.Settings.Register.RegisterID != "" {
			id = *file.Settings.Register
			return nil
		}
		if file.Settings.Register != nil {
			id = *file.Settings.Register
		}
		id.RegisterID, created = uuid.NewString(), true
		next := id
		file.Settings.Register = &next
		return nil
	})
	if err != nil {
		return providers.RegisterIdentity{}, false, err
	}
	if created {
		s.log.Info("register: id made", "register_id", id.RegisterID)
	}
	return id, created, nil
}

// IdentityChanged reports that a SmartConnect pairing made with identity
// old no longer reaches a register sending next: SmartConnect routes by the
// register ID, business name and vendor name.
func IdentityChanged(old, next providers.RegisterIdentity) bool {
	return old.RegisterID != next.RegisterID || old.BusinessName != next.BusinessName ||
		old.VendorName != next.VendorName
}

// registerIdentity loads the identity Pair sends to a provider that
// knows registers by one (d.Register set).
func (s *Service) registerIdentity(d *providers.Descriptor) (*providers.RegisterIdentity, error) {
	id, ok, err := s.Register()
	if err != nil {
		return nil, err
	}
	if !ok {
		if !d.Register.Required {
			return nil, nil
		}
		return nil, &providers.Error{Provider: d.ID, Op: providers.OpPair, Kind: providers.KindConfig,
			Message: "Set up this register first: run `tillpair setup " + d.ID + "` (or open Setup in the app)"}
	}
	return &id, nil
}

// registerProvider is the provider the register identity is kept for: the
// first in the registry whose descriptor has a required one
// (SmartConnect's register triple).
func (s *Service) registerProvider() string {
	for _, d := range s.registry {
		if d.Register != nil && d.Register.Required {
			return d.ID
		}
	}
	return ""
}

func (s *Service) hasRegisterPairing(f *keystore.File) bool {
	for _, p := range f.Pairings {
		if d := s.describe(p.Provider); d.Register != nil && d.Register.Required {
			return true
		}
	}
	return false
}

// repairReasons explains which changes break existing SmartConnect
// pairings. SmartConnect matches register ID, business name and vendor name
// byte for byte on every request [reference §2.2]; the register name is
// display only.
func repairReasons(old, next providers.RegisterIdentity) []string {
	var out []string
	if old.RegisterID != next.RegisterID {
		out = append(out, "The register ID changed: pair the terminal again, because SmartConnect knows this register by its ID.")
	}
	if old.BusinessName != next.BusinessName {
		out = append(out, "The business name changed: pair the terminal again, because SmartConnect routes by it.")
	}
	if old.VendorName != next.VendorName {
		out = append(out, "The vendor name changed: pair the terminal again, because SmartConnect routes by it.")
	}
	if old.RegisterName != next.RegisterName {
		out = append(out, "The register name changed: the terminal shows the old name until you pair again (routing is not affected).")
	}
	return out
}

func normalizeRegisterField(provider, label, raw string) (string, error) {
	v := strings.TrimSpace(raw)
	bad := func(format string, a ...any) error {
		return &providers.Error{Provider: provider, Kind: providers.KindInvalidInput, Message: fmt.Sprintf(format, a...)}
	}
	if v == "" {
		return "", bad("The %s is required. Enter it and try again.", label)
	}
	if !utf8.ValidString(v) {
		return "", bad("The %s is not valid text. Type it again.", label)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return "", bad("The %s contains a control character (%U). Use letters, digits, spaces and punctuation only.", label, r)
		}
	}
	if n := utf8.RuneCountInString(v); n > MaxRegisterFieldRunes {
		return "", bad("The %s is %d characters long; the limit is %d. Shorten it.", label, n, MaxRegisterFieldRunes)
	}
	return v, nil
}

// Setting is a provider's stored non-secret setting, by the name of its
// descriptor's credential ("" when unset): the SmartConnect environment, a
// SumUp merchant code.
func (s *Service) Setting(name string) (string, error) {
	f, err := s.cfg.Records.Load()
	if err != nil {
		return "", err
	}
	return f.Settings.Value(name), nil
}

// SetSetting stores a provider's non-secret setting by credential name. A
// value the descriptor restricts (a setting that picks one of its
// environments) must be one of them. It takes effect the next time the
// runtime is built.
func (s *Service) SetSetting(provider, name, value string) error {
	value = strings.TrimSpace(value)
	if d, ok := s.Descriptor(provider); ok && envSetting(d) == name && value != "" {
		value = strings.ToLower(value)
		var names []string
		for _, e := range d.Environments {
			names = append(names, e.Name)
		}
		if !slices.Contains(names, value) {
			return &providers.Error{Provider: provider, Kind: providers.KindInvalidInput,
				Message: fmt.Sprintf("Unknown %s environment %q: use %s.", d.Short, value, strings.Join(names, " or "))}
		}
	}
	return s.cfg.Records.Update(func(f *keystore.File) error {
		f.Settings.SetValue(name, value)
		return nil
	})
}

// envSetting names d's setting that picks its environment (an optional,
// non-secret credential: SmartConnect's), "" when it has none.
func envSetting(d *providers.Descriptor) string {
	if len(d.Environments) < 2 {
		return ""
	}
	for _, c := range d.Credentials {
		if !c.Secret && c.Optional {
			return c.Name
		}
	}
	return ""
}

// SmartConnectEnvironment returns the stored environment of the provider
// that pairs by register identity ("" = never set, which means its first).
// Kept for callers that name it: Setting is the general form.
func (s *Service) SmartConnectEnvironment() (string, error) {
	d, ok := s.Descriptor(s.registerProvider())
	if !ok {
		return "", nil
	}
	return s.Setting(envSetting(d))
}

// SetSmartConnectEnvironment stores that provider's environment (see
// SetSetting).
func (s *Service) SetSmartConnectEnvironment(env string) error {
	id := s.registerProvider()
	d, ok := s.Descriptor(id)
	if !ok || envSetting(d) == "" {
		return &providers.Error{Provider: id, Kind: providers.KindInvalidInput, Message: "No provider here has environments to choose."}
	}
	return s.SetSetting(id, envSetting(d), env)
}
