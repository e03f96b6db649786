package square

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
)

// createAttempts bounds how often Pair sends one create: a create whose
// answer was lost (network, time-out, 5xx) is repeated once with the same
// idempotency key and body, which Square answers with the same code.
const createAttempts = 2

type createBody struct {
	IdempotencyKey string     `json:"idempotency_key"`
	DeviceCode     createCode `json:"device_code"`
}

type createCode struct {
	Name        string `json:"name,omitempty"`
	LocationID  string `json:"location_id,omitempty"`
	ProductType string `json:"product_type"`
}

// Pair starts a pairing in the code_from_pos model: POST /v2/devices/codes
// for a Terminal API device code named after the nickname (and pinned to
// the configured location). The Pairing comes back awaiting confirmation
// with the code to SHOW in ConfirmationCode and its pair_by in ExpiresAt;
// req.Code is ignored. The Secret is empty.
//
// The idempotency key is derived from req.Attempt and the body, so a Pair
// repeated for the same attempt gets the same code (and a different
// nickname a new one, not IDEMPOTENCY_KEY_REUSED); with no Attempt a key
// is made per call. Either way a create whose answer is lost is sent once
// more with the same key.
func (c *Client) Pair(ctx context.Context, in providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	_, location, err := c.credentials(op)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	name := strings.TrimSpace(in.Nickname)
	if utf8.RuneCountInString(name) > maxName {
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: ID, Op: op, Kind: providers.KindInvalidInput,
			Message: fmt.Sprintf("a Square device code name is at most %d characters; shorten the terminal nickname", maxName)}
	}
	body := createBody{DeviceCode: createCode{Name: name, LocationID: location, ProductType: ProductTerminalAPI}}
	body.IdempotencyKey = idempotencyKey(in.Attempt, body.DeviceCode)
	sent := c.clock.Now().UTC()
	if in.Attempt != "" {
		sent = c.firstSent(body.IdempotencyKey, sent)
	}
	d, status, err := c.create(ctx, op, body)
	if pe, ok := providers.AsError(err); ok && pe.Code == CodeIdempotencyReuse {
		// Square says the key was used with another body: a fresh key,
		// once [reference §6.12].
		body.IdempotencyKey = uuid.NewString()
		sent = c.clock.Now().UTC()
		d, status, err = c.create(ctx, op, body)
	}
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	now := c.clock.Now().UTC()
	p := c.pairing(d, name, sent)
	p.CreatedAt, p.UpdatedAt = now, now
	switch st, known := codeStatus(d, p.ExpiresAt, now); {
	case st == StatusUnpaired || !known && st != StatusExpired:
		// An undocumented status with a code is shown like UNPAIRED
		// (lenient); Check reports it until Square says more.
		if d.Code == "" {
			return providers.Pairing{}, providers.Secret{}, protocolError(op, status,
				"Square answered with a device code that is not 6 to 12 upper-case letters or digits; nothing to show")
		}
		p.Status = providers.StatusAwaitingConfirmation
	case st == StatusPaired:
		// The same attempt, repeated after the operator signed in.
		if d.DeviceID == "" {
			return providers.Pairing{}, providers.Secret{}, protocolError(op, status, "Square reports the device code paired without a usable device_id")
		}
		p.Status = providers.StatusActive
	case st == StatusExpired:
		return providers.Pairing{}, providers.Secret{}, expiredError(op, d)
	default:
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: ID, Op: op, Kind: providers.KindCodeUsed, Code: CodeStateUnknown,
			Message: "Square could not report the new device code's state (status " + d.Status + "); create a new code"}
	}
	return p, providers.Secret{}, nil
}

// idempotencyKey is the create's key: from the attempt and the body when
// the caller names an attempt (so a repeat is recognised), else random.
// Square allows 1–128 characters [DOC S50]; this is 73.
func idempotencyKey(attempt string, dc createCode) string {
	if attempt == "" {
		return uuid.NewString()
	}
	b, _ := json.Marshal(dc) // strings only: cannot fail
	sum := sha256.Sum256(append([]byte(attempt+"\x00"), b...))
	return "tillpair-" + hex.EncodeToString(sum[:])
}

// create sends the create, repeating it once (same key, same body) when
// the answer was lost, and decodes the device code.
func (c *Client) create(ctx context.Context, op string, body createBody) (DeviceCode, int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return DeviceCode{}, 0, protocolError(op, 0, "could not encode the request")
	}
	var lastErr error
	for range createAttempts {
		resp, err := c.send(ctx, op, http.MethodPost, raw, "codes")
		switch {
		case err == nil && resp.Status == http.StatusOK:
			d, derr := decodeDeviceCode(resp.Body)
			if derr != nil {
				return DeviceCode{}, resp.Status, protocolError(op, resp.Status, "Square answered the create with an unusable device code: "+derr.Error())
			}
			return d, resp.Status, nil
		case err == nil && resp.Status >= 200 && resp.Status < 300:
			return DeviceCode{}, resp.Status, protocolError(op, resp.Status, fmt.Sprintf("Square answered the create with HTTP %d instead of 200", resp.Status))
		case err == nil:
			err = httpError(op, resp)
		}
		lastErr = err
		if k := providers.KindOf(err); ctx.Err() != nil || k != providers.KindNetwork && k != providers.KindTimeout && k != providers.KindServer {
			break
		}
	}
	return DeviceCode{}, 0, lastErr
}

// firstSent is when this client first sent the create with key (now, the
// first time), so that a create repeated for the same attempt minutes
// later, which Square answers with the first answer, is not mistaken for
// a clock minutes off. Entries are dropped after sentTTL.
func (c *Client) firstSent(key string, now time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent == nil {
		c.sent = map[string]time.Time{}
	}
	if at, ok := c.sent[key]; ok && now.Sub(at) < sentTTL {
		return at
	}
	if len(c.sent) >= maxSent {
		for k, at := range c.sent {
			if now.Sub(at) >= sentTTL {
				delete(c.sent, k)
			}
		}
	}
	if len(c.sent) < maxSent {
		c.sent[key] = now
	}
	return now
}

// Bounds of firstSent's memory: a code lasts five minutes, so an attempt
// repeated an hour later gets an expired code whatever the clock says.
const (
	sentTTL = time.Hour
	maxSent = 256
)

// pairing is the record of device code d, created under name and sent
// at sent (this machine's clock).
func (c *Client) pairing(d DeviceCode, name string, sent time.Time) providers.Pairing {
	p := providers.Pairing{
		Provider:         ID,
		ID:               d.ID,
		PairingNickname:  d.Name,
		ConfirmationCode: d.Code,
		ExpiresAt:        localExpiry(d, sent),
		TID:              d.DeviceID,
		Serial:           d.DeviceID,
		Location:         d.LocationID,
		Environment:      c.env,
	}
	if p.PairingNickname == "" {
		p.PairingNickname = clean(name)
	}
	if p.Location == "" {
		p.Location = c.location
	}
	return p
}

// maxSkew is how far this machine's clock may differ from Square's before
// the countdown is corrected for it.
const maxSkew = 30 * time.Second

// localExpiry is when a code whose create was sent at sent expires by
// this machine's clock: pair_by, moved by the clock difference when this
// clock is more than maxSkew off Square's (created_at is when Square made
// the code, a moment after sent), so a wrong system clock neither expires
// every new code at once nor shows a countdown minutes off. Without
// pair_by [DOC S50: always sent] the code is taken to last CodeTTL.
func localExpiry(d DeviceCode, sent time.Time) time.Time {
	switch {
	case d.PairBy.IsZero() && d.CreatedAt.IsZero():
		return sent.Add(CodeTTL)
	case d.PairBy.IsZero():
		d.PairBy = d.CreatedAt.Add(CodeTTL)
	}
	if d.CreatedAt.IsZero() {
		return d.PairBy
	}
	if skew := sent.Sub(d.CreatedAt); skew > maxSkew || skew < -maxSkew {
		return d.PairBy.Add(skew)
	}
	return d.PairBy
}

// codeStatus is d's status as the client must treat it at now: UNPAIRED
// from the expiry on is EXPIRED, however late Square flips it [reference
// §6.7]. known is false for a value Square has not documented.
func codeStatus(d DeviceCode, expiry, now time.Time) (status string, known bool) {
	past := !expiry.IsZero() && !now.Before(expiry)
	switch d.Status {
	case StatusUnpaired:
		if past {
			return StatusExpired, true
		}
		return StatusUnpaired, true
	case StatusPaired, StatusExpired, StatusUnknown:
		return d.Status, true
	}
	if past {
		return StatusExpired, false
	}
	return d.Status, false
}

// Check reads where the pairing stands.
//
// Awaiting (or never learned its Terminal): GET /v2/devices/codes/{id}.
// UNPAIRED before pair_by → awaiting; PAIRED → active, with the Terminal's
// serial in Learned (TID, Serial) and its health; EXPIRED or UNPAIRED past
// pair_by → StatusUnpaired, KindCodeUsed (a new code is needed); UNKNOWN →
// the same with CodeStateUnknown; another value → StatusUnknown, no error;
// 404 → StatusUnpaired, KindNotFound.
//
// Active: GET /v2/devices/device:{serial}: AVAILABLE / NEEDS_ATTENTION /
// OFFLINE fill Health; the pairing stays active (signing out on the
// Terminal only makes it OFFLINE). A Terminal that has since signed in
// with another device code → StatusUnpaired, KindNotPaired. A device
// Square does not list yet falls back to the code.
//
// Failures that say nothing about the pairing (network, 5xx, 429,
// credentials) are StatusUnknown.
func (c *Client) Check(ctx context.Context, p providers.Pairing, _ providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	unknown := providers.CheckResult{Status: providers.StatusUnknown}
	if !idOK(p.ID) {
		return unknown, storedError(op, "device code id")
	}
	serial := p.TID
	if serial == "" {
		serial = p.Serial
	}
	if p.Status == providers.StatusAwaitingConfirmation || serial == "" {
		return c.checkCode(ctx, op, p)
	}
	if identifier(serial, maxSerial) != serial {
		return unknown, storedError(op, "Terminal device id")
	}
	dev, err := c.device(ctx, op, serial)
	if pe, ok := providers.AsError(err); ok && pe.Kind == providers.KindNotFound {
		// The device data lags [DOC S54]: the code tells whether this
		// account still knows the pairing.
		res, cerr := c.checkCode(ctx, op, p)
		if cerr == nil && res.Status == providers.StatusActive {
			res.Health = providers.Health{Detail: "Square does not list this Terminal's status yet (device data lags a few minutes)"}
		}
		return res, cerr
	}
	if err != nil {
		return unknown, err
	}
	res := providers.CheckResult{Status: providers.StatusActive, Health: health(dev)}
	if dev.DeviceCodeID != "" && dev.DeviceCodeID != p.ID {
		res.Status = providers.StatusUnpaired
		return res, &providers.Error{Provider: ID, Op: op, Kind: providers.KindNotPaired, Code: CodeSignedInOther,
			Message: "the Square Terminal " + serial + " has since signed in with another device code; forget this pairing here"}
	}
	learnDevice(&res, p, dev)
	return res, nil
}

// checkCode is Check by the device code.
func (c *Client) checkCode(ctx context.Context, op string, p providers.Pairing) (providers.CheckResult, error) {
	unknown := providers.CheckResult{Status: providers.StatusUnknown}
	resp, err := c.send(ctx, op, http.MethodGet, nil, "codes", p.ID)
	if err != nil {
		return unknown, err
	}
	if resp.Status != http.StatusOK {
		e := httpError(op, resp)
		if e.Kind == providers.KindNotFound {
			e.Message = "Square does not know device code " + p.ID + " (another account or environment?); create a new code"
			if p.Status != providers.StatusAwaitingConfirmation {
				// A paired Terminal the token's account does not know:
				// most likely the wrong token; the pairing is kept.
				e.Message = "neither the device code nor the Terminal is known to this Square account: the access token may be for another account or environment"
				return unknown, e
			}
			return providers.CheckResult{Status: providers.StatusUnpaired}, e
		}
		return unknown, e
	}
	d, err := decodeDeviceCode(resp.Body)
	if err != nil {
		return unknown, protocolError(op, resp.Status, "Square answered with an unusable device code: "+err.Error())
	}
	if d.ID != p.ID {
		return unknown, protocolError(op, resp.Status, fmt.Sprintf("Square answered for device code %s when asked for %s", d.ID, p.ID))
	}
	// The expiry Pair worked out by this machine's clock (pair_by for a
	// record without one); Square saying EXPIRED ends it anyway.
	expiry := p.ExpiresAt
	if expiry.IsZero() {
		expiry = d.PairBy
	}
	st, known := codeStatus(d, expiry, c.clock.Now())
	switch {
	case st == StatusExpired:
		return providers.CheckResult{Status: providers.StatusUnpaired}, expiredError(op, d)
	case st == StatusUnknown:
		return providers.CheckResult{Status: providers.StatusUnpaired}, &providers.Error{Provider: ID, Op: op, Kind: providers.KindCodeUsed,
			Code: CodeStateUnknown, Message: "Square could not report the device code's state; create a new code"}
	case !known:
		// Lenient: an undocumented state is reported, not failed; expiry
		// still ends the wait.
		return providers.CheckResult{Status: providers.StatusUnknown,
			Health: providers.Health{Detail: "Square reports device code status " + d.Status}}, nil
	case st == StatusUnpaired:
		return providers.CheckResult{Status: providers.StatusAwaitingConfirmation}, nil
	}
	// PAIRED.
	if d.DeviceID == "" {
		return unknown, protocolError(op, resp.Status, "Square reports the device code paired without a usable device_id")
	}
	res := providers.CheckResult{Status: providers.StatusActive}
	if d.DeviceID != p.TID || d.DeviceID != p.Serial || d.LocationID != "" && d.LocationID != p.Location {
		res.Learned = &providers.Pairing{TID: d.DeviceID, Serial: d.DeviceID, Location: d.LocationID}
	}
	dev, err := c.device(ctx, op, d.DeviceID)
	switch {
	case err != nil && providers.KindOf(err) == providers.KindCanceled:
		return res, err
	case err != nil:
		res.Health.Detail = "Terminal status unavailable just now (" + providers.KindOf(err).String() + ")"
	default:
		res.Health = health(dev)
		learnDevice(&res, p, dev)
	}
	return res, nil
}

// learnDevice adds to res.Learned what the device says and p does not
// hold yet: the Terminal's name ("Square Terminal 0122") and its
// location.
func learnDevice(res *providers.CheckResult, p providers.Pairing, dev Device) {
	set := func(dst *string, have, v string) {
		if v == "" || v == have || *dst != "" {
			return
		}
		*dst = v
	}
	l := res.Learned
	if l == nil {
		l = &providers.Pairing{}
	}
	set(&l.TerminalNickname, p.TerminalNickname, dev.Name)
	set(&l.Location, p.Location, dev.Location)
	if *l != (providers.Pairing{}) {
		res.Learned = l
	}
}

// device reads GET /v2/devices/device%3A{serial}: the colon must be sent
// escaped [DOC S50, S54].
func (c *Client) device(ctx context.Context, op, serial string) (Device, error) {
	resp, err := c.send(ctx, op, http.MethodGet, nil, "device%3A"+serial)
	if err != nil {
		return Device{}, err
	}
	if resp.Status != http.StatusOK {
		return Device{}, httpError(op, resp)
	}
	d, err := decodeDevice(resp.Body)
	if err != nil {
		return Device{}, protocolError(op, resp.Status, "Square answered with an unusable device: "+err.Error())
	}
	if d.ID != devicePrefix+serial {
		return Device{}, protocolError(op, resp.Status, "Square answered for another device than "+serial)
	}
	return d, nil
}

// health maps a device: AVAILABLE and NEEDS_ATTENTION are online (the
// latter says so in Detail), OFFLINE is not; another category is only
// reported. Square's data "is not real-time" [DOC S54], so Detail names
// the time it is from.
func health(d Device) providers.Health {
	h := providers.Health{State: d.Category, Model: d.Model, Battery: d.Battery, LastActivity: d.UpdatedAt}
	var detail string
	switch d.Category {
	case CategoryAvailable:
		h.Online = ptr(true)
		detail = "Terminal available"
	case CategoryNeedsAttention:
		h.Online = ptr(true)
		detail = "Terminal needs attention"
	case CategoryOffline:
		h.Online = ptr(false)
		detail = "Terminal offline (or signed out)"
	default:
		detail = "Square reports device status " + d.Category
	}
	if !d.UpdatedAt.IsZero() {
		detail += " as of " + d.UpdatedAt.Format("15:04 UTC") + "; Square's device data may lag a few minutes"
	}
	h.Detail = detail
	return h
}

func ptr[T any](v T) *T { return &v }

// Unpair cannot talk to Square: there is no API to revoke a code or unpair
// a Terminal [DOC S50; OBS T53]. It returns KindUnpairOnTerminal; the
// operator signs out on the Terminal (Descriptor.Steps.Unpair) and the
// pairing is forgotten here.
func (c *Client) Unpair(_ context.Context, p providers.Pairing, _ providers.Secret) error {
	msg := "Square has no API to unpair a Terminal: sign out on it (Settings > Log out), then forget the pairing here"
	if p.Status == providers.StatusAwaitingConfirmation && p.ConfirmationCode != "" && !p.ExpiresAt.IsZero() {
		msg = "Square cannot withdraw a device code: code " + p.ConfirmationCode + " stays usable until " +
			p.ExpiresAt.UTC().Format("15:04:05 UTC") + "; ignore it, and forget the pairing here"
	}
	return &providers.Error{Provider: ID, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal, Message: msg}
}

// storedError: a record edited by hand never becomes a path.
func storedError(op, what string) error {
	return &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig,
		Message: "the stored Square " + what + " is not valid; forget this pairing and pair again"}
}
