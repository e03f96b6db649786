package pairing

import (
	"context"
	"fmt"
	"time"

	"github.com/tillpair/tillpair/providers"
)

// Cancel abandons a pairing that is being confirmed (or any pairing): it
// unpairs remotely, then deletes the secret and the record (SCIPAIRING07:
// no half-made pairing is left behind).
//
// If the remote unpair fails — network down, cloud error — the record and
// secret are kept (status unchanged) and the error is returned, so the
// pairing stays visible and the user can retry Cancel or Unpair later. The
// alternative, forgetting locally anyway, would silently leave a live
// pairing in the cloud that this register can no longer see or remove.
// A pairing the cloud no longer knows counts as cancelled.
func (s *Service) Cancel(ctx context.Context, pairingID string) error {
	rec, prov, err := s.lookup(pairingID)
	if err != nil {
		return err
	}
	if s.describe(rec.Provider).CanCancel || prov.Capabilities().RemoteUnpair {
		if err := s.remoteUnpair(ctx, prov, rec); err != nil {
			return err
		}
	}
	return s.removeLocal(rec, "cancel: pairing removed")
}

// Unpair removes a pairing remotely, then locally. A pairing the cloud no
// longer knows counts as unpaired. For providers that can only be unpaired
// on the terminal, the provider's KindUnpairOnTerminal error is returned and
// nothing is deleted (use Forget after unpairing on the terminal).
func (s *Service) Unpair(ctx context.Context, pairingID string) error {
	rec, prov, err := s.lookup(pairingID)
	if err != nil {
		return err
	}
	if !prov.Capabilities().RemoteUnpair {
		secret, err := s.loadSecret(rec)
		if err != nil {
			return err
		}
		err = prov.Unpair(ctx, rec, secret)
		if err == nil {
			err = &providers.Error{Provider: rec.Provider, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal,
				Message: "Unpair on the terminal, then forget the pairing here."}
		}
		return err
	}
	if err := s.remoteUnpair(ctx, prov, rec); err != nil {
		return err
	}
	return s.removeLocal(rec, "unpair: pairing removed")
}

// lookup finds a pairing's record and the provider that owns it.
func (s *Service) lookup(pairingID string) (providers.Pairing, providers.Provider, error) {
	rec, err := s.Find(pairingID)
	if err != nil {
		return rec, nil, err
	}
	prov, ok := s.Provider(rec.Provider)
	if !ok {
		return rec, nil, s.unknownProvider(rec.Provider)
	}
	return rec, prov, nil
}

func (s *Service) remoteUnpair(ctx context.Context, prov providers.Provider, rec providers.Pairing) error {
	secret, err := s.loadSecret(rec)
	if err != nil {
		return err
	}
	err = prov.Unpair(ctx, rec, secret)
	switch providers.KindOf(err) {
	case providers.KindUnknown:
		if err != nil {
			return err
		}
		s.log.Info("unpair: remote unpaired", "provider", rec.Provider, "pairing_id", rec.ID)
		return nil
	case providers.KindNotPaired, providers.KindNotFound:
		s.log.Info("unpair: already unpaired remotely", "provider", rec.Provider, "pairing_id", rec.ID)
		return nil
	default:
		s.log.Warn("unpair: remote unpair failed; pairing kept", "provider", rec.Provider, "pairing_id", rec.ID, "err", err)
		return err
	}
}

// Forget deletes a pairing locally only (secret and record). The cloud is
// not told: use it after unpairing on the terminal, or for providers
// without a remote unpair.
func (s *Service) Forget(ctx context.Context, pairingID string) error {
	rec, err := s.Find(pairingID)
	if err != nil {
		return err
	}
	return s.removeLocal(rec, "forget: pairing removed locally")
}

// Test checks one pairing live. Active → the record becomes active with a
// fresh CheckedAt. KindNotPaired on an active pairing → the record becomes
// unpaired (unpaired externally) and the error is returned; on a pairing
// still awaiting confirmation it only means "not confirmed yet", so the
// status stays. Other failures (network included) keep the status.
func (s *Service) Test(ctx context.Context, pairingID string) (providers.Pairing, error) {
	rec, err := s.Find(pairingID)
	if err != nil {
		return providers.Pairing{}, err
	}
	res := s.check(ctx, rec)
	return res.Pairing, res.Err
}

// check runs one live check and records its outcome.
func (s *Service) check(ctx context.Context, rec providers.Pairing) CheckResult {
	o := s.probe(ctx, rec)
	if o.edit == nil {
		return o.result(rec, nil)
	}
	updated, uerr := s.updateRecord(rec, o.edit)
	return o.result(updated, uerr)
}

// probed is what one live check found, before anything is recorded: the
// change it makes to the record (nil: none) and the check's own failure.
// Refresh records many in one write (recordAll); Test records one.
type probed struct {
	rec      providers.Pairing
	edit     func(*providers.Pairing)
	err      error
	duration time.Duration
	// unpaired: the cloud no longer knows an active pairing, so a failure
	// to record it must not hide the check's own error.
	unpaired bool
}

// result is the CheckResult once the edit was recorded as updated (or
// failed to be, uerr).
func (o probed) result(updated providers.Pairing, uerr error) CheckResult {
	res := CheckResult{Pairing: updated, Err: o.err, Duration: o.duration}
	switch {
	case uerr != nil && o.unpaired:
		res.Pairing = o.rec
		res.Err = fmt.Errorf("%w (and saving the unpaired status failed: %v)", o.err, uerr)
	case uerr != nil:
		res.Err = uerr
	}
	return res
}

// probe runs one live check and decides what it changes in the record.
func (s *Service) probe(ctx context.Context, rec providers.Pairing) probed {
	log := s.log.With("provider", rec.Provider, "pairing_id", rec.ID)
	prov, ok := s.Provider(rec.Provider)
	if !ok {
		return probed{rec: rec, err: s.unknownProvider(rec.Provider)}
	}
	secret, err := s.loadSecret(rec)
	if err != nil {
		return probed{rec: rec, err: err}
	}
	start := s.clock.Now()
	cr, err := prov.Check(ctx, s.checkTarget(rec), secret)
	st := cr.Status
	now := s.clock.Now()
	o := probed{rec: rec, duration: now.Sub(start)}
	switch {
	case err == nil && st == providers.StatusActive:
		log.Info("check: active")
		o.edit = func(p *providers.Pairing) {
			learn(p, cr)
			p.Status = providers.StatusActive
			p.CheckedAt = now
		}
	case err == nil:
		log.Info("check: not active", "status", st)
		if cr.Learned != nil {
			o.edit = func(p *providers.Pairing) { learn(p, cr) }
		}
	case providers.KindOf(err) == providers.KindNotPaired && rec.Status != providers.StatusAwaitingConfirmation:
		log.Info("check: unpaired externally")
		o.err, o.unpaired = err, true
		o.edit = func(p *providers.Pairing) {
			p.Status = providers.StatusUnpaired
			p.CheckedAt = now
		}
	default:
		log.Info("check: failed; status kept", "err", err)
		o.err = err
	}
	return o
}

// checkTarget is the pairing as the provider should check it. A provider
// that knows registers by an identity (SmartConnect) is checked with this
// register's current identity, not the one stored on the record: the
// register sends the current one on every request, so after the business
// name or register ID changed, a check with the old triple would report a
// pairing the register can no longer use.
func (s *Service) checkTarget(rec providers.Pairing) providers.Pairing {
	if s.describe(rec.Provider).Register == nil {
		return rec
	}
	id, ok, err := s.Register()
	if err != nil || !ok {
		return rec
	}
	rec.Register = &id
	return rec
}

// learn merges what a successful check found out into the stored record:
// the terminal's health, and the fields the check learned (Square's
// device id once its code is signed in, a SumUp reader's serial and
// model). Fields the check did not learn keep their stored values.
func learn(p *providers.Pairing, cr providers.CheckResult) {
	if cr.Health != (providers.Health{}) {
		h := cr.Health
		p.Health = &h
	}
	l := cr.Learned
	if l == nil {
		return
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&p.TID, l.TID}, {&p.TerminalNickname, l.TerminalNickname}, {&p.Serial, l.Serial}, {&p.Model, l.Model},
		{&p.KeyID, l.KeyID}, {&p.BaseURL, l.BaseURL}, {&p.ConfirmationCode, l.ConfirmationCode},
		{&p.PairingNickname, l.PairingNickname}, {&p.Location, l.Location},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	if !l.ExpiresAt.IsZero() {
		p.ExpiresAt = l.ExpiresAt
	}
	if l.Register != nil {
		reg := *l.Register
		p.Register = &reg
	}
}
