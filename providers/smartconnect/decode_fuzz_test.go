package smartconnect

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tillpair/tillpair/providers"
)

// FuzzDecodeError feeds arbitrary statuses and bodies to the error and
// transaction decoders: nothing may panic, every error answer yields a
// typed, classified error with printable, bounded text.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, []byte(`{"error":"Invalid pairing code"}`))
	f.Add(401, []byte(`{"error":"Token expired"}`))
	f.Add(503, []byte(`{"error":{"code":"x","message":"y"}}`))
	f.Add(400, []byte(`{"error":null}`))
	f.Add(502, []byte("<html>\x1b]0;title\x07</html>"))
	f.Add(400, []byte(``))
	f.Add(200, []byte(`{"transactionId":"1","transactionStatus":"COMPLETED","data":{"Result":"OK"}}`))
	f.Add(200, []byte(`{"transactionStatus":"COMPLETED","data":{"Result":["x"]}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, op := range []string{providers.OpPair, providers.OpCheck} {
			e := httpError(op, status, body)
			if e == nil || e.Kind == providers.KindUnknown || e.HTTPStatus != status || e.Message == "" {
				t.Fatalf("httpError(%s, %d, %q) = %+v", op, status, body, e)
			}
			if utf8.RuneCountInString(e.Message) > maxText+100 {
				t.Fatalf("message not capped: %d runes", utf8.RuneCountInString(e.Message))
			}
			for _, r := range e.Message {
				if unicode.IsControl(r) {
					t.Fatalf("control character %q kept in %q", r, e.Message)
				}
			}
		}
		if txn, err := decodeTransaction(status, body); err == nil {
			c := &Client{}
			if done, st, err := c.outcome(txn); done && (st == providers.StatusActive) != (err == nil) {
				t.Fatalf("outcome(%+v) = %v %v", txn, st, err)
			}
		}
	})
}
