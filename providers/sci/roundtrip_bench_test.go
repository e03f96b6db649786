package sci_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
)

// roundTrip is one pairing's Pair, Check and Unpair against the sandbox;
// code is the pairing code the terminal shows.
type roundTrip func(ctx context.Context, code string) error

// benchRoundTrip runs rt against a real-clock sandbox on loopback. Showing a
// fresh code on the terminal is the merchant's part, so it is left out of
// the timing.
func benchRoundTrip(b *testing.B, sb *sandbox.Sandbox, rt roundTrip) {
	term, err := sb.AddTerminal(providers.SCI)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		shown, err := sb.StartPairing(term.ID)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := rt(ctx, shown.PairingCode); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPairingRoundTrip compares the SCI client with the least a program
// could do over bare net/http (the same three requests, signed with the same
// Sign): the difference is the client's own cost (checks, error mapping,
// size caps, deadlines).
func BenchmarkPairingRoundTrip(b *testing.B) {
	sb := clouds.New(sandbox.Options{Seed: 11})
	if err := sb.Start(""); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sb.Close() })
	info := sb.Info()

	client := func(b *testing.B) roundTrip {
		c, err := sci.New(sci.Config{
			PairingURL:         info.URL("sci_pairing_url"),
			APIKey:             providers.NewSecret(info.Credential("sci_api_key")),
			SigningSecretPartA: providers.NewSecret(info.Credential("sci_signing_secret_part_a")),
			Timeout:            5 * time.Second,
		})
		if err != nil {
			b.Fatal(err)
		}
		return func(ctx context.Context, code string) error {
			p, partB, err := c.Pair(ctx, providers.PairRequest{Code: code})
			if err != nil {
				return err
			}
			// Not yet confirmed on the terminal: the cloud answers 401.
			if st, err := c.Check(ctx, p, partB); st.Status != providers.StatusUnpaired || providers.KindOf(err) != providers.KindNotPaired {
				return fmt.Errorf("check = %v, %v", st, err)
			}
			return c.Unpair(ctx, p, partB)
		}
	}
	bare := func() roundTrip {
		bc := &bareClient{
			http:  &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: 5 * time.Second},
			url:   info.URL("sci_pairing_url"),
			key:   info.Credential("sci_api_key"),
			partA: providers.NewSecret(info.Credential("sci_signing_secret_part_a")),
		}
		return bc.roundTrip
	}

	b.Run("client", func(b *testing.B) { benchRoundTrip(b, sb, client(b)) })
	b.Run("bare", func(b *testing.B) { benchRoundTrip(b, sb, bare()) })

	// interleaved times one client and one bare round trip per op, in
	// alternating order, and reports their ratio: a burst of load on a
	// shared machine then falls on both sides instead of on whichever
	// sub-benchmark happened to run during it.
	b.Run("interleaved", func(b *testing.B) {
		sides := [2]roundTrip{client(b), bare()}
		var spent [2]time.Duration
		term, err := sb.AddTerminal(providers.SCI)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		i := 0
		for b.Loop() {
			for k := range 2 {
				side := (i + k) % 2
				shown, err := sb.StartPairing(term.ID)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := sides[side](ctx, shown.PairingCode); err != nil {
					b.Fatal(err)
				}
				spent[side] += time.Since(start)
			}
			i++
		}
		b.ReportMetric(float64(spent[0].Microseconds())/float64(i), "client-µs/op")
		b.ReportMetric(float64(spent[1].Microseconds())/float64(i), "bare-µs/op")
		b.ReportMetric(float64(spent[0])/float64(spent[1]), "client/bare")
	})
}

// bareClient makes the three requests by hand.
type bareClient struct {
	http     *http.Client
	url, key string
	partA    providers.Secret
}

func (c *bareClient) roundTrip(ctx context.Context, code string) error {
	body, _ := json.Marshal(map[string]string{"pairing_code": code})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/v1/progress-pairing", bytes.NewReader(body))
	req.Header.Set("Authorization", "ApiKey "+c.key)
	req.Header.Set("Content-Type", "application/json")
	status, out, err := c.send(req)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("progress-pairing: %d %v", status, err)
	}
	var pr struct {
		Data struct {
			KeyID   string `json:"key_id"`
			PartB   string `json:"signing_secret_part_b"`
			BaseURL string `json:"sci_api_base_url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &pr); err != nil {
		return err
	}
	partB := providers.NewSecret(pr.Data.PartB)
	base := strings.ToLower(pr.Data.BaseURL)

	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/pairing-info", nil)
	if err := sci.Sign(req, nil, pr.Data.KeyID, c.partA, partB, time.Now()); err != nil {
		return err
	}
	if status, _, err = c.send(req); err != nil || status != http.StatusUnauthorized {
		return fmt.Errorf("pairing-info: %d %v", status, err)
	}

	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/unpair", bytes.NewReader(nil))
	if err := sci.Sign(req, []byte{}, pr.Data.KeyID, c.partA, partB, time.Now()); err != nil {
		return err
	}
	if status, _, err = c.send(req); err != nil || status != http.StatusNoContent {
		return fmt.Errorf("unpair: %d %v", status, err)
	}
	return nil
}

func (c *bareClient) send(req *http.Request) (int, []byte, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, err
}
