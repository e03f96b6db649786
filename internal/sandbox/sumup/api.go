package sumup

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// Timestamps: readers carry milliseconds, as the spec's example
// (2023-05-09T14:50:20.214Z); last_activity whole seconds, as its example
// (2025-09-25T15:20:00Z).
const (
	readerTime   = "2006-01-02T15:04:05.000Z07:00"
	activityTime = time.RFC3339
)

const readersPath = Prefix + "/v0.1/merchants/{merchant_code}/readers"

// request is what a handler is given, with the lock held.
type request struct {
	r       *http.Request
	body    []byte
	bodyErr error
	now     time.Time
	route   string
}

type handler func(c *Cloud, q request) reply

// routes mounts the six reader endpoints [DOC S40]. Unknown query
// parameters are ignored (the SDK sends If-Modified-Since as one), and so
// is the If-Modified-Since header: GET always answers 200.
func (c *Cloud) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(method, path, route string, write bool, fn handler) {
		mux.HandleFunc(method+" "+path, onRoute(route, c.h.Route(route, c.api(route, write, fn))))
	}
	handle(http.MethodPost, readersPath, RouteCreate, true, (*Cloud).create)
	handle(http.MethodGet, readersPath, RouteList, false, (*Cloud).list)
	handle(http.MethodGet, readersPath+"/{reader_id}", RouteGet, false, (*Cloud).get)
	handle(http.MethodPatch, readersPath+"/{reader_id}", RouteUpdate, true, (*Cloud).update)
	handle(http.MethodDelete, readersPath+"/{reader_id}", RouteDelete, true, (*Cloud).remove)
	handle(http.MethodGet, readersPath+"/{reader_id}/status", RouteStatus, false, (*Cloud).status)
	mux.HandleFunc("/", c.unknownRoute)
	return mux
}

// unknownRoute answers 405 with Allow for a reader path and a method it
// does not take, else 404 (an empty segment, e.g. a trailing slash, is
// not a reader path), both as problems.
func (c *Cloud) unknownRoute(w http.ResponseWriter, r *http.Request) {
	allow := ""
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, Prefix+"/"), "/")
	if len(parts) >= 4 && parts[0] == "v0.1" && parts[1] == "merchants" && parts[3] == "readers" {
		switch {
		case len(parts) == 4:
			allow = "GET, HEAD, POST"
		case len(parts) == 5:
			allow = "DELETE, GET, HEAD, PATCH"
		case len(parts) == 6 && parts[5] == "status":
			allow = "GET, HEAD"
		}
	}
	rej := rejection{status: http.StatusNotFound}
	if allow != "" && !slices.Contains(strings.Split(allow, ", "), r.Method) && !slices.Contains(parts, "") {
		w.Header().Set("Allow", allow)
		rej = rejection{status: http.StatusMethodNotAllowed, detail: "Method " + r.Method + " is not allowed here; allowed: " + allow}
	}
	c.h.Lock()
	rp := c.rejectLocked("", rej)
	c.h.Unlock()
	rp.write(w)
}

// api reads the body, then, holding the lock, checks the request's
// headers, key and merchant code and runs fn; the answer is written after
// the lock is released.
func (c *Cloud) api(route string, write bool, fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, bodyErr := sandbox.ReadBody(r)
		c.h.Lock()
		q := request{r: r, body: body, bodyErr: bodyErr, now: c.h.Clock().Now(), route: route}
		rp := c.serveLocked(q, write, fn)
		c.h.Unlock()
		rp.write(w)
	}
}

func (c *Cloud) serveLocked(q request, write bool, fn handler) reply {
	readOnly, rej := c.authorize(q.r)
	if rej != nil {
		return c.rejectLocked(q.route, *rej)
	}
	if q.r.PathValue("merchant_code") != c.h.Credential(KeyMerchantCode) {
		// Another merchant's code: as if nothing were there [reference §5.11].
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	if write && readOnly {
		return c.rejectLocked(q.route, rejection{status: http.StatusForbidden})
	}
	c.foldLocked(q.now)
	return fn(c, q)
}

// authorize checks the headers every route needs: one Authorization, a
// User-Agent, and a Bearer key of the account (full, or read-only). A
// refusal is 401 (400 for malformed headers), with the legacy type the
// status route's older shape gives it.
func (c *Cloud) authorize(r *http.Request) (readOnly bool, rej *rejection) {
	auths := r.Header.Values("Authorization")
	switch {
	case len(auths) > 1:
		return false, &rejection{status: http.StatusBadRequest, fields: []field{{"Authorization", "duplicate header 'Authorization'"}}, detail: validationDetail, legacyType: legacyDuplicate}
	case strings.TrimSpace(r.Header.Get("User-Agent")) == "":
		return false, &rejection{status: http.StatusBadRequest, fields: []field{{"User-Agent", "missing header 'User-Agent'"}}, detail: validationDetail, legacyType: legacyNoUserAgent}
	case len(auths) == 0:
		return false, &rejection{status: http.StatusUnauthorized}
	}
	scheme, key, _ := strings.Cut(strings.TrimSpace(auths[0]), " ")
	key = strings.TrimSpace(key)
	if !strings.EqualFold(scheme, "Bearer") || key == "" {
		return false, &rejection{status: http.StatusUnauthorized, legacyStatus: http.StatusBadRequest, legacyType: legacyBadBearer}
	}
	switch {
	case subtle.ConstantTimeCompare([]byte(key), []byte(c.h.Credential(KeyAPIKey))) == 1:
		return false, nil
	case subtle.ConstantTimeCompare([]byte(key), []byte(c.readOnlyKey)) == 1:
		return true, nil
	}
	return false, &rejection{status: http.StatusUnauthorized, legacyType: legacyInvalidAccess}
}

// readerJSON is a Reader [DOC S40], members in the spec example's order.
type readerJSON struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Status           string          `json:"status"`
	Device           deviceJSON      `json:"device"`
	Metadata         json.RawMessage `json:"metadata,omitempty"`
	ServiceAccountID string          `json:"service_account_id,omitempty"`
	CreatedAt        string          `json:"created_at"`
	UpdatedAt        string          `json:"updated_at"`
}

type deviceJSON struct {
	Identifier string `json:"identifier"`
	Model      string `json:"model"`
}

func (r *reader) json() readerJSON {
	v := readerJSON{
		ID: r.id, Name: r.name, Status: r.status, Metadata: r.metadata,
		Device:    deviceJSON{Identifier: r.solo.serial, Model: r.solo.model},
		CreatedAt: r.created.UTC().Format(readerTime), UpdatedAt: r.updated.UTC().Format(readerTime),
	}
	if r.status == statusPaired { // "Present only for readers that are already paired"
		v.ServiceAccountID = r.serviceAccount
	}
	return v
}

// badBody is the 400 for a body that failed: with fields, the live shape;
// a body that is not JSON at all, the spec's example with none.
func (c *Cloud) badBody(q request, fields []field, err error) reply {
	if err != nil || q.bodyErr != nil {
		return c.rejectLocked(q.route, rejection{status: http.StatusBadRequest})
	}
	return c.rejectLocked(q.route, rejection{status: http.StatusBadRequest, detail: validationDetail, fields: fields})
}

// create is Create Reader: the code a Solo shows makes a processing
// reader (201). An unknown, expired or consumed code is 404 ("There's no
// pending reader for the submitted pairing code."); the code of a reader
// still processing or paired is 409 ("The Reader is not in a pending
// state.").
func (c *Cloud) create(q request) reply {
	req, fields, err := decodeCreate(q.body)
	if err != nil || q.bodyErr != nil || len(fields) > 0 {
		return c.badBody(q, fields, err)
	}
	pc := c.codes[req.PairingCode] // exact: codes are upper case, and a client upper-cases what it is given
	switch {
	case pc == nil:
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	case pc.StateAt(q.now) == sandbox.CodeInitial:
	case pc.reader != nil && !pc.reader.deleted && (pc.reader.status == statusProcessing || pc.reader.status == statusPaired):
		return c.rejectLocked(q.route, rejection{status: http.StatusConflict})
	default:
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	s := pc.solo
	r := &reader{
		id: "rdr_" + c.rng.String(idChars, 26), name: req.Name, metadata: req.Metadata,
		status: statusProcessing, created: q.now, updated: q.now, deadline: pc.ExpiresAt,
		serviceAccount: c.rng.UUID(), solo: s, code: pc, linked: true,
	}
	if s.confirmDelay > 0 && !s.neverConfirm && s.term.Online {
		r.confirmAt = q.now.Add(s.confirmDelay)
	}
	pc.State, pc.reader = sandbox.CodeProgressed, r
	c.readers = append(c.readers, r)
	s.readers = append(s.readers, r)
	c.armLocked(s, q.now)
	c.h.NotifyLocked()
	return ok(http.StatusCreated, r.json())
}

// list is List Readers: every reader of the account, processing and
// expired ones included, in creation order; no paging [DOC S40].
func (c *Cloud) list(_ request) reply {
	items := make([]readerJSON, 0, len(c.readers))
	for _, r := range c.readers {
		items = append(items, r.json())
	}
	return ok(http.StatusOK, map[string][]readerJSON{"items": items})
}

// readerOf is the reader the path names, or nil.
func (c *Cloud) readerOf(q request) *reader {
	id := q.r.PathValue("reader_id")
	for _, r := range c.readers {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (c *Cloud) get(q request) reply {
	r := c.readerOf(q)
	if r == nil {
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	return ok(http.StatusOK, r.json())
}

// update is Update Reader: name and/or the whole metadata replaced,
// updated_at bumped.
func (c *Cloud) update(q request) reply {
	r := c.readerOf(q)
	if r == nil {
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	req, fields, err := decodeUpdate(q.body)
	if err != nil || q.bodyErr != nil || len(fields) > 0 {
		return c.badBody(q, fields, err)
	}
	if req.Name != nil {
		r.name = *req.Name
	}
	if req.Metadata != nil {
		r.metadata = req.Metadata
	}
	r.updated = q.now
	c.h.NotifyLocked()
	return ok(http.StatusOK, r.json())
}

// remove is Delete Reader: 200 with an empty body (and no Content-Type),
// then the id is 404. The Solo still shows it is connected until
// Disconnect on it [DOC S43].
func (c *Cloud) remove(q request) reply {
	r := c.readerOf(q)
	if r == nil {
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	if r.status == statusProcessing {
		r.end(statusExpired, q.now)
	}
	r.unlink(q.now)
	c.deleteLocked(r)
	c.armLocked(r.solo, q.now)
	c.h.NotifyLocked()
	return reply{status: http.StatusOK}
}

// statusJSON is StatusResponse's data [DOC S40], members in the spec
// example's (alphabetical) order.
type statusJSON struct {
	BatteryLevel       float64 `json:"battery_level"`
	BatteryTemperature int     `json:"battery_temperature"`
	ConnectionType     string  `json:"connection_type"`
	FirmwareVersion    string  `json:"firmware_version"`
	LastActivity       string  `json:"last_activity"`
	State              string  `json:"state"`
	Status             string  `json:"status"`
}

// status is Get a Reader Status: ONLINE while the Solo is on and still
// reaches the cloud through this reader (processing or paired, not
// disconnected), else OFFLINE with the last state persisted and
// last_activity when it was last heard.
func (c *Cloud) status(q request) reply {
	r := c.readerOf(q)
	if r == nil {
		return c.rejectLocked(q.route, rejection{status: http.StatusNotFound})
	}
	s := r.solo
	online := "OFFLINE"
	if r.linked && s.term.Online {
		online = "ONLINE"
	}
	return ok(http.StatusOK, map[string]statusJSON{"data": {
		BatteryLevel: s.battery, BatteryTemperature: batteryTemp, ConnectionType: s.connection,
		FirmwareVersion: firmwareVersion, LastActivity: r.lastActivity(q.now).UTC().Format(activityTime),
		State: "IDLE", Status: online,
	}})
}
