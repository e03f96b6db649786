package sci_test

import (
	"context"
	"testing"
	"time"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	simsci "github.com/tillpair/tillpair/internal/sandbox/sci"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/sci"
	"github.com/tillpair/tillpair/providers/transport"
)

// codesPerTerminal bounds how many pairings one virtual terminal collects:
// a terminal keeps every pairing it made, and showing a code copies the
// list, which a long run would otherwise end up measuring.
const codesPerTerminal = 256

// throughputEnv is a real-clock sandbox on loopback and the SCI client the
// app uses, sharing one connection pool.
func throughputEnv(b *testing.B) (*sandbox.Sandbox, *sci.Client) {
	b.Helper()
	sb := clouds.New(sandbox.Options{Seed: 5})
	if err := sb.Start(""); err != nil {
		b.Fatal(err)
	}
	hc := transport.NewClient()
	b.Cleanup(func() {
		hc.CloseIdleConnections()
		sb.Close()
	})
	info := sb.Info()
	c, err := sci.New(sci.Config{
		PairingURL:         info.URL(simsci.KeyPairingURL),
		APIKey:             providers.NewSecret(info.Credential(simsci.KeyAPIKey)),
		SigningSecretPartA: providers.NewSecret(info.Credential(simsci.KeyPartA)),
		HTTPClient:         hc,
		Timeout:            5 * time.Second,
	})
	if err != nil {
		b.Fatal(err)
	}
	return sb, c
}

func reportRate(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "req/s")
	}
}

// BenchmarkSandboxProgressPairing: each op is the terminal showing a code
// (in-process) and the POS progressing it over HTTP.
func BenchmarkSandboxProgressPairing(b *testing.B) {
	sb, c := throughputEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var term sandbox.Terminal
		for n := 0; pb.Next(); n++ {
			if n%codesPerTerminal == 0 {
				var err error
				if term, err = sb.AddTerminal(providers.SCI); err != nil {
					b.Error(err)
					return
				}
			}
			shown, err := sb.StartPairing(term.ID)
			if err != nil {
				b.Error(err)
				return
			}
			if _, _, err := c.Pair(ctx, providers.PairRequest{Code: shown.PairingCode}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkSandboxPairingInfo: each op is one signed pairing-info of an
// active pairing, verified by the sandbox.
func BenchmarkSandboxPairingInfo(b *testing.B) {
	sb, c := throughputEnv(b)
	ctx := context.Background()
	term, err := sb.AddTerminal(providers.SCI)
	if err != nil {
		b.Fatal(err)
	}
	shown, err := sb.StartPairing(term.ID)
	if err != nil {
		b.Fatal(err)
	}
	p, partB, err := c.Pair(ctx, providers.PairRequest{Code: shown.PairingCode})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sb.Confirm(term.ID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if st, err := c.Check(ctx, p, partB); err != nil || st.Status != providers.StatusActive {
				b.Errorf("check = %v, %v", st, err)
				return
			}
		}
	})
	reportRate(b)
}
