package issuing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"omsdesk/assets/i18n"
)

// literalKey matches a catalogue key written as a Go string literal; a literal that
// ends in "." is a prefix completed at run time.
var literalKey = regexp.MustCompile(`"((?:issuing|issue|field|sex|validate|register)\.[a-z0-9_.]*)"`)

// usedKeys collects every key the package can show: the literals of its source files,
// with each prefix completed from the lists the code completes it from.
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string][]string{
		"issuing.reason.":     nil,
		"issue.step.":         allStepNames,
		"issuing.batch.code.": failureCodes,
		"field.":              nil, // looked up with Has, falls back to issuing.field.*
		"issuing.field.":      {fReason, fOldCard, "signature"},
		"validate.":           nil, // codes of cardio/policy, checked by its own tests
	}
	for _, r := range reasons {
		prefixes["issuing.reason."] = append(prefixes["issuing.reason."], string(r))
	}
	set := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(src), -1) {
			k := m[1]
			if !strings.HasSuffix(k, ".") {
				set[k] = true
				continue
			}
			rest, ok := prefixes[k]
			if !ok {
				t.Errorf("%s: key prefix %q completed from no known list", name, k)
			}
			for _, r := range rest {
				set[k+r] = true
			}
		}
	}
	for _, k := range append(append([]string{}, errorKeys...), pinKeys...) {
		set[k] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestTranslationsComplete fails on any key the screen uses that either language
// lacks, and on any key of the issuing catalogue that nothing uses.
func TestTranslationsComplete(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 50 {
		t.Fatalf("only %d keys found: the scan is broken", len(keys))
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for _, k := range keys {
			if !tr.Has(k) {
				t.Errorf("%s: key %q missing", lang, k)
			}
		}
	}
	used := map[string]bool{}
	for _, k := range keys {
		used[k] = true
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "assets", "i18n", "issuing.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]string
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	for k := range cat {
		if !used[k] {
			t.Errorf("key %q in issuing.en.json is used nowhere", k)
		}
	}
}

// TestFieldLabels: every form field has a translated label, never a raw key.
func TestFieldLabels(t *testing.T) {
	for _, lang := range i18n.Languages {
		f := newFixture(t, lang)
		for _, field := range append(append(append([]string{}, holderFields...), insurerFields...), fReason, fOldCard, fPhoto, "signature") {
			if l := f.s.single.fieldLabel(field); l == "" || strings.Contains(l, ".") || strings.Contains(l, "_") {
				t.Errorf("%s: field %s labelled %q", lang, field, l)
			}
		}
	}
}
