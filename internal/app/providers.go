package app

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/registry"
)

// sources is what configured builders read credentials and settings from.
type sources struct {
	secrets  keystore.Secrets
	settings keystore.Settings
}

// descriptors lists the providers, the lead provider first: the registry.
func descriptors() providers.Registry { return registry.All() }

// missingCredentials: the provider is not (fully) configured.
type missingCredentials struct {
	provider string
	what     []string // human names of what is missing
	of       int      // how many credentials the provider needs
	// setup is the sentence saying how to configure the provider.
	setup string
	// client, when set, works without the credentials for listing and
	// forgetting pairings, and its Pair says what to set up.
	client providers.Provider
	badge  string
	// reason, when set, is why the credentials could not even be looked
	// up (no OS keyring), for the sandbox notice.
	reason string
}

func (m *missingCredentials) Error() string {
	verb := "is"
	if len(m.what) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s missing", strings.Join(m.what, " and "), verb)
}

// partial: some credentials are there, so saying which are missing helps.
func (m *missingCredentials) partial() bool { return len(m.what) < m.of }

type resolved struct {
	provider providers.Provider
	badge    string
	// setup is "" when configured, else how to configure it.
	setup string
}

// unconfigured is a provider that has no client in the runtime, with the
// sentence saying how to configure it.
type unconfigured struct {
	id, setup string
}

// resolveAll builds every provider that has credentials (found), those
// that can run unconfigured (extra), and names those that have no client at
// all (missing), each with how to configure it. reason explains, for the
// sandbox notice, why none was configured. A keyring that is unavailable
// (no Secret Service) only means the providers whose credentials live there
// are not configured: env-var credentials and a SmartConnect-only till need
// no keyring. Any other keyring failure is only fatal when nothing else is
// configured and the caller insists on ModeConfigured.
func resolveAll(opts Options, src sources) (found, extra []resolved, missing []unconfigured, reason string, err error) {
	var reasons []string
	var keyErr error
	for _, d := range descriptors() {
		p, badge, err := configured(d, opts, src)
		var miss *missingCredentials
		var ke *keystore.Error
		switch {
		case err == nil:
			found = append(found, resolved{provider: p, badge: badge})
		case errors.As(err, &miss):
			if miss.reason != "" {
				opts.Logger.Warn("app: keyring unavailable", "provider", d.ID)
				reasons = append(reasons, miss.reason)
			} else if miss.partial() {
				reasons = append(reasons, miss.provider+": "+miss.Error())
			}
			if miss.client != nil {
				extra = append(extra, resolved{provider: miss.client, badge: miss.badge, setup: miss.setup})
			} else if miss.setup != "" {
				missing = append(missing, unconfigured{id: d.ID, setup: miss.setup})
			}
		case errors.As(err, &ke):
			opts.Logger.Warn("app: keyring unusable", "provider", d.ID, "err", err)
			reasons = append(reasons, keyringReason(ke))
			missing = append(missing, unconfigured{id: d.ID, setup: capitalize(keyringReason(ke)) + ": " + ke.Fix() + "."})
			if keyErr == nil {
				keyErr = err
			}
		default:
			return nil, nil, nil, "", err
		}
	}
	if len(found) == 0 && keyErr != nil && opts.Mode == ModeConfigured && !opts.AllowUnconfigured {
		return nil, nil, nil, "", keyErr
	}
	return found, extra, missing, strings.Join(dedupe(reasons), "; "), nil
}

// keyringUnavailable: there is no OS keyring to ask at all, so a credential
// kept there is simply not configured on this machine.
func keyringUnavailable(err error) bool {
	ke, ok := keystore.AsError(err)
	return ok && (ke.Kind == keystore.KindNoService || ke.Kind == keystore.KindUnsupported)
}

// noKeyringSetup is the NeedsSetup sentence of a provider whose credentials
// could not be looked up because there is no OS keyring.
func noKeyringSetup(what, envVars string) string {
	return "No OS keyring is available to hold " + what + ": set " + envVars +
		", or run tillpair where a keyring is available (a desktop session with gnome-keyring or KeePassXC, or on a server scripts/with-keyring.sh)."
}

func keyringReason(ke *keystore.Error) string {
	switch ke.Kind {
	case keystore.KindNoService, keystore.KindUnsupported:
		return "no OS keyring (Secret Service) is available"
	case keystore.KindLocked:
		return "the OS keyring is locked"
	case keystore.KindDenied:
		return "the OS keyring denied access"
	case keystore.KindTimeout:
		return "the OS keyring did not answer (an unlock prompt nobody answered?)"
	}
	return "the OS keyring could not be read"
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

const recordsUnreadable = "the records file could not be read"

// noticeFor turns resolveAll's reason into the one short line the UI shows
// when it falls back to the sandbox. Sandbox mode is the expected start, so
// a keyring with nothing to give (none, locked, denied, unreadable) is not
// the newcomer's problem and the line says neutrally that nothing is
// configured; the keyring's state is in the --debug log (Build logs the
// reason) and `tillpair setup` reports it with its fix. An unreadable
// records file, or credentials only partly set, are named.
func noticeFor(reason string) string {
	if strings.Contains(reason, recordsUnreadable) {
		return "Sandbox mode: no provider is configured (" + recordsUnreadable + ")."
	}
	for _, r := range strings.Split(reason, "; ") {
		if r != "" && !isKeyringReason(r) {
			return "Sandbox mode: no provider is fully configured; see `tillpair setup --help`."
		}
	}
	return "Sandbox mode: no provider is configured yet; see `tillpair setup --help`."
}

// isKeyringReason reports a reason keyringReason wrote.
func isKeyringReason(r string) bool {
	for _, k := range []keystore.ErrorKind{keystore.KindNoService, keystore.KindLocked, keystore.KindDenied, keystore.KindTimeout, keystore.KindUnknown} {
		if r == keyringReason(&keystore.Error{Kind: k}) {
			return true
		}
	}
	return false
}

// setupHint names every way to configure a provider: its setup command,
// or the environment variables of its secrets.
func setupHint() string {
	var setups, envs []string
	for _, d := range descriptors() {
		setups = append(setups, "`tillpair setup "+d.ID+"`")
		if e := secretEnvs(d); len(e) > 0 {
			envs = append(envs, strings.Join(e, " and "))
		}
	}
	return "run " + orList(setups) + " (or set " + orList(envs) + ")"
}

// secretEnvs are the environment variables of a provider's required
// credentials (secrets and settings).
func secretEnvs(d *providers.Descriptor) []string {
	var out []string
	for _, c := range d.Credentials {
		if !c.Optional {
			out = append(out, c.Env())
		}
	}
	return out
}

// lowerFirst starts a label in lower case inside a sentence ("the
// Merchant code" → "the merchant code"), but keeps an acronym ("SCI").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func notConfigured(reason string) error {
	msg := "No provider is configured: " + setupHint() + "."
	if reason != "" {
		msg = "No provider is configured (" + reason + "): " + setupHint() + "."
	}
	return &providers.Error{Kind: providers.KindConfig, Message: msg, Err: ErrNotConfigured}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func keystoreErr(err error) *keystore.Error {
	ke, _ := keystore.AsError(err)
	return ke
}

// configured builds provider d's client from the environment, the OS
// keyring and the records file's settings, as its descriptor says:
// each credential from its environment variable, else its keyring item
// (secrets) or the stored setting; each endpoint from its environment
// variable, else the environment's default.
//
// A provider missing a required credential, or the register identity it
// requires, is not configured: a *missingCredentials saying what to set up.
// Its client is still built and offered (to list and forget its pairings,
// and so that its Pair says what to set up), unless the provider hands out
// per-pairing secrets (SCI): those are signed with the very credentials
// that are missing, so such a client could do nothing.
func configured(d *providers.Descriptor, opts Options, src sources) (providers.Provider, string, error) {
	cfg := providers.Config{URLs: map[string]string{}, Credentials: map[string]providers.Secret{},
		HTTPClient: httpClient(opts), Clock: opts.Clock, Timeout: opts.RequestTimeout}
	for _, e := range d.Endpoints {
		if v := strings.TrimSpace(opts.Getenv(e.Env())); v != "" {
			cfg.URLs[e.Name] = v
		}
	}
	miss := &missingCredentials{provider: d.Short}
	var from []string // where the settings came from, for a refusal
	for _, c := range d.Credentials {
		if !c.Optional {
			miss.of++
		}
		if !c.Secret {
			v, where := strings.TrimSpace(opts.Getenv(c.Env())), c.Env()
			if v == "" {
				v, where = src.settings.Value(c.Name), "the stored "+lowerFirst(c.Label)+" (`tillpair setup "+d.ID+"`)"
			}
			switch {
			case v != "":
				cfg.Credentials[c.Name] = providers.NewSecret(v)
				from = append(from, where)
			case !c.Optional:
				miss.what = append(miss.what, "the "+lowerFirst(c.Label))
			}
			continue
		}
		v, err := keystore.Credential(opts.Getenv, src.secrets, c.Env(), c.Item)
		switch {
		case err == nil:
			cfg.Credentials[c.Name] = v
		case keystore.IsNotFound(err) && c.Optional:
		case keystore.IsNotFound(err):
			miss.what = append(miss.what, "the "+lowerFirst(c.Label))
		case keyringUnavailable(err):
			if !c.Optional {
				miss.what = append(miss.what, "the "+lowerFirst(c.Label))
				miss.reason = keyringReason(keystoreErr(err))
			}
		default:
			return nil, "", fmt.Errorf("reading the %s credentials: %w", d.Short, err)
		}
	}
	env, named := environmentOf(d, cfg)
	if named {
		cfg.Environment = env.Name
	}
	badge := env.Badge
	if d.Badge != nil {
		badge = d.Badge(cfg)
	}
	client, err := d.New(cfg)
	if err != nil {
		if pe, ok := providers.AsError(err); ok && len(from) > 0 && pe.Kind == providers.KindConfig {
			c := *pe
			c.Message = strings.TrimSuffix(pe.Message, ".") + " (set by " + strings.Join(from, " and ") + ")."
			return nil, "", &c
		}
		return nil, "", err
	}
	switch {
	case len(miss.what) > 0:
		envs := secretEnvs(d)
		miss.setup = capitalize(miss.Error()) + ": run `tillpair setup " + d.ID + "`"
		if len(envs) > 0 {
			miss.setup += ", or set " + strings.Join(envs, " and ")
		}
		miss.setup += "."
		if miss.reason != "" {
			miss.setup = noKeyringSetup("the "+d.Short+" credentials", strings.Join(envs, " and "))
		}
	case needsRegisterID(d) && (src.settings.Register == nil || src.settings.Register.RegisterID == ""):
		miss.what, miss.of = []string{"the register identity"}, 1
		miss.setup = "Set up this register first: run `tillpair setup " + d.ID + "` (or open Setup in the app)."
	default:
		return client, badge, nil
	}
	if d.PairingSecret == "" {
		miss.client, miss.badge = client, badge
	}
	return nil, "", miss
}

// needsRegisterID: provider d cannot work before setup has made this
// register's identity, because it requires one (SmartConnect's names) or
// sends its generated id on every request (Linkly's posId). Such a
// provider is not configured until then, whatever else it has.
func needsRegisterID(d *providers.Descriptor) bool {
	return d.Register != nil && (d.Register.Required || d.Register.GeneratedID != "")
}

// environmentOf is the environment d runs in: the one a setting names
// (SmartConnect's dev or production; named true), else its first, the
// default, and the client decides (it refuses a setting it does not know).
func environmentOf(d *providers.Descriptor, cfg providers.Config) (providers.Environment, bool) {
	if len(d.Environments) == 0 {
		return providers.Environment{}, false
	}
	for _, c := range d.Credentials {
		if c.Secret {
			continue
		}
		v := cfg.Credentials[c.Name].Reveal()
		for _, e := range d.Environments {
			if strings.EqualFold(v, e.Name) {
				return e, true
			}
		}
	}
	return d.Environments[0], false
}

// sandboxed builds provider d's client against the sandbox: its endpoints
// and credentials by the names the sandbox's Info uses. It gets the
// sandbox's clock: SCI signatures carry a created time, and SmartConnect
// polls are rate limited, both on the sandbox's own clock.
func sandboxed(d *providers.Descriptor, opts Options, info sandbox.Info, clock clockwork.Clock) (providers.Provider, error) {
	cfg := providers.Config{Environment: "sandbox", URLs: map[string]string{}, Credentials: map[string]providers.Secret{},
		HTTPClient: httpClient(opts), Clock: clock, Timeout: opts.RequestTimeout, NewID: seededIDs(opts.Sandbox.Seed, d.ID)}
	for _, e := range d.Endpoints {
		cfg.URLs[e.Name] = info.URL(e.Name)
	}
	for _, c := range d.Credentials {
		if v := info.Credential(c.Name); v != "" {
			cfg.Credentials[c.Name] = providers.NewSecret(v)
		}
	}
	return d.New(cfg)
}
