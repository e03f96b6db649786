package keystore

import (
	"fmt"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// Credential returns a credential from the environment variable envVar when
// it is set and non-empty, else from the keyring item. Surrounding
// whitespace is trimmed from the variable because keys pasted into a shell
// or read with $(cat file) often drag a newline, and no vendor credential
// has meaningful outer whitespace. A missing item stays KindNotFound, with a
// message naming both places the credential can come from.
func Credential(getenv func(string) string, s Secrets, envVar, item string) (providers.Secret, error) {
	if getenv != nil && envVar != "" {
		if v := strings.TrimSpace(getenv(envVar)); v != "" {
			return providers.NewSecret(v), nil
		}
	}
	var v providers.Secret
	err := error(&Error{Kind: KindNotFound, Op: "read credential", Item: item})
	if s != nil {
		v, err = s.Get(item)
	}
	if err == nil || !IsNotFound(err) {
		return v, err
	}
	e, _ := AsError(err)
	setup := "tillpair setup"
	if provider, _, ok := strings.Cut(item, "/"); ok {
		setup += " " + provider
	}
	missing := *e
	missing.Cause = fmt.Sprintf("it is not in the OS keyring and %s is not set; run `%s` or set %s",
		envVar, setup, envVar)
	return providers.Secret{}, &missing
}
