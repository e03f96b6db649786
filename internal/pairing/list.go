package pairing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/tillpair/tillpair/keystore"
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
	out := f.Pairings // Load decodes anew: ours to sort
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

// Refresh checks every pairing live, several at a time, and records the
// outcomes in one write of the records: active pairings the cloud no
// longer knows become unpaired (unpaired externally); pairings awaiting
// confirmation stay awaiting until confirmed; network failures never
// change a status. The error is only for failing to read the records;
// per-pairing failures (a failed write of the outcomes included) are in
// CheckResult.Err.
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
	found := make([]probed, len(all))
	sem := make(chan struct{}, maxConcurrentChecks)
	var wg sync.WaitGroup
	for i, p := range all {
		select {
		case sem <- struct{}{}:
			wg.Go(func() {
				defer func() { <-sem }()
				found[i] = s.probe(ctx, p)
			})
		case <-ctx.Done():
			found[i] = probed{rec: p, err: canceled(p, ctx.Err())}
		}
	}
	wg.Wait()
	return s.recordAll(found), nil
}

// recordAll records the checks' outcomes in one update of the records: a
// hundred checks were a hundred rewrites of the whole file.
func (s *Service) recordAll(found []probed) []CheckResult {
	out := make([]CheckResult, len(found))
	updated := make([]providers.Pairing, len(found))
	gone := make([]bool, len(found))
	edits := 0
	for i, o := range found {
		updated[i] = o.rec
		if o.edit != nil {
			edits++
		}
	}
	var uerr error
	if edits > 0 {
		uerr = s.cfg.Records.Update(func(f *keystore.File) error {
			now := s.clock.Now()
			for i, o := range found {
				if o.edit == nil {
					continue
				}
				j := indexOf(f, o.rec.Provider, o.rec.ID)
				if j < 0 {
					gone[i] = true
					continue
				}
				o.edit(&f.Pairings[j])
				f.Pairings[j].UpdatedAt = now
				updated[i] = f.Pairings[j]
			}
			return nil
		})
	}
	for i, o := range found {
		switch {
		case o.edit == nil:
			out[i] = o.result(o.rec, nil)
		case uerr != nil:
			out[i] = o.result(o.rec, uerr)
		case gone[i]:
			out[i] = o.result(o.rec, goneErr(o.rec))
		default:
			out[i] = o.result(updated[i], nil)
		}
	}
	return out
}
