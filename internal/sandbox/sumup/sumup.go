package sumup

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// ID is the provider id, as terminals, faults and the control API name it.
const ID = "sumup"

// Prefix is where the Cloud API is served on the sandbox listener; the
// Info URL sumup_url is the origin plus Prefix, and the readers live at
// {sumup_url}/v0.1/merchants/{merchant_code}/readers.
const Prefix = "/sumup"

// Info keys (client environment variables TILLPAIR_SUMUP_URL,
// TILLPAIR_SUMUP_API_KEY and TILLPAIR_SUMUP_MERCHANT_CODE).
const (
	KeyURL          = "sumup_url"
	KeyAPIKey       = "sumup_api_key"
	KeyMerchantCode = "sumup_merchant_code"
)

// Route names, for faults and request counts.
const (
	RouteCreate = "create" // POST   …/readers
	RouteList   = "list"   // GET    …/readers
	RouteGet    = "get"    // GET    …/readers/{reader_id}
	RouteUpdate = "update" // PATCH  …/readers/{reader_id}
	RouteDelete = "delete" // DELETE …/readers/{reader_id}
	RouteStatus = "status" // GET    …/readers/{reader_id}/status
)

// ActionLogOut is the Solo's own action (POST
// /control/terminals/{id}/log-out): Settings → About → Log out.
const ActionLogOut = "log-out"

// Terminal options (POST /control/terminals {"provider":"sumup", …}).
const (
	OptConfirmDelay   = "confirm_delay"
	OptNeverConfirm   = "never_confirm"
	OptDisconnect     = "disconnect"
	OptLoggedIn       = "logged_in"
	OptCodeLength     = "code_length"
	OptModel          = "model"
	OptBatteryLevel   = "battery_level"
	OptConnectionType = "connection_type"
)

// defaultWindow is how long a pairing may take from the code appearing
// on the Solo: "The pairing process has an expiration time of 5 minutes"
// [DOC S43]. Options.PairingCodeTTL overrides it.
const defaultWindow = 5 * time.Minute

// Salts of SumUp's random streams: its credentials, its ids and codes, and
// its trace ids each have one, so adding SumUp shifted no seeded value of
// the clouds before it, and an error answered (a trace id drawn) shifts no
// reader id.
const (
	credSalt  = 0x53554d5550   // "SUMUP"
	rngSalt   = 0x53554d555052 // "SUMUPR"
	traceSalt = 0x53554d555054 // "SUMUPT"
	keyPrefix = "sup_sk_"      // the SDK docs' key form [DOC S45]; clients must not rely on it
	codeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// idChars is Crockford's base32, which the example reader id fits
	// (rdr_3MSAFM23CK82VSTT4BN6RWSQ65); it is a subset of [0-9A-Z].
	idChars = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// Cloud simulates the SumUp Cloud API for Solo readers: one merchant
// account, whose API key (sumup_api_key) is bound to its merchant code
// (sumup_merchant_code), plus a read-only key on the same account. State
// is guarded by the sandbox lock.
type Cloud struct {
	h           *sandbox.Host
	rng         *sandbox.RNG // reader ids, codes, serials, service accounts
	traces      *sandbox.RNG // trace ids of error bodies
	readOnlyKey string
	// legacyStatus makes the status route answer its 400, 401 and 404 in
	// the legacy {"errors":{…}} shape (POST /control/sumup).
	legacyStatus bool
	codes        map[string]*pairingCode // every code ever shown, by value
	readers      []*reader               // not deleted, in creation order
	solos        []*solo
}

// New returns the SumUp cloud for one sandbox.
func New() *Cloud { return &Cloud{codes: map[string]*pairingCode{}} }

// Spec describes the SumUp cloud to the sandbox.
func (c *Cloud) Spec() sandbox.Spec {
	return sandbox.Spec{
		ID: ID, Name: "SumUp",
		Prefixes: []string{Prefix},
		URLs:     []sandbox.URLSpec{{Key: KeyURL, Prefix: Prefix}},
		Salt:     credSalt,
		Credentials: []sandbox.CredentialSpec{
			{Key: KeyAPIKey, Generate: func(r *sandbox.RNG) string { return keyPrefix + r.Alnum(32) }},
			// Merchant codes look like MK10CL2A [DOC S40]: configuration,
			// not a secret, and in every request path.
			{Key: KeyMerchantCode, Public: true, Generate: func(r *sandbox.RNG) string { return "M" + r.String(codeChars, 7) }},
		},
		Routes: []string{RouteCreate, RouteGet, RouteList, RouteUpdate, RouteDelete, RouteStatus},
		Options: []sandbox.OptionSpec{
			{Name: OptConfirmDelay, Help: `the Solo acknowledges a new reader by itself this long after the POST, e.g. "2s" (default "0s": only POST .../confirm does)`},
			{Name: OptNeverConfirm, Help: "the Solo never acknowledges: its reader stays processing until the 5-minute window ends, then expired"},
			{Name: OptDisconnect, Help: `what the cloud shows for a paired reader after Disconnect on the Solo (unpair): "expired" (default), "unknown", "paired" or "deleted" (404)`},
			{Name: OptLoggedIn, Help: "the Solo starts logged in: pairing-code is refused until log-out"},
			{Name: OptCodeLength, Help: "pairing code length, 8 (default) or 9"},
			{Name: OptModel, Help: `device.model: "solo" (default) or "virtual-solo"`},
			{Name: OptBatteryLevel, Help: "battery_level the status route reports, 0-100 (default 82.5)"},
			{Name: OptConnectionType, Help: `connection_type the status route reports (default "Wi-Fi")`},
		},
		Actions: []sandbox.Action{
			{Name: sandbox.ActionPairingCode, Do: c.connect},
			{Name: sandbox.ActionConfirm, Do: c.confirm},
			{Name: sandbox.ActionUnpair, Do: c.disconnect},
			{Name: sandbox.ActionExpireCode, Do: c.expireCode},
			{Name: sandbox.ActionPower, Do: c.power},
			{Name: ActionLogOut, Do: c.logOut},
		},
		Control: []sandbox.ControlRoute{
			{Method: http.MethodGet, Path: "/sumup", Handle: c.controlGet},
			{Method: http.MethodPost, Path: "/sumup", Handle: c.controlSet},
		},
	}
}

// Setup draws the read-only key from SumUp's own stream and mounts the
// API.
func (c *Cloud) Setup(h *sandbox.Host) http.Handler {
	c.h = h
	c.rng = h.NewRNG(rngSalt)
	c.traces = h.NewRNG(traceSalt)
	c.readOnlyKey = keyPrefix + c.rng.Alnum(32)
	return c.routes()
}

// Refresh folds in what the clock changed (a window that ended, a reader
// the Solo acknowledged by itself) and shows the Solo as it is now.
func (c *Cloud) Refresh(t *sandbox.Term, now time.Time) {
	c.foldLocked(now)
	soloOf(t).decorate(t, now)
}

// controlSettings is GET and POST /control/sumup's answer.
type controlSettings struct {
	LegacyStatusErrors bool   `json:"legacy_status_errors"`
	ReadOnlyAPIKey     string `json:"read_only_api_key"`
}

func (c *Cloud) settings() controlSettings {
	c.h.Lock()
	defer c.h.Unlock()
	return controlSettings{LegacyStatusErrors: c.legacyStatus, ReadOnlyAPIKey: c.readOnlyKey}
}

func (c *Cloud) controlGet(w http.ResponseWriter, _ *http.Request) {
	sandbox.WriteJSON(w, http.StatusOK, c.settings())
}

// controlSet is POST /control/sumup {"legacy_status_errors":bool}.
func (c *Cloud) controlSet(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Legacy *bool `json:"legacy_status_errors"`
	}
	body, err := sandbox.ReadBody(r)
	if err == nil {
		err = sandbox.DecodeStrict(body, &in)
	}
	if err == nil && in.Legacy == nil {
		err = errMissingLegacy
	}
	if err != nil {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error() +
			`; send {"legacy_status_errors":true} to answer the status route's 400, 401 and 404 as {"errors":{...}}, false for problem+json`})
		return
	}
	c.setLegacyStatus(*in.Legacy)
	sandbox.WriteJSON(w, http.StatusOK, c.settings())
}

var errMissingLegacy = errors.New("legacy_status_errors is missing")

func (c *Cloud) setLegacyStatus(on bool) {
	c.h.Lock()
	defer c.h.Unlock()
	c.legacyStatus = on
}

// of finds sb's SumUp cloud.
func of(sb *sandbox.Sandbox) *Cloud {
	if cl, ok := sb.Cloud(ID); ok {
		if c, ok := cl.(*Cloud); ok {
			return c
		}
	}
	return nil
}

// ReadOnlyAPIKey is a key on the sandbox's merchant account with read
// scope only: create, update and delete answer it 403. Also served by GET
// /control/sumup. "" when sb simulates no SumUp.
func ReadOnlyAPIKey(sb *sandbox.Sandbox) string {
	if c := of(sb); c != nil {
		return c.settings().ReadOnlyAPIKey
	}
	return ""
}

// SetLegacyStatusErrors switches the status route's 400, 401 and 404 to
// the legacy {"errors":{…}} shape (on) or back to problem+json; the same as
// POST /control/sumup {"legacy_status_errors":on}. It reports whether sb
// simulates SumUp.
func SetLegacyStatusErrors(sb *sandbox.Sandbox, on bool) bool {
	c := of(sb)
	if c != nil {
		c.setLegacyStatus(on)
	}
	return c != nil
}

// marshal encodes v; the values here are plain structs and raw JSON that
// was validated on the way in, so it cannot fail.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sumup: encoding an answer: " + err.Error())
	}
	return b
}
