package keystore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

func TestMemorySecrets(t *testing.T) {
	m := NewMemorySecrets()
	_, err := m.Get(SCIAPIKey)
	wantKind(t, err, KindNotFound)
	if !IsNotFound(err) {
		t.Error("IsNotFound = false for a missing item")
	}
	if err := m.Set(SCIAPIKey, providers.NewSecret("a")); err != nil {
		t.Fatal(err)
	}
	assertSecret(t, m, SCIAPIKey, "a")
	if err := m.Set(SCIAPIKey, providers.NewSecret("b")); err != nil {
		t.Fatal(err)
	}
	assertSecret(t, m, SCIAPIKey, "b")
	if err := m.Delete(SCIAPIKey); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(SCIAPIKey); err != nil {
		t.Fatalf("deleting a missing item: %v", err)
	}
	_, err = m.Get(SCIAPIKey)
	wantKind(t, err, KindNotFound)

	wantKind(t, m.Set(SCIAPIKey, providers.NewSecret(strings.Repeat("x", MaxSecretBytes+1))), KindTooBig)
	wantKind(t, m.Set(SCIAPIKey, providers.Secret{}), KindInvalid)
	wantKind(t, m.Set("", providers.NewSecret("x")), KindInvalid)
}

func TestMemorySecretsConcurrent(t *testing.T) {
	m := NewMemorySecrets()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				name := SCIPartB(fmt.Sprintf("p%d-%d", g, i))
				if err := m.Set(name, providers.NewSecret(name)); err != nil {
					t.Error(err)
					return
				}
				if v, err := m.Get(name); err != nil || v.Reveal() != name {
					t.Errorf("Get %s: %v", name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if _, err := m.Get(SCIPartB("p7-49")); err != nil {
		t.Fatal(err)
	}
}

func TestMemoryRecords(t *testing.T) {
	m := NewMemoryRecords()
	if m.Path() != "" {
		t.Errorf("Path() = %q, want empty", m.Path())
	}
	f, err := m.Load()
	if err != nil || f.Version != FileVersion || len(f.Pairings) != 0 {
		t.Fatalf("empty Load = %+v, %v", f, err)
	}
	if err := m.Update(appendPairing("one")); err != nil {
		t.Fatal(err)
	}
	f, err = m.Load()
	if err != nil || len(f.Pairings) != 1 || f.Pairings[0].ID != "one" {
		t.Fatalf("Load after Update = %+v, %v", f, err)
	}
	// Callers get copies: changing what Load returned changes nothing stored.
	f.Pairings[0].ID = "mutated"
	if again, _ := m.Load(); again.Pairings[0].ID != "one" {
		t.Fatal("Load shares memory with the store")
	}
	boom := errors.New("boom")
	if err := m.Update(func(f *File) error { f.Pairings = nil; return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if again, _ := m.Load(); len(again.Pairings) != 1 {
		t.Fatal("a failed Update changed the records")
	}
	err = m.Update(func(f *File) error {
		f.Pairings[0].PairingNickname = providers.NewSecret("s").String()
		return nil
	})
	wantKind(t, err, KindInvalid)
}

func TestMemoryRecordsConcurrent(t *testing.T) {
	const n = 50
	m := NewMemoryRecords()
	prefixes := []string{"a", "b", "c", "d"}
	var wg sync.WaitGroup
	for _, prefix := range prefixes {
		wg.Go(func() {
			for i := range n {
				if err := m.Update(appendPairing(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
					t.Error(err)
					return
				}
				if _, err := m.Load(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	assertAllAppended(t, m, prefixes, n)
}

// Provider settings by credential name: SmartConnect's environment keeps
// its old field (older versions read it), the others share one map.
func TestSettingsValues(t *testing.T) {
	var s Settings
	s.SetValue("smartconnect_env", "production")
	s.SetValue("sumup_merchant_code", "MK10CL2A")
	if s.SmartConnectEnv != "production" || s.Values["sumup_merchant_code"] != "MK10CL2A" {
		t.Fatalf("settings %+v", s)
	}
	if s.Value("smartconnect_env") != "production" || s.Value("sumup_merchant_code") != "MK10CL2A" || s.Value("nope") != "" {
		t.Errorf("Value: %+v", s)
	}
	s.SetValue("sumup_merchant_code", "")
	if _, ok := s.Values["sumup_merchant_code"]; ok {
		t.Error("an empty value was kept")
	}
}
