package linkly

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// maxCodeLen bounds a typed pair code: Linkly's format is undocumented
// (6 digits in the examples, "testcode" in a vendor test), so only
// nonsense is refused here [reference §7.9].
const maxCodeLen = 32

// maxInput bounds the username and password typed.
const maxInput = 256

type pairBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	PairCode string `json:"pairCode"`
}

type tokenBody struct {
	Secret      string `json:"secret"`
	PosName     string `json:"posName"`
	PosVersion  string `json:"posVersion"`
	PosID       string `json:"posId"`
	PosVendorID string `json:"posVendorId"`
}

// statusBody is the SDK's status request, wrapped in "request" [CODE
// S60]: merchant and application "00", receipts to the POS, Standard
// status.
type statusBody struct {
	Request struct {
		Merchant             string   `json:"merchant"`
		Application          string   `json:"application"`
		ReceiptAutoPrint     string   `json:"receiptAutoPrint"`
		CutReceipt           string   `json:"cutReceipt"`
		PurchaseAnalysisData struct{} `json:"purchaseAnalysisData"`
		PosName              string   `json:"posName"`
		PosVersion           string   `json:"posVersion"`
		PosID                string   `json:"posId"`
		StatusType           string   `json:"statusType"`
	} `json:"request"`
}

// Pair sends the pair code the PIN pad shows with the merchant's Linkly
// Cloud username and password (PairRequest.Inputs InputUsername and
// InputPassword, used for this request only) and returns the pairing
// with the non-expiring secret, which the caller must store
// (Descriptor.PairingSecret). The pairing's ID is made here (Linkly has
// none); Register records the posId it was made with. A first token is
// then bought, best effort: its outcome is the pairing's Health detail,
// and a failure there does not undo a pairing Linkly already made.
func (c *Client) Pair(ctx context.Context, in providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	posID, err := c.posIDFor(op, in.Register)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	user, pass, code, err := pairInputs(op, in)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	resp, err := c.post(ctx, op, c.auth, pairBody{Username: user, Password: pass, PairCode: code}, providers.Secret{}, "v1", "pairing", "cloudpos")
	if err != nil {
		if pe, ok := providers.AsError(err); ok {
			pe.Retryable = false // a code is single-use: only the operator repeats a pairing
		}
		return providers.Pairing{}, providers.Secret{}, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return providers.Pairing{}, providers.Secret{}, httpError(op, callPair, resp)
	}
	secret, err := decodeSecret(resp.Body)
	switch {
	case errors.Is(err, errNoSecret):
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: ID, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol, Code: CodeNoSecret, Message: msgNoSecret}
	case err != nil:
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: ID, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol, Code: CodeNoSecret,
			Message: msgNoSecret + " (" + err.Error() + ")"}
	}
	now := c.clock.Now().UTC()
	p := providers.Pairing{
		Provider: ID, ID: c.newID(), Status: providers.StatusActive,
		PairingNickname: clean(in.Nickname), Environment: c.env,
		Register:  &providers.RegisterIdentity{RegisterID: posID},
		CreatedAt: now, UpdatedAt: now,
	}
	h := providers.Health{}
	if tok, err := c.token(ctx, op, secret, posID); err != nil {
		h.Detail = "Paired; the first token request failed: " + providers.KindOf(err).String() + " — Test will try again"
	} else {
		h.Detail = tokenDetail(tok.expiry)
	}
	p.Health = &h
	return p, secret, nil
}

// pairInputs checks what the operator typed; nothing is sent when one is
// missing. The password is never trimmed (spaces may be part of it) and
// never repeated in a message.
func pairInputs(op string, in providers.PairRequest) (user, pass, code string, err error) {
	user = strings.TrimSpace(in.Inputs[InputUsername].Reveal())
	pass = in.Inputs[InputPassword].Reveal()
	code = strings.TrimSpace(in.Code)
	bad := func(kind providers.Kind, msg string) error {
		return &providers.Error{Provider: ID, Op: op, Kind: kind, Message: msg}
	}
	switch {
	case user == "":
		return "", "", "", bad(providers.KindInvalidInput, "enter the Linkly Cloud username")
	case len(user) > maxInput || strings.IndexFunc(user, unicode.IsControl) >= 0:
		return "", "", "", bad(providers.KindInvalidInput, "the Linkly Cloud username is too long or contains control characters")
	case strings.TrimSpace(pass) == "":
		return "", "", "", bad(providers.KindInvalidInput, "enter the Linkly Cloud password (or set "+providers.EnvName(InputPassword)+")")
	case len(pass) > maxInput || strings.IndexFunc(pass, unicode.IsControl) >= 0:
		return "", "", "", bad(providers.KindInvalidInput, "the Linkly Cloud password is too long or contains control characters")
	case code == "":
		return "", "", "", bad(providers.KindInvalidCode, "enter the pair code the PIN pad shows")
	case len(code) > maxCodeLen || strings.IndexFunc(code, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return "", "", "", bad(providers.KindInvalidCode, "a Linkly pair code is the short code the PIN pad shows (no spaces)")
	}
	return user, pass, code, nil
}

// posIDFor is the posId a request sends: the register identity's id when
// given (a pairing keeps the one it was made with), else the configured
// one. It must be a version 4 UUID [CODE S60].
func (c *Client) posIDFor(op string, reg *providers.RegisterIdentity) (string, error) {
	id := c.posID
	if reg != nil && strings.TrimSpace(reg.RegisterID) != "" {
		id = strings.TrimSpace(reg.RegisterID)
	}
	switch {
	case id == "":
		return "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig, Code: CodeNoPosID,
			Message: "this register has no Linkly POS id yet; run " + setupHint}
	case !isUUIDv4(id):
		return "", &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig, Code: CodeNoPosID,
			Message: "this register's Linkly POS id is not a version 4 UUID; run " + setupHint + " to make a new one"}
	}
	return strings.ToLower(id), nil
}

// token is a bearer token for secret: the cached one until it is due for
// renewal, else a new one from the Auth API. 401 means the secret no
// longer works (KindNotPaired): the PIN pad was re-paired or unpaired.
func (c *Client) token(ctx context.Context, op string, secret providers.Secret, posID string) (cachedToken, error) {
	if t, ok := c.cached(secret, posID); ok {
		return t, nil
	}
	body := tokenBody{Secret: secret.Reveal(), PosName: PosName, PosVersion: c.posVersion, PosID: posID, PosVendorID: PosVendorID}
	resp, err := c.post(ctx, op, c.auth, body, providers.Secret{}, "v1", "tokens", "cloudpos")
	if err != nil {
		return cachedToken{}, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		e := httpError(op, callToken, resp)
		if e.Code == CodePairingLost {
			c.forget(secret)
		}
		return cachedToken{}, e
	}
	tok, expiry, err := decodeToken(resp.Body)
	if err != nil {
		return cachedToken{}, protocolError(op, resp.Status, "Linkly answered the token request with an unusable token: "+err.Error(), nil)
	}
	t := cachedToken{value: tok, posID: posID, expiry: expiry, refreshAt: refreshAt(c.clock.Now(), expiry)}
	c.keep(secret, t)
	return t, nil
}

func tokenDetail(d time.Duration) string {
	if d < 2*time.Minute {
		return fmt.Sprintf("token valid for %d s", int(d/time.Second))
	}
	return fmt.Sprintf("token valid for %d min", int(d/time.Minute))
}

// Check is Test: a token (cached or new), then a status request to the
// PIN pad through the POS API, following its 425 "too early" answers
// until the pad's status event arrives or StatusTimeout passes on the
// clock. Token 401 → StatusUnpaired with KindNotPaired (pair again);
// no answer, BY (busy) or success false → the pairing stays active and the
// error (KindNotListening) says what the pad did.
func (c *Client) Check(ctx context.Context, p providers.Pairing, secret providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	unknown := providers.CheckResult{Status: providers.StatusUnknown}
	if secret.IsZero() {
		return unknown, &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig, Code: CodeNoSecret,
			Message: "the pairing's Linkly secret is missing from the keyring; forget this pairing and pair the PIN pad again"}
	}
	posID, err := c.posIDFor(op, p.Register)
	if err != nil {
		return unknown, err
	}
	tok, err := c.token(ctx, op, secret, posID)
	if err != nil {
		if providers.KindOf(err) == providers.KindNotPaired {
			return providers.CheckResult{Status: providers.StatusUnpaired}, err
		}
		return unknown, err
	}
	ev, tok, err := c.askStatus(ctx, op, secret, posID, tok)
	if err != nil {
		if providers.KindOf(err) == providers.KindNotPaired {
			return providers.CheckResult{Status: providers.StatusUnpaired}, err
		}
		if pe, ok := providers.AsError(err); ok && pe.Code == CodeNoAnswer {
			off := false
			return providers.CheckResult{Status: providers.StatusActive, Health: providers.Health{Online: &off, Detail: msgNoAnswer}}, err
		}
		return unknown, err
	}
	return c.statusResult(op, p, ev, tok)
}

// statusResult reads the PIN pad's status event.
func (c *Client) statusResult(op string, p providers.Pairing, ev Event, tok cachedToken) (providers.CheckResult, error) {
	on := true
	res := providers.CheckResult{Status: providers.StatusActive, Health: providers.Health{Online: &on}}
	if ev.CatID != "" && ev.CatID != p.TID || ev.Serial != "" && ev.Serial != p.Serial {
		res.Learned = &providers.Pairing{TID: ev.CatID, Serial: ev.Serial}
	}
	switch {
	case ev.ResponseCode == "BY":
		res.Health.State, res.Health.Detail = "busy", msgBusy
		return res, &providers.Error{Provider: ID, Op: op, Kind: providers.KindNotListening, Code: CodePinPadBusy, Retryable: true, Message: msgBusy}
	case !ev.Success:
		text := ev.ResponseText
		if text == "" {
			text = "no reason given"
		}
		res.Health.Detail = "PIN pad answered: " + text
		return res, &providers.Error{Provider: ID, Op: op, Kind: providers.KindNotListening, Code: CodeStatusFailed,
			Message: "the PIN pad did not accept the status request: " + text + " (response code " + cmp.Or(ev.ResponseCode, "none") + ")"}
	}
	parts := []string{"PIN pad online"}
	if ev.LoggedOn != nil {
		res.Health.State = "logged off"
		if *ev.LoggedOn {
			res.Health.State = "logged on"
		}
		parts[0] += ", " + res.Health.State
	}
	if ev.RetailerName != "" {
		parts = append(parts, ev.RetailerName)
	}
	if ev.Serial != "" {
		parts = append(parts, "serial "+ev.Serial)
	}
	parts = append(parts, tokenDetail(tok.expiry))
	res.Health.Detail = strings.Join(parts, "; ")
	res.Health.LastActivity = c.clock.Now().UTC()
	return res, nil
}

// askStatus sends a status request under a fresh session id and polls its
// result. A 401 from the POS API drops the token and retries once with a
// new one [CODE S60 SendPosRequestAsync].
func (c *Client) askStatus(ctx context.Context, op string, secret providers.Secret, posID string, tok cachedToken) (Event, cachedToken, error) {
	session := strings.ToLower(c.newID())
	if !isUUIDv4(session) {
		return Event{}, tok, protocolError(op, 0, "could not make a session id", nil)
	}
	var body statusBody
	r := &body.Request
	r.Merchant, r.Application, r.ReceiptAutoPrint, r.CutReceipt = "00", "00", "0", "0"
	r.PosName, r.PosVersion, r.PosID, r.StatusType = PosName, c.posVersion, posID, "0"
	// The SDK names the session without hyphens in the POST and with them
	// in the result path [CODE S60].
	plain := strings.ReplaceAll(session, "-", "")
	resp, tok, err := c.withToken(ctx, op, secret, posID, tok, func(t cachedToken) (*transport.Response, error) {
		return c.post(ctx, op, c.pos, body, t.value, "v2", "sessions", plain, "status")
	})
	if err != nil {
		return Event{}, tok, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return Event{}, tok, httpError(op, callStatus, resp)
	}
	deadline := c.clock.Now().Add(c.statusWait)
	maxPolls := int(c.statusWait/c.poll) + 5 // a backstop should the clock stand still
	u := c.pos.JoinPath("v2", "sessions", session, "result")
	q := u.Query()
	q.Set("all", "false")
	u.RawQuery = q.Encode()
	for range maxPolls {
		start := c.clock.Now()
		resp, tok, err = c.withToken(ctx, op, secret, posID, tok, func(t cachedToken) (*transport.Response, error) {
			return c.send(ctx, op, http.MethodGet, u, nil, t.value)
		})
		if err != nil {
			return Event{}, tok, err
		}
		switch {
		case resp.Status == http.StatusOK:
			events, err := decodeEvents(resp.Body)
			if err != nil {
				return Event{}, tok, protocolError(op, resp.Status, "Linkly answered the status result with "+err.Error(), nil)
			}
			for i := len(events) - 1; i >= 0; i-- {
				if events[i].ResponseType == "status" {
					return events[i], tok, nil
				}
			}
			// Display or other events only: the answer is still to come.
		case resp.Status == http.StatusTooEarly:
		default:
			return Event{}, tok, httpError(op, callResult, resp)
		}
		now := c.clock.Now()
		if !now.Before(deadline) {
			break
		}
		if wait := min(c.poll-now.Sub(start), deadline.Sub(now)); wait > 0 {
			select {
			case <-c.clock.After(wait):
			case <-ctx.Done():
				return Event{}, tok, &providers.Error{Provider: ID, Op: op, Kind: providers.KindCanceled, Message: "request cancelled", Err: ctx.Err()}
			}
		}
		if !c.clock.Now().Before(deadline) {
			break
		}
	}
	return Event{}, tok, &providers.Error{Provider: ID, Op: op, Kind: providers.KindNotListening, Code: CodeNoAnswer,
		Message: fmt.Sprintf("the PIN pad did not answer the status request within %s: it is offline or asleep; the pairing is kept", c.statusWait)}
}

// withToken runs send with tok; on a 401 it drops the token, buys a new
// one and runs send once more.
func (c *Client) withToken(ctx context.Context, op string, secret providers.Secret, posID string, tok cachedToken,
	send func(cachedToken) (*transport.Response, error)) (*transport.Response, cachedToken, error) {
	resp, err := send(tok)
	if err != nil || resp.Status != http.StatusUnauthorized {
		return resp, tok, err
	}
	c.forget(secret)
	if tok, err = c.token(ctx, op, secret, posID); err != nil {
		return nil, tok, err
	}
	resp, err = send(tok)
	return resp, tok, err
}

// UnpairMessage is the Unpair error's message: Linkly has no unpair call.
const UnpairMessage = "Linkly Cloud has no unpair from the register: forget the pairing here (its secret is deleted), and unpair on the PIN pad to stop it accepting this register"

// Unpair drops the pairing's cached token and reports KindUnpairOnTerminal:
// Linkly has no unpair call [reference §7.4]. Forgetting the pairing (and
// its keyring secret) is the caller's.
func (c *Client) Unpair(_ context.Context, _ providers.Pairing, secret providers.Secret) error {
	if !secret.IsZero() {
		c.forget(secret)
	}
	return &providers.Error{Provider: ID, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal, Message: UnpairMessage}
}
