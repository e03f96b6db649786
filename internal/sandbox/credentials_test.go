package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFixedCredentialsReplaceGeneratedOnes(t *testing.T) {
	plain := New(Options{Seed: 5})
	defer plain.Close()
	fixed := New(Options{Seed: 5, Credentials: &Credentials{SCIAPIKey: "test_pak_CANARY", HelcimAPIToken: "CANARYTOKEN"}})
	defer fixed.Close()
	got, want := fixed.Info().Credentials, plain.Info().Credentials
	if got.SCIAPIKey != "test_pak_CANARY" || got.HelcimAPIToken != "CANARYTOKEN" {
		t.Fatalf("fixed credentials not used: %+v", got)
	}
	if got.SCISigningSecretPartA != want.SCISigningSecretPartA {
		t.Fatalf("an empty field must keep the generated value: %q vs %q", got.SCISigningSecretPartA, want.SCISigningSecretPartA)
	}
	// The random stream is unchanged, so seeded terminals are too.
	if a, b := fixed.Terminals()[0].TID, plain.Terminals()[0].TID; a != b {
		t.Fatalf("TID changed with fixed credentials: %q vs %q", a, b)
	}
	srv := httptest.NewServer(fixed.Handler())
	defer srv.Close()
	for token, want := range map[string]int{"CANARYTOKEN": http.StatusOK, plain.Info().Credentials.HelcimAPIToken: http.StatusForbidden} {
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
