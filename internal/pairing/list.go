package pairing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/tillpair/tillpair/providers"
)

// ErrUnknownPairing is wrapped by Find's error when nothing matches, so
// callers can tell "you typed a wrong reference" from a provider's not-found.
var ErrUnknownPairing = errors.New("no such pairing")

// minShortID is the shortest id fragment Find accepts.
const minShortID = 4

// List returns the stored pairings, oldest first.
func (s *Service) List() ([]providers.Pairing, error) {
	f, err := s.cfg.Records.Load()
	if err != nil {
		return nil, err
	}
	out := slices.Clone(f.Pairings)
	slices.SortStableFunc(out, func(a, b providers.Pairing) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// Find resolves what a user typed to one pairing: the full pairing id, a
// unique fragment of it of at least 4 characters (a prefix or suffix of the
// id, or a prefix of the part after "pid_"-style prefixes), or the pairing
// nickname (case-insensitive). Several matches → KindInvalidInput listing
// them; none → KindNotFound wrapping ErrUnknownPairing.
func (s *Service) Find(ref string) (providers.Pairing, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return providers.Pairing{}, invalidInput("Name a pairing: its pairing id, the first characters of it, or its nickname. Run `tillpair status` to list them.")
	}
	all, err := s.List()
	if err != nil {
		return providers.Pairing{}, err
	}
	for _, p := range all {
		if p.ID == ref {
			return p, nil
		}
	}
	var matches []providers.Pairing
	lref := strings.ToLower(ref)
	for _, p := range all {
		if strings.EqualFold(p.PairingNickname, ref) || (len(ref) >= minShortID && idFragment(strings.ToLower(p.ID), lref)) {
			matches = append(matches, p)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		msg := fmt.Sprintf("No pairing matches %q. Run `tillpair status` to list the pairings.", ref)
		if len(ref) < minShortID {
			// Shorter fragments are never matched, so say so rather than
			// let staff think no id contains them.
			msg = fmt.Sprintf("No pairing is named %q, and part of a pairing id must be at least %d characters: type at least %d characters of the pairing id, or the pairing nickname. Run `tillpair status` to list the pairings.", ref, minShortID, minShortID)
		}
		return providers.Pairing{}, &providers.Error{Kind: providers.KindNotFound, Err: ErrUnknownPairing, Message: msg}
	}
	names := make([]string, len(matches))
	for i, p := range matches {
		names[i] = p.ID
		if p.PairingNickname != "" {
			names[i] += " (" + p.PairingNickname + ")"
		}
	}
	return providers.Pairing{}, invalidInput("%q matches %d pairings: %s. Type more of the pairing id.", ref, len(matches), strings.Join(names, ", "))
}

func idFragment(id, ref string) bool {
	if strings.HasPrefix(id, ref) || strings.HasSuffix(id, ref) {
		return true
	}
	if _, rest, ok := strings.Cut(id, "_"); ok && strings.HasPrefix(rest, ref) {
		return true
	}
	return false
}

// Refresh checks every pairing live, a few at a time, and records the
// outcomes: active pairings the cloud no longer knows become unpaired
// (unpaired externally); pairings awaiting confirmation stay awaiting until
// confirmed; network failures never change a status. The error is only for
// failing to read the records; per-pairing failures are in CheckResult.Err.
func (s *Service) Refresh(ctx context.Context) ([]CheckResult, error) {
	return s.RefreshWhere(ctx, nil)
}

// RefreshWhere is Refresh for the pairings keep accepts (nil: all), so a
// screen showing one provider checks only that provider's pairings: a
// Helcim check is a ping the device shows, and it is only sent when asked.
func (s *Service) RefreshWhere(ctx context.Context, keep func(providers.Pairing) bool) ([]CheckResult, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	if keep != nil {
		all = slices.DeleteFunc(all, func(p providers.Pairing) bool { return !keep(p) })
	}
	out := make([]CheckResult, len(all))
	sem := make(chan struct{}, maxConcurrentChecks)
	var wg sync.WaitGroup
	for i, p := range all {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
				out[i] = s.check(ctx, p)
			case <-ctx.Done():
				out[i] = CheckResult{Pairing: p, Err: canceled(p, ctx.Err())}
			}
		})
	}
	wg.Wait()
	return out, nil
}
