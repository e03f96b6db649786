package app

import (
	"context"
	"encoding/json"
	"github.com/tillpair/tillpair/internal/syncbuf"
	"log/slog"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// The runtime's logger reaches all three provider clients: pairing with
// each in the sandbox writes an "http request" line per request, and the
// typed codes and the credentials stay out of the log.
func TestRuntimeLogsEveryProvidersRequests(t *testing.T) {
	var buf syncbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rt := build(t, Options{ForceSandbox: true, Logger: log})
	sb := rt.Sandbox
	ctx := context.Background()

	var codes []string
	for _, prov := range []string{providers.SCI, providers.SmartConnect, providers.Helcim} {
		term, err := sb.StartPairing(testkit.Terminal(t, sb, prov).ID)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, term.PairingCode)
		p, err := rt.Service.Pair(ctx, pairing.PairInput{Provider: prov, Code: term.PairingCode, Nickname: "Bar"})
		if err != nil {
			t.Fatalf("%s Pair: %v", prov, err)
		}
		if prov == providers.SCI {
			if _, err := sb.Confirm(term.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := rt.Service.Test(ctx, p.ID); err != nil {
				t.Fatalf("SCI Test: %v", err)
			}
		}
	}

	seen := map[string][]string{} // provider -> "op METHOD path"
	var httpLines []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if m["msg"] != transport.LogMessage {
			continue
		}
		httpLines = append(httpLines, line)
		if m["component"] != "http" || m["status"] == nil || m["duration_ms"] == nil {
			t.Errorf("line lacks component, status or duration: %s", line)
		}
		prov, _ := m["provider"].(string)
		seen[prov] = append(seen[prov], m["op"].(string)+" "+m["method"].(string)+" "+m["path"].(string))
	}
	for _, want := range []struct{ prov, entry string }{
		{providers.SCI, "pair POST /sci-pairing/v1/progress-pairing"},
		{providers.SmartConnect, "pair PUT /smartconnect/POS/Pairing/[redacted]"},
		{providers.Helcim, "pair GET /helcim/v2/devices/[redacted]"},
	} {
		found := false
		for _, e := range seen[want.prov] {
			found = found || e == want.entry
		}
		if !found {
			t.Errorf("no %q line for %s; have %q", want.entry, want.prov, seen[want.prov])
		}
	}
	if !strings.Contains(strings.Join(seen[providers.SCI], "\n"), "check GET /sci-api/") {
		t.Errorf("no SCI check line; have %q", seen[providers.SCI])
	}

	// The codes are checked in this package's lines only: the sandbox's
	// own request log and the Helcim pairing id (its device code) are
	// other packages' business.
	lines := strings.Join(httpLines, "\n")
	for _, code := range codes {
		if code == "" || strings.Contains(lines, code) {
			t.Errorf("pairing code %q reached the request lines:\n%s", code, lines)
		}
	}
	out := buf.String()
	creds := sb.Info()
	for _, secret := range []string{creds.Credential("sci_api_key"), creds.Credential("sci_signing_secret_part_a"), creds.Credential("helcim_api_token")} {
		if secret == "" || strings.Contains(out, secret) {
			t.Errorf("credential %q reached the log", secret)
		}
	}
}
