package pairing_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/internal/sandbox"
	"github.com/tillpair/tillpair/internal/testkit"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/linkly"
)

// Linkly through the pairing service, its descriptor given directly (it
// is not in the registry yet): the pair inputs reach the client, the
// secret is kept under the descriptor's keyring item and nowhere else,
// the register identity's id is the posId, Test learns the TID, and
// forgetting deletes the secret.
func TestLinklyThroughTheService(t *testing.T) {
	const password = "CANARY-linkly-service-pw"
	sb := testkit.StartSandbox(t, sandbox.Options{Seed: 5, Credentials: sandbox.Credentials{linkly.InputPassword: password}})
	info := sb.Info()
	client, err := linkly.New(linkly.Config{AuthURL: info.URL(linkly.EndpointAuth), POSURL: info.URL(linkly.EndpointPOS), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	const posID = "0b7a3c1e-1111-4abc-8def-0123456789ab"
	if err := recs.Update(func(f *keystore.File) error {
		f.Settings.Register = &providers.RegisterIdentity{RegisterID: posID}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	secrets := keystore.NewMemorySecrets()
	svc := pairing.New(pairing.Config{Providers: []providers.Provider{client}, Registry: providers.Registry{linkly.Descriptor},
		Secrets: secrets, Records: recs, Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	pad := testkit.Terminal(t, sb, linkly.ID)
	term, err := sb.StartPairing(pad.ID)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	p, err := svc.Pair(ctx, pairing.PairInput{Provider: linkly.ID, Code: " " + term.PairingCode + " ", Nickname: "Front",
		Inputs: map[string]providers.Secret{linkly.InputUsername: providers.NewSecret(info.Credential(linkly.InputUsername)), linkly.InputPassword: providers.NewSecret(password)}})
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if p.Status != providers.StatusActive || p.Register == nil || p.Register.RegisterID != posID {
		t.Fatalf("pairing %+v", p)
	}
	afterPair := readDir(t, dir)
	secret, err := secrets.Get("linkly/" + p.ID + "/secret")
	if err != nil || secret.Len() != 128 {
		t.Fatalf("keyring item: %v (%d bytes)", err, secret.Len())
	}
	got, err := svc.Test(ctx, p.ID)
	if err != nil || got.Status != providers.StatusActive || got.TID != pad.TID {
		t.Fatalf("Test = %+v, %v; want TID %s", got, err, pad.TID)
	}
	if err := svc.Unpair(ctx, p.ID); providers.KindOf(err) != providers.KindUnpairOnTerminal {
		t.Fatalf("Unpair = %v", err)
	}
	if err := svc.Forget(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Get("linkly/" + p.ID + "/secret"); err == nil {
		t.Fatal("the secret outlived Forget")
	}
	for where, text := range map[string]string{"the records file after pairing": afterPair, "the service log": logBuf.String()} {
		if text == "" {
			t.Fatalf("%s is empty", where)
		}
		for _, v := range []string{password, secret.Reveal()} {
			if strings.Contains(text, v) {
				t.Errorf("a secret leaked into %s", where)
			}
		}
	}
}

// readDir is every file under dir, concatenated.
func readDir(t *testing.T, dir string) string {
	t.Helper()
	var files strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files.String()
}

// EnsureRegisterID makes the generated id once and keeps it, and keeps
// the names SmartConnect's setup stored.
func TestEnsureRegisterIDMakesItOnce(t *testing.T) {
	recs, err := keystore.OpenRecords(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := pairing.New(pairing.Config{Registry: providers.Registry{linkly.Descriptor}, Secrets: keystore.NewMemorySecrets(), Records: recs})
	first, created, err := svc.EnsureRegisterID()
	if err != nil || !created {
		t.Fatalf("first EnsureRegisterID = %+v, %v, %v", first, created, err)
	}
	if u, err := uuid.Parse(first.RegisterID); err != nil || u.Version() != 4 {
		t.Fatalf("register id %q is not a version 4 UUID: %v", first.RegisterID, err)
	}
	again, created, err := svc.EnsureRegisterID()
	if err != nil || created || again.RegisterID != first.RegisterID {
		t.Fatalf("second EnsureRegisterID = %+v, %v, %v; want the same id", again, created, err)
	}
	if err := recs.Update(func(f *keystore.File) error {
		f.Settings.Register = &providers.RegisterIdentity{BusinessName: "Toys"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	named, created, err := svc.EnsureRegisterID()
	if err != nil || !created || named.BusinessName != "Toys" || named.RegisterID == "" {
		t.Fatalf("EnsureRegisterID with names = %+v, %v, %v", named, created, err)
	}
}
