package screens

import (
	"fmt"
	"strings"
	"testing"

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
