package technician

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
)

// keyLiteral matches a complete catalogue key; literals ending in "." are prefixes of
// keys made at run time (verify.check.<id>), which the report tests cover.
var keyLiteral = regexp.MustCompile(`^(technician|field|sex|verify|validate)\.[a-z0-9_.]*[a-z0-9_]$`)

// TestEveryKeyTranslated finds every catalogue key written in this package's code and
// fails when either language lacks it, so no text shows up as a bare key.
func TestEveryKeyTranslated(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && keyLiteral.MatchString(s) {
					keys[s] = true
				}
			}
			return true
		})
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for s := cardsource.StateNoService; s <= cardsource.StateRemoved; s++ {
		keys[s.Key()] = true
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for k := range keys {
			if !tr.Has(k) {
				t.Errorf("%s: key %q has no text", lang, k)
			}
		}
	}
}

// TestCatalogueHasNoStaleKeys fails on technician.* keys the code no longer uses.
func TestCatalogueHasNoStaleKeys(t *testing.T) {
	var src strings.Builder
	entries, _ := os.ReadDir(".")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			b, err := os.ReadFile(e.Name())
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
	}
	for _, k := range i18n.MustLoad(i18n.English).Keys() {
		if strings.HasPrefix(k, "technician.") && !strings.Contains(src.String(), strconv.Quote(k)) {
			t.Errorf("key %q is not used", k)
		}
	}
}
