package pairing

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// errRecordGone stops a record update whose pairing was removed meanwhile
// (another instance unpaired it); nothing is written.
var errRecordGone = errors.New("pairing record no longer exists")

// secretItem names the keyring item holding a pairing's secret. Only SCI
// pairings have one (signing secret Part B); the others get a provider-scoped
// name so a future provider with a per-pairing secret cannot collide.
func secretItem(p providers.Pairing) string {
	if p.Provider == providers.SCI {
		return keystore.SCIPartB(p.ID)
	}
	return p.Provider + "/" + p.ID + "/secret"
}

// hasSecret reports whether the provider keeps a per-pairing secret. Only
// SCI does; the others must work without touching the keyring at all, since
// a SmartConnect-only installation may have no keyring to talk to.
func hasSecret(p providers.Pairing) bool { return p.Provider == providers.SCI }

// loadSecret returns the pairing's secret; a missing item is an empty secret
// (providers without per-pairing secrets), any other failure is returned.
func (s *Service) loadSecret(p providers.Pairing) (providers.Secret, error) {
	if !hasSecret(p) {
		return providers.Secret{}, nil
	}
	sec, err := s.cfg.Secrets.Get(secretItem(p))
	if err != nil {
		if keystore.IsNotFound(err) {
			return providers.Secret{}, nil
		}
		return providers.Secret{}, fmt.Errorf("reading the secret of pairing %s: %w", p.ID, err)
	}
	return sec, nil
}

func indexOf(f *keystore.File, provider, id string) int {
	return slices.IndexFunc(f.Pairings, func(p providers.Pairing) bool {
		return p.ID == id && p.Provider == provider
	})
}

// putRecord inserts or replaces a pairing record.
func (s *Service) putRecord(p providers.Pairing) error {
	return s.cfg.Records.Update(func(f *keystore.File) error {
		if i := indexOf(f, p.Provider, p.ID); i >= 0 {
			f.Pairings[i] = p
			return nil
		}
		f.Pairings = append(f.Pairings, p)
		return nil
	})
}

// updateRecord applies fn to the stored record of p and returns the result.
func (s *Service) updateRecord(p providers.Pairing, fn func(*providers.Pairing)) (providers.Pairing, error) {
	var out providers.Pairing
	err := s.cfg.Records.Update(func(f *keystore.File) error {
		i := indexOf(f, p.Provider, p.ID)
		if i < 0 {
			return errRecordGone
		}
		fn(&f.Pairings[i])
		f.Pairings[i].UpdatedAt = s.clock.Now()
		out = f.Pairings[i]
		return nil
	})
	if errors.Is(err, errRecordGone) {
		return p, notFound("Pairing %s was removed meanwhile (by another tillpair?). Run `tillpair status` to see the pairings.", p.ID)
	}
	return out, err
}

func (s *Service) deleteRecord(p providers.Pairing) error {
	return s.cfg.Records.Update(func(f *keystore.File) error {
		if i := indexOf(f, p.Provider, p.ID); i >= 0 {
			f.Pairings = slices.Delete(f.Pairings, i, i+1)
		}
		return nil
	})
}

// removeLocal deletes the secret, then the record. Secret first: if that
// fails the record is still there, so the user sees the pairing and can
// retry; the reverse order could leave an invisible secret in the keyring.
// logMsg is logged once both are gone, naming the operation that removed it.
func (s *Service) removeLocal(p providers.Pairing, logMsg string) error {
	if hasSecret(p) {
		if err := s.cfg.Secrets.Delete(secretItem(p)); err != nil {
			return fmt.Errorf("deleting the secret of pairing %s: %w", p.ID, err)
		}
	}
	if err := s.deleteRecord(p); err != nil {
		return fmt.Errorf("deleting the record of pairing %s: %w", p.ID, err)
	}
	s.log.Info(logMsg, "provider", p.Provider, "pairing_id", p.ID)
	return nil
}

func notFound(format string, a ...any) error {
	return &providers.Error{Kind: providers.KindNotFound, Message: fmt.Sprintf(format, a...)}
}
