package reliability

// The full-disk case needs RLIMIT_FSIZE (and SIGXFSZ), which only Linux has
// among the systems tillpair ships for; Windows builds this package
// without it (issue 14).

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/tillpair/tillpair/internal/pairing"
	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

func init() { helpers["pair-fsize"] = helperPairFileSize }

// fsizeLimit is under the size of a records file with one more pairing.
const fsizeLimit = 600

// helperPairFileSize pairs with RLIMIT_FSIZE set, so writing the records
// file fails with EFBIG, like a full disk (root ignores chmod, not this).
func helperPairFileSize(dir, base, term string) int {
	signal.Ignore(syscall.SIGXFSZ)
	svc, err := childService(dir, base)
	if err != nil {
		return report(helperOutcome{Error: err.Error()})
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: fsizeLimit, Max: fsizeLimit}); err != nil {
		return report(helperOutcome{Error: err.Error()})
	}
	t, err := control(base, term, "pairing-code")
	if err != nil {
		return report(helperOutcome{Error: err.Error()})
	}
	_, err = svc.Pair(context.Background(), pairing.PairInput{Provider: providers.SCI, Code: t.PairingCode, Nickname: "a long enough nickname"})
	o := helperOutcome{Kind: "none"}
	if err != nil {
		o.Kind, o.Error = "other", err.Error()
		if ke, ok := keystore.AsError(err); ok {
			o.Kind = ke.Kind.String()
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(o)
	return 0
}

func TestFullConfigDir(t *testing.T) {
	sb, base, terms := sharedSandbox(t, 1)
	dir := t.TempDir()
	// An existing pairing on file that the failed write must not harm.
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := recs.Update(func(f *keystore.File) error {
		f.Pairings = append(f.Pairings, providers.Pairing{Provider: providers.SCI, ID: "pid_existing", Status: providers.StatusActive})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(recs.Path())
	if err != nil || len(before) >= fsizeLimit {
		t.Fatalf("fixture %d bytes must be under the %d-byte limit (%v)", len(before), fsizeLimit, err)
	}
	out, err := helperCommand(t, "pair-fsize", dir, base, terms[0]).Output()
	if err != nil {
		t.Fatalf("helper: %v %s", err, out)
	}
	var o helperOutcome
	if err := json.Unmarshal(bytes.TrimSpace(out), &o); err != nil {
		t.Fatalf("helper output %q: %v", out, err)
	}
	if o.Kind != keystore.KindIO.String() || !strings.Contains(o.Error, "undone") {
		t.Fatalf("pair on a full disk: %+v; want an io error and a rollback", o)
	}
	after, err := os.ReadFile(recs.Path())
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the records file changed on a failed write (%v)", err)
	}
	if n := livePairings(sb); n != 0 {
		t.Fatalf("%d pairings left in the cloud after the rollback", n)
	}
	t.Logf("FIGURE full: pair on a full disk (RLIMIT_FSIZE) → %s, file byte-identical, rolled back: %s", o.Kind, o.Error)
}
