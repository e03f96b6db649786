package pairing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// Pair validates the input, completes the pairing with the provider, then
// stores the secret (keyring) and the record (records file), in that order.
//
// If either write fails after the provider accepted, the pairing is undone
// remotely (with its own deadline, even if ctx is cancelled) and whatever was
// stored is deleted: the app never holds a pairing it cannot sign for, and no
// half-made pairing is left in the cloud. The storage error is returned,
// wrapped so errors.As still finds the *keystore.Error.
func (s *Service) Pair(ctx context.Context, in PairInput) (providers.Pairing, error) {
	prov, ok := s.Provider(in.Provider)
	if !ok {
		return providers.Pairing{}, s.unknownProvider(in.Provider)
	}
	d := s.describe(prov.ID())
	code, err := s.ValidateCode(prov.ID(), in.Code)
	if err != nil {
		return providers.Pairing{}, err
	}
	nick, err := NormalizeNickname(in.Nickname)
	if err != nil {
		return providers.Pairing{}, Stamp(err, prov.ID(), providers.OpPair)
	}
	req := providers.PairRequest{Code: code, Nickname: nick, Inputs: in.Inputs, Attempt: in.Attempt}
	if d.Register != nil {
		if req.Register, err = s.registerIdentity(d); err != nil {
			return providers.Pairing{}, err
		}
	}
	log := s.log.With("provider", prov.ID())
	log.Debug("pair: sending code", "code_len", len(code), "nickname", nick)
	p, secret, err := prov.Pair(ctx, req)
	if err != nil {
		log.Info("pair: provider refused", "kind", providers.KindOf(err).String(), "err", err)
		return providers.Pairing{}, err
	}
	if p.Provider == "" {
		p.Provider = prov.ID()
	}
	if req.Register != nil && p.Register == nil {
		// Later checks must send the identity the pairing was made with.
		reg := *req.Register
		p.Register = &reg
	}
	now := s.clock.Now()
	p.CreatedAt, p.UpdatedAt = now, now
	p.Status = providers.StatusActive
	if prov.Capabilities().NeedsConfirmation {
		p.Status = providers.StatusAwaitingConfirmation
	}
	log = log.With("pairing_id", p.ID)
	log.Info("pair: provider accepted", "status", p.Status, "tid", p.TID)

	secretStored := false
	if !secret.IsZero() {
		if err := s.cfg.Secrets.Set(s.secretItem(p), secret); err != nil {
			log.Error("pair: storing the secret failed; rolling back", "err", err)
			return providers.Pairing{}, s.rollback(ctx, prov, p, secret, false,
				fmt.Errorf("could not store the pairing's signing secret in the keyring: %w", err))
		}
		secretStored = true
		log.Debug("pair: secret stored")
	}
	if err := s.putRecord(p); err != nil {
		log.Error("pair: storing the record failed; rolling back", "err", err)
		return providers.Pairing{}, s.rollback(ctx, prov, p, secret, secretStored,
			fmt.Errorf("could not save the pairing record: %w", err))
	}
	log.Info("pair: stored", "status", p.Status)
	return p, nil
}

// rollback undoes a pairing the provider accepted but tillpair could not
// store, and returns cause extended with what happened to the remote side.
func (s *Service) rollback(ctx context.Context, prov providers.Provider, p providers.Pairing, secret providers.Secret, secretStored bool, cause error) error {
	log := s.log.With("provider", p.Provider, "pairing_id", p.ID)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CancelTimeout)
	defer cancel()
	var remote error
	if prov.Capabilities().RemoteUnpair {
		remote = prov.Unpair(rctx, p, secret)
		if providers.KindOf(remote) == providers.KindNotPaired {
			remote = nil
		}
	}
	if secretStored {
		if err := s.cfg.Secrets.Delete(s.secretItem(p)); err != nil {
			log.Error("rollback: deleting the stored secret failed", "err", err)
		}
	}
	if remote != nil {
		log.Error("rollback: remote unpair failed", "err", remote)
		return &RollbackError{Cause: cause, Remote: remote, PairingID: p.ID}
	}
	log.Info("rollback: pairing undone")
	return &RollbackError{Cause: cause, PairingID: p.ID}
}

// RollbackError reports a pairing that was accepted by the provider but had
// to be undone because tillpair could not store it. Unwrap yields the
// storage error (so errors.As finds the *keystore.Error) and, if the remote
// undo failed too, that error.
type RollbackError struct {
	Cause     error // the storage failure
	Remote    error // nil if the pairing was undone remotely
	PairingID string
}

func (e *RollbackError) Error() string {
	if e.Remote == nil {
		// Store errors already end with their fix ("…, then pair again"):
		// the advice is added only when the cause gives none.
		cause := strings.TrimSuffix(e.Cause.Error(), ".")
		msg := cause + ". The pairing was undone, so nothing is left half-made."
		if !strings.Contains(strings.ToLower(cause), "again") {
			msg += " Fix the problem, then pair again."
		}
		return msg
	}
	return fmt.Sprintf("%v — and undoing pairing %s in the cloud failed too (%v); unpair it on the terminal, then pair again", e.Cause, e.PairingID, e.Remote)
}

func (e *RollbackError) Unwrap() []error {
	if e.Remote == nil {
		return []error{e.Cause}
	}
	return []error{e.Cause, e.Remote}
}

func (s *Service) unknownProvider(id string) error {
	if setup := s.cfg.Unconfigured[id]; setup != "" {
		return &providers.Error{Kind: providers.KindConfig, Provider: id, Op: providers.OpPair,
			Message: fmt.Sprintf("Provider %q is not configured here. %s", id, setup)}
	}
	ids := make([]string, 0, len(s.providers)+len(s.cfg.Unconfigured))
	for _, p := range s.providers {
		ids = append(ids, p.ID())
	}
	for u := range s.cfg.Unconfigured {
		if !slices.Contains(ids, u) {
			ids = append(ids, u)
		}
	}
	if len(ids) == 0 {
		setups := make([]string, 0, len(s.registry))
		for _, d := range s.registry {
			setups = append(setups, "`tillpair setup "+d.ID+"`")
		}
		return &providers.Error{Kind: providers.KindConfig, Message: "No provider is configured. Run " + orList(setups) + ", or set the provider's environment variables."}
	}
	// The registry's order (the lead provider first), then the others by
	// id; map order must not reach the message.
	order := s.registry.IDs()
	rank := func(id string) int {
		if i := slices.Index(order, id); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Or(rank(a)-rank(b), strings.Compare(a, b)) })
	return &providers.Error{Kind: providers.KindInvalidInput, Provider: id,
		Message: fmt.Sprintf("Unknown provider %q. Choose one of: %s.", id, strings.Join(ids, ", "))}
}

// orList joins "a", "b" and "c" as "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
