package sandbox

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tillpair/tillpair/providers"
)

// SmartConnect fault and request-count routes.
const (
	RouteSmartConnectPairing     = "pairing"     // PUT /Pairing/{code}
	RouteSmartConnectTransaction = "transaction" // POST /Transaction
	RouteSmartConnectPoll        = "poll"        // GET /Transaction/{id}
)

// SmartConnect wire constants (reference §2.2–§2.5).
const (
	scCodeDigits      = 8 // the 8-digit codes seen on real terminals [OBS T13]
	scFormType        = "application/x-www-form-urlencoded"
	scTokenLifetime   = 15 * time.Minute
	scMinPollInterval = 2 * time.Second
	scGetStatus       = "Terminal.GetStatus"
	scPending         = "PENDING"
	scCompleted       = "COMPLETED"

	scMsgInvalidCode   = "Invalid pairing code"
	scMsgNotPaired     = "This register is not paired to a device"
	scMsgUnsupported   = "Unsupported transaction type"
	scMsgTokenExpired  = "Token expired"
	scMsgInvalidToken  = "Invalid merchantAccessToken"
	scMsgTooFast       = "Too many requests: poll no more than once every 2 seconds"
	scMsgTxnNotFound   = "Transaction not found"
	scMsgRouteNotFound = "Not found"
)

// ErrUnsupported: the operation does not apply to this terminal's provider.
var ErrUnsupported = errors.New("not supported for this terminal")

// scRegisterFields are the mandatory register fields in the order they are
// checked, so a request missing several always names the same one first.
var scRegisterFields = []string{"POSRegisterID", "POSRegisterName", "POSBusinessName", "POSVendorName"}

// smartConnectCloud simulates Smartpay SmartConnect's POS API. Its state is
// guarded by the Sandbox mutex like everything else.
type smartConnectCloud struct {
	s         *Sandbox
	codes     map[string]*pairingCode // every code ever shown, by code
	registers map[string]*scRegister  // by POSRegisterID
	txns      map[string]*scTxn       // by transaction id
	offline   map[string]bool         // terminal id → offline
}

// scRegister is one paired register: SmartConnect keeps the triple and
// routes every later transaction by it.
type scRegister struct {
	id, name, business, vendor string
	term                       *terminal
	pairing                    *pairing // the entry in term.pairings
}

type scTxn struct {
	id, token string
	created   time.Time
	lastPoll  time.Time
	polls     int
	term      *terminal
	result    map[string]string // set once completed
}

func newSmartConnectCloud(s *Sandbox) *smartConnectCloud {
	return &smartConnectCloud{
		s:         s,
		codes:     map[string]*pairingCode{},
		registers: map[string]*scRegister{},
		txns:      map[string]*scTxn{},
		offline:   map[string]bool{},
	}
}

func (c *smartConnectCloud) handler() http.Handler {
	s := c.s
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+prefixSmartConnect+"/Pairing/{code}", s.route(providers.SmartConnect, RouteSmartConnectPairing, c.pair))
	mux.HandleFunc("POST "+prefixSmartConnect+"/Transaction", s.route(providers.SmartConnect, RouteSmartConnectTransaction, c.transaction))
	mux.HandleFunc("GET "+prefixSmartConnect+"/Transaction/{id}", s.route(providers.SmartConnect, RouteSmartConnectPoll, c.poll))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		scError(w, http.StatusNotFound, scMsgRouteNotFound)
	})
	return mux
}

// scError writes SmartConnect's error envelope, {"error":"<message>"}.
func scError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// readForm reads a form-encoded body, or answers 400 and returns nil.
func readForm(w http.ResponseWriter, r *http.Request) url.Values {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != scFormType {
		scError(w, http.StatusBadRequest, "Content-Type must be "+scFormType)
		return nil
	}
	body, err := readBody(r)
	if err != nil {
		scError(w, http.StatusBadRequest, err.Error())
		return nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		scError(w, http.StatusBadRequest, "Malformed form body")
		return nil
	}
	for _, f := range scRegisterFields {
		if strings.TrimSpace(form.Get(f)) == "" {
			scError(w, http.StatusBadRequest, f+" is required")
			return nil
		}
	}
	return form
}

func (c *smartConnectCloud) pair(w http.ResponseWriter, r *http.Request) {
	form := readForm(w, r)
	if form == nil {
		return
	}
	if !c.s.pairRegister(r.PathValue("code"), form) {
		scError(w, http.StatusBadRequest, scMsgInvalidCode)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"result": "success"})
}

// pairRegister pairs the register in form to the terminal showing code.
// It reports false for an unknown, refreshed-away or expired code.
func (s *Sandbox) pairRegister(code string, form url.Values) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.sc
	now := s.clock.Now()
	pc, ok := c.codes[code]
	if !ok {
		return false
	}
	t := pc.term
	c.refreshLocked(t, now)
	if t.code != pc || pc.stateAt(now) != codeInitial {
		return false
	}
	pc.state = codeConfirmed
	t.code = nil
	t.stopTimer()

	id := form.Get("POSRegisterID")
	reg, ok := c.registers[id]
	if ok && reg.term != t {
		// One register, one terminal: pairing elsewhere unpairs it here.
		reg.term.pairings = slices.DeleteFunc(reg.term.pairings, func(p *pairing) bool { return p == reg.pairing })
		ok = false
	}
	if !ok {
		reg = &scRegister{id: id, term: t, pairing: &pairing{id: id, term: t, status: providers.StatusActive}}
		t.pairings = append(t.pairings, reg.pairing)
		c.registers[id] = reg
	}
	reg.name, reg.business, reg.vendor = form.Get("POSRegisterName"), form.Get("POSBusinessName"), form.Get("POSVendorName")
	reg.pairing.nickname = reg.name
	s.notifyLocked()
	return true
}

// startPairingLocked shows a fresh code on a SmartConnect terminal. The
// registers already paired stay paired: one terminal serves many.
func (c *smartConnectCloud) startPairingLocked(t *terminal, now time.Time) {
	t.stopTimer()
	if t.code != nil {
		t.code.state = codeRevoked
	}
	c.showCodeLocked(t, now, now.Add(c.s.ttl))
}

func (c *smartConnectCloud) showCodeLocked(t *terminal, now, expires time.Time) {
	var code string
	for {
		code = c.s.rng.digits(scCodeDigits)
		if _, taken := c.codes[code]; !taken {
			break
		}
	}
	pc := &pairingCode{code: code, term: t, expiresAt: expires}
	c.codes[code] = pc
	t.code = pc
	c.scheduleRefreshLocked(t, expires.Sub(now))
}

// scheduleRefreshLocked wakes the terminal when its code runs out. The
// refresh itself is derived from the clock (refreshLocked), so state never
// depends on when the timer goroutine runs; the timer only makes the new
// code appear to subscribers without anyone asking.
func (c *smartConnectCloud) scheduleRefreshLocked(t *terminal, d time.Duration) {
	s := c.s
	var tm clockwork.Timer
	tm = s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t.timer != tm { // stopped, replaced, or the sandbox closed
			return
		}
		t.timer = nil
		c.refreshLocked(t, s.clock.Now())
		s.notifyLocked()
	})
	t.timer = tm
}

// refreshLocked replaces an expired code with a new one, as the device
// does while pairing is not finalised [DOC S11]; the old code is dead.
// It is a no-op for other providers and for terminals not pairing.
func (c *smartConnectCloud) refreshLocked(t *terminal, now time.Time) {
	if t.provider != providers.SmartConnect || t.code == nil || t.code.stateAt(now) != codeExpired {
		return
	}
	expires := t.code.expiresAt
	for !now.Before(expires) {
		expires = expires.Add(c.s.ttl)
	}
	t.stopTimer()
	t.code.state = codeExpired
	c.showCodeLocked(t, now, expires)
}

// unpairAllLocked is the merchant unpairing every register on the device.
func (c *smartConnectCloud) unpairAllLocked(t *terminal) {
	t.stopTimer()
	if t.code != nil {
		t.code.state = codeRevoked
		t.code = nil
	}
	for id, reg := range c.registers {
		if reg.term == t {
			delete(c.registers, id)
		}
	}
	t.pairings = nil
}

// SetOffline takes a SmartConnect terminal off the network (or back on):
// while offline, Terminal.GetStatus completes with Result FAILED-INTERFACE
// and TransactionResult CANCELLED, as a real device that cannot be reached.
func (s *Sandbox) SetOffline(id string, offline bool) (Terminal, error) {
	return s.withTerminal(id, func(t *terminal, now time.Time) (Terminal, error) {
		if t.provider != providers.SmartConnect {
			return Terminal{}, fmt.Errorf("%w: offline is only simulated for %s terminals, and %s is %s", ErrUnsupported, providers.SmartConnect, id, t.provider)
		}
		s.sc.offline[id] = offline
		s.notifyLocked()
		s.sc.refreshLocked(t, now)
		return t.view(now), nil
	})
}

func (c *smartConnectCloud) transaction(w http.ResponseWriter, r *http.Request) {
	form := readForm(w, r)
	if form == nil {
		return
	}
	if form.Get("TransactionMode") != "ASYNC" {
		scError(w, http.StatusBadRequest, "TransactionMode must be ASYNC (the sandbox does not simulate the legacy synchronous mode)")
		return
	}
	if form.Get("TransactionType") != scGetStatus {
		scError(w, http.StatusBadRequest, scMsgUnsupported)
		return
	}
	txn := c.s.startTransaction(form)
	if txn == nil {
		scError(w, http.StatusBadRequest, scMsgNotPaired)
		return
	}
	writeJSON(w, http.StatusOK, scTxnBody(txn.id, scPending, map[string]string{"PollingUrl": c.pollingURL(r, txn)}))
}

// startTransaction opens a transaction for a register whose whole triple
// matches its pairing, or returns nil.
func (s *Sandbox) startTransaction(form url.Values) *scTxn {
	s.mu.Lock()
	defer s.mu.Unlock()
	reg, ok := s.sc.registers[form.Get("POSRegisterID")]
	if !ok || reg.business != form.Get("POSBusinessName") || reg.vendor != form.Get("POSVendorName") {
		return nil
	}
	txn := &scTxn{id: s.rng.uuid(), token: s.rng.alnum(32), created: s.clock.Now(), term: reg.term}
	s.sc.txns[txn.id] = txn
	return txn
}

func (c *smartConnectCloud) pollingURL(r *http.Request, txn *scTxn) string {
	c.s.mu.Lock()
	base := c.s.baseURL
	c.s.mu.Unlock()
	if base == "" {
		base = "http://" + r.Host
	}
	return base + prefixSmartConnect + "/Transaction/" + url.PathEscape(txn.id) + "?merchantAccessToken=" + url.QueryEscape(txn.token)
}

func scTxnBody(id, status string, data map[string]string) map[string]any {
	if data == nil {
		data = map[string]string{}
	}
	return map[string]any{"transactionId": id, "transactionStatus": status, "data": data}
}

func (c *smartConnectCloud) poll(w http.ResponseWriter, r *http.Request) {
	status, msg, body := c.s.pollTransaction(r.PathValue("id"), r.URL.Query().Get("merchantAccessToken"))
	if status != http.StatusOK {
		scError(w, status, msg)
		return
	}
	writeJSON(w, status, body)
}

// pollTransaction answers one poll: PENDING the first time, then COMPLETED
// with the terminal's status as it is at that moment.
func (s *Sandbox) pollTransaction(id, token string) (int, string, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	txn, ok := s.sc.txns[id]
	switch {
	case !ok:
		return http.StatusNotFound, scMsgTxnNotFound, nil
	case token != txn.token:
		return http.StatusUnauthorized, scMsgInvalidToken, nil
	case !now.Before(txn.created.Add(scTokenLifetime)):
		return http.StatusUnauthorized, scMsgTokenExpired, nil
	case txn.polls > 0 && now.Sub(txn.lastPoll) < scMinPollInterval:
		return http.StatusTooManyRequests, scMsgTooFast, nil
	}
	txn.polls++
	txn.lastPoll = now
	if txn.result == nil && txn.polls == 1 {
		return http.StatusOK, "", scTxnBody(txn.id, scPending, nil)
	}
	if txn.result == nil {
		txn.result = map[string]string{"Result": "OK", "Status": "READY"}
		if s.sc.offline[txn.term.id] {
			txn.result = map[string]string{"Result": "FAILED-INTERFACE", "TransactionResult": "CANCELLED", "ResultText": "Device offline"}
		}
	}
	return http.StatusOK, "", scTxnBody(txn.id, scCompleted, txn.result)
}
