package linkly

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// Paths on each host [CODE S60 ApiServiceEndpoint, PosApiService].
const (
	pathPair   = PrefixAuth + "/v1/pairing/cloudpos"
	pathToken  = PrefixAuth + "/v1/tokens/cloudpos"
	pathStatus = PrefixPOS + "/v2/sessions/{id}/status"
	pathResult = PrefixPOS + "/v2/sessions/{id}/result"
)

// reply is an answer prepared under the lock and written after it: JSON
// (json non-nil), plain text, or no body at all.
type reply struct {
	status int
	json   any
	text   string
}

func (rp reply) write(w http.ResponseWriter) {
	switch {
	case rp.json != nil:
		b, err := json.Marshal(rp.json)
		if err != nil { // unreachable: plain structs
			rp.status, b = http.StatusInternalServerError, nil
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(rp.status)
		_, _ = w.Write(b)
	case rp.text != "":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(rp.status)
		_, _ = w.Write([]byte(rp.text))
	default:
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(rp.status)
	}
}

// failLocked is a 4xx in Linkly's way: no body [OBS T60], or with
// error_bodies "text" the vendor tests' Unauthorised / Error [CODE S61,
// S62].
func (c *Cloud) failLocked(status int) reply {
	if c.settings.ErrorBodies != BodiesText {
		return reply{status: status}
	}
	switch status {
	case http.StatusUnauthorized:
		return reply{status: status, text: "Unauthorised"}
	case http.StatusBadRequest:
		return reply{status: status, text: "Error"}
	}
	return reply{status: status, text: http.StatusText(status)}
}

// routes mounts both hosts. A known path with another method, like any
// other path, is 404 with an empty body (reference §7.10).
func (c *Cloud) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(method, path, route string, fn func(*http.Request, []byte) reply) {
		routed := c.h.Route(route, func(w http.ResponseWriter, r *http.Request) {
			body, err := sandbox.ReadBody(r)
			if err != nil {
				c.h.Lock()
				rp := c.failLocked(http.StatusBadRequest)
				c.h.Unlock()
				rp.write(w)
				return
			}
			fn(r, body).write(w)
		})
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method {
				reply{status: http.StatusNotFound}.write(w)
				return
			}
			routed(w, r)
		})
	}
	handle(http.MethodPost, pathPair, RoutePair, c.pair)
	handle(http.MethodPost, pathToken, RouteToken, c.token)
	handle(http.MethodPost, pathStatus, RouteStatus, c.status)
	handle(http.MethodGet, pathResult, RouteResult, c.result)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { reply{status: http.StatusNotFound}.write(w) })
	return mux
}

// accountLocked is the account a username and password log in to: the
// fixture account's, or "" for anything else (no other account has
// credentials).
func (c *Cloud) accountLocked(username, password string) string {
	u := subtle.ConstantTimeCompare([]byte(username), []byte(c.h.Credential(KeyUsername)))
	p := subtle.ConstantTimeCompare([]byte(password), []byte(c.h.Credential(KeyPassword)))
	if u&p == 1 {
		return accountSandbox
	}
	return ""
}

// pair is POST {auth}/v1/pairing/cloudpos: a live code of a pad of the
// account the username and password log in to makes a secret. A body
// that is not an object with the three strings is 400; every other
// refusal (username, password, unknown, used, expired or void code, a pad
// of another account) is the same 401 — 400 with pair_failure_status 400
// — so nothing tells which part was wrong.
func (c *Cloud) pair(r *http.Request, body []byte) reply {
	c.h.Lock()
	defer c.h.Unlock()
	now := c.h.Clock().Now()
	req, err := decodePair(body)
	if err != nil {
		return c.failLocked(http.StatusBadRequest)
	}
	account := c.accountLocked(req.Username, req.Password)
	pc := c.codes[req.PairCode]
	if account == "" || pc == nil || pc.StateAt(now) != sandbox.CodeInitial || pc.pad.account != account {
		return c.failLocked(c.settings.PairFailureStatus)
	}
	s := c.pairedLocked(pc)
	c.h.NotifyLocked()
	return reply{status: http.StatusOK, json: struct {
		Secret string `json:"secret"`
	}{s.value}}
}

// token is POST {auth}/v1/tokens/cloudpos: a body with the five strings,
// posId and posVendorId version 4 UUIDs (else 400), then a secret that
// is known and not revoked (else 401) buys a token of
// token_expiry_seconds.
func (c *Cloud) token(r *http.Request, body []byte) reply {
	c.h.Lock()
	defer c.h.Unlock()
	now := c.h.Clock().Now()
	req, err := decodeToken(body)
	if err != nil {
		return c.failLocked(http.StatusBadRequest)
	}
	s := c.secrets[req.Secret]
	if s == nil || s.revoked {
		return c.failLocked(http.StatusUnauthorized)
	}
	n := c.settings.TokenExpirySeconds
	value := c.rng.Alnum(64)
	c.tokens[value] = &token{secret: s, posID: strings.ToLower(req.PosID), expires: now.Add(time.Duration(n) * time.Second)}
	if s.posName != req.PosName {
		s.posName = req.PosName
		c.h.NotifyLocked()
	}
	return reply{status: http.StatusOK, json: struct {
		Token         string `json:"token"`
		ExpirySeconds int    `json:"expirySeconds"`
	}{value, n}}
}

// bearerLocked is the request's token if it still works: sent as
// "Bearer <token>" (any case), known, not expired, its secret not
// revoked.
func (c *Cloud) bearerLocked(r *http.Request, now time.Time) *token {
	scheme, value, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	t := c.tokens[strings.TrimSpace(value)]
	if t == nil || !now.Before(t.expires) || t.secret.revoked {
		return nil
	}
	return t
}

// session is one POS API request and its events.
type session struct {
	secret  *secret
	readyAt time.Time // when the pad's answer is there; zero: never (pad off)
	event   statusEvent
	sent    bool
}

// available: the answer is there and, unless all, not yet sent.
func (s *session) available(now time.Time, all bool) bool {
	return !s.readyAt.IsZero() && !now.Before(s.readyAt) && (all || !s.sent)
}

// statusEvent is a StatusResponse [CODE S60, S61], texts right-padded to
// 20 as the vendor mock's.
type statusEvent struct {
	ResponseType         string   `json:"responseType"`
	Success              bool     `json:"success"`
	ResponseCode         string   `json:"responseCode"`
	ResponseText         string   `json:"responseText"`
	Merchant             string   `json:"merchant"`
	LoggedOn             bool     `json:"loggedOn"`
	PinPadSerialNumber   string   `json:"pinPadSerialNumber"`
	CatID                string   `json:"catId"`
	CaID                 string   `json:"caId"`
	RetailerName         string   `json:"retailerName"`
	PurchaseAnalysisData struct{} `json:"purchaseAnalysisData"`
}

func pad20(s string) string { return s + strings.Repeat(" ", max(0, 20-len(s))) }

// statusEvent is what p answers a status request now: OK, or "BY" PINPAD
// BUSY with busy.
func (p *pad) statusEvent() statusEvent {
	ev := statusEvent{ResponseType: "status", Success: true, ResponseCode: "00", ResponseText: pad20("APPROVED"),
		Merchant: "00", LoggedOn: p.loggedOn, PinPadSerialNumber: p.serial, CatID: p.term.TID,
		CaID: "LINKLYSANDBOX01", RetailerName: pad20("TILLPAIR SANDBOX")}
	if p.busy {
		ev.Success, ev.ResponseCode, ev.ResponseText = false, "BY", pad20("PINPAD BUSY")
	}
	return ev
}

// status is POST {pos}/v2/sessions/{id}/status: a working token (else
// 401), a session id of 32 hex digits or a hyphenated UUID never used
// before (else 400) and a {"request":{…}} body whose posId, if sent, is
// the token's (else 400). The pad answers status_delay later, or never
// while it is switched off.
func (c *Cloud) status(r *http.Request, body []byte) reply {
	c.h.Lock()
	defer c.h.Unlock()
	now := c.h.Clock().Now()
	tok := c.bearerLocked(r, now)
	if tok == nil {
		return c.failLocked(http.StatusUnauthorized)
	}
	key, ok := sessionKey(r.PathValue("id"))
	req, err := decodeStatus(body)
	switch {
	case !ok, err != nil, c.sessions[key] != nil:
		return c.failLocked(http.StatusBadRequest)
	case req.PosID != "" && !strings.EqualFold(req.PosID, tok.posID):
		return c.failLocked(http.StatusBadRequest)
	}
	p := tok.secret.pad
	s := &session{secret: tok.secret}
	if p.term.Online {
		s.readyAt, s.event = now.Add(p.statusDelay), p.statusEvent()
	}
	c.sessions[key] = s
	id := hyphenated(key)
	return reply{status: http.StatusOK, json: struct {
		RequestID string `json:"requestId"`
		URI       string `json:"uri"`
	}{id, "/v2/sessions/" + id + "/result"}}
}

// result is GET {pos}/v2/sessions/{id}/result?all=…: a working token
// (else 401) and a session it may see (else 404). all=false (the
// default; either case) answers the events not yet sent, all=true every
// event; with none, the GET waits up to result_hold_ms on the clock and
// then answers 425 with an empty body.
func (c *Cloud) result(r *http.Request, _ []byte) reply {
	all, okAll := parseBool(r.URL.Query().Get("all"))
	c.h.Lock()
	now := c.h.Clock().Now()
	tok := c.bearerLocked(r, now)
	if tok == nil {
		defer c.h.Unlock()
		return c.failLocked(http.StatusUnauthorized)
	}
	key, ok := sessionKey(r.PathValue("id"))
	s := c.sessions[key]
	switch {
	case !ok || s == nil || s.secret != tok.secret:
		defer c.h.Unlock()
		return c.failLocked(http.StatusNotFound)
	case !okAll:
		defer c.h.Unlock()
		return c.failLocked(http.StatusBadRequest)
	case s.available(now, all):
		defer c.h.Unlock()
		return c.eventsLocked(s)
	}
	wait := time.Duration(c.settings.ResultHoldMS) * time.Millisecond
	if !s.readyAt.IsZero() && !s.sent && s.readyAt.Sub(now) < wait {
		wait = s.readyAt.Sub(now)
	}
	c.h.Unlock()
	if wait > 0 {
		t := c.h.Clock().NewTimer(wait)
		select {
		case <-t.Chan():
		case <-r.Context().Done():
			t.Stop()
			return reply{status: http.StatusTooEarly}
		}
	}
	c.h.Lock()
	defer c.h.Unlock()
	if s.available(c.h.Clock().Now(), all) {
		return c.eventsLocked(s)
	}
	return reply{status: http.StatusTooEarly}
}

func (c *Cloud) eventsLocked(s *session) reply {
	s.sent = true
	return reply{status: http.StatusOK, json: []statusEvent{s.event}}
}

// parseBool reads all= as the SDKs send it (false/False/true/True; the
// mock compares case-insensitively [CODE S61]); empty means false.
func parseBool(v string) (b, ok bool) {
	switch {
	case v == "" || strings.EqualFold(v, "false"):
		return false, true
	case strings.EqualFold(v, "true"):
		return true, true
	}
	return false, false
}
