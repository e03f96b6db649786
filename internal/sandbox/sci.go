package sandbox

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers"
)

// sciCloud simulates mx51 SCI: the pairing API (ApiKey) and the per-tenant
// SCI API (RFC 9421 signatures). Its state lives in the Sandbox registry.
type sciCloud struct{ s *Sandbox }

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
	maxNicknameRunes        = 64
	maxPairingCodeLen       = 32
	confirmationCodeDigits  = 4
	pairingCodeDigits       = 6
	signingSecretPartBBytes = 16
)

func (c *sciCloud) handler() http.Handler {
	s := c.s
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+prefixSCIPairing+"/v1/progress-pairing", s.route(providers.SCI, RouteProgressPairing, c.progressPairing))
	mux.HandleFunc("GET "+prefixSCIAPI+"/{tenant}/v1/pairing-info", s.route(providers.SCI, RoutePairingInfo, c.pairingInfo))
	mux.HandleFunc("POST "+prefixSCIAPI+"/{tenant}/v1/unpair", s.route(providers.SCI, RouteUnpair, c.unpair))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeAPIError(w, http.StatusNotFound, codeRouteNotFound, "Route not found")
	})
	return mux
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

func (c *sciCloud) checkAPIKey(r *http.Request) (status int, code, msg string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return http.StatusUnauthorized, codeAPIKeyMissing, "Authorization header with ApiKey is missing"
	}
	key, ok := strings.CutPrefix(h, "ApiKey ")
	if !ok || subtle.ConstantTimeCompare([]byte(key), []byte(c.s.creds.SCIAPIKey)) != 1 {
		return http.StatusUnauthorized, codeAPIKeyInvalid, "API key is invalid"
	}
	return 0, "", ""
}

func (c *sciCloud) progressPairing(w http.ResponseWriter, r *http.Request) {
	if status, code, msg := c.checkAPIKey(r); status != 0 {
		writeAPIError(w, status, code, msg)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
		return
	}
	var req progressRequest
	if err := decodeStrict(body, &req); err != nil {
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
	data, status, code, msg := c.s.progress(*req.PairingCode, nickname, c.baseURL(r))
	if status != 0 {
		writeAPIError(w, status, code, msg)
		return
	}
	if c.s.legacy {
		data.SPICloudAPIBaseURL, data.SCIAPIBaseURL = data.SCIAPIBaseURL, ""
	}
	writeJSON(w, http.StatusOK, map[string]progressData{"data": data})
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

// baseURL is the sandbox's own origin: the listener's address once
// started, else the Host the request came to (a mounted Handler).
func (c *sciCloud) baseURL(r *http.Request) string {
	c.s.mu.Lock()
	base := c.s.baseURL
	c.s.mu.Unlock()
	if base == "" {
		base = "http://" + r.Host
	}
	return base
}

// progress moves a code from initial to progressed and makes the pairing.
// An expired code answers pairing_not_initial rather than not_found: the
// code existed, and the reference (T1) reads 422 as "used or expired".
func (s *Sandbox) progress(code, nickname, origin string) (progressData, int, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	pc, ok := s.codes[code]
	if !ok {
		return progressData{}, http.StatusNotFound, codePairingNotFound, "Pairing not found"
	}
	t := pc.term
	if t.foreignTenant {
		return progressData{}, http.StatusForbidden, codeRouteForbidden, "This API key may not pair terminals of this tenant"
	}
	if t.live && strings.HasPrefix(s.creds.SCIAPIKey, "test_") {
		return progressData{}, http.StatusForbidden, codeTestKeyForLive, "A test API key cannot pair a live terminal"
	}
	if st := pc.stateAt(now); st != codeInitial {
		return progressData{}, http.StatusUnprocessableEntity, codePairingNotInitial, "Pairing is not in its initial state (code " + st.String() + ")"
	}
	p := &pairing{
		id:           "pid_" + s.rng.uuid(),
		keyID:        "kid_" + s.rng.uuid(),
		partB:        s.rng.hex(signingSecretPartBBytes),
		confirmation: s.rng.digits(confirmationCodeDigits),
		nickname:     nickname,
		tenant:       t.tenant,
		status:       providers.StatusAwaitingConfirmation,
		term:         t,
		code:         pc,
	}
	pc.state, pc.pairing = codeProgressed, p
	t.stopTimer() // the confirm screen has no TTL of its own
	t.pairings = append(t.pairings, p)
	s.byKeyID[p.keyID] = p
	s.notifyLocked()
	return progressData{
		PairingID: p.id, KeyID: p.keyID, ConfirmationCode: p.confirmation,
		SigningSecretPartB: p.partB, SCIAPIBaseURL: origin + prefixSCIAPI + "/" + p.tenant,
		TID: t.tid, PairingNickname: nickname, TerminalNickname: t.nickname,
	}, 0, "", ""
}

func (st codeState) String() string {
	switch st {
	case codeInitial:
		return "initial"
	case codeProgressed:
		return "already progressed"
	case codeConfirmed:
		return "already confirmed"
	case codeExpired:
		return "expired"
	case codeRevoked:
		return "revoked"
	}
	return "unknown"
}

// signedPairing verifies the request's signature, as of when it arrived,
// and returns the pairing whose key signed it, or writes the 401 and
// returns nil.
func (c *sciCloud) signedPairing(w http.ResponseWriter, r *http.Request) *pairing {
	s := c.s
	body, err := readBody(r)
	if err != nil {
		writeAPIError(w, http.StatusUnauthorized, codeNoValidSignatures, err.Error())
		return nil
	}
	tenant := r.PathValue("tenant")
	keyID, err := verifySignature(r, body, s.arrivedAt(r), func(keyID string) ([]byte, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		p, ok := s.byKeyID[keyID]
		if !ok || p.tenant != tenant {
			return nil, fmt.Errorf("keyid %q is not known at tenant %q", keyID, tenant)
		}
		return []byte(s.creds.SCISigningSecretPartA + p.partB), nil
	})
	if err != nil {
		s.log.Debug("sci signature rejected", "path", r.URL.Path, "reason", err.Error())
		writeAPIError(w, http.StatusUnauthorized, codeNoValidSignatures, "No valid signatures found: "+err.Error())
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byKeyID[keyID]
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

func (c *sciCloud) pairingInfo(w http.ResponseWriter, r *http.Request) {
	p := c.signedPairing(w, r)
	if p == nil {
		return
	}
	c.s.mu.Lock()
	active := p.status == providers.StatusActive
	data := pairingInfoData{PairingID: p.id, PairingNickname: p.nickname, TID: p.term.tid, TerminalNickname: p.term.nickname, Status: string(p.status)}
	c.s.mu.Unlock()
	if !active {
		writeAPIError(w, http.StatusUnauthorized, codeNoActivePairings, "No active pairings found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]pairingInfoData{"data": data})
}

// unpair removes the pairing. It also works while the pairing awaits
// confirmation, which is how a POS cancels mid-pairing (SCIPAIRING07).
func (c *sciCloud) unpair(w http.ResponseWriter, r *http.Request) {
	p := c.signedPairing(w, r)
	if p == nil {
		return
	}
	s := c.s
	s.mu.Lock()
	ok := s.unpairLocked(p)
	s.mu.Unlock()
	if !ok {
		writeAPIError(w, http.StatusUnauthorized, codeNoActivePairings, "No active pairings found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sandbox) unpairLocked(p *pairing) bool {
	switch p.status {
	case providers.StatusActive:
	case providers.StatusAwaitingConfirmation:
		if p.term.code == p.code {
			p.term.code = nil
		}
		p.code.state = codeRevoked
	default:
		return false
	}
	p.status = providers.StatusUnpaired
	s.notifyLocked()
	return true
}
