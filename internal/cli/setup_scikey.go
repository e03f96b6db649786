package cli

import (
	"fmt"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// looksLikeSCIKey: SCI Pairing API keys seen in use start with the
// environment they pair in (reference §1.2: test_pak_…== / live_pak_…==,
// [OBS]; mx51's own example is only "pak_xxx=="). A value without either
// prefix is most often the signing secret Part A pasted in the key's place.
func looksLikeSCIKey(s providers.Secret) bool {
	v := s.Reveal()
	for _, p := range [...]string{"test_", "live_"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// warnSCIKey warns on stderr about a key that does not look like an SCI
// Pairing API key. It is only a warning (the prefix is observed, not
// documented), and it never quotes any part of either value. what names
// where the key came from: "the API key" or the environment variable.
//
// There is nothing to compare the prefix with: SCI has one pairing host
// for test and live, and the key alone decides the environment (reference
// §1.1). A test key meeting a live terminal is refused at pairing time
// (test_api_key_forbidden_for_live_pairing), and that message says so.
func warnSCIKey(e *env, key, partA providers.Secret, what string) {
	if looksLikeSCIKey(key) {
		return
	}
	if looksLikeSCIKey(partA) {
		fmt.Fprintf(e.stderr, "Warning: %s does not look like an SCI API key, but the signing secret Part A does (SCI API keys start with test_ or live_): the two look swapped. Run `tillpair setup sci` again with the API key first.\n", what)
		return
	}
	fmt.Fprintf(e.stderr, "Warning: %s does not look like an SCI API key (they start with test_ or live_): check you pasted the Pairing API key, not the signing secret Part A. If it is right, pairing will work; otherwise run `tillpair setup sci` again.\n", what)
}
