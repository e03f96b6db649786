package square_test

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The client imports neither the simulator (only its tests may) nor any
// front-end or store (package providers' rule).
func TestImports(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"/internal/sandbox", "/ui", "/screens", "/internal/pairing", "/keystore", "/internal/app", "/internal/cli"}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		n++
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, b := range banned {
				if strings.Contains(path, "tillpair/tillpair"+b) {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d files read", n)
	}
}
