package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// onLine calls act once, when a write to stderr contains marker: the
// merchant confirming on the terminal at a known point of the wait.
type onLine struct {
	bytes.Buffer
	marker string
	act    func()
	once   sync.Once
}

func (o *onLine) Write(p []byte) (int, error) {
	n, err := o.Buffer.Write(p)
	if bytes.Contains(p, []byte(o.marker)) {
		o.once.Do(o.act)
	}
	return n, err
}

// With --debug, the wait's "not confirmed yet" lines say the pairing is
// awaiting confirmation, though SCI answers those polls as unpaired.
func TestCLIDebugLogSaysAwaitingWhileNotConfirmed(t *testing.T) {
	w := newCLIWorld(t)
	logPath := filepath.Join(t.TempDir(), "debug.log")
	stderr := &onLine{marker: "Not confirmed yet", act: func() {
		if _, err := w.sb.Confirm(w.term); err != nil {
			t.Error(err)
		}
	}}
	var stdout bytes.Buffer
	args := []string{"--debug", "--log-file", logPath, "pair", "--code", w.startCode(t), "--json"}
	if code := Execute(context.Background(), Build{}, args, strings.NewReader(""), &stdout, stderr); code != ExitOK {
		t.Fatalf("pair exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	waits := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if l["msg"] != "await: not confirmed yet" {
			continue
		}
		waits++
		if l["status"] != "awaiting_confirmation" {
			t.Errorf("logged status %v while awaiting confirmation: %s", l["status"], sc.Text())
		}
	}
	if waits == 0 {
		t.Fatal(`no "await: not confirmed yet" line in the debug log`)
	}
}
