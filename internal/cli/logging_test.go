package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/helcim"
	"github.com/tillpair/tillpair/providers/transport"
)

func TestRedactAttr(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: redactAttr}))
	log.Info("x",
		"api_key", "plain-key-1",
		"Authorization", "ApiKey plain-key-2",
		slog.Group("req", "signing-secret-part-b", "plain-3", "path", "/v1/pairing-info"),
		"value", providers.NewSecret("plain-4"),
		"pairing_id", "pid_visible",
	)
	out := buf.String()
	for _, s := range []string{"plain-key-1", "plain-key-2", "plain-3", "plain-4"} {
		if strings.Contains(out, s) {
			t.Errorf("%q leaked: %s", s, out)
		}
	}
	for _, s := range []string{"pid_visible", "/v1/pairing-info", "[redacted]"} {
		if !strings.Contains(out, s) {
			t.Errorf("%q missing: %s", s, out)
		}
	}
}

// The HTTP request lines keep their fields through the redacting handler
// (none of their keys looks like a secret's) while the credentials that
// went out in headers stay out.
func TestRequestLinesSurviveRedaction(t *testing.T) {
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 3})
	info := sb.Info()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: redactAttr}))
	c, err := helcim.New(helcim.Config{BaseURL: info.URL("helcim_url"), HTTPClient: transport.WithLogger(nil, log),
		APIToken: providers.NewSecret(info.Credential("helcim_api_token"))})
	if err != nil {
		t.Fatal(err)
	}
	// An unknown device: a real round trip that fails with a status.
	_, _, _ = c.Pair(context.Background(), providers.PairRequest{Code: "ZZZZ"})
	var line map[string]any
	if err := json.Unmarshal(bytes.SplitN(buf.Bytes(), []byte("\n"), 2)[0], &line); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	for _, k := range []string{"provider", "op", "method", "host", "path", "status", "duration_ms"} {
		if v, ok := line[k]; !ok || v == "[redacted]" {
			t.Errorf("%s = %v after redaction: %s", k, v, buf.String())
		}
	}
	if strings.Contains(buf.String(), info.Credential("helcim_api_token")) {
		t.Errorf("the API token reached the log: %s", buf.String())
	}
}
