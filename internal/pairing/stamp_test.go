package pairing

import (
	"errors"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

func TestStampNamesProviderOfLocalErrors(t *testing.T) {
	_, err := NormalizeCode(providers.CodeSpec{Digits: true, MinLen: 6, MaxLen: 6}, "12a4")
	if err == nil {
		t.Fatal("NormalizeCode accepted 12a4")
	}
	got := Stamp(err, providers.SCI, providers.OpPair)
	pe, ok := providers.AsError(got)
	if !ok || pe.Provider != providers.SCI || pe.Op != providers.OpPair || pe.Kind != providers.KindOf(err) {
		t.Fatalf("Stamp = %#v", got)
	}
	if strings.HasPrefix(got.Error(), ":") || !strings.HasPrefix(got.Error(), "sci pair: ") {
		t.Errorf("Stamp(...).Error() = %q", got.Error())
	}
	if orig, _ := providers.AsError(err); orig.Provider != "" {
		t.Error("Stamp changed the original error")
	}
	// An error that names its provider, or is not a provider error, is kept.
	own := &providers.Error{Provider: providers.Helcim, Op: providers.OpCheck, Kind: providers.KindNetwork}
	if Stamp(own, providers.SCI, providers.OpPair) != error(own) {
		t.Error("Stamp replaced an error that named its provider")
	}
	plain := errors.New("x")
	if Stamp(plain, providers.SCI, providers.OpPair) != plain {
		t.Error("Stamp replaced a plain error")
	}
}
