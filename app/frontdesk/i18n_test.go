package frontdesk

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/registry"
)

// keyLiteral finds translation keys written out in the package's source.
var keyLiteral = regexp.MustCompile(`"((?:frontdesk|app)\.[a-z_.]+[a-z_])"`)

// usedKeys lists every key the screen can show: the literals in its source and the keys
// it builds from codes (verdicts, reasons, causes, notes, card statuses, states).
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	for _, v := range Verdicts {
		seen["frontdesk.verdict."+string(v)] = true
		seen["frontdesk.reason."+string(v)] = true
	}
	for _, c := range Causes {
		seen["frontdesk.cause."+c] = true
	}
	for _, n := range Notes {
		seen["frontdesk.registry."+n] = true
	}
	for _, s := range registry.CardStatuses {
		seen["frontdesk.card_status."+string(s)] = true
	}
	for _, st := range cardsource.States {
		seen[st.Key()] = true
	}
	for _, r := range rows {
		seen["frontdesk.field."+r] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	return keys
}

func TestTranslationsComplete(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 80 {
		t.Fatalf("only %d keys found: the scan is broken", len(keys))
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for _, k := range keys {
			// Prefixes of built keys ("frontdesk.verdict.") are not keys themselves.
			if strings.HasSuffix(k, ".") {
				continue
			}
			if !tr.Has(k) {
				t.Errorf("%s: no text for %s", lang, k)
			}
		}
	}
}
