package pairing

import (
	"context"
	"fmt"
	"sync"

	"github.com/tillpair/tillpair/providers"
)

// fakeProvider is a scripted in-memory provider for logic tests that need
// exact control of each answer; the sandbox tests cover the real wire.
type fakeProvider struct {
	caps providers.Capabilities

	mu        sync.Mutex
	n         int
	checks    []checkAnswer // consumed in order; the last one repeats
	unpairErr error
	unpaired  []string
	secrets   map[string]string // pairing id -> secret handed out
}

type checkAnswer struct {
	st  providers.Status
	err error
}

func newFake() *fakeProvider {
	return &fakeProvider{
		caps: providers.Capabilities{NeedsConfirmation: true, RemoteUnpair: true, CanTest: true,
			Code: providers.CodeSpec{Label: "Pairing Code", Digits: true, MinLen: 6, MaxLen: 6}},
		secrets: map[string]string{},
	}
}

func (f *fakeProvider) ID() string                           { return providers.SCI }
func (f *fakeProvider) Capabilities() providers.Capabilities { return f.caps }

func (f *fakeProvider) Pair(_ context.Context, req providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if req.Code == "000000" {
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: "sci", Op: "pair", HTTPStatus: 404, Code: "pairing_not_found", Message: "Pairing not found", Kind: providers.KindNotFound}
	}
	f.n++
	id := fmt.Sprintf("pid_%04d-%s", f.n, req.Code)
	f.secrets[id] = "partb-" + id
	return providers.Pairing{ID: id, PairingNickname: req.Nickname, TID: "12345678", ConfirmationCode: "1234"},
		providers.NewSecret(f.secrets[id]), nil
}

func (f *fakeProvider) Check(_ context.Context, p providers.Pairing, s providers.Secret) (providers.CheckResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.Reveal() != f.secrets[p.ID] {
		return providers.CheckResult{Status: providers.StatusUnknown}, &providers.Error{Kind: providers.KindSignature, Message: "wrong secret"}
	}
	if len(f.checks) == 0 {
		return providers.CheckResult{Status: providers.StatusActive}, nil
	}
	a := f.checks[0]
	if len(f.checks) > 1 {
		f.checks = f.checks[1:]
	}
	return providers.CheckResult{Status: a.st}, a.err
}

func (f *fakeProvider) Unpair(_ context.Context, p providers.Pairing, _ providers.Secret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unpairErr != nil {
		return f.unpairErr
	}
	f.unpaired = append(f.unpaired, p.ID)
	return nil
}

func (f *fakeProvider) script(a ...checkAnswer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checks = a
}

func (f *fakeProvider) unpairedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.unpaired...)
}

var (
	notPaired = checkAnswer{st: providers.StatusUnknown, err: &providers.Error{Provider: "sci", Op: "check", HTTPStatus: 401, Code: "no_active_pairings_found", Kind: providers.KindNotPaired}}
	netDown   = checkAnswer{st: providers.StatusUnknown, err: &providers.Error{Provider: "sci", Op: "check", Kind: providers.KindNetwork, Retryable: true}}
	active    = checkAnswer{st: providers.StatusActive}
)
