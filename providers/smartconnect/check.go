package smartconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// errCheckDeadline is the cause of the Check context's cancellation when
// CheckTimeout passes, so it can be told apart from the caller cancelling.
var errCheckDeadline = errors.New("smartconnect: check deadline passed")

// transaction is the initial answer and every poll answer [OBS T10, T11].
type transaction struct {
	ID     string                     `json:"transactionId"`
	Status string                     `json:"transactionStatus"`
	Data   map[string]json.RawMessage `json:"data"`
}

// Check runs the non-financial transaction Terminal.GetStatus and polls it
// to completion [OBS T10]. Result OK is StatusActive. "This register is not
// paired to a device" is (StatusUnpaired, KindNotPaired): the pairing was
// removed on the terminal. A terminal that does not answer is
// KindNotListening with the vendor's Result; no answer within CheckTimeout
// (clock-driven) is KindTimeout. Any other failure is StatusUnknown.
func (c *Client) Check(ctx context.Context, p providers.Pairing, _ providers.Secret) (providers.CheckResult, error) {
	const op = providers.OpCheck
	form, err := registerForm(op, p.Register)
	if err != nil {
		return providers.CheckResult{Status: providers.StatusUnknown}, err
	}
	form.Set("TransactionMode", "ASYNC") // omitted means the legacy synchronous mode [DOC S13]
	form.Set("TransactionType", "Terminal.GetStatus")

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	deadline := c.clock.AfterFunc(c.checkTimeout, func() { cancel(errCheckDeadline) })
	defer deadline.Stop()

	st, err := c.getStatus(ctx, form)
	if err != nil && errors.Is(context.Cause(ctx), errCheckDeadline) {
		return providers.CheckResult{Status: providers.StatusUnknown}, &providers.Error{
			Provider: providers.SmartConnect, Op: op, Kind: providers.KindTimeout, Retryable: true,
			Message: fmt.Sprintf("the terminal did not answer the status request within %s", c.checkTimeout),
			Err:     err,
		}
	}
	return providers.CheckResult{Status: st}, err
}

func (c *Client) getStatus(ctx context.Context, form url.Values) (providers.Status, error) {
	const op = providers.OpCheck
	req, err := c.newFormRequest(ctx, http.MethodPost, c.base.String()+"/Transaction", form)
	if err != nil {
		return providers.StatusUnknown, err
	}
	resp, err := c.do(ctx, req, op)
	if err != nil {
		return providers.StatusUnknown, err
	}
	if resp.Status/100 != 2 {
		e := httpError(op, resp.Status, resp.Body)
		if e.Kind == providers.KindNotPaired {
			return providers.StatusUnpaired, e
		}
		return providers.StatusUnknown, e
	}
	txn, err := decodeTransaction(resp.Status, resp.Body)
	if err != nil {
		return providers.StatusUnknown, err
	}
	if done, st, err := c.outcome(txn); done {
		return st, err
	}
	poll, err := c.pollingURL(resp.Status, field(txn.Data, "PollingUrl"))
	if err != nil {
		return providers.StatusUnknown, err
	}
	for {
		if err := c.wait(ctx); err != nil {
			return providers.StatusUnknown, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, poll.String(), nil)
		if err != nil {
			return providers.StatusUnknown, protocolError(op, 0, "cannot build the polling request", nil)
		}
		resp, err := c.do(ctx, req, op)
		if err != nil {
			return providers.StatusUnknown, scrubURL(err)
		}
		if resp.Status == http.StatusTooManyRequests {
			continue // polled too early by the cloud's clock: wait once more
		}
		if resp.Status/100 != 2 {
			return providers.StatusUnknown, httpError(op, resp.Status, resp.Body)
		}
		txn, err := decodeTransaction(resp.Status, resp.Body)
		if err != nil {
			return providers.StatusUnknown, err
		}
		if done, st, err := c.outcome(txn); done {
			return st, err
		}
	}
}

// wait sleeps one poll interval on the client's clock.
func (c *Client) wait(ctx context.Context) error {
	t := c.clock.NewTimer(c.pollInterval)
	defer t.Stop()
	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return &providers.Error{Provider: providers.SmartConnect, Op: providers.OpCheck, Kind: providers.KindCanceled,
			Message: "status request cancelled", Err: context.Cause(ctx)}
	}
}

func decodeTransaction(status int, body []byte) (transaction, error) {
	var txn transaction
	if err := json.Unmarshal(body, &txn); err != nil || txn.Status == "" {
		return txn, protocolError(providers.OpCheck, status,
			"SmartConnect answered the status request with something that is not a transaction: "+decodeError(status, body), err)
	}
	if err := checkWords(txn); err != nil {
		return txn, protocolError(providers.OpCheck, status, "SmartConnect answered the status request with a malformed value: "+err.Error(), nil)
	}
	return txn, nil
}

// wordFields name the data members holding SmartConnect's status words,
// which, like transactionStatus, have one shape: transactionStatus
// (PENDING, COMPLETED), data.Result (OK, FAILED, FAILED-INTERFACE,
// DELAYED-TRANSACTION), data.TransactionResult (OK-ACCEPTED, OK-DECLINED,
// CANCELLED, OK-DELAYED) and data.Status (READY) [OBS T10, T11]. The lists
// are observed, not documented, so any word of letters, digits, '-' and '_'
// passes, in any case and up to 40 characters; punctuation, spaces or
// escape remnants do not. (ResultText is free text and only cleaned.)
var wordFields = []string{"Result", "TransactionResult", "Status"}

const wordMax = 40

// checkWords reports the first status word that breaks that shape, or nil.
// The values are shown to the merchant (and Result becomes the error's
// code), so a misshapen one is a broken or hostile answer, not a status.
func checkWords(txn transaction) error {
	if err := transport.CheckShape(clean(txn.Status), transport.Shape{Field: "transactionStatus", Min: 1, Max: wordMax}); err != nil {
		return err
	}
	for _, k := range wordFields {
		v := clean(field(txn.Data, k))
		if v == "" {
			continue // optional: which of them come depends on the answer
		}
		if err := transport.CheckShape(v, transport.Shape{Field: "data." + k, Min: 1, Max: wordMax}); err != nil {
			return err
		}
	}
	return nil
}

// outcome reads a COMPLETED transaction. done is false while the terminal
// has not answered yet (PENDING, or a delayed result [OBS T10]).
func (c *Client) outcome(txn transaction) (done bool, st providers.Status, err error) {
	if !strings.EqualFold(txn.Status, "COMPLETED") {
		return false, "", nil
	}
	result := clean(field(txn.Data, "Result"))
	txResult := clean(field(txn.Data, "TransactionResult"))
	switch {
	case strings.EqualFold(result, "OK"):
		return true, providers.StatusActive, nil
	case strings.EqualFold(result, "DELAYED-TRANSACTION"), strings.EqualFold(txResult, "OK-DELAYED"):
		return false, "", nil
	case result == "":
		return true, providers.StatusUnknown, protocolError(providers.OpCheck, http.StatusOK,
			"SmartConnect completed the status request without data.Result", nil)
	}
	parts := []string{"Result " + result}
	for _, k := range []string{"TransactionResult", "Status", "ResultText"} {
		if v := clean(field(txn.Data, k)); v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	return true, providers.StatusUnknown, &providers.Error{
		Provider: providers.SmartConnect, Op: providers.OpCheck, Kind: providers.KindNotListening, Retryable: true,
		Code:    result,
		Message: "the terminal did not answer (" + strings.Join(parts, ", ") + ")",
	}
}

// pollingURL accepts a polling URL only on the base URL's scheme and host:
// it carries an access token, and following it anywhere else would send
// the register's traffic to whoever answered the POST.
func (c *Client) pollingURL(status int, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, protocolError(providers.OpCheck, status, "SmartConnect answered the status request without data.PollingUrl", nil)
	}
	u, err := transport.ParseURL(raw, c.base.Scheme == "http")
	if err != nil {
		// err would quote the URL, token included; name only where it points.
		return nil, protocolError(providers.OpCheck, status, "SmartConnect returned a polling URL that is not a valid "+c.base.Scheme+" URL; refusing to follow it", nil)
	}
	if !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) {
		return nil, protocolError(providers.OpCheck, status, fmt.Sprintf(
			"SmartConnect returned a polling URL on another host (%s://%s, expected %s://%s); refusing to follow it",
			u.Scheme, u.Host, c.base.Scheme, c.base.Host), nil)
	}
	return u, nil
}

// scrubURL drops the query (the access token) from a transport error's
// *url.Error, which quotes the whole URL.
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			ue.URL = u.String()
		} else {
			ue.URL = "(polling URL)"
		}
	}
	return err
}
