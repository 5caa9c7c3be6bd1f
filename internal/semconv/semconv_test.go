package semconv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestEveryNameIsDocumented keeps docs/attributes.md true: every attribute
// name the code reads or writes must be listed there.
func TestEveryNameIsDocumented(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "semconv.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "attributes.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		names++
		if !strings.Contains(string(doc), "`"+v+"`") {
			t.Errorf("%s is not listed in docs/attributes.md", v)
		}
		return true
	})
	if names < 50 {
		t.Fatalf("found only %d names in semconv.go: the parser missed them", names)
	}
}
