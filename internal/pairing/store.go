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

// secretItem names the keyring item holding a pairing's secret: the
// descriptor's PairingSecret (SCI's signing secret Part B); a provider
// without one gets a provider-scoped name, so a secret it hands out anyway
// cannot collide with another's.
func (s *Service) secretItem(p providers.Pairing) string {
	if item := s.describe(p.Provider).PairingSecret; item != "" {
		return fmt.Sprintf(item, p.ID)
	}
	return p.Provider + "/" + p.ID + "/secret"
}

// hasSecret reports whether the provider keeps a per-pairing secret (its
// descriptor names one). The others must work without touching the
// keyring at all, since a SmartConnect-only installation may have no
// keyring to talk to.
func (s *Service) hasSecret(p providers.Pairing) bool {
	return s.describe(p.Provider).PairingSecret != ""
}

// SecretMissingError: a pairing's own secret (SCI: its signing secret
// Part B) is not in this register's keyring, so nothing can be signed for
// it and nothing was sent. The cloud may still hold the pairing, but only
// forgetting it here and pairing again helps: the secret was issued once,
// at pairing. It is a distinct type so screens can say exactly that, not
// "the cloud rejected the credentials" (which is what an empty secret
// would turn into at the client); a missing Part A is a different problem
// and is still reported by the client.
//
// It unwraps to a KindConfig *providers.Error refused locally, so exit
// codes and CLI wording treat it as this register's own set-up problem.
type SecretMissingError struct {
	Provider  string
	PairingID string
}

func (e *SecretMissingError) message() string {
	return "The signing secret (Part B) of pairing " + e.PairingID + " is missing from this register's keyring, so nothing was sent. " +
		"Remove the pairing here with `tillpair unpair " + e.PairingID + " --forget`, then pair the terminal again."
}

func (e *SecretMissingError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the provider error the rest of tillpair switches on.
func (e *SecretMissingError) Unwrap() error {
	return &providers.Error{Provider: e.Provider, Kind: providers.KindConfig, Message: e.message()}
}

// loadSecret returns the pairing's secret. Providers
// without per-pairing secrets get an empty one; a pairing whose secret is
// not in the keyring gets a *SecretMissingError; any other keyring failure
// is returned as it is.
func (s *Service) loadSecret(p providers.Pairing) (providers.Secret, error) {
	if !s.hasSecret(p) {
		return providers.Secret{}, nil
	}
	sec, err := s.cfg.Secrets.Get(s.secretItem(p))
	if err != nil {
		if keystore.IsNotFound(err) {
			return providers.Secret{}, &SecretMissingError{Provider: p.Provider, PairingID: p.ID}
		}
		return providers.Secret{}, fmt.Errorf("reading the secret of pairing %s: %w", p.ID, err)
	}
	if sec.IsZero() {
		// An empty item is as unusable as a missing one.
		return providers.Secret{}, &SecretMissingError{Provider: p.Provider, PairingID: p.ID}
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
		return p, goneErr(p)
	}
	return out, err
}

// goneErr: the record of p was removed while it was being worked on.
func goneErr(p providers.Pairing) error {
	return notFound("Pairing %s was removed meanwhile (by another tillpair?). Run `tillpair status` to see the pairings.", p.ID)
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
	if s.hasSecret(p) {
		if err := s.cfg.Secrets.Delete(s.secretItem(p)); err != nil {
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
