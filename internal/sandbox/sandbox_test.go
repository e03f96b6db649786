package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/sandbox/clouds"
	"github.com/tillpair/tillpair/providers"
)

func TestFixedCredentialsReplaceGeneratedOnes(t *testing.T) {
	plain := clouds.New(sandbox.Options{Seed: 5})
	defer plain.Close()
	fixed := clouds.New(sandbox.Options{Seed: 5, Credentials: sandbox.Credentials{"sci_api_key": "test_pak_CANARY", "helcim_api_token": "CANARYTOKEN"}})
	defer fixed.Close()
	got, want := fixed.Info(), plain.Info()
	if got.Credential("sci_api_key") != "test_pak_CANARY" || got.Credential("helcim_api_token") != "CANARYTOKEN" {
		t.Fatalf("fixed credentials not used: %+v", got.Credentials)
	}
	if a, b := got.Credential("sci_signing_secret_part_a"), want.Credential("sci_signing_secret_part_a"); a != b {
		t.Fatalf("an unnamed credential must keep the generated value: %q vs %q", a, b)
	}
	// The random stream is unchanged, so seeded terminals are too.
	if a, b := fixed.Terminals()[0].TID, plain.Terminals()[0].TID; a != b {
		t.Fatalf("TID changed with fixed credentials: %q vs %q", a, b)
	}
	srv := httptest.NewServer(fixed.Handler())
	defer srv.Close()
	for token, want := range map[string]int{"CANARYTOKEN": http.StatusOK, plain.Info().Credential("helcim_api_token"): http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/helcim/v2/connection-test", nil)
		req.Header.Set("api-token", token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("token %q…: status %d, want %d", strings.Repeat("*", 4), resp.StatusCode, want)
		}
	}
}

// A planted credential no cloud accepts would prove nothing: New refuses it.
func TestUnknownFixedCredentialPanics(t *testing.T) {
	defer func() {
		r := recover()
		if msg, _ := r.(string); !strings.Contains(msg, `"sci_api_kee"`) || !strings.Contains(msg, "sci_api_key") {
			t.Fatalf("recovered %v, want a panic naming the key and the valid ones", r)
		}
	}()
	clouds.New(sandbox.Options{Credentials: sandbox.Credentials{"sci_api_kee": "x"}}).Close()
}

// The JSON line tillpair sandbox prints is exactly the documented flat
// object, in order, and reads back into the same Info.
func TestInfoJSON(t *testing.T) {
	sb := clouds.New(sandbox.Options{Seed: 3})
	if err := sb.Start(""); err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	info := sb.Info()
	line, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	shape := regexp.MustCompile(`^\{"sci_pairing_url":"http://127\.0\.0\.1:\d+/sci-pairing","smartconnect_url":"http://127\.0\.0\.1:\d+/smartconnect/POS",` +
		`"helcim_url":"http://127\.0\.0\.1:\d+/helcim/v2","square_url":"http://127\.0\.0\.1:\d+/square","sumup_url":"http://127\.0\.0\.1:\d+/sumup",` +
		`"linkly_auth_url":"http://127\.0\.0\.1:\d+/linkly-auth","linkly_pos_url":"http://127\.0\.0\.1:\d+/linkly-pos","control_url":"http://127\.0\.0\.1:\d+/control",` +
		`"credentials":\{"sci_api_key":"test_pak_[^"]+","sci_signing_secret_part_a":"[A-Za-z0-9]{32}","helcim_api_token":"[A-Za-z0-9]{40}",` +
		`"square_access_token":"[A-Za-z0-9]{64}","square_location_id":"[0-9A-Z]{13}","sumup_api_key":"sup_sk_[A-Za-z0-9]{32}","sumup_merchant_code":"M[A-Z0-9]{7}",` +
		`"linkly_username":"tillpair-sandbox-[0-9]{4}","linkly_password":"[A-Za-z0-9]{24}"\}\}$`)
	if !shape.Match(line) {
		t.Fatalf("Info JSON = %s", line)
	}
	var back sandbox.Info
	if err := json.Unmarshal(line, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(line) || back.ControlURL() != info.ControlURL() || back.Credential("sci_api_key") != info.Credential("sci_api_key") {
		t.Fatalf("round trip = %s, want %s", again, line)
	}
	for _, bad := range []string{`[]`, `{"x":1}`, `{"credentials":{"k":true}}`, `{"x":"y"`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) accepted it", bad)
		}
	}
	if got := info.URL("nosuch_url"); got != "" {
		t.Errorf("URL of a key no cloud has = %q", got)
	}
}

// Every Info key follows the client's environment convention.
func TestEnvVarConvention(t *testing.T) {
	info := clouds.New(sandbox.Options{Seed: 3}).Info()
	want := map[string]string{
		"sci_pairing_url": "TILLPAIR_SCI_PAIRING_URL", "smartconnect_url": "TILLPAIR_SMARTCONNECT_URL",
		"helcim_url": "TILLPAIR_HELCIM_URL", "sci_api_key": "TILLPAIR_SCI_API_KEY",
		"sci_signing_secret_part_a": "TILLPAIR_SCI_SIGNING_SECRET_PART_A", "helcim_api_token": "TILLPAIR_HELCIM_API_TOKEN",
		"square_url": "TILLPAIR_SQUARE_URL", "square_access_token": "TILLPAIR_SQUARE_ACCESS_TOKEN", "square_location_id": "TILLPAIR_SQUARE_LOCATION_ID",
		"sumup_url": "TILLPAIR_SUMUP_URL", "sumup_api_key": "TILLPAIR_SUMUP_API_KEY", "sumup_merchant_code": "TILLPAIR_SUMUP_MERCHANT_CODE",
		"linkly_auth_url": "TILLPAIR_LINKLY_AUTH_URL", "linkly_pos_url": "TILLPAIR_LINKLY_POS_URL",
		"linkly_username": "TILLPAIR_LINKLY_USERNAME", "linkly_password": "TILLPAIR_LINKLY_PASSWORD",
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	for _, v := range append(info.URLs, info.Credentials...) {
		if !snake.MatchString(v.Key) {
			t.Errorf("Info key %q is not lower snake case", v.Key)
		}
		if w, ok := want[v.Key]; ok && providers.EnvName(v.Key) != w {
			t.Errorf("EnvName(%q) = %q, want %q", v.Key, providers.EnvName(v.Key), w)
		}
	}
}

// Every credential is drawn before any Setup, so a cloud added at the end
// with credentials from the shared stream shifts the seeded values of the
// clouds before it; with a Salt its credentials come from a stream of its
// own and nothing before it moves.
func TestSaltedCloudShiftsNoSeededValue(t *testing.T) {
	values := func(sb *sandbox.Sandbox) string {
		var parts []string
		for _, term := range sb.Terminals() {
			if term.Provider != fakeID {
				parts = append(parts, term.ID+"="+term.TID)
			}
		}
		for _, c := range sb.Info().Credentials {
			if !strings.HasPrefix(c.Key, "fake_") {
				parts = append(parts, c.Key+"="+c.Value)
			}
		}
		return strings.Join(parts, " ")
	}
	build := func(salt int64) *sandbox.Sandbox {
		fake := edited{newFakePOS(), func(sp *sandbox.Spec) { sp.Salt = salt }}
		sb := sandbox.New(sandbox.Options{Seed: 5}, append(clouds.All(), fake))
		t.Cleanup(func() { sb.Close() })
		return sb
	}
	alone := sandbox.New(sandbox.Options{Seed: 5}, clouds.All())
	defer alone.Close()
	want := values(alone)
	if got := values(build(0)); got == want {
		t.Fatal("an unsalted cloud at the end left the seeded values alone; this test no longer shows what Salt is for")
	}
	salted, again := build(0x5A17), build(0x5A17)
	if got := values(salted); got != want {
		t.Fatalf("a salted cloud at the end moved earlier seeded values:\n got %s\nwant %s", got, want)
	}
	if a, b := salted.Info().Credential("fake_token"), again.Info().Credential("fake_token"); a != b || a == "" {
		t.Fatalf("a salted cloud's credential is not deterministic: %q vs %q", a, b)
	}
	if other := build(0x5A18).Info().Credential("fake_token"); other == salted.Info().Credential("fake_token") {
		t.Fatal("two salts gave the same credential")
	}
}

// A Public credential is in Info but not among the secrets.
func TestSecretCredentialsLeaveOutPublicOnes(t *testing.T) {
	sb := clouds.New(sandbox.Options{Seed: 2})
	defer sb.Close()
	var secret []string
	for _, c := range sb.SecretCredentials() {
		secret = append(secret, c.Key)
	}
	if got := strings.Join(secret, ","); got != "sci_api_key,sci_signing_secret_part_a,helcim_api_token,square_access_token,sumup_api_key,linkly_password" {
		t.Errorf("SecretCredentials = %s", got)
	}
	if sb.Info().Credential("sumup_merchant_code") == "" {
		t.Error("the public merchant code is missing from Info")
	}
}
