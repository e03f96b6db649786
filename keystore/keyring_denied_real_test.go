package keystore

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/providers"
)

// denyingBusConfig is the stock session bus plus a mandatory policy that
// refuses every message to the Secret Service: what a confined app (snap
// AppArmor mediation, a Flatpak bus proxy) or an admin policy does.
const denyingBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <policy context="mandatory">
    <deny send_destination="org.freedesktop.secrets"/>
  </policy>
</busconfig>
`

// helperKeyringOps runs Get, Set and Delete and prints one result each.
func helperKeyringOps(service string) int {
	k := NewKeyring(service)
	k.Timeout = realCallTimeout
	_, err := k.Get(SCIAPIKey)
	if printResult(err) != 0 {
		return 1
	}
	if printResult(k.Set(SCIAPIKey, providers.NewSecret("value-under-test"))) != 0 {
		return 1
	}
	return printResult(k.Delete(SCIAPIKey))
}

// gnome-keyring itself has no per-application access control on the Secret
// Service API, so a real denial comes from the bus: the keyring runs, but
// the bus refuses to deliver tillpair's calls to it. The test gets its own
// bus and keyring from scripts/with-keyring.sh so the policy touches nothing
// else.
func TestRealKeyringAccessDeniedByBusPolicy(t *testing.T) {
	realKeyring(t)
	if _, err := os.Stat("/usr/share/dbus-1/session.conf"); err != nil {
		t.Skipf("no stock session bus config to extend: %v", err)
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "with-keyring.sh"))
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "deny-secrets.conf")
	if err := os.WriteFile(config, []byte(denyingBusConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	service := "tillpair-test-" + uuid.NewString()
	helper := helperCommand(t, "keyring-ops", "", service, "WITH_KEYRING_BUS_CONFIG="+config)
	// helper.Args[0] is the test binary; the script runs it inside the bus.
	cmd := exec.Command("sh", append([]string{script}, helper.Args...)...)
	cmd.Args[2] = helper.Path
	cmd.Env = helper.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper under %s: %v\nstderr: %s", script, err, stderr.String())
	}

	dec := json.NewDecoder(bytes.NewReader(out))
	for _, op := range []string{"read secret", "store secret", "delete secret"} {
		var res helperResult
		if err := dec.Decode(&res); err != nil {
			t.Fatalf("%s: helper output %q: %v", op, out, err)
		}
		if res.Kind != KindDenied.String() {
			t.Fatalf("%s: kind = %s, want %s; message: %s", op, res.Kind, KindDenied, res.Message)
		}
		for _, want := range []string{"cannot " + op, SCIAPIKey, service, "denied access",
			"Rejected send message", "Allow tillpair", "policy"} {
			if !strings.Contains(res.Message, want) {
				t.Errorf("%s: message %q does not mention %q", op, res.Message, want)
			}
		}
		if strings.Contains(res.Message, "value-under-test") {
			t.Errorf("%s: message %q contains the secret", op, res.Message)
		}
	}
}

// The keystore refuses oversized secrets itself (gnome-keyring took 1 MiB,
// tui-notes §3.1), so the real keyring never sees them; the message must
// say why and what to check, without echoing the value.
func TestRealKeyringTooBigMessage(t *testing.T) {
	k := realKeyring(t)
	t.Cleanup(func() { _ = k.Delete(SCISigningPartA) })
	value := strings.Repeat("s", MaxSecretBytes) + "-tail"
	err := k.Set(SCISigningPartA, providers.NewSecret(value))
	e := wantKind(t, err, KindTooBig)
	if e.Err != nil {
		t.Errorf("the refusal carries a backend error (%v): the keyring was asked", e.Err)
	}
	wantMessage(t, err, "cannot store secret", SCISigningPartA, k.Service(), "larger than 2048 bytes",
		"Check that the right value was supplied", "one short secret per item")
	if strings.Contains(err.Error(), "-tail") || strings.Contains(err.Error(), strings.Repeat("s", 32)) {
		t.Errorf("message %q contains the secret", err)
	}
	_, err = k.Get(SCISigningPartA)
	wantKind(t, err, KindNotFound)
}
