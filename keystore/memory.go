package keystore

import (
	"encoding/json"
	"sync"

	"github.com/tillpair/tillpair/providers"
)

// MemorySecrets is Secrets in process memory, for sandbox mode and tests.
// It applies the same limits as Keyring so code tested against it behaves
// the same with the real keyring.
type MemorySecrets struct {
	mu    sync.Mutex
	items map[string]providers.Secret
}

var _ Secrets = (*MemorySecrets)(nil)

func NewMemorySecrets() *MemorySecrets {
	return &MemorySecrets{items: map[string]providers.Secret{}}
}

func (m *MemorySecrets) Get(name string) (providers.Secret, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[name]
	if !ok {
		return providers.Secret{}, &Error{Kind: KindNotFound, Op: "read secret", Item: name, Service: "memory"}
	}
	return v, nil
}

func (m *MemorySecrets) Set(name string, value providers.Secret) error {
	switch {
	case name == "":
		return &Error{Kind: KindInvalid, Op: "store secret", Service: "memory", Cause: "no item name given (a tillpair bug)"}
	case value.IsZero():
		return &Error{Kind: KindInvalid, Op: "store secret", Item: name, Service: "memory", Cause: "the value is empty"}
	case value.Len() > MaxSecretBytes:
		return &Error{Kind: KindTooBig, Op: "store secret", Item: name, Service: "memory"}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[name] = value
	return nil
}

func (m *MemorySecrets) Delete(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, name)
	return nil
}

// MemoryRecords is Records in process memory, for sandbox mode and tests.
type MemoryRecords struct {
	mu sync.Mutex
	// data holds the encoded file, so callers never share slices or
	// pointers with the store and every round trip goes through the same
	// encoding (and secret check) as the file store.
	data []byte
}

var _ Records = (*MemoryRecords)(nil)

func NewMemoryRecords() *MemoryRecords { return &MemoryRecords{} }

func (m *MemoryRecords) Path() string { return "" }

func (m *MemoryRecords) Load() (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.load()
}

func (m *MemoryRecords) load() (File, error) {
	if m.data == nil {
		return File{Version: FileVersion, Pairings: []providers.Pairing{}}, nil
	}
	var f File
	if err := json.Unmarshal(m.data, &f); err != nil {
		return File{}, &Error{Kind: KindCorrupt, Op: "read in-memory records", Err: err}
	}
	return f, nil
}

func (m *MemoryRecords) Update(fn func(*File) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, err := apply(m.load, fn)
	if err != nil {
		return err
	}
	m.data = data
	return nil
}
