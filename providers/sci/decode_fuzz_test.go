package sci

import (
	"testing"
	"unicode"

	"github.com/tillpair/tillpair/providers"
)

// FuzzDecodeResponse feeds arbitrary statuses and bodies to both decoders:
// neither may panic, an error answer always yields a typed error with a
// message, and a decoded pairing always has every required field.
func FuzzDecodeResponse(f *testing.F) {
	f.Add(200, []byte(`{"data":{"pairing_id":"pid_1","key_id":"kid_1","signing_secret_part_b":"b","sci_api_base_url":"https://a"}}`))
	f.Add(200, []byte(`{"data":{"pairing_id":"pid_1","key_id":"kid_1","signing_secret_part_b":"b","spi_cloud_api_base_url":"https://a","tid":1}}`))
	f.Add(404, []byte(`{"error":{"code":"pairing_not_found","message":"Pairing not found"}}`))
	f.Add(401, []byte(`{"code":"no_active_pairings_found"}`))
	f.Add(400, []byte(`{"error":"bad"}`))
	f.Add(500, []byte(`<html>`))
	f.Add(429, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if d, err := decodePair(body); err == nil {
			if d.PairingID == "" || d.KeyID == "" || d.PartB == "" || d.BaseURL == "" {
				t.Fatalf("decodePair accepted %q with a required field missing: %+v", body, d)
			}
			if checkKeyID(d.KeyID) != nil || checkPairingID(d.PairingID) != nil {
				t.Fatalf("decodePair accepted unusable ids: %+v", d)
			}
		}
		for _, op := range []string{providers.OpPair, providers.OpCheck, providers.OpUnpair} {
			e := httpError(op, status, body)
			if e == nil || e.Kind == providers.KindUnknown || e.Provider != providers.SCI || e.HTTPStatus != status {
				t.Fatalf("httpError(%s, %d, %q) = %+v", op, status, body, e)
			}
			for _, r := range e.Code + e.Message {
				if unicode.IsControl(r) {
					t.Fatalf("control character %q kept in %+v", r, e)
				}
			}
		}
	})
}
