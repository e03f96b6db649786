package sumup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers"
)

// maxCodeLen is the client's own bound on a typed code: SumUp enforces 8–9
// itself, and a third party dropped its client-side limit after real
// codes failed it [reference §5.10, OBS T41], so only nonsense is refused
// here.
const maxCodeLen = 16

type createBody struct {
	PairingCode string `json:"pairing_code"`
	Name        string `json:"name"`
}

// Pair creates a reader: POST …/merchants/{merchant_code}/readers with the
// code the Solo shows and the reader name (the pairing nickname). 201 gives
// a reader in status processing, which the Solo then acknowledges: the
// pairing is awaiting confirmation until Check sees it paired. The Secret is
// empty: the API key is the only credential.
func (c *Client) Pair(ctx context.Context, in providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	if _, _, err := c.credentials(op); err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	code, err := normalizeCode(op, in.Code)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	name := strings.TrimSpace(in.Nickname)
	if name == "" {
		name = DefaultReaderName
	}
	if utf8.RuneCountInString(name) > maxReaderName {
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: ID, Op: op, Kind: providers.KindInvalidInput,
			Message: fmt.Sprintf("a SumUp reader name is at most %d characters; shorten the pairing nickname", maxReaderName)}
	}
	body, err := json.Marshal(createBody{PairingCode: code, Name: name})
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, 0, "could not encode the request", err)
	}
	resp, err := c.send(ctx, op, http.MethodPost, body)
	if err != nil {
		return c.recoverCreate(ctx, op, name, err)
	}
	switch {
	case resp.Status == http.StatusCreated:
	case resp.Status >= 200 && resp.Status < 300:
		// The spec promises 201 and the SDK accepts nothing else [CODE S41].
		return providers.Pairing{}, providers.Secret{}, protocolError(op, resp.Status,
			fmt.Sprintf("SumUp answered the pairing with HTTP %d instead of 201 Created", resp.Status), nil)
	default:
		return providers.Pairing{}, providers.Secret{}, c.refine404(ctx, op, httpError(op, resp, c.clock.Now()))
	}
	r, err := decodeReader(resp.Body)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, resp.Status, "SumUp answered the pairing with an unusable reader: "+err.Error(), nil)
	}
	return c.created(op, r, name)
}

// created is the pairing of a reader just created under name.
func (c *Client) created(op string, r Reader, name string) (providers.Pairing, providers.Secret, error) {
	st, ok := pairingStatus(r.Status)
	if !ok {
		// A new state is taken as still pending: Check decides later.
		st = providers.StatusAwaitingConfirmation
	}
	if st == providers.StatusUnpaired {
		return providers.Pairing{}, providers.Secret{}, expiredError(op, true, r)
	}
	now := c.clock.Now().UTC()
	p := c.pairing(r, st)
	p.CreatedAt, p.UpdatedAt = now, now
	if p.PairingNickname == "" {
		p.PairingNickname = clean(name)
	}
	return p, providers.Secret{}, nil
}

// recoverCreate handles a create whose answer never arrived: the POST may
// have reached SumUp, and create has no idempotency key, so pairing again
// would meet 409 (the code's reader is processing) and the reader would
// expire unclaimed. As the reference advises [§5.9], the reader list is
// read first: exactly one processing reader under this name is taken to be
// the one just created (a processing reader is at most 5 minutes old, and
// the name is this register's). Otherwise, or if the list fails too, the
// original failure stands.
func (c *Client) recoverCreate(ctx context.Context, op, name string, err error) (providers.Pairing, providers.Secret, error) {
	if k := providers.KindOf(err); k != providers.KindNetwork && k != providers.KindTimeout || ctx.Err() != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	readers, lerr := c.list(ctx, op)
	if lerr != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	var found []Reader
	for _, r := range readers {
		if r.Status == StatusProcessing && r.Name == clean(name) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		return providers.Pairing{}, providers.Secret{}, err
	}
	return c.created(op, found[0], name)
}

// pairing is the record of reader r.
func (c *Client) pairing(r Reader, st providers.Status) providers.Pairing {
	return providers.Pairing{
		Provider:        ID,
		ID:              r.ID,
		Status:          st,
		PairingNickname: r.Name,
		// TID is what the descriptor labels "Serial"; Serial is the same
		// value, kept to recognise the Solo across re-pairs.
		TID:         r.Serial,
		Serial:      r.Serial,
		Model:       r.Model,
		Environment: c.env,
		CreatedAt:   r.CreatedAt,
		UpdatedAt:   r.UpdatedAt,
	}
}

// pairingStatus maps a reader status; ok is false for a value SumUp has
// not documented.
func pairingStatus(s string) (providers.Status, bool) {
	switch s {
	case StatusProcessing:
		return providers.StatusAwaitingConfirmation, true
	case StatusPaired:
		return providers.StatusActive, true
	case StatusExpired, StatusUnknown:
		// Only paired is usable; the others "need to get recreated" [DOC
		// S40, reference §5.7].
		return providers.StatusUnpaired, true
	}
	return providers.StatusUnknown, false
}

// expiredError: the reader is expired or unknown. While the pairing still
// awaits the Solo that is the code's window running out (KindCodeUsed: the
// merchant needs a new code; KindNotPaired would only mean "keep waiting"
// to the session); later it means the pairing ended (Disconnect on the
// Solo), so KindNotPaired and the session marks it unpaired.
func expiredError(op string, awaiting bool, r Reader) *providers.Error {
	if awaiting {
		return &providers.Error{Provider: ID, Op: op, Kind: providers.KindCodeUsed, Code: CodeReaderExpired,
			Message: "the pairing expired before the Solo confirmed it (status " + r.Status + "); on the Solo press Connections > API > Connect again and enter the new code"}
	}
	return &providers.Error{Provider: ID, Op: op, Kind: providers.KindNotPaired, Code: CodeReaderExpired,
		Message: "SumUp no longer has this reader paired (status " + r.Status + "): it was disconnected on the Solo or expired; forget it here and pair again"}
}

// normalizeCode trims the code, drops spaces and dashes and upper-cases it
// (SumUp's codes are upper case; case-sensitivity is undocumented
// [reference §5.10]), then checks it is ASCII letters and digits.
func normalizeCode(op, raw string) (string, error) {
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r == ' ' || r == '-' || r == '\t':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", invalidCode(op)
		}
	}
	code := b.String()
	if code == "" || len(code) > maxCodeLen {
		return "", invalidCode(op)
	}
	return code, nil
}

func invalidCode(op string) error {
	return &providers.Error{Provider: ID, Op: op, Kind: providers.KindInvalidCode,
		Message: "a SumUp pairing code is the 8 or 9 letters and digits the Solo shows under Connections > API > Connect"}
}

// Check reads the reader (GET …/readers/{id}): processing → awaiting
// confirmation; paired → active, and the status route fills in Health;
// expired or unknown → StatusUnpaired with expiredError; 404 → the reader
// is gone (KindNotPaired for an active pairing, KindNotFound while
// awaiting). Failures that say nothing about the pairing (network,
// timeout, 5xx, 429) are StatusUnknown.
func (c *Client) Check(ctx context.Context, p providers.Pairing, _ providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	unknown := providers.CheckResult{Status: providers.StatusUnknown}
	if err := checkStoredID(op, p.ID); err != nil {
		return unknown, err
	}
	awaiting := p.Status == providers.StatusAwaitingConfirmation
	r, err := c.get(ctx, op, p.ID)
	if err != nil {
		if pe, ok := providers.AsError(err); ok && pe.Code == CodeReaderNotFound {
			if awaiting {
				pe.Message = "the pending reader no longer exists in SumUp (deleted elsewhere, or the Solo left the API screen); press Connect on the Solo and pair again"
				return providers.CheckResult{Status: providers.StatusUnpaired}, pe
			}
			pe.Kind = providers.KindNotPaired
			pe.Message = "the reader no longer exists in SumUp (deleted elsewhere); forget it here and pair again"
			return providers.CheckResult{Status: providers.StatusUnpaired}, pe
		}
		return unknown, err
	}
	res := providers.CheckResult{Health: providers.Health{Model: r.Model}}
	if r.Serial != "" && r.Serial != p.Serial || r.Model != "" && r.Model != p.Model {
		res.Learned = &providers.Pairing{TID: r.Serial, Serial: r.Serial, Model: r.Model}
	}
	st, known := pairingStatus(r.Status)
	switch {
	case !known:
		// Lenient: an undocumented state is reported, not failed.
		res.Status = providers.StatusUnknown
		res.Health.Detail = "SumUp reports reader status " + r.Status
		return res, nil
	case st == providers.StatusUnpaired:
		res.Status = st
		return res, expiredError(op, awaiting, r)
	case st == providers.StatusAwaitingConfirmation:
		res.Status = st
		return res, nil
	}
	res.Status = providers.StatusActive
	if err := c.health(ctx, op, p.ID, &res.Health); err != nil {
		return res, err
	}
	return res, nil
}

// health fills h from the status route. The route needs Solo firmware
// 3.3.39.0 or later [DOC S40], so a paired reader whose status fails is
// still active: h.Detail says why there is no health. Only a cancelled
// request is returned as an error.
func (c *Client) health(ctx context.Context, op, id string, h *providers.Health) error {
	resp, err := c.send(ctx, op, http.MethodGet, nil, id, "status")
	var ds DeviceStatus
	switch {
	case err != nil && providers.KindOf(err) == providers.KindCanceled:
		return err
	case err != nil:
		h.Detail = "Reader status unavailable just now (" + providers.KindOf(err).String() + ")"
		return nil
	case resp.Status != http.StatusOK:
		e := httpError(op, resp, c.clock.Now())
		h.Detail = "Reader status unavailable (HTTP " + fmt.Sprint(resp.Status) + ")"
		if resp.Status == http.StatusBadRequest || resp.Status == http.StatusNotFound {
			h.Detail += "; it needs Solo firmware 3.3.39.0 or later"
		}
		if pr, ok := e.Err.(*Problem); ok && pr.TraceID != "" {
			h.Detail += "; SumUp trace ID " + pr.TraceID
		}
		return nil
	}
	if ds, err = decodeStatus(resp.Body); err != nil {
		h.Detail = "Reader status unreadable: " + err.Error()
		return nil
	}
	switch ds.Status {
	case DeviceOnline:
		h.Online = ptr(true)
	case DeviceOffline:
		h.Online = ptr(false)
	}
	h.State, h.Battery, h.LastActivity = ds.State, ds.Battery, ds.LastActivity
	var parts []string
	if h.Online == nil {
		parts = append(parts, "device status "+ds.Status)
	}
	if ds.ConnectionType != "" {
		parts = append(parts, ds.ConnectionType)
	}
	if ds.Firmware != "" {
		parts = append(parts, "firmware "+ds.Firmware)
	}
	h.Detail = strings.Join(parts, ", ")
	return nil
}

func ptr[T any](v T) *T { return &v }

// Unpair deletes the reader (DELETE …/readers/{id}, 200 with an empty
// body). 404 means it is already gone, which counts as success, unless
// the merchant code itself is unknown. The merchant must still press
// Connections > API > Disconnect on the Solo (Descriptor.Steps.Unpair).
func (c *Client) Unpair(ctx context.Context, p providers.Pairing, _ providers.Secret) error {
	const op = providers.OpUnpair
	if err := checkStoredID(op, p.ID); err != nil {
		return err
	}
	resp, err := c.send(ctx, op, http.MethodDelete, nil, p.ID)
	if err != nil {
		return err
	}
	switch {
	case resp.Status >= 200 && resp.Status < 300:
		// A 2xx that is not empty or JSON came from something other than
		// SumUp (a captive portal, a proxy page); taking it as success
		// would forget a reader the cloud keeps.
		if b := bytes.TrimSpace(resp.Body); len(b) > 0 && !json.Valid(b) {
			return protocolError(op, resp.Status, "SumUp answered the delete with a body that is not JSON; the pairing was kept", nil)
		}
		return nil
	case resp.Status == http.StatusNotFound:
		err := c.refine404(ctx, op, httpError(op, resp, c.clock.Now()))
		if pe, ok := providers.AsError(err); ok && pe.Code == CodeReaderNotFound {
			return nil
		}
		return err
	default:
		return httpError(op, resp, c.clock.Now())
	}
}

// List reads every reader of the merchant account (GET …/readers; no
// pagination [DOC S40]) as pairings, for the fleet view: status mapped as
// Check maps it, times from SumUp. Readers that fail their shape checks
// are left out.
func (c *Client) List(ctx context.Context) ([]providers.Pairing, error) {
	readers, err := c.list(ctx, "list")
	if err != nil {
		return nil, err
	}
	out := make([]providers.Pairing, 0, len(readers))
	for _, r := range readers {
		st, _ := pairingStatus(r.Status)
		out = append(out, c.pairing(r, st))
	}
	return out, nil
}

func (c *Client) list(ctx context.Context, op string) ([]Reader, error) {
	resp, err := c.send(ctx, op, http.MethodGet, nil)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, httpError(op, resp, c.clock.Now())
	}
	readers, _, err := decodeReaders(resp.Body)
	if err != nil {
		return nil, protocolError(op, resp.Status, "SumUp answered the reader list with "+err.Error(), nil)
	}
	return readers, nil
}

// get reads one reader and checks SumUp answered for that reader.
func (c *Client) get(ctx context.Context, op, id string) (Reader, error) {
	resp, err := c.send(ctx, op, http.MethodGet, nil, id)
	if err != nil {
		return Reader{}, err
	}
	if resp.Status != http.StatusOK {
		return Reader{}, c.refine404(ctx, op, httpError(op, resp, c.clock.Now()))
	}
	r, err := decodeReader(resp.Body)
	if err != nil {
		return Reader{}, protocolError(op, resp.Status, "SumUp answered with an unusable reader: "+err.Error(), nil)
	}
	if r.ID != id {
		return Reader{}, protocolError(op, resp.Status, fmt.Sprintf("SumUp answered for reader %s when asked for %s", r.ID, id), nil)
	}
	return r, nil
}

// refine404 tells a 404 for the thing asked about from a 404 for the
// merchant code, which SumUp answers the same way for a code the key does
// not own [reference §5.11]: one list call decides. Anything but a 404,
// and a list that fails for another reason, leave e as it is.
func (c *Client) refine404(ctx context.Context, op string, e *providers.Error) error {
	if e.HTTPStatus != http.StatusNotFound {
		return e
	}
	_, err := c.list(ctx, op)
	if pe, ok := providers.AsError(err); !ok || pe.HTTPStatus != http.StatusNotFound {
		return e
	}
	return &providers.Error{Provider: ID, Op: op, HTTPStatus: http.StatusNotFound, Kind: providers.KindCredentials,
		Code: CodeMerchantNotFound, Err: e.Err,
		Message: "the merchant code " + c.merchantShown() + " is not an account of this SumUp API key; check both with " + setupHint}
}

// merchantShown is the configured merchant code for a message (it is not
// a secret; it passed checkMerchant before any request).
func (c *Client) merchantShown() string { return strings.ToUpper(c.merchant) }

// checkStoredID re-checks a reader id read from the records file, which is
// outside tillpair's control, before it becomes a path segment.
func checkStoredID(op, id string) error {
	if id == "" || !readerIDOK(id) {
		return &providers.Error{Provider: ID, Op: op, Kind: providers.KindConfig,
			Message: "the stored SumUp reader id is not valid; forget this pairing and pair again"}
	}
	return nil
}
