package sci

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/providers"
)

// Path prefixes on the sandbox listener.
const (
	PrefixPairing = "/sci-pairing"
	PrefixAPI     = "/sci-api"
)

// Info keys (client environment variables TILLPAIR_SCI_PAIRING_URL,
// TILLPAIR_SCI_API_KEY, TILLPAIR_SCI_SIGNING_SECRET_PART_A).
const (
	KeyPairingURL = "sci_pairing_url"
	KeyAPIKey     = "sci_api_key"
	KeyPartA      = "sci_signing_secret_part_a"
)

// Route names, for faults and request counts.
const (
	RouteProgressPairing = "progress-pairing"
	RoutePairingInfo     = "pairing-info"
	RouteUnpair          = "unpair"
)

// SCI error codes (reference §1.3, §1.4, §1.5).
const (
	codeInvalidRequest      = "invalid_request"
	codeAPIKeyMissing       = "api_key_missing"
	codeAPIKeyInvalid       = "api_key_invalid"
	codeRouteForbidden      = "pairing_route_forbidden"
	codeTestKeyForLive      = "test_api_key_forbidden_for_live_pairing"
	codePairingNotFound     = "pairing_not_found"
	codePairingNotInitial   = "pairing_not_initial"
	codeNoActivePairings    = "no_active_pairings_found"
	codeNoValidSignatures   = "no_valid_signatures_found"
	codeRouteNotFound       = "route_not_found"
	codeSandboxFault        = "sandbox_fault"
	maxNicknameRunes        = 64
	maxPairingCodeLen       = 32
	confirmationCodeDigits  = 4
	pairingCodeDigits       = 6
	signingSecretPartBBytes = 16
	defaultCodeTTL          = 2 * time.Minute
)

// Cloud simulates mx51 SCI. Its state is guarded by the sandbox lock.
type Cloud struct {
	h       *sandbox.Host
	tenant  string                  // tenant of ordinary (test) terminals
	codes   map[string]*pairingCode // every code ever shown, by code
	byKeyID map[string]*pairing
}

// New returns the SCI cloud for one sandbox.
func New() *Cloud {
	return &Cloud{codes: map[string]*pairingCode{}, byKeyID: map[string]*pairing{}}
}

type pairingCode struct {
	sandbox.PairingCode
	term    *sandbox.Term
	pairing *pairing // set once progressed
}

type pairing struct {
	id, keyID, partB, confirmation, nickname, tenant string
	status                                           providers.Status
	term                                             *sandbox.Term
	code                                             *pairingCode
}

// terminal is an SCI terminal's own state (Term.State).
type terminal struct {
	tenant   string
	code     *pairingCode // shown on screen, if any
	pairings []*pairing   // oldest first, kept after unpair
}

func state(t *sandbox.Term) *terminal { return t.State.(*terminal) }

// Spec describes the SCI cloud to the sandbox.
func (c *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: providers.SCI, Name: "SCI",
		Prefixes: []string{PrefixPairing, PrefixAPI},
		URLs:     []sandbox.URLSpec{{Key: KeyPairingURL, Prefix: PrefixPairing}},
		Credentials: []sandbox.CredentialSpec{
			{Key: KeyAPIKey, Generate: func(r *sandbox.RNG) string { return "test_pak_" + r.Base64(16) }},
			{Key: KeyPartA, Generate: func(r *sandbox.RNG) string { return r.Alnum(32) }},
		},
		Routes: []string{RouteProgressPairing, RoutePairingInfo, RouteUnpair},
		Options: []sandbox.OptionSpec{
			{Name: sandbox.OptionLive, Help: "the terminal is in the live environment: the sandbox's test_ key gets 403 test_api_key_forbidden_for_live_pairing"},
			{Name: sandbox.OptionForeignTenant, Help: "the terminal belongs to a tenant the key may not use: 403 pairing_route_forbidden"},
		},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: c.startPairing},
			{Name: sandbox.ActionConfirm, Do: c.confirm},
			{Name: sandbox.ActionUnpair, Do: c.unpairFromTerminal},
			{Name: sandbox.ActionExpireCode, Do: c.expireCode},
			sandbox.Power,
		},
	}
}

// Setup draws the test tenant and mounts the two APIs.
func (c *Cloud) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	c.tenant = "t" + h.RNG().Hex(4)
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PrefixPairing+"/v1/progress-pairing", h.Route(RouteProgressPairing, c.progressPairing))
	mux.HandleFunc("GET "+PrefixAPI+"/{tenant}/v1/pairing-info", h.Route(RoutePairingInfo, c.pairingInfo))
	mux.HandleFunc("POST "+PrefixAPI+"/{tenant}/v1/unpair", h.Route(RouteUnpair, c.unpair))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeAPIError(w, http.StatusNotFound, codeRouteNotFound, "Route not found")
	})
	return mux
}

// NewTerminal gives the terminal a TID; a live or foreign-tenant terminal
// gets a tenant of its own.
func (c *Cloud) NewTerminal(t *sandbox.Term, _ sandbox.TerminalOptions) error {
	t.TID = c.h.UniqueTIDLocked()
	t.Nickname = "Terminal " + t.TID
	st := &terminal{tenant: c.tenant}
	if t.Live || t.ForeignTenant {
		st.tenant = "t" + c.h.RNG().Hex(4)
	}
	t.State = st
	return nil
}

// WriteFault answers an injected status as an SCI error, code sandbox_fault.
func (c *Cloud) WriteFault(w http.ResponseWriter, status int, msg string) {
	writeAPIError(w, status, codeSandboxFault, msg)
}

// Refresh derives the screen from the code and the pairings: a code past
// its TTL shows as expired without anything having to change.
func (c *Cloud) Refresh(t *sandbox.Term, now time.Time) {
	st := state(t)
	t.ClearScreen()
	t.Pairings = t.Pairings[:0]
	active := false
	for _, p := range st.pairings {
		t.Pairings = append(t.Pairings, sandbox.TerminalPairing{PairingID: p.id, PairingNickname: p.nickname, Status: string(p.status)})
		active = active || p.status == providers.StatusActive
	}
	if active {
		t.Screen = sandbox.ScreenPaired
	}
	if pc := st.code; pc != nil {
		switch pc.StateAt(now) {
		case sandbox.CodeInitial:
			t.Screen, t.PairingCode, t.PairingCodeExpiresAt = sandbox.ScreenPairingCode, pc.Value, pc.ExpiresAt
		case sandbox.CodeExpired:
			t.Screen = sandbox.ScreenCodeExpired
			t.Message = "Pairing code expired. Start pairing again."
		case sandbox.CodeProgressed:
			t.Screen, t.ConfirmationCode = sandbox.ScreenConfirm, pc.pairing.confirmation
		}
	}
}

// startPairing puts a fresh 6-digit code on the screen, revoking whatever
// it showed (a pairing awaiting confirmation too).
func (c *Cloud) startPairing(t *sandbox.Term, in sandbox.ActionInput) error {
	c.revokeShownCode(t, in.Now)
	ttl := c.h.CodeTTL(defaultCodeTTL)
	pc := &pairingCode{PairingCode: sandbox.PairingCode{Value: c.uniqueCode(in.Now), ExpiresAt: in.Now.Add(ttl)}, term: t}
	c.codes[pc.Value] = pc
	state(t).code = pc
	// The timer only wakes subscribers; expiry itself is derived from the
	// clock.
	c.h.SetTimerLocked(t, ttl, nil)
	return nil
}

// uniqueCode picks a 6-digit code no live code uses.
func (c *Cloud) uniqueCode(now time.Time) string {
	for {
		code := c.h.RNG().Digits(pairingCodeDigits)
		old, ok := c.codes[code]
		if !ok || old.StateAt(now) != sandbox.CodeInitial && old.StateAt(now) != sandbox.CodeProgressed {
			return code
		}
	}
}

// revokeShownCode ends whatever code the terminal shows. A code that
// merely expired keeps that state so progress-pairing can still say so.
func (c *Cloud) revokeShownCode(t *sandbox.Term, now time.Time) {
	t.StopTimer()
	st := state(t)
	pc := st.code
	if pc == nil {
		return
	}
	switch pc.StateAt(now) {
	case sandbox.CodeInitial:
		pc.State = sandbox.CodeRevoked
	case sandbox.CodeProgressed:
		pc.State = sandbox.CodeRevoked
		pc.pairing.status = providers.StatusUnpaired
	}
	st.code = nil
}

// confirm is the merchant confirming the confirmation code on the
// terminal: the progressed pairing becomes active.
func (c *Cloud) confirm(t *sandbox.Term, in sandbox.ActionInput) error {
	st := state(t)
	pc := st.code
	if pc == nil || pc.StateAt(in.Now) != sandbox.CodeProgressed {
		return fmt.Errorf("%w on terminal %s: start pairing on the terminal, progress the pairing code from the POS, then confirm", sandbox.ErrNothingToConfirm, t.ID)
	}
	t.StopTimer()
	pc.State = sandbox.CodeConfirmed
	pc.pairing.status = providers.StatusActive
	st.code = nil
	return nil
}

// unpairFromTerminal removes every pairing on the terminal and ends a code
// on screen.
func (c *Cloud) unpairFromTerminal(t *sandbox.Term, in sandbox.ActionInput) error {
	c.revokeShownCode(t, in.Now)
	for _, p := range state(t).pairings {
		p.status = providers.StatusUnpaired
	}
	return nil
}

// expireCode makes the code on screen expire now, as if its TTL had run
// out: the screen says so and progress-pairing answers 422.
func (c *Cloud) expireCode(t *sandbox.Term, in sandbox.ActionInput) error {
	var pc *sandbox.PairingCode
	if st := state(t); st.code != nil {
		pc = &st.code.PairingCode
	}
	if err := sandbox.ExpireShown(t, pc, in.Code, in.Now); err != nil {
		return err
	}
	t.StopTimer()
	return nil
}

// apiError is the SCI error body: {"error":{"code","message"}}.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeAPIError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	sandbox.WriteJSON(w, status, e)
}

type progressRequest struct {
	PairingCode     *string `json:"pairing_code"`
	PairingNickname *string `json:"pairing_nickname"`
}

type progressData struct {
	PairingID          string `json:"pairing_id"`
	KeyID              string `json:"key_id"`
	ConfirmationCode   string `json:"confirmation_code"`
	SigningSecretPartB string `json:"signing_secret_part_b"`
	SCIAPIBaseURL      string `json:"sci_api_base_url,omitempty"`
	SPICloudAPIBaseURL string `json:"spi_cloud_api_base_url,omitempty"`
	TID                string `json:"tid"`
	PairingNickname    string `json:"pairing_nickname"`
	TerminalNickname   string `json:"terminal_nickname"`
}

func (c *Cloud) checkAPIKey(r *http.Request) (status int, code, msg string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return http.StatusUnauthorized, codeAPIKeyMissing, "Authorization header with ApiKey is missing"
	}
	key, ok := strings.CutPrefix(h, "ApiKey ")
	if !ok || subtle.ConstantTimeCompare([]byte(key), []byte(c.h.Credential(KeyAPIKey))) != 1 {
		return http.StatusUnauthorized, codeAPIKeyInvalid, "API key is invalid"
	}
	return 0, "", ""
}

func (c *Cloud) progressPairing(w http.ResponseWriter, r *http.Request) {
	if status, code, msg := c.checkAPIKey(r); status != 0 {
		writeAPIError(w, status, code, msg)
		return
	}
	body, err := sandbox.ReadBody(r)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
		return
	}
	var req progressRequest
	if err := sandbox.DecodeStrict(body, &req); err != nil {
		writeAPIError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
		return
	}
	if msg := validateProgress(req); msg != "" {
		writeAPIError(w, http.StatusBadRequest, codeInvalidRequest, msg)
		return
	}
	nickname := ""
	if req.PairingNickname != nil {
		nickname = *req.PairingNickname
	}
	data, status, code, msg := c.progress(*req.PairingCode, nickname, c.h.Origin(r))
	if status != 0 {
		writeAPIError(w, status, code, msg)
		return
	}
	if c.h.Options().SCILegacyBaseURLKey {
		data.SPICloudAPIBaseURL, data.SCIAPIBaseURL = data.SCIAPIBaseURL, ""
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]progressData{"data": data})
}

func validateProgress(req progressRequest) string {
	if req.PairingCode == nil {
		return "pairing_code is required"
	}
	code := *req.PairingCode
	if code == "" || len(code) > maxPairingCodeLen || strings.Trim(code, "0123456789") != "" {
		return "pairing_code must be the digits shown on the terminal"
	}
	if req.PairingNickname != nil {
		n := *req.PairingNickname
		if !utf8.ValidString(n) || utf8.RuneCountInString(n) > maxNicknameRunes {
			return fmt.Sprintf("pairing_nickname must be valid text of at most %d characters", maxNicknameRunes)
		}
	}
	return ""
}

// progress moves a code from initial to progressed and makes the pairing.
// An expired code answers pairing_not_initial rather than not_found: the
// code existed, and the reference (T1) reads 422 as "used or expired".
func (c *Cloud) progress(code, nickname, origin string) (progressData, int, string, string) {
	h := c.h
	h.Lock()
	defer h.Unlock()
	now := h.Clock().Now()
	pc, ok := c.codes[code]
	if !ok {
		return progressData{}, http.StatusNotFound, codePairingNotFound, "Pairing not found"
	}
	t := pc.term
	st := state(t)
	if t.ForeignTenant {
		return progressData{}, http.StatusForbidden, codeRouteForbidden, "This API key may not pair terminals of this tenant"
	}
	if t.Live && strings.HasPrefix(h.Credential(KeyAPIKey), "test_") {
		return progressData{}, http.StatusForbidden, codeTestKeyForLive, "A test API key cannot pair a live terminal"
	}
	if s := pc.StateAt(now); s != sandbox.CodeInitial {
		return progressData{}, http.StatusUnprocessableEntity, codePairingNotInitial, "Pairing is not in its initial state (code " + s.String() + ")"
	}
	rng := h.RNG()
	p := &pairing{
		id:           "pid_" + rng.UUID(),
		keyID:        "kid_" + rng.UUID(),
		partB:        rng.Hex(signingSecretPartBBytes),
		confirmation: rng.Digits(confirmationCodeDigits),
		nickname:     nickname,
		tenant:       st.tenant,
		status:       providers.StatusAwaitingConfirmation,
		term:         t,
		code:         pc,
	}
	pc.State, pc.pairing = sandbox.CodeProgressed, p
	t.StopTimer() // the confirm screen has no TTL of its own
	st.pairings = append(st.pairings, p)
	c.byKeyID[p.keyID] = p
	h.NotifyLocked()
	return progressData{
		PairingID: p.id, KeyID: p.keyID, ConfirmationCode: p.confirmation,
		SigningSecretPartB: p.partB, SCIAPIBaseURL: origin + PrefixAPI + "/" + p.tenant,
		TID: t.TID, PairingNickname: nickname, TerminalNickname: t.Nickname,
	}, 0, "", ""
}

// signedPairing verifies the request's signature, as of when it arrived,
// and returns the pairing whose key signed it, or writes the 401 and
// returns nil.
func (c *Cloud) signedPairing(w http.ResponseWriter, r *http.Request) *pairing {
	h := c.h
	body, err := sandbox.ReadBody(r)
	if err != nil {
		writeAPIError(w, http.StatusUnauthorized, codeNoValidSignatures, err.Error())
		return nil
	}
	tenant := r.PathValue("tenant")
	keyID, err := verifySignature(r, body, h.ArrivedAt(r), func(keyID string) ([]byte, error) {
		h.Lock()
		defer h.Unlock()
		p, ok := c.byKeyID[keyID]
		if !ok || p.tenant != tenant {
			return nil, fmt.Errorf("keyid %q is not known at tenant %q", keyID, tenant)
		}
		return []byte(h.Credential(KeyPartA) + p.partB), nil
	})
	if err != nil {
		h.Logger().Debug("sci signature rejected", "path", r.URL.Path, "reason", err.Error())
		writeAPIError(w, http.StatusUnauthorized, codeNoValidSignatures, "No valid signatures found: "+err.Error())
		return nil
	}
	h.Lock()
	defer h.Unlock()
	return c.byKeyID[keyID]
}

// pairingInfoData is the sandbox's choice of body: the real 200 body is
// undocumented (reference §1.4), so it echoes what progress-pairing gave.
type pairingInfoData struct {
	PairingID        string `json:"pairing_id"`
	PairingNickname  string `json:"pairing_nickname"`
	TID              string `json:"tid"`
	TerminalNickname string `json:"terminal_nickname"`
	Status           string `json:"status"`
}

func (c *Cloud) pairingInfo(w http.ResponseWriter, r *http.Request) {
	p := c.signedPairing(w, r)
	if p == nil {
		return
	}
	c.h.Lock()
	active := p.status == providers.StatusActive
	data := pairingInfoData{PairingID: p.id, PairingNickname: p.nickname, TID: p.term.TID, TerminalNickname: p.term.Nickname, Status: string(p.status)}
	c.h.Unlock()
	if !active {
		writeAPIError(w, http.StatusUnauthorized, codeNoActivePairings, "No active pairings found")
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]pairingInfoData{"data": data})
}

// unpair removes the pairing. It also works while the pairing awaits
// confirmation, which is how a POS cancels mid-pairing (SCIPAIRING07).
func (c *Cloud) unpair(w http.ResponseWriter, r *http.Request) {
	p := c.signedPairing(w, r)
	if p == nil {
		return
	}
	c.h.Lock()
	ok := c.unpairLocked(p)
	c.h.Unlock()
	if !ok {
		writeAPIError(w, http.StatusUnauthorized, codeNoActivePairings, "No active pairings found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Cloud) unpairLocked(p *pairing) bool {
	switch p.status {
	case providers.StatusActive:
	case providers.StatusAwaitingConfirmation:
		if st := state(p.term); st.code == p.code {
			st.code = nil
		}
		p.code.State = sandbox.CodeRevoked
	default:
		return false
	}
	p.status = providers.StatusUnpaired
	c.h.NotifyLocked()
	return true
}
