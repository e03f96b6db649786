package sci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

type pairBody struct {
	PairingCode     string `json:"pairing_code"`
	PairingNickname string `json:"pairing_nickname,omitempty"`
}

// Pair calls POST {PairingURL}/v1/progress-pairing with the code the
// terminal shows. On success the pairing is awaiting confirmation on the
// terminal, and the returned Secret is the pairing's signing secret Part B.
func (c *Client) Pair(ctx context.Context, in providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	const op = providers.OpPair
	if c.apiKey.IsZero() {
		return providers.Pairing{}, providers.Secret{}, credentialsError(op,
			"the SCI Pairing API key is not configured (set TILLPAIR_SCI_API_KEY or store it in the keyring)")
	}
	if in.Code == "" {
		return providers.Pairing{}, providers.Secret{}, &providers.Error{Provider: providers.SCI, Op: op,
			Kind: providers.KindInvalidCode, Message: "the pairing code is empty; enter the code shown on the terminal"}
	}
	// json.Marshal is compact; nothing is hashed here, but the vendor FAQ
	// warns about stray line feeds in bodies.
	body, err := json.Marshal(pairBody{PairingCode: in.Code, PairingNickname: in.Nickname})
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, 0, "could not encode the request", err)
	}
	endpoint := c.pairingURL.JoinPath("v1", "progress-pairing")
	req, err := http.NewRequest(http.MethodPost, endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, 0, "could not build the request", err)
	}
	req.Header.Set("Authorization", "ApiKey "+c.apiKey.Reveal())
	req.Header.Set("Content-Type", "application/json")

	resp, err := c.do(ctx, req, op)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return providers.Pairing{}, providers.Secret{}, httpError(op, resp.Status, resp.Body)
	}
	d, err := decodePair(resp.Body)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, resp.Status,
			"the SCI pairing API answered with an unusable pairing: "+err.Error(), nil)
	}
	base, err := transport.ParseURL(d.BaseURL, c.loopbackHTTP)
	if err != nil {
		return providers.Pairing{}, providers.Secret{}, protocolError(op, resp.Status,
			"the SCI pairing API returned a base URL that "+err.Error(), nil)
	}
	// The signature covers the authority in lower case, so store it that
	// way and the Host header sent later matches what was signed.
	base.Host = strings.ToLower(base.Host)

	now := c.clock.Now().UTC()
	p := providers.Pairing{
		Provider:         providers.SCI,
		ID:               d.PairingID,
		Status:           providers.StatusAwaitingConfirmation,
		PairingNickname:  d.PairingNickname,
		TerminalNickname: d.TerminalNickname,
		TID:              d.TID,
		KeyID:            d.KeyID,
		BaseURL:          base.String(),
		ConfirmationCode: d.ConfirmationCode,
		Environment:      environment(c.apiKey),
		CreatedAt:        now,
		UpdatedAt:        now,
	}
	if p.PairingNickname == "" {
		// The cloud echoes "" when no nickname was sent [OBS T2]; keep what
		// the merchant typed if the echo is missing for any other reason.
		p.PairingNickname = clean(in.Nickname)
	}
	return p, providers.NewSecret(d.PartB), nil
}

// environment labels the pairing by the key it was made with: the pairing
// host is shared and the key decides test vs live [OBS T1, T2 "live_pak_"].
func environment(apiKey providers.Secret) string {
	if strings.HasPrefix(apiKey.Reveal(), "live_") {
		return "live"
	}
	return "test"
}

// pairData is the data object of a progress-pairing answer.
type pairData struct {
	PairingID, KeyID, ConfirmationCode, PartB, BaseURL string
	TID, PairingNickname, TerminalNickname             string
}

// text decodes a JSON string, or a number as its text (tid looks numeric
// and a future encoder could send it as one); null and absent are "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if s := scalar(b); s != "" || bytes.Equal(bytes.TrimSpace(b), []byte("null")) || bytes.Equal(bytes.TrimSpace(b), []byte(`""`)) {
		*t = text(s)
		return nil
	}
	return fmt.Errorf("expected a string, got %.20s", b)
}

// decodePair decodes and validates a progress-pairing answer. The base URL
// is read from sci_api_base_url (FAQ and every observed client), falling
// back to spi_cloud_api_base_url (the pairing page example) [DOC S3, S5].
func decodePair(body []byte) (pairData, error) {
	var env struct {
		Data *struct {
			PairingID          text `json:"pairing_id"`
			KeyID              text `json:"key_id"`
			ConfirmationCode   text `json:"confirmation_code"`
			SigningSecretPartB text `json:"signing_secret_part_b"`
			SCIAPIBaseURL      text `json:"sci_api_base_url"`
			SPICloudAPIBaseURL text `json:"spi_cloud_api_base_url"`
			TID                text `json:"tid"`
			PairingNickname    text `json:"pairing_nickname"`
			TerminalNickname   text `json:"terminal_nickname"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return pairData{}, errors.New("the body is not the expected JSON")
	}
	if env.Data == nil {
		return pairData{}, errors.New("no data object")
	}
	raw := env.Data
	d := pairData{
		PairingID:        string(raw.PairingID),
		KeyID:            string(raw.KeyID),
		PartB:            string(raw.SigningSecretPartB),
		BaseURL:          strings.TrimSpace(string(raw.SCIAPIBaseURL)),
		ConfirmationCode: clean(string(raw.ConfirmationCode)),
		TID:              clean(string(raw.TID)),
		PairingNickname:  clean(string(raw.PairingNickname)),
		TerminalNickname: clean(string(raw.TerminalNickname)),
	}
	if d.BaseURL == "" {
		d.BaseURL = strings.TrimSpace(string(raw.SPICloudAPIBaseURL))
	}
	var missing []string
	if d.PairingID == "" {
		missing = append(missing, "pairing_id")
	}
	if d.KeyID == "" {
		missing = append(missing, "key_id")
	}
	if d.PartB == "" {
		missing = append(missing, "signing_secret_part_b")
	}
	if d.BaseURL == "" {
		missing = append(missing, "sci_api_base_url")
	}
	if len(missing) > 0 {
		return pairData{}, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if err := checkPairingID(d.PairingID); err != nil {
		return pairData{}, err
	}
	if err := checkKeyID(d.KeyID); err != nil {
		return pairData{}, err
	}
	// The merchant compares the confirmation code and TID with the
	// terminal's screen, so they must look like what the terminal shows.
	// Confirmation codes are 4 digits in the docs and every observed answer
	// (a little headroom, in case a tenant uses longer ones); TIDs were
	// observed as 8 digits, but the docs' example is "tid123".
	for _, f := range []struct {
		v     string
		shape transport.Shape
	}{
		{d.ConfirmationCode, transport.Shape{Field: "confirmation_code", Digits: true, Min: 4, Max: 8}},
		{d.TID, transport.Shape{Field: "tid", Min: 1, Max: 32}},
	} {
		if f.v == "" {
			continue // optional: absent in some observed answers
		}
		if err := transport.CheckShape(f.v, f.shape); err != nil {
			return pairData{}, err
		}
	}
	return d, nil
}

// checkPairingID keeps the id usable as a record key, a keyring item name
// segment ("sci/<id>/...") and a command-line argument.
func checkPairingID(id string) error {
	if len(id) > 128 {
		return errors.New("pairing id is too long")
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '/' || r == '\\' || r > 0x7e {
			return errors.New("pairing id contains characters tillpair cannot store")
		}
	}
	return nil
}
