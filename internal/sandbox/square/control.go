package square

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
)

// Settings are the Square cloud's knobs, for the whole cloud rather than
// one Terminal (codes belong to an account, not a Terminal): GET and POST
// /control/square, or Configure.
type Settings struct {
	// PageSize is how many codes or devices a list page holds when the
	// request gives no limit: 2 by default, so that clients meet the
	// cursor at once [reference §6.11]; 1-100.
	PageSize int `json:"page_size"`
	// ExpiryLagSeconds is how long an UNPAIRED code still reads UNPAIRED
	// after its pair_by before it reads EXPIRED: 0 (the default) flips it
	// exactly at pair_by; more makes the server lazy, as the real one may
	// be, so a client must judge expiry by pair_by itself. A Terminal
	// refuses the code from pair_by either way. 0-86400.
	ExpiryLagSeconds int `json:"expiry_lag_seconds"`
}

const (
	defaultPageSize = 2
	maxExpiryLag    = 24 * time.Hour
)

func defaultSettings() Settings { return Settings{PageSize: defaultPageSize} }

func (s Settings) expiryLag() time.Duration { return time.Duration(s.ExpiryLagSeconds) * time.Second }

func (s Settings) check() error {
	if s.PageSize < 1 || s.PageSize > maxPageLimit {
		return fmt.Errorf("page_size must be 1-%d, got %d", maxPageLimit, s.PageSize)
	}
	if s.ExpiryLagSeconds < 0 || time.Duration(s.ExpiryLagSeconds)*time.Second > maxExpiryLag {
		return fmt.Errorf("expiry_lag_seconds must be 0-%d, got %d", int(maxExpiryLag.Seconds()), s.ExpiryLagSeconds)
	}
	return nil
}

// Fixtures are the sandbox's Square accounts and the tokens that fail in
// each documented way, for tests of a client's error handling: GET
// /control/square. Member names holding tokens end in _token, so the
// request log redacts them.
type Fixtures struct {
	MerchantID  string   `json:"merchant_id"`
	LocationIDs []string `json:"location_ids"` // the first is the Info square_location_id
	// Tokens on the sandbox's account lacking one permission each (403
	// INSUFFICIENT_SCOPES), expired and revoked (401 ACCESS_TOKEN_EXPIRED,
	// ACCESS_TOKEN_REVOKED).
	NoDeviceCredentialManagementToken string `json:"no_device_credential_management_token"`
	NoDevicesReadToken                string `json:"no_devices_read_token"`
	ExpiredToken                      string `json:"expired_token"`
	RevokedToken                      string `json:"revoked_token"`
	// Another account: its codes and devices are 404 to the sandbox token.
	OtherMerchantID         string   `json:"other_merchant_id"`
	OtherMerchantToken      string   `json:"other_merchant_token"`
	OtherMerchantLocationID string   `json:"other_merchant_location_id"`
	Settings                Settings `json:"settings"`
}

func (c *Cloud) fixturesLocked() Fixtures {
	f := Fixtures{
		MerchantID: c.main.id, LocationIDs: append([]string(nil), c.main.locations...),
		OtherMerchantID: c.other.id, OtherMerchantLocationID: c.other.locations[0], Settings: c.settings,
	}
	for _, t := range c.tokens {
		switch {
		case t.merchant == c.other:
			f.OtherMerchantToken = t.value
		case t.kind == tokenNoCodes:
			f.NoDeviceCredentialManagementToken = t.value
		case t.kind == tokenNoDevicesRead:
			f.NoDevicesReadToken = t.value
		case t.kind == tokenExpired:
			f.ExpiredToken = t.value
		case t.kind == tokenRevoked:
			f.RevokedToken = t.value
		}
	}
	return f
}

// controlGet is GET /control/square: the fixtures and the settings.
func (c *Cloud) controlGet(w http.ResponseWriter, _ *http.Request) {
	c.h.Lock()
	f := c.fixturesLocked()
	c.h.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, f)
}

// controlPost is POST /control/square {"page_size","expiry_lag_seconds"}:
// changes the settings given, leaves the others, and answers as GET does.
func (c *Cloud) controlPost(w http.ResponseWriter, r *http.Request) {
	var body struct {
		PageSize         *int `json:"page_size"`
		ExpiryLagSeconds *int `json:"expiry_lag_seconds"`
	}
	raw, err := sandbox.ReadBody(r)
	if err == nil {
		err = sandbox.DecodeStrict(raw, &body)
	}
	if err != nil {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error() + `; for example {"page_size":2,"expiry_lag_seconds":0}`})
		return
	}
	c.h.Lock()
	s := c.settings
	if body.PageSize != nil {
		s.PageSize = *body.PageSize
	}
	if body.ExpiryLagSeconds != nil {
		s.ExpiryLagSeconds = *body.ExpiryLagSeconds
	}
	err = c.configureLocked(s)
	f := c.fixturesLocked()
	c.h.Unlock()
	if err != nil {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, f)
}

func (c *Cloud) configureLocked(s Settings) error {
	if err := s.check(); err != nil {
		return fmt.Errorf("square settings: %w", err)
	}
	c.settings = s
	return nil
}

// of is sb's Square cloud.
func of(sb *sandbox.Sandbox) (*Cloud, error) {
	if cl, ok := sb.Cloud(ID); ok {
		if c, ok := cl.(*Cloud); ok {
			return c, nil
		}
	}
	return nil, errors.New("square: this sandbox simulates no Square")
}

// FixturesOf is sb's Square fixtures and settings (GET /control/square).
func FixturesOf(sb *sandbox.Sandbox) (Fixtures, error) {
	c, err := of(sb)
	if err != nil {
		return Fixtures{}, err
	}
	c.h.Lock()
	defer c.h.Unlock()
	return c.fixturesLocked(), nil
}

// Configure replaces sb's Square settings (POST /control/square).
func Configure(sb *sandbox.Sandbox, s Settings) error {
	c, err := of(sb)
	if err != nil {
		return err
	}
	c.h.Lock()
	defer c.h.Unlock()
	return c.configureLocked(s)
}
