package helcim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// device is the body of GET /devices/{code} [DOC S26].
type device struct {
	Code        string `json:"code"`
	DateCreated string `json:"dateCreated"`
}

// Pair validates a device code: it looks the device up on the token's
// account (GET /devices/{code}), then pings it (GET /devices/{code}/ping,
// 202) so the terminal shows a message the merchant can check. Helcim has
// no pairing call: the stored code is the pairing, so the result is active
// at once and the Secret is empty (the API token is the only credential).
func (c *Client) Pair(ctx context.Context, in providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	if err := c.requireToken(op); err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	code, err := normalizeCode(op, in.Code)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	if err := c.lookup(ctx, op, code); err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	if err := c.ping(ctx, op, code); err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	now := c.clock.Now().UTC()
	return providers.Pairing{
		Provider:        providers.Helcim,
		ID:              code,
		Status:          providers.StatusActive,
		PairingNickname: clean(in.Nickname),
		Environment:     c.env,
		CreatedAt:       now,
		UpdatedAt:       now,
		CheckedAt:       now,
	}, providers.Secret{}, nil
}

// Check pings the paired device. 202 → active. A device that is asleep or
// out of pairing mode is KindNotListening (status unknown: the pairing is
// fine, the terminal is not reachable now); a device that has left the
// account is KindNotPaired with StatusUnpaired.
func (c *Client) Check(ctx context.Context, p providers.Pairing, _ providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	if err := c.requireToken(op); err != nil {
		return providers.CheckResult{Status: providers.StatusUnknown}, err
	}
	code, err := normalizeCode(op, p.ID)
	if err != nil {
		return providers.CheckResult{Status: providers.StatusUnknown}, err
	}
	if err := c.ping(ctx, op, code); err != nil {
		if providers.KindOf(err) == providers.KindNotPaired {
			return providers.CheckResult{Status: providers.StatusUnpaired}, err
		}
		return providers.CheckResult{Status: providers.StatusUnknown}, err
	}
	return providers.CheckResult{Status: providers.StatusActive}, nil
}

// UnpairMessage is the guidance Unpair returns.
const UnpairMessage = "Helcim devices are unpaired on the device: on the terminal, switch it back to standalone (Helcim POS) mode " +
	"from its menu, so it stops listening for this API; then forget it here."

// Unpair cannot act remotely: Helcim has no unpair call, and the device
// stays in pairing mode until switched on the device [DOC S23]. It returns
// KindUnpairOnTerminal so the app shows the guidance and offers to forget
// the code locally.
func (c *Client) Unpair(_ context.Context, _ providers.Pairing, _ providers.Secret) error {
	return &providers.Error{Provider: providers.Helcim, Op: providers.OpUnpair, Kind: providers.KindUnpairOnTerminal, Message: UnpairMessage}
}

// normalizeCode upper-cases a device code and checks it is four ASCII
// letters or digits. The pairing service validates input first; this
// guards the URL path, since the code becomes a path segment.
func normalizeCode(op, raw string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(raw))
	ok := len(code) == CodeLen
	for i := 0; ok && i < len(code); i++ {
		ch := code[i]
		ok = ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
	}
	if !ok {
		return "", &providers.Error{Provider: providers.Helcim, Op: op, Kind: providers.KindInvalidCode,
			Message: fmt.Sprintf("a Helcim device code is %d letters or digits (for example DY6L); enter the code the terminal shows", CodeLen)}
	}
	return code, nil
}

// lookup checks the device exists on the token's account.
func (c *Client) lookup(ctx context.Context, op, code string) error {
	resp, err := c.get(ctx, op, "devices", code)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return httpError(op, resp)
	}
	var d device
	if err := json.Unmarshal(resp.Body, &d); err != nil {
		return &providers.Error{Provider: providers.Helcim, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol,
			Code: CodeUnexpectedReply, Message: "Helcim's device lookup answer is not the expected JSON", Err: err}
	}
	// The code is documented as four letters or digits [DOC S24, S26]; one
	// of another shape is a broken or hostile answer, and the message names
	// the rule without repeating what the cloud sent.
	got := clean(d.Code)
	if err := transport.CheckShape(got, transport.Shape{Field: "code", Min: CodeLen, Max: CodeLen}); err != nil {
		return &providers.Error{Provider: providers.Helcim, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol,
			Code: CodeUnexpectedReply, Message: fmt.Sprintf("Helcim's device lookup for %s answered with a malformed device code: %s", code, err)}
	}
	if !strings.EqualFold(got, code) { // also refuses '-' and '_', which the shape lets through
		return &providers.Error{Provider: providers.Helcim, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol,
			Code: CodeUnexpectedReply, Message: fmt.Sprintf("Helcim's device lookup for %s answered for device %s", code, got)}
	}
	return nil
}

// ping sends the Ping Event; the device then shows a message on screen.
func (c *Client) ping(ctx context.Context, op, code string) error {
	resp, err := c.get(ctx, op, "devices", code, "ping")
	if err != nil {
		return err
	}
	switch {
	case resp.Status == http.StatusAccepted:
		return nil
	case resp.Status >= 200 && resp.Status < 300:
		// The spec promises 202; anything else means a proxy or an API
		// change, and claiming the device saw the ping would be a guess.
		return &providers.Error{Provider: providers.Helcim, Op: op, HTTPStatus: resp.Status, Kind: providers.KindProtocol,
			Code: CodeUnexpectedReply, Message: fmt.Sprintf("Helcim answered the ping with HTTP %d instead of 202 Accepted", resp.Status)}
	default:
		return httpError(op, resp)
	}
}
