package smartconnect

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Prefix is where the POS API is served on the sandbox listener.
const Prefix = "/smartconnect/POS"

// KeyURL is the Info key (client environment variable
// TILLPAIR_SMARTCONNECT_URL). SmartConnect has no credentials.
const KeyURL = "smartconnect_url"

// Route names, for faults and request counts.
const (
	RoutePairing     = "pairing"     // PUT /Pairing/{code}
	RouteTransaction = "transaction" // POST /Transaction
	RoutePoll        = "poll"        // GET /Transaction/{id}
)

// FormType is the content type every POS API request body must have.
const FormType = "application/x-www-form-urlencoded"

// Wire constants (reference §2.2–§2.5).
const (
	codeDigits      = 8 // the 8-digit codes seen on real terminals [OBS T13]
	tokenLifetime   = 15 * time.Minute
	minPollInterval = 2 * time.Second
	defaultCodeTTL  = 2 * time.Minute
	getStatus       = "Terminal.GetStatus"
	pending         = "PENDING"
	completed       = "COMPLETED"

	msgInvalidCode   = "Invalid pairing code"
	msgNotPaired     = "This register is not paired to a device"
	msgUnsupported   = "Unsupported transaction type"
	msgTokenExpired  = "Token expired"
	msgInvalidToken  = "Invalid merchantAccessToken"
	msgTooFast       = "Too many requests: poll no more than once every 2 seconds"
	msgTxnNotFound   = "Transaction not found"
	msgRouteNotFound = "Not found"
)

// registerFields are the mandatory register fields in the order they are
// checked, so a request missing several always names the same one first.
var registerFields = []string{"POSRegisterID", "POSRegisterName", "POSBusinessName", "POSVendorName"}

// Cloud simulates Smartpay SmartConnect's POS API. Its state is guarded by
// the sandbox lock.
type Cloud struct {
	h         *sandbox.Host
	codes     map[string]*pairingCode // every code ever shown, by code
	registers map[string]*register    // by POSRegisterID
	txns      map[string]*txn         // by transaction id
}

// New returns the SmartConnect cloud for one sandbox.
func New() *Cloud {
	return &Cloud{codes: map[string]*pairingCode{}, registers: map[string]*register{}, txns: map[string]*txn{}}
}

type pairingCode struct {
	sandbox.PairingCode
	term *sandbox.Term
}

// terminal is a SmartConnect terminal's own state (Term.State).
type terminal struct {
	code     *pairingCode // shown on screen, if any
	pairings []*register  // the registers paired to it, in pairing order
}

func state(t *sandbox.Term) *terminal { return t.State.(*terminal) }

// register is one paired register: SmartConnect keeps the triple and
// routes every later transaction by it.
type register struct {
	id, name, business, vendor string
	term                       *sandbox.Term
}

type txn struct {
	id, token string
	created   time.Time
	lastPoll  time.Time
	polls     int
	term      *sandbox.Term
	result    map[string]string // set once completed
}

// Spec describes the SmartConnect cloud to the sandbox.
func (c *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: providers.SmartConnect, Name: "SmartConnect",
		Prefixes: []string{Prefix},
		URLs:     []sandbox.URLSpec{{Key: KeyURL, Prefix: Prefix}},
		Routes:   []string{RoutePairing, RouteTransaction, RoutePoll},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: c.startPairing},
			{Name: sandbox.ActionConfirm, Do: c.confirm},
			{Name: sandbox.ActionUnpair, Do: c.unpairAll},
			{Name: sandbox.ActionExpireCode, Do: c.expireCode},
			sandbox.Power,
		},
	}
}

// Setup mounts the POS API.
func (c *Cloud) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+Prefix+"/Pairing/{code}", h.Route(RoutePairing, c.pair))
	mux.HandleFunc("POST "+Prefix+"/Transaction", h.Route(RouteTransaction, c.transaction))
	mux.HandleFunc("GET "+Prefix+"/Transaction/{id}", h.Route(RoutePoll, c.poll))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, msgRouteNotFound)
	})
	return mux
}

// NewTerminal gives the terminal a TID; it shows nothing until pairing.
func (c *Cloud) NewTerminal(t *sandbox.Term, _ sandbox.TerminalOptions) error {
	t.TID = c.h.UniqueTIDLocked()
	t.Nickname = "Terminal " + t.TID
	t.State = &terminal{}
	return nil
}

// WriteFault answers an injected status in the {"error":"…"} envelope.
func (c *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	writeError(w, status, msg)
}

// Refresh replaces a code that ran out with a fresh one, then shows the
// code and the registers.
func (c *Cloud) Refresh(t *sandbox.Term, now time.Time) {
	c.refresh(t, now)
	st := state(t)
	t.ClearScreen()
	t.Pairings = t.Pairings[:0]
	for _, reg := range st.pairings {
		t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: reg.id, PairingNickname: reg.name, Status: string(providers.StatusActive)})
	}
	if len(st.pairings) > 0 {
		t.Screen = sandbox.ScreenPaired
	}
	if pc := st.code; pc != nil && pc.StateAt(now) == sandbox.CodeInitial {
		t.Screen, t.PairingCode, t.PairingCodeExpiresAt = sandbox.ScreenPairingCode, pc.Value, pc.ExpiresAt
	}
}

// writeError writes SmartConnect's error envelope, {"error":"<message>"}.
func writeError(w http.ResponseWriter, status int, msg string) {
	sandbox.WriteJSON(w, status, map[string]string{"error": msg})
}

// readForm reads a form-encoded body, or answers 400 and returns nil.
func readForm(w http.ResponseWriter, r *http.Request) url.Values {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != FormType {
		writeError(w, http.StatusBadRequest, "Content-Type must be "+FormType)
		return nil
	}
	body, err := sandbox.ReadBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Malformed form body")
		return nil
	}
	for _, f := range registerFields {
		if strings.TrimSpace(form.Get(f)) == "" {
			writeError(w, http.StatusBadRequest, f+" is required")
			return nil
		}
	}
	return form
}

func (c *Cloud) pair(w http.ResponseWriter, r *http.Request) {
	form := readForm(w, r)
	if form == nil {
		return
	}
	if !c.pairRegister(r.PathValue("code"), form) {
		writeError(w, http.StatusBadRequest, msgInvalidCode)
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]string{"result": "success"})
}

// pairRegister pairs the register in form to the terminal showing code.
// It reports false for an unknown, refreshed-away or expired code.
func (c *Cloud) pairRegister(code string, form url.Values) bool {
	c.h.Lock()
	defer c.h.Unlock()
	now := c.h.Clock().Now()
	pc, ok := c.codes[code]
	if !ok {
		return false
	}
	t := pc.term
	c.refresh(t, now)
	st := state(t)
	if st.code != pc || pc.StateAt(now) != sandbox.CodeInitial {
		return false
	}
	pc.State = sandbox.CodeConfirmed
	st.code = nil
	t.StopTimer()

	id := form.Get("POSRegisterID")
	reg, ok := c.registers[id]
	if ok && reg.term != t {
		// One register, one terminal: pairing elsewhere unpairs it there.
		old := state(reg.term)
		old.pairings = slices.DeleteFunc(old.pairings, func(r *register) bool { return r == reg })
		ok = false
	}
	if !ok {
		reg = &register{id: id, term: t}
		st.pairings = append(st.pairings, reg)
		c.registers[id] = reg
	}
	reg.name, reg.business, reg.vendor = form.Get("POSRegisterName"), form.Get("POSBusinessName"), form.Get("POSVendorName")
	c.h.NotifyLocked()
	return true
}

// startPairing shows a fresh code. The registers already paired stay
// paired: one terminal serves many.
func (c *Cloud) startPairing(t *sandbox.Term, in sandbox.ActionInput) error {
	t.StopTimer()
	st := state(t)
	if st.code != nil {
		st.code.State = sandbox.CodeRevoked
	}
	c.showCode(t, in.Now, in.Now.Add(c.h.CodeTTL(defaultCodeTTL)))
	return nil
}

func (c *Cloud) showCode(t *sandbox.Term, now, expires time.Time) {
	var code string
	for {
		code = c.h.RNG().Digits(codeDigits)
		if _, taken := c.codes[code]; !taken {
			break
		}
	}
	pc := &pairingCode{PairingCode: sandbox.PairingCode{Value: code, ExpiresAt: expires}, term: t}
	c.codes[code] = pc
	state(t).code = pc
	// The refresh itself is derived from the clock (refresh), so state never
	// depends on when the timer goroutine runs; the timer only makes the
	// new code appear to subscribers without anyone asking.
	c.h.SetTimerLocked(t, expires.Sub(now), func(now time.Time) { c.refresh(t, now) })
}

// refresh replaces an expired code with a new one, as the device does
// while pairing is not finalised [DOC S11]; the old code is dead. It does
// nothing for a terminal not pairing.
func (c *Cloud) refresh(t *sandbox.Term, now time.Time) {
	pc := state(t).code
	if pc == nil || pc.StateAt(now) != sandbox.CodeExpired {
		return
	}
	expires := pc.ExpiresAt
	for !now.Before(expires) {
		expires = expires.Add(c.h.CodeTTL(defaultCodeTTL))
	}
	t.StopTimer()
	pc.State = sandbox.CodeExpired
	c.showCode(t, now, expires)
}

// confirm: SmartConnect has nothing to confirm.
func (c *Cloud) confirm(t *sandbox.Term, _ sandbox.ActionInput) error {
	return fmt.Errorf("%w on terminal %s: SmartConnect has no confirmation step; the register is paired as soon as the POS sends the code", sandbox.ErrNothingToConfirm, t.ID)
}

// unpairAll is the merchant unpairing every register on the device; a code
// on screen ends too.
func (c *Cloud) unpairAll(t *sandbox.Term, _ sandbox.ActionInput) error {
	t.StopTimer()
	st := state(t)
	if st.code != nil {
		st.code.State = sandbox.CodeRevoked
		st.code = nil
	}
	for id, reg := range c.registers {
		if reg.term == t {
			delete(c.registers, id)
		}
	}
	st.pairings = nil
	return nil
}

// expireCode makes the code on screen run out now: the device shows a new
// one at once, as at the end of its TTL, and the old one is dead.
func (c *Cloud) expireCode(t *sandbox.Term, in sandbox.ActionInput) error {
	var pc *sandbox.PairingCode
	if st := state(t); st.code != nil {
		pc = &st.code.PairingCode
	}
	if err := sandbox.ExpireShown(t, pc, in.Code, in.Now); err != nil {
		return err
	}
	c.refresh(t, in.Now)
	return nil
}

func (c *Cloud) transaction(w http.ResponseWriter, r *http.Request) {
	form := readForm(w, r)
	if form == nil {
		return
	}
	if form.Get("TransactionMode") != "ASYNC" {
		writeError(w, http.StatusBadRequest, "TransactionMode must be ASYNC (the sandbox does not simulate the legacy synchronous mode)")
		return
	}
	if form.Get("TransactionType") != getStatus {
		writeError(w, http.StatusBadRequest, msgUnsupported)
		return
	}
	tx := c.startTransaction(form)
	if tx == nil {
		writeError(w, http.StatusBadRequest, msgNotPaired)
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, txnBody(tx.id, pending, map[string]string{"PollingUrl": c.pollingURL(r, tx)}))
}

// startTransaction opens a transaction for a register whose whole triple
// matches its pairing, or returns nil.
func (c *Cloud) startTransaction(form url.Values) *txn {
	c.h.Lock()
	defer c.h.Unlock()
	reg, ok := c.registers[form.Get("POSRegisterID")]
	if !ok || reg.business != form.Get("POSBusinessName") || reg.vendor != form.Get("POSVendorName") {
		return nil
	}
	rng := c.h.RNG()
	tx := &txn{id: rng.UUID(), token: rng.Alnum(32), created: c.h.Clock().Now(), term: reg.term}
	c.txns[tx.id] = tx
	return tx
}

func (c *Cloud) pollingURL(r *http.Request, tx *txn) string {
	return c.h.Origin(r) + Prefix + "/Transaction/" + url.PathEscape(tx.id) + "?merchantAccessToken=" + url.QueryEscape(tx.token)
}

func txnBody(id, status string, data map[string]string) map[string]any {
	if data == nil {
		data = map[string]string{}
	}
	return map[string]any{"transactionId": id, "transactionStatus": status, "data": data}
}

func (c *Cloud) poll(w http.ResponseWriter, r *http.Request) {
	status, msg, body := c.pollTransaction(r.PathValue("id"), r.URL.Query().Get("merchantAccessToken"))
	if status != http.StatusOK {
		writeError(w, status, msg)
		return
	}
	sandbox.WriteJSON(w, status, body)
}

// pollTransaction answers one poll: PENDING the first time, then COMPLETED
// with the terminal's status as it is at that moment.
func (c *Cloud) pollTransaction(id, token string) (int, string, map[string]any) {
	c.h.Lock()
	defer c.h.Unlock()
	now := c.h.Clock().Now()
	tx, ok := c.txns[id]
	switch {
	case !ok:
		return http.StatusNotFound, msgTxnNotFound, nil
	case token != tx.token:
		return http.StatusUnauthorized, msgInvalidToken, nil
	case !now.Before(tx.created.Add(tokenLifetime)):
		return http.StatusUnauthorized, msgTokenExpired, nil
	case tx.polls > 0 && now.Sub(tx.lastPoll) < minPollInterval:
		return http.StatusTooManyRequests, msgTooFast, nil
	}
	tx.polls++
	tx.lastPoll = now
	if tx.result == nil && tx.polls == 1 {
		return http.StatusOK, "", txnBody(tx.id, pending, nil)
	}
	if tx.result == nil {
		tx.result = map[string]string{"Result": "OK", "Status": "READY"}
		if !tx.term.Online {
			tx.result = map[string]string{"Result": "FAILED-INTERFACE", "TransactionResult": "CANCELLED", "ResultText": "Device offline"}
		}
	}
	return http.StatusOK, "", txnBody(tx.id, completed, tx.result)
}
