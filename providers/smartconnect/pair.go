package smartconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tillpair/tillpair/providers"
)

// checkCode accepts what a terminal can show: 4–10 letters or digits.
func checkCode(code string) error {
	ok := len(code) >= CodeMinLen && len(code) <= CodeMaxLen
	for _, r := range code {
		ok = ok && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}
	if !ok {
		return &providers.Error{Provider: providers.SmartConnect, Op: providers.OpPair, Kind: providers.KindInvalidCode,
			Message: fmt.Sprintf("the pairing code must be %d to %d letters or digits, as shown on the terminal", CodeMinLen, CodeMaxLen)}
	}
	return nil
}

// Pair sends PUT {base}/Pairing/{code} with the register identity. 200
// means paired: there is no confirmation step and no secret. The register
// id is the pairing's ID, since SmartConnect knows the pairing by it.
func (c *Client) Pair(ctx context.Context, req providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	code := strings.TrimSpace(req.Code)
	if err := checkCode(code); err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	form, err := registerForm(op, req.Register)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	hreq, err := c.newFormRequest(ctx, http.MethodPut, c.base.String()+"/Pairing/"+url.PathEscape(code), form)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	resp, err := c.do(ctx, hreq, op)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	if resp.Status != http.StatusOK {
		return providers.Pairing{}, providers.Secret{}, httpError(op, resp.Status, resp.Body)
	}
	var ok struct {
		Result string `json:"result"`
	}
	if err := json.Unmarshal(resp.Body, &ok); err != nil || !strings.EqualFold(ok.Result, "success") {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, resp.Status,
			fmt.Sprintf(`SmartConnect answered the pairing with 200 but not {"result":"success"}: %s`, decodeError(resp.Status, resp.Body)), err)
	}
	now := c.clock.Now()
	reg := *req.Register
	nickname := req.Nickname
	if nickname == "" {
		nickname = reg.RegisterName
	}
	return providers.Pairing{
		Provider:        providers.SmartConnect,
		ID:              reg.RegisterID,
		Status:          providers.StatusActive,
		PairingNickname: nickname,
		Environment:     c.env,
		Register:        &reg,
		CreatedAt:       now,
		UpdatedAt:       now,
	}, providers.Secret{}, nil
}
