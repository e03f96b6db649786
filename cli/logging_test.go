package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
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
