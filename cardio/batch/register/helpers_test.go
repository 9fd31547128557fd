package register

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// problemKeys renders problems as "line:column:code", the form the tables compare.
func problemKeys(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%d:%s:%s", p.Line, p.Column, p.Code)
	}
	return out
}

// testOptions parses against the files in testdata on the generator's day.
var testOptions = Options{Now: GenerateNow, Dir: "testdata"}

func parseFile(t testing.TB, name string) (*Register, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(bytes.NewReader(b), testOptions)
}

// photoDir writes the generator's photos into a temporary directory once per test.
func photoDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := GeneratePhotos(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}
