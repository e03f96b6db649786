package reliability

import (
	"context"
	"maps"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/linkly"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/smartconnect"
	"github.com/tillpair/tillpair/providers/square"
	"github.com/tillpair/tillpair/providers/sumup"
	"github.com/tillpair/tillpair/providers/transport"
)

// Canary credentials: unique strings that must never appear anywhere but
// the keyring (here: the vault) and the sandbox's own memory.
const (
	canaryAPIKey = "test_pak_CANARYk3yQ7vXw2Zr9"
	canaryPartA  = "CANARYpartA8Jm4Ns6Tb1Yc"
	canaryToken  = "CANARYhelc1mT0kenP5Lq2Wd"
	// canarySquareToken is the Square access token (square_access_token).
	canarySquareToken = "CANARYsquar3AccessT0kenR8Vn"
	// canarySumUp is the SumUp API key (sumup_api_key).
	canarySumUp = "sup_sk_CANARYsumupK3yR8tVw4Xq6Zm2Jn"
	// canaryLinklyPassword is a pair input: typed at every pairing, never
	// stored.
	canaryLinklyPassword = "CANARYl1nklyPw9Hs3Kd7Qf"
)

func canaryCredentials() sandbox.Credentials {
	return sandbox.Credentials{"sci_api_key": canaryAPIKey, "sci_signing_secret_part_a": canaryPartA, "helcim_api_token": canaryToken,
		"square_access_token": canarySquareToken,
		sumup.CredAPIKey:      canarySumUp,
		linkly.InputPassword:  canaryLinklyPassword}
}

// Per-request deadlines of the op clients. No cell may depend on how fast
// the machine is: a cell whose fault must end in KindTimeout gets
// timeoutCellDeadline, far below the fault's held answer (timeoutFaultDelay)
// and far above a loopback request's cost; every other cell gets
// opDeadline, far above the cost of any fault (a TLS handshake or a 2 MiB
// body under -race on a loaded 2-core machine), so it never times out. A
// 400 ms deadline for every cell raced those costs under load.
const (
	opDeadline          = 30 * time.Second
	timeoutCellDeadline = 2 * time.Second
	timeoutFaultDelay   = 40 * time.Second // the sandbox stops holding it when the client hangs up
)

// vault is an in-memory keystore.Secrets that can be switched off as if
// the Secret Service had gone away, and remembers every value it was given
// so the canary scan knows the Part B secrets the sandbox issued.
type vault struct {
	mu     sync.Mutex
	items  map[string]string
	issued []string
	down   bool
	// failSetsAfter, when > 0, makes the keyring vanish once that many
	// Sets have succeeded.
	failSetsAfter int
	sets          int
}

func newVault() *vault { return &vault{items: map[string]string{}} }

func (v *vault) noService(op, name string) error {
	return &keystore.Error{Kind: keystore.KindNoService, Op: op, Item: name, Service: "tillpair",
		Err: errString("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")}
}

type errString string

func (e errString) Error() string { return string(e) }

func (v *vault) Get(name string) (providers.Secret, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.down {
		return providers.Secret{}, v.noService("read secret", name)
	}
	s, ok := v.items[name]
	if !ok {
		return providers.Secret{}, &keystore.Error{Kind: keystore.KindNotFound, Op: "read secret", Item: name, Service: "tillpair"}
	}
	return providers.NewSecret(s), nil
}

func (v *vault) Set(name string, value providers.Secret) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.failSetsAfter > 0 && v.sets >= v.failSetsAfter {
		v.down = true
	}
	if v.down {
		return v.noService("store secret", name)
	}
	v.sets++
	v.items[name] = value.Reveal()
	v.issued = append(v.issued, value.Reveal())
	return nil
}

func (v *vault) Delete(name string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.down {
		return v.noService("delete secret", name)
	}
	delete(v.items, name)
	return nil
}

func (v *vault) setDown(down bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.down = down
}

func (v *vault) snapshot() map[string]string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.items)
}

func (v *vault) issuedSecrets() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.issued...)
}

// lapseClock is real time for timers, but every reading of Now moves it
// 3 s further. The SmartConnect cloud answers 429 to polls under 2 s apart
// on its clock (the vendor's rule); with this clock every poll is spaced
// well enough with no sleeps and no driver goroutine, while the sandbox's
// delay faults still take real time.
type lapseClock struct {
	clockwork.Clock
	mu     sync.Mutex
	offset time.Duration
}

func newLapseClock() *lapseClock { return &lapseClock{Clock: clockwork.NewRealClock()} }

func (c *lapseClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += 3 * time.Second
	return c.Clock.Now().Add(c.offset)
}

func (c *lapseClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c *lapseClock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }

// world is one provider's sandbox behind a front, a records file in a
// temporary config dir, a vault, and two pairing services on them: setup
// (always able to reach the cloud) and op (the client under test).
type world struct {
	t        *testing.T
	provider string
	sb       *sandbox.Sandbox
	front    *front
	term     string
	vault    *vault
	recs     *keystore.FileRecords
	setup    *pairing.Service
	op       *pairing.Service
	clients  []*http.Client
}

type worldOptions struct {
	tls bool
	// opTrusts: the op client trusts the front's test certificate (else it
	// uses transport.NewClient with the system roots, as tillpair does).
	opTrusts bool
	timeout  time.Duration
	dir      string // config dir ("" = a new temp dir)
}

func newWorld(t *testing.T, provider string, o worldOptions) *world {
	t.Helper()
	sbOpts := sandbox.Options{Seed: 99, Credentials: canaryCredentials(), PairingCodeTTL: time.Hour}
	if provider == providers.SmartConnect {
		sbOpts.Clock = newLapseClock()
		sbOpts.PairingCodeTTL = 10000 * time.Hour // the lapse clock runs fast
	}
	sb := clouds.New(sbOpts)
	fr := newFront(sb.Handler(), o.tls)
	w := &world{t: t, provider: provider, sb: sb, front: fr, vault: newVault()}
	t.Cleanup(func() {
		fr.Close()
		for _, c := range w.clients {
			c.CloseIdleConnections()
		}
		_ = sb.Close()
	})
	w.term = testkit.Terminal(t, sb, provider).ID
	dir := o.dir
	if dir == "" {
		dir = t.TempDir()
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.recs = recs
	if o.timeout == 0 {
		o.timeout = opDeadline
	}
	trusting := w.client(true)
	opClient := trusting
	if o.tls && !o.opTrusts {
		opClient = w.client(false)
	}
	if !o.tls {
		trusting = w.client(false)
		opClient = trusting
	}
	w.setup = w.service(w.newProvider(trusting, 5*time.Second))
	w.op = w.service(w.newProvider(opClient, o.timeout))
	if provider == linkly.ID {
		// The POS ID setup makes once (records shared by both services).
		if _, _, err := w.setup.EnsureRegisterID(); err != nil {
			t.Fatal(err)
		}
	}
	if provider == providers.SmartConnect {
		for _, s := range []*pairing.Service{w.setup} {
			if _, err := s.SaveRegister(pairing.RegisterInput{RegisterName: "Front till", BusinessName: "Canary Cafe", VendorName: "tillpair"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w
}

// client returns an http.Client with tillpair's redirect policy; trusting
// adds the front's test certificate to what it accepts.
func (w *world) client(trusting bool) *http.Client {
	c := transport.NewClient()
	if trusting && w.front.srv.TLS != nil {
		c.Transport = w.front.srv.Client().Transport.(*http.Transport).Clone()
	}
	w.clients = append(w.clients, c)
	return c
}

func (w *world) newProvider(c *http.Client, timeout time.Duration) providers.Provider {
	w.t.Helper()
	base := w.front.URL()
	var (
		p   providers.Provider
		err error
	)
	switch w.provider {
	case providers.SCI:
		p, err = sci.New(sci.Config{PairingURL: base + "/sci-pairing", APIKey: providers.NewSecret(canaryAPIKey),
			SigningSecretPartA: providers.NewSecret(canaryPartA), HTTPClient: c, Timeout: timeout})
	case providers.SmartConnect:
		p, err = smartconnect.New(smartconnect.Config{BaseURL: base + "/smartconnect/POS", Environment: smartconnect.EnvSandbox,
			HTTPClient: c, Timeout: timeout, PollInterval: time.Millisecond, CheckTimeout: 10 * time.Second})
	case providers.Helcim:
		p, err = helcim.New(helcim.Config{BaseURL: base + "/helcim/v2", APIToken: providers.NewSecret(canaryToken), HTTPClient: c, Timeout: timeout})
	case sumup.ID:
		p, err = sumup.New(sumup.Config{BaseURL: base + "/sumup", APIKey: providers.NewSecret(canarySumUp),
			MerchantCode: w.sb.Info().Credential(sumup.CredMerchant), HTTPClient: c, Timeout: timeout})
	case square.ID:
		p, err = square.New(square.Config{BaseURL: base + "/square", AccessToken: providers.NewSecret(canarySquareToken),
			LocationID: w.sb.Info().Credential(square.CredLocationID), HTTPClient: c, Timeout: timeout})
	case linkly.ID:
		p, err = linkly.New(linkly.Config{AuthURL: base + "/linkly-auth", POSURL: base + "/linkly-pos", HTTPClient: c, Timeout: timeout})
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) service(p providers.Provider) *pairing.Service {
	return pairing.New(pairing.Config{
		Providers: []providers.Provider{p}, Secrets: w.vault, Records: w.recs,
		PollInterval: 5 * time.Millisecond, PollMaxInterval: 20 * time.Millisecond, ConfirmWindow: 10 * time.Second,
	})
}

// inputs are the provider's pair inputs: Linkly's sandbox username and
// the canary password; nil for the others.
func (w *world) inputs() map[string]providers.Secret {
	if w.provider != linkly.ID {
		return nil
	}
	return map[string]providers.Secret{
		linkly.InputUsername: providers.NewSecret(w.sb.Info().Credential(linkly.InputUsername)),
		linkly.InputPassword: providers.NewSecret(canaryLinklyPassword),
	}
}

// code makes the terminal show a fresh pairing code; "" for Square,
// whose code comes from the POS (Pair asks the cloud for it).
func (w *world) code() string {
	w.t.Helper()
	if w.provider == square.ID {
		return ""
	}
	term, err := w.sb.StartPairing(w.term)
	if err != nil {
		w.t.Fatal(err)
	}
	if w.provider == providers.Helcim {
		return term.TID // a Helcim device's code is its TID
	}
	return term.PairingCode
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// paired makes an active pairing through the setup service.
func (w *world) paired(awaitOnly bool) providers.Pairing {
	w.t.Helper()
	ctx := ctxT(w.t)
	p, err := w.setup.Pair(ctx, pairing.PairInput{Provider: w.provider, Code: w.code(), Nickname: "Bar", Inputs: w.inputs()})
	if err != nil {
		w.t.Fatalf("setup pair: %v", err)
	}
	if p.Status != providers.StatusAwaitingConfirmation {
		return p // no confirmation step (SmartConnect, Helcim)
	}
	if w.provider == square.ID {
		// The operator signs in on the Terminal with the POS's code.
		if _, err := w.sb.SignIn(w.term, p.ConfirmationCode); err != nil {
			w.t.Fatal(err)
		}
	} else if _, err := w.sb.Confirm(w.term); err != nil {
		w.t.Fatal(err)
	}
	if awaitOnly {
		return p
	}
	p, err = w.setup.AwaitConfirmation(ctx, p.ID, nil)
	if err != nil {
		w.t.Fatalf("setup await: %v", err)
	}
	return p
}

// remote lists the pairings the sandbox terminal holds that are not
// unpaired, by id. Helcim keeps no pairing state in the cloud.
func (w *world) remote() map[string]string {
	w.t.Helper()
	term, err := w.sb.Terminal(w.term)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range term.Pairings {
		if p.Status != string(providers.StatusUnpaired) {
			out[p.PairingID] = p.Status
		}
	}
	return out
}

func (w *world) records() []providers.Pairing {
	w.t.Helper()
	f, err := w.recs.Load()
	if err != nil {
		w.t.Fatalf("records file unreadable: %v", err)
	}
	return f.Pairings
}

func (w *world) recordsBytes() []byte {
	w.t.Helper()
	b, err := os.ReadFile(w.recs.Path())
	if err != nil && !os.IsNotExist(err) {
		w.t.Fatal(err)
	}
	return b
}
