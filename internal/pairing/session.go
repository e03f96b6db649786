package pairing

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
)

// ValidateCode normalises a code typed for provider id (NormalizeCode with
// the provider's code spec), its error stamped with the provider so every
// front-end words it alike. This is the one place a code is checked: the
// front-ends call it to re-ask for a code, and Pair calls it again. A
// provider whose pairing model is providers.CodeFromPOS takes no code
// (the cloud makes one for the POS to show): "" and no error.
func (s *Service) ValidateCode(id, raw string) (string, error) {
	d, ok := s.Descriptor(id)
	if !ok {
		return "", s.unknownProvider(id)
	}
	if prov, ok := s.Provider(id); ok {
		// The client's own spec, where it has one: it is what it sends.
		if c := prov.Capabilities().Code; c != (providers.CodeSpec{}) {
			dc := *d
			dc.Code = c
			d = &dc
		}
	}
	return ValidateCode(d, raw)
}

// ValidateCode is the code check of provider d without a Service (a
// command line checking its flags before anything is opened): the same
// rules and words as Service.ValidateCode.
func ValidateCode(d *providers.Descriptor, raw string) (string, error) {
	if d.Model == providers.CodeFromPOS {
		return "", nil
	}
	code, err := NormalizeCode(d.Code, raw)
	if err != nil {
		return "", Stamp(err, d.ID, providers.OpPair)
	}
	return code, nil
}

// CancelUnconfirmed cancels a pairing that was never confirmed
// (SCIPAIRING07: nothing half-made is left behind), as every front-end
// does when the merchant cancels, the wait ends, or the program is
// interrupted or quit while a pairing awaits confirmation. It runs even
// when ctx is already done (that is often why it runs), bounded by
// CancelTimeout. A pairing no longer awaiting confirmation (confirmed
// meanwhile, or gone) is left alone: nil.
func (s *Service) CancelUnconfirmed(ctx context.Context, pairingID string) error {
	rec, err := s.Find(pairingID)
	if err != nil {
		if providers.KindOf(err) == providers.KindNotFound {
			return nil
		}
		return err
	}
	if rec.Status != providers.StatusAwaitingConfirmation {
		return nil
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CancelTimeout)
	defer cancel()
	return s.Cancel(cctx, rec.ID)
}

// EntryCheck is what entering a provider's screens (or starting a
// front-end on it) runs: its pairings, re-checked live only when the
// descriptor says a check disturbs nobody (SilentCheck: SCI's
// pairing-info, SCIPAIRING10); a check the terminal shows (a Helcim ping)
// or runs (a SmartConnect status transaction) is only sent when the user
// asks (Test). Pairings already unpaired are not re-checked. The results
// are this provider's pairings, oldest first, each with its check's
// outcome (Checked false, Err nil and Duration 0 when it was not checked).
func (s *Service) EntryCheck(ctx context.Context, id string) ([]CheckResult, error) {
	mine := func(p providers.Pairing) bool { return p.Provider == id }
	var checked []CheckResult
	if d, ok := s.Descriptor(id); ok && d.SilentCheck {
		var err error
		checked, err = s.RefreshWhere(ctx, func(p providers.Pairing) bool {
			return mine(p) && p.Status != providers.StatusUnpaired
		})
		if err != nil {
			return nil, err
		}
	}
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	out := make([]CheckResult, 0, len(all))
	for _, p := range all {
		if !mine(p) {
			continue
		}
		r := CheckResult{Pairing: p}
		if i := slices.IndexFunc(checked, func(c CheckResult) bool { return c.Pairing.ID == p.ID }); i >= 0 {
			r = checked[i]
			r.Checked = true
		}
		out = append(out, r)
	}
	return out, nil
}

// Session is one front-end's pairing session with one provider: pair →
// await confirmation → cancel if unconfirmed, the entry check, test,
// unpair and forget, each rule written once, here. It remembers the
// pairing it made (or resumed) that awaits confirmation, so a front-end
// that stops — Cancel, the end of the wait, Ctrl-C, quitting — calls
// Abandon and leaves nothing half-made. Safe for concurrent use.
type Session struct {
	svc  *Service
	desc *providers.Descriptor

	mu      sync.Mutex
	pending string // the pairing awaiting confirmation, "" if none
	// attempt names the pairing attempt in progress: kept across failed
	// Pairs (a retry after a lost answer must not mint a second code),
	// replaced after a successful one (the next Pair wants a new code).
	attempt string
}

// Session starts a session with provider id; ok is false when this
// runtime has no client for it.
func (s *Service) Session(id string) (*Session, bool) {
	if _, ok := s.Provider(id); !ok {
		return nil, false
	}
	return &Session{svc: s, desc: s.describe(id)}, true
}

// Descriptor describes the session's provider.
func (ss *Session) Descriptor() *providers.Descriptor { return ss.desc }

// ID is the session's provider id.
func (ss *Session) ID() string { return ss.desc.ID }

// TakesCode says whether the user types a code (false for
// providers.CodeFromPOS, where the POS shows the code the cloud made).
func (ss *Session) TakesCode() bool { return ss.desc.Model != providers.CodeFromPOS }

// ValidateCode is Service.ValidateCode for the session's provider.
func (ss *Session) ValidateCode(raw string) (string, error) {
	return ss.svc.ValidateCode(ss.desc.ID, raw)
}

// Pair pairs (in.Provider is the session's). A pairing that awaits
// confirmation becomes the session's pending one: for CodeFromTerminal
// its ConfirmationCode is what the terminal shows too; for CodeFromPOS it
// is the code to show the operator, valid until ExpiresAt.
func (ss *Session) Pair(ctx context.Context, in PairInput) (providers.Pairing, error) {
	in.Provider = ss.desc.ID
	if in.Attempt == "" {
		in.Attempt = ss.currentAttempt()
	}
	p, err := ss.svc.Pair(ctx, in)
	if err == nil {
		ss.endAttempt(in.Attempt)
	}
	if err == nil && p.Status == providers.StatusAwaitingConfirmation {
		ss.setPending(p.ID)
	}
	return p, err
}

// currentAttempt is the attempt in progress, started if there is none.
func (ss *Session) currentAttempt() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.attempt == "" {
		ss.attempt = uuid.NewString()
	}
	return ss.attempt
}

// endAttempt: the attempt made its pairing; the next Pair is a new one.
func (ss *Session) endAttempt(a string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.attempt == a {
		ss.attempt = ""
	}
}

// Resume adopts a pairing found awaiting confirmation (left by an earlier
// run) as the session's pending one.
func (ss *Session) Resume(p providers.Pairing) {
	if p.Provider == ss.desc.ID && p.Status == providers.StatusAwaitingConfirmation {
		ss.setPending(p.ID)
	}
}

// Pending is the pairing awaiting confirmation ("" if none).
func (ss *Session) Pending() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.pending
}

func (ss *Session) setPending(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.pending = id
}

// ConfirmWindow is how long Await waits.
func (ss *Session) ConfirmWindow() time.Duration { return ss.svc.ConfirmWindowOf(ss.desc.ID) }

// Await waits for the pending pairing's confirmation (see
// Service.AwaitConfirmation); once active it is no longer pending. With
// nothing pending it returns a KindNotFound error.
func (ss *Session) Await(ctx context.Context, notify func(Event)) (providers.Pairing, error) {
	id := ss.Pending()
	if id == "" {
		return providers.Pairing{}, notFound("No pairing is waiting for confirmation.")
	}
	p, err := ss.svc.AwaitConfirmation(ctx, id, notify)
	if err == nil {
		ss.clearPending(id)
	}
	return p, err
}

// Abandon cancels the pending pairing if it was not confirmed
// (Service.CancelUnconfirmed, bounded by CancelTimeout even when ctx is
// done). A failed cancel keeps it pending, so the front-end can retry.
func (ss *Session) Abandon(ctx context.Context) error {
	id := ss.Pending()
	if id == "" {
		return nil
	}
	if err := ss.svc.CancelUnconfirmed(ctx, id); err != nil {
		return err
	}
	ss.clearPending(id)
	return nil
}

func (ss *Session) clearPending(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.pending == id {
		ss.pending = ""
	}
}

// EntryCheck is Service.EntryCheck for the session's provider; a pairing
// found awaiting confirmation is resumed.
func (ss *Session) EntryCheck(ctx context.Context) ([]CheckResult, error) {
	res, err := ss.svc.EntryCheck(ctx, ss.desc.ID)
	for _, r := range res {
		ss.Resume(r.Pairing)
	}
	return res, err
}

// Pairings lists the provider's stored pairings, oldest first.
func (ss *Session) Pairings() ([]providers.Pairing, error) {
	all, err := ss.svc.List()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(p providers.Pairing) bool { return p.Provider != ss.desc.ID }), nil
}

// Test checks one pairing live (Service.Test).
func (ss *Session) Test(ctx context.Context, ref string) (providers.Pairing, error) {
	p, err := ss.svc.Test(ctx, ref)
	if err == nil && p.Status == providers.StatusActive {
		ss.clearPending(p.ID)
	}
	return p, err
}

// Unpair unpairs one pairing (Service.Unpair): remotely where the
// descriptor says RemoteUnpair, else a KindUnpairOnTerminal error and
// nothing is deleted (the front-end shows Steps.Unpair and offers Forget).
func (ss *Session) Unpair(ctx context.Context, ref string) error {
	return ss.remove(ctx, ref, ss.svc.Unpair)
}

// Forget removes one pairing here only (Service.Forget).
func (ss *Session) Forget(ctx context.Context, ref string) error {
	return ss.remove(ctx, ref, ss.svc.Forget)
}

// remove finds the pairing ref names and removes it with do; once gone it
// is no longer pending.
func (ss *Session) remove(ctx context.Context, ref string, do func(context.Context, string) error) error {
	p, err := ss.svc.Find(ref)
	if err != nil {
		return err
	}
	if err := do(ctx, p.ID); err != nil {
		return err
	}
	ss.clearPending(p.ID)
	return nil
}
