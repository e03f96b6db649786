package screens

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/providers"
)

func TestEveryKindHasOwnWording(t *testing.T) {
	seen := map[string]providers.Kind{}
	for _, k := range providers.Kinds() {
		w := KindWording(k, nil)
		if w.Title == "" || w.Line == "" || w.Next == "" {
			t.Errorf("%v: incomplete wording %+v", k, w)
		}
		key := w.Title + "|" + w.Line + "|" + w.Next
		if prev, dup := seen[key]; dup {
			t.Errorf("%v and %v share wording %q", prev, k, key)
		}
		seen[key] = k
	}
}

func TestCertificationWording(t *testing.T) {
	nf := &providers.Error{Kind: providers.KindNotFound, HTTPStatus: 404, Code: "pairing_not_found", Message: "Pairing not found"}
	if got := Describe(fmt.Errorf("pair: %w", nf)).Line; got != "Pairing not found: Pairing not found" {
		t.Errorf("not found: %q", got)
	}
	for _, k := range []providers.Kind{providers.KindNetwork, providers.KindTimeout} {
		if got := Describe(&providers.Error{Kind: k}).Line; got != "Please check network and terminal connections and try again" {
			t.Errorf("%v: %q", k, got)
		}
	}
	w := Describe(&providers.Error{Kind: providers.KindNotPaired, HTTPStatus: 401})
	if w.Line != "No active pairings found" || !w.Forget {
		t.Errorf("not paired: %+v", w)
	}
}

type storeErr struct{}

func (storeErr) Error() string    { return "keyring locked: unlock it and retry" }
func (storeErr) StoreError() bool { return true }

func TestStoreErrorsHaveOwnLine(t *testing.T) {
	w := Describe(fmt.Errorf("save: %w", storeErr{}))
	if !strings.Contains(w.Line, "keyring") || !strings.Contains(w.Next, "unlock it") {
		t.Errorf("store error wording: %+v", w)
	}
	if w == Describe(&providers.Error{Kind: providers.KindUnknown}) {
		t.Error("store errors must not fall back to the generic wording")
	}
}

// A pair undone because it could not be stored used up its code: "try
// again" would re-send it and be refused, so the next step is a new code.
func TestRolledBackPairOffersNoRetry(t *testing.T) {
	for _, rb := range []*pairing.RollbackError{
		{Cause: fmt.Errorf("could not store the pairing's signing secret in the keyring: %w", storeErr{}), PairingID: "p1"},
		{Cause: fmt.Errorf("could not save the pairing record: %w", storeErr{}), PairingID: "p1",
			Remote: &providers.Error{Kind: providers.KindNetwork}},
	} {
		err := fmt.Errorf("pair: %w", rb)
		w := Describe(err)
		if w.Retry {
			t.Errorf("%v: wording offers Try again: %+v", rb, w)
		}
		if !strings.Contains(w.Next, "start pairing on the terminal again") || !strings.Contains(w.Next, "unlock it") {
			t.Errorf("%v: next step %q should name the cause and a new pairing on the terminal", rb, w.Next)
		}
		if rb.Remote != nil && !strings.Contains(w.Next, "unpair it on the terminal") {
			t.Errorf("remote undo failed but the next step does not say to unpair on the terminal: %q", w.Next)
		}
		s := NewError(testCommon(), err, PairMsg{Code: "123456"}, Unpaired, "")
		s.SetSize(80, 20)
		if v := s.View(); strings.Contains(v, "Try again") {
			t.Errorf("error screen offers Try again:\n%s", v)
		}
	}
	// A store failure outside a rolled-back pair may still be retried.
	if !Describe(fmt.Errorf("list: %w", storeErr{})).Retry {
		t.Error("a plain store error should still offer Try again")
	}
}

// Finding 10: a pairing whose own secret is missing here was refused on
// this register before anything was sent, so it is not worded as the
// cloud rejecting the credentials; a missing Part A (the client's local
// KindCredentials refusal) keeps the credentials wording and offers no
// Forget, since forgetting the pairing would not fix it.
func TestSecretMissingHasOwnWording(t *testing.T) {
	err := fmt.Errorf("check: %w", &pairing.SecretMissingError{Provider: providers.SCI, PairingID: "p1"})
	w := Describe(err)
	want := Wording{Title: "Signing secret missing", Line: "The signing secret for this pairing is missing on this register",
		Next: "Forget the pairing here, then pair the terminal again.", Forget: true}
	if w != want {
		t.Errorf("wording %+v; want %+v", w, want)
	}
	s := NewError(testCommon(), err, nil, Paired, "p1")
	s.SetSize(80, 20)
	if v := s.View(); !strings.Contains(v, "Signing secret missing") || !strings.Contains(v, "Forget pairing") ||
		strings.Contains(v, "rejected") {
		t.Errorf("error screen:\n%s", v)
	}
	partA := &providers.Error{Provider: providers.SCI, Op: providers.OpCheck, Kind: providers.KindCredentials,
		Message: "the SCI signing secret Part A is not configured"}
	if pa := Describe(partA); pa.Title == want.Title || pa.Forget {
		t.Errorf("a missing Part A is worded as a missing pairing secret: %+v", pa)
	}
}

func TestProviderWordingUsesCodeNotText(t *testing.T) {
	e := &providers.Error{Provider: providers.Helcim, Kind: providers.KindCredentials, Code: "forbidden", Message: "unauthorized"}
	if w := Describe(e); !strings.Contains(w.Line, "lacks permission") {
		t.Errorf("403 line = %q", w.Line)
	}
	e.Code = "unauthorized"
	if w := Describe(e); !strings.Contains(w.Line, "missing or invalid") {
		t.Errorf("401 line = %q", w.Line)
	}
	sci := &providers.Error{Provider: providers.SCI, Kind: providers.KindNotPaired}
	if w := Describe(sci); w.Line != TextNoActive {
		t.Errorf("SCI keeps its certified text, got %q", w.Line)
	}
}

var tillWord = regexp.MustCompile(`\btill\b`)

// design.md calls this POS "the register"; Helcim's forget said "till".
func TestRegisterIsTheWordEverywhere(t *testing.T) {
	for _, p := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		if w := ForgetWhere(p); strings.Contains(w, "till") {
			t.Errorf("%s: ForgetWhere %q", p, w)
		}
		ps := fivePairings(p)
		s := NewPaired(providerCommon(p), ps, ps[0].ID)
		s.SetSize(80, 0)
		if v := s.View(); tillWord.MatchString(v) {
			t.Errorf("%s paired screen says till:\n%s", p, v)
		}
	}
	for k := providers.Kind(0); k < 40; k++ {
		w := KindWording(k, nil)
		if tillWord.MatchString(w.Line + " " + w.Next) {
			t.Errorf("kind %v: %q / %q says till", k, w.Line, w.Next)
		}
	}
}

// An expired SCI code and a used one share a Kind; the title must not
// claim the one it cannot tell from the other.
func TestCodeUsedTitleCoversExpired(t *testing.T) {
	if w := KindWording(providers.KindCodeUsed, nil); !strings.Contains(w.Title, "expired") {
		t.Errorf("code used title %q does not cover an expired code", w.Title)
	}
}
