package square

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// DeviceCode statuses [DOC S50 DeviceCodeStatus].
const (
	StatusUnknown  = "UNKNOWN"
	StatusUnpaired = "UNPAIRED"
	StatusPaired   = "PAIRED"
	StatusExpired  = "EXPIRED"
)

// productTerminalAPI is the only product type the spec lists [DOC S50].
const productTerminalAPI = "TERMINAL_API"

// deviceCode is a DeviceCode as the cloud keeps it. Expiry is derived from
// the clock (statusAt), never set by a timer. Guarded by the lock.
type deviceCode struct {
	seq        int
	id, code   string
	name       string
	locationID string // "" when the POS pinned none
	merchant   *merchant
	createdAt  time.Time
	pairBy     time.Time
	paired     bool // signed in on a Terminal before pairBy
	pairedAt   time.Time
	deviceID   string // the Terminal's serial, once paired
}

// statusAt is the code's status as the API reports it at now: PAIRED once
// signed in; EXPIRED from pairBy+lag (lag is Settings.ExpiryLag: 0 flips
// exactly at pair_by), and UNPAIRED before. changed is status_changed_at.
func (d *deviceCode) statusAt(now time.Time, lag time.Duration) (status string, changed time.Time) {
	switch {
	case d.paired:
		return StatusPaired, d.pairedAt
	case !now.Before(d.pairBy.Add(lag)):
		return StatusExpired, d.pairBy.Add(lag)
	}
	return StatusUnpaired, d.createdAt
}

// usableAt: a Terminal accepts the code — unpaired and before pair_by,
// whatever the API reports during an expiry lag.
func (d *deviceCode) usableAt(now time.Time) bool { return !d.paired && now.Before(d.pairBy) }

// deviceCodeJSON is a DeviceCode on the wire, members in the order of the
// create example [DOC S50/S52].
type deviceCodeJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name,omitempty"`
	Code            string `json:"code"`
	DeviceID        string `json:"device_id,omitempty"`
	ProductType     string `json:"product_type"`
	LocationID      string `json:"location_id,omitempty"`
	CreatedAt       string `json:"created_at"`
	PairBy          string `json:"pair_by"`
	Status          string `json:"status"`
	StatusChangedAt string `json:"status_changed_at"`
	PairedAt        string `json:"paired_at,omitempty"`
}

func (c *Cloud) codeJSONLocked(d *deviceCode, now time.Time) deviceCodeJSON {
	status, changed := d.statusAt(now, c.settings.expiryLag())
	j := deviceCodeJSON{
		ID: d.id, Name: d.name, Code: d.code, DeviceID: d.deviceID, ProductType: productTerminalAPI,
		LocationID: d.locationID, CreatedAt: formatTime(d.createdAt), PairBy: formatTime(d.pairBy),
		Status: status, StatusChangedAt: formatTime(changed),
	}
	if d.paired {
		j.PairedAt = formatTime(d.pairedAt)
	}
	return j
}

// createRequest is a decoded CreateDeviceCode body; nil means absent (or
// null). Its JSON form is the canonical body idempotency compares.
type createRequest struct {
	IdempotencyKey *string     `json:"idempotency_key"`
	DeviceCode     *createCode `json:"device_code"`
}

type createCode struct {
	Name        *string `json:"name"`
	LocationID  *string `json:"location_id"`
	ProductType *string `json:"product_type"`
}

// readOnlyCodeFields may not be sent on create [INF].
var readOnlyCodeFields = map[string]bool{
	"id": true, "code": true, "device_id": true, "status": true, "pair_by": true,
	"created_at": true, "status_changed_at": true, "paired_at": true,
}

// decodeCreate reads a CreateDeviceCode body and checks what needs no
// account: JSON (EXPECTED_JSON_BODY), member types (EXPECTED_STRING,
// EXPECTED_OBJECT), unknown or read-only members (BAD_REQUEST), required
// members (MISSING_REQUIRED_PARAMETER), lengths (VALUE_TOO_SHORT,
// VALUE_TOO_LONG) and product_type (INVALID_ENUM_VALUE). Every problem is
// reported, in body order of the schema, as Square lists several.
func decodeCreate(body []byte) (createRequest, []squareError) {
	var req createRequest
	top, errs := decodeObject(body, "")
	if top == nil {
		return req, errs
	}
	for _, name := range sortedKeys(top) {
		if name != "idempotency_key" && name != "device_code" {
			errs = append(errs, badRequest("BAD_REQUEST", name, "Unrecognized field `"+name+"`."))
		}
	}
	var e []squareError
	req.IdempotencyKey, e = stringMember(top, "idempotency_key", "idempotency_key")
	errs = append(errs, e...)
	switch {
	case req.IdempotencyKey == nil && len(e) == 0:
		errs = append(errs, badRequest("MISSING_REQUIRED_PARAMETER", "idempotency_key", "Field must be set"))
	case req.IdempotencyKey != nil && *req.IdempotencyKey == "":
		errs = append(errs, badRequest("VALUE_TOO_SHORT", "idempotency_key", "Field must have a length of at least 1"))
	case req.IdempotencyKey != nil && utf8.RuneCountInString(*req.IdempotencyKey) > maxKeyLen:
		errs = append(errs, badRequest("VALUE_TOO_LONG", "idempotency_key", fmt.Sprintf("Field must not be greater than %d length", maxKeyLen)))
	}

	raw, ok := top["device_code"]
	if !ok || isNull(raw) {
		return req, append(errs, badRequest("MISSING_REQUIRED_PARAMETER", "device_code", "Field must be set"))
	}
	dc, e := decodeObject(raw, "device_code")
	errs = append(errs, e...)
	if dc == nil {
		return req, errs
	}
	req.DeviceCode = &createCode{}
	for _, name := range sortedKeys(dc) {
		switch {
		case readOnlyCodeFields[name]:
			errs = append(errs, badRequest("BAD_REQUEST", "device_code."+name, "Field `device_code."+name+"` is read-only."))
		case name != "name" && name != "location_id" && name != "product_type":
			errs = append(errs, badRequest("BAD_REQUEST", "device_code."+name, "Unrecognized field `device_code."+name+"`."))
		}
	}
	req.DeviceCode.Name, e = stringMember(dc, "name", "device_code.name")
	errs = append(errs, e...)
	if n := req.DeviceCode.Name; n != nil && utf8.RuneCountInString(*n) > maxNameLen {
		errs = append(errs, badRequest("VALUE_TOO_LONG", "device_code.name", fmt.Sprintf("Field must not be greater than %d length", maxNameLen)))
	}
	req.DeviceCode.LocationID, e = stringMember(dc, "location_id", "device_code.location_id")
	errs = append(errs, e...)
	if l := req.DeviceCode.LocationID; l != nil && utf8.RuneCountInString(*l) > maxLocationID {
		errs = append(errs, badRequest("VALUE_TOO_LONG", "device_code.location_id", fmt.Sprintf("Field must not be greater than %d length", maxLocationID)))
	}
	req.DeviceCode.ProductType, e = stringMember(dc, "product_type", "device_code.product_type")
	errs = append(errs, e...)
	switch pt := req.DeviceCode.ProductType; {
	case pt == nil && len(e) == 0:
		errs = append(errs, badRequest("MISSING_REQUIRED_PARAMETER", "device_code.product_type", "Field must be set"))
	case pt != nil && *pt != productTerminalAPI:
		errs = append(errs, badRequest("INVALID_ENUM_VALUE", "device_code.product_type",
			"Expected device_code.product_type to be one of [TERMINAL_API], got `"+clip(*pt, 40)+"`."))
	}
	return req, errs
}

// decodeObject reads a JSON object's members; field names the object in
// errors ("" for the body itself, whose problems are EXPECTED_JSON_BODY).
func decodeObject(raw []byte, field string) (map[string]json.RawMessage, []squareError) {
	var m map[string]json.RawMessage
	err := json.Unmarshal(raw, &m)
	if err == nil && m != nil {
		return m, nil
	}
	if field == "" {
		return nil, []squareError{badRequest("EXPECTED_JSON_BODY", "", "The request body must be a JSON object.")}
	}
	return nil, []squareError{badRequest("EXPECTED_OBJECT", field, "Expected an object.")}
}

// stringMember decodes an optional string member (null is absent).
func stringMember(m map[string]json.RawMessage, name, field string) (*string, []squareError) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, []squareError{badRequest("EXPECTED_STRING", field, "Expected a string value.")}
	}
	return &s, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// sortedKeys: several errors always come in one order.
func sortedKeys(m map[string]json.RawMessage) []string { return slices.Sorted(maps.Keys(m)) }

// idemKey scopes an idempotency key to the token that sent it [INF per
// the reference's "(token, key)"].
type idemKey struct{ token, key string }

// idemEntry is what a key was first used for: the canonical request and
// the exact 200 answer, replayed byte for byte.
type idemEntry struct {
	request  string
	response []byte
}

// createCode is CreateDeviceCode: 200 {"device_code":{…}}, UNPAIRED, with
// pair_by five minutes on (Host.CodeTTL). A retry with the same key and
// body replays the first answer; the same key with another body is 400
// IDEMPOTENCY_KEY_REUSED. An unknown location is 400 INVALID_VALUE (the
// endpoint's x-endpoint-errors list no NOT_FOUND).
func (c *Cloud) createCode(w http.ResponseWriter, r *http.Request, m *merchant, tok *token) {
	if !jsonContentType(r) {
		writeErrors(w, badRequest("INVALID_CONTENT_TYPE", "Content-Type", "Content-Type must be application/json."))
		return
	}
	body, err := sandbox.ReadBody(r)
	if err != nil {
		writeErrors(w, badRequest("BAD_REQUEST", "", "The request body could not be read: "+err.Error()))
		return
	}
	req, errs := decodeCreate(body)
	if loc := req.locationID(); loc != "" && !m.hasLocation(loc) && len(loc) <= maxLocationID {
		errs = append(errs, badRequest("INVALID_VALUE", "device_code.location_id", "Location `"+clip(loc, maxLocationID)+"` was not found for this merchant."))
	}
	if len(errs) > 0 {
		writeErrors(w, errs...)
		return
	}
	canon, _ := json.Marshal(req) // plain structs always marshal
	k := idemKey{tok.value, *req.IdempotencyKey}

	c.h.Lock()
	defer c.h.Unlock()
	if prev, ok := c.idem[k]; ok {
		if prev.request != string(canon) {
			writeErrors(w, badRequest("IDEMPOTENCY_KEY_REUSED", "idempotency_key", "The provided idempotency key has already been used."))
			return
		}
		writeRaw(w, prev.response)
		return
	}
	now := c.h.Clock().Now()
	d := &deviceCode{
		seq: c.nextSeqLocked(), id: c.uniqueIDLocked(), code: c.uniqueCodeLocked(now), merchant: m,
		locationID: req.locationID(), createdAt: now, pairBy: now.Add(c.h.CodeTTL(defaultTTL)),
	}
	if n := req.DeviceCode.Name; n != nil {
		d.name = *n
	} else {
		d.name = "Terminal API Device created on " + now.UTC().Format("Jan 2, 2006") // [INF from S50's webhook example]
	}
	c.codes = append(c.codes, d)
	res, _ := json.Marshal(map[string]deviceCodeJSON{"device_code": c.codeJSONLocked(d, now)})
	res = append(res, '\n')
	c.idem[k] = idemEntry{request: string(canon), response: res}
	writeRaw(w, res)
}

func (req createRequest) locationID() string {
	if req.DeviceCode == nil || req.DeviceCode.LocationID == nil {
		return ""
	}
	return *req.DeviceCode.LocationID
}

// writeRaw answers 200 with an already-encoded JSON body.
func writeRaw(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (c *Cloud) nextSeqLocked() int {
	c.seq++
	return c.seq
}

// uniqueIDLocked is a 13-character id no code has.
func (c *Cloud) uniqueIDLocked() string {
	for {
		id := c.rng.String(upperAlnum, idLen)
		if c.codeByIDLocked(id) == nil {
			return id
		}
	}
}

// uniqueCodeLocked is a 6-letter code no live (usable) code has; a code may
// come back once its first life is over.
func (c *Cloud) uniqueCodeLocked(now time.Time) string {
	for {
		code := c.rng.String(upperLetters, codeLen)
		taken := false
		for _, d := range c.codes {
			taken = taken || d.code == code && d.usableAt(now)
		}
		if !taken {
			return code
		}
	}
}

func (c *Cloud) codeByIDLocked(id string) *deviceCode {
	for _, d := range c.codes {
		if d.id == id {
			return d
		}
	}
	return nil
}

// getCode is GetDeviceCode; a code of another account is 404 like an
// unknown one.
func (c *Cloud) getCode(w http.ResponseWriter, r *http.Request, m *merchant, _ *token) {
	id := r.PathValue("id")
	c.h.Lock()
	d := c.codeByIDLocked(id)
	found := d != nil && d.merchant == m
	var body deviceCodeJSON
	if found {
		body = c.codeJSONLocked(d, c.h.Clock().Now())
	}
	c.h.Unlock()
	writeOne(w, found, "device_code", body, "Device code `"+clip(id, 64)+"`")
}

// writeOne answers {member: v}, or 404 NOT_FOUND naming what was not
// found.
func writeOne(w http.ResponseWriter, found bool, member string, v any, what string) {
	if !found {
		writeErrors(w, notFound(what+" not found."))
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{member: v})
}

// codesQuery is a decoded ListDeviceCodes query.
type codesQuery struct {
	locationID, productType, status string
	cursor                          string
}

// decodeCodesQuery reads ListDeviceCodes' parameters: status is one of
// DeviceCodeStatus (one value), product_type TERMINAL_API; an empty value
// is absent; other parameters are ignored [INF].
func decodeCodesQuery(q url.Values) (codesQuery, []squareError) {
	r := queryReader{q: q}
	out := codesQuery{cursor: r.one("cursor"), locationID: r.one("location_id")}
	out.productType = r.enum("product_type", productTerminalAPI)
	out.status = r.enum("status", StatusUnknown, StatusUnpaired, StatusPaired, StatusExpired)
	return out, r.errs
}

// queryReader reads single-valued query parameters, collecting errors.
type queryReader struct {
	q    url.Values
	errs []squareError
}

// one is the parameter's value ("" when absent); a second value is
// BAD_REQUEST.
func (r *queryReader) one(name string) string {
	if len(r.q[name]) > 1 {
		r.errs = append(r.errs, badRequest("BAD_REQUEST", name, "Only one value may be given for `"+name+"`."))
	}
	return r.q.Get(name)
}

// enum is one, which must be one of allowed when given
// (INVALID_ENUM_VALUE).
func (r *queryReader) enum(name string, allowed ...string) string {
	v := r.one(name)
	if v != "" && !slices.Contains(allowed, v) {
		r.errs = append(r.errs, badRequest("INVALID_ENUM_VALUE", name,
			"Expected "+name+" to be one of ["+strings.Join(allowed, ", ")+"], got `"+clip(v, 40)+"`."))
	}
	return v
}

// filter is what a cursor is bound to: the list, the account and the
// query, so a cursor used anywhere else is INVALID_CURSOR.
func (q codesQuery) filter(m *merchant) string {
	return url.Values{"r": {RouteListCodes}, "m": {m.id}, "l": {q.locationID}, "p": {q.productType}, "s": {q.status}}.Encode()
}

// listCodes is ListDeviceCodes: PAIRED and UNPAIRED codes unless status
// says otherwise, filtered by location_id and product_type, oldest first,
// Settings.PageSize a page with an opaque cursor while more remain. An
// empty list is {} [INF: Square leaves out empty lists].
func (c *Cloud) listCodes(w http.ResponseWriter, r *http.Request, m *merchant, _ *token) {
	q, errs := decodeCodesQuery(r.URL.Query())
	if len(errs) > 0 {
		writeErrors(w, errs...)
		return
	}
	c.h.Lock()
	now, lag := c.h.Clock().Now(), c.settings.expiryLag()
	var listed []*deviceCode
	for _, d := range c.codes {
		status, _ := d.statusAt(now, lag)
		if d.merchant == m && (q.locationID == "" || d.locationID == q.locationID) &&
			(q.status == "" && status != StatusExpired || q.status != "" && status == q.status) {
			listed = append(listed, d)
		}
	}
	page, next, ok := pageOf(listed, func(d *deviceCode) int { return d.seq }, false, q.cursor, q.filter(m), c.settings.PageSize)
	out := make([]deviceCodeJSON, len(page))
	for i, d := range page {
		out[i] = c.codeJSONLocked(d, now)
	}
	c.h.Unlock()
	writeList(w, ok, "device_codes", out, next)
}

// pageOf cuts one page from a list (filtered, in list order, seq rising
// or, when desc, falling): the items after the cursor's position, at most
// size, and the cursor of the next page while more remain. ok is false for
// a cursor not made for this filter.
func pageOf[T any](items []T, seq func(T) int, desc bool, cursor, filter string, size int) (page []T, next string, ok bool) {
	from := 0
	if cursor != "" {
		if from, ok = decodeCursor(cursor, filter); !ok {
			return nil, "", false
		}
	}
	for _, it := range items {
		if s := seq(it); from != 0 && (!desc && s <= from || desc && s >= from) {
			continue
		}
		if len(page) == size {
			return page, cursorAt(filter, seq(page[len(page)-1])), true
		}
		page = append(page, it)
	}
	return page, "", true
}

// writeList answers a list page: {member:[…],"cursor"} with either left
// out when empty [INF: Square leaves out empty lists], or 400
// INVALID_CURSOR when the cursor was refused.
func writeList[T any](w http.ResponseWriter, ok bool, member string, page []T, next string) {
	if !ok {
		writeErrors(w, badRequest("INVALID_CURSOR", "cursor", "The pagination cursor is not valid for this request."))
		return
	}
	body := map[string]any{}
	if len(page) > 0 {
		body[member] = page
	}
	if next != "" {
		body["cursor"] = next
	}
	sandbox.WriteJSON(w, http.StatusOK, body)
}

// cursorAt is an opaque cursor: the filter and the creation sequence
// number of the last item on the page, so paging is stable while codes are
// added or expire.
func cursorAt(filter string, seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(filter + "#" + strconv.Itoa(seq)))
}

// decodeCursor reads a cursor made by cursorAt for the same filter.
func decodeCursor(cursor, filter string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(string(raw), '#')
	if i < 0 || string(raw[:i]) != filter {
		return 0, false
	}
	seq := string(raw[i+1:])
	n, err := strconv.Atoi(seq)
	if err != nil || n < 1 || strconv.Itoa(n) != seq {
		return 0, false
	}
	return n, true
}
