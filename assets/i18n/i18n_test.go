package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var (
	placeholder = regexp.MustCompile(`\{[a-z_]+\}`)
	englishWord = regexp.MustCompile(`[a-z]{3,}`)
)

// TestCataloguesComplete fails on any key missing from a language, any placeholder that
// differs between languages, and Russian text without Cyrillic.
func TestCataloguesComplete(t *testing.T) {
	ru, err := Load(Russian)
	if err != nil {
		t.Fatal(err)
	}
	en, err := Load(English)
	if err != nil {
		t.Fatal(err)
	}
	if len(ru.Keys()) == 0 {
		t.Fatal("no translations loaded")
	}
	for _, k := range ru.Keys() {
		if !en.Has(k) {
			t.Errorf("key %q has no English text", k)
		}
	}
	for _, k := range en.Keys() {
		if !ru.Has(k) {
			t.Errorf("key %q has no Russian text", k)
			continue
		}
		pe := placeholder.FindAllString(en.m[k], -1)
		pr := placeholder.FindAllString(ru.m[k], -1)
		slices.Sort(pe)
		slices.Sort(pr)
		if !slices.Equal(pe, pr) {
			t.Errorf("key %q: placeholders en %v, ru %v", k, pe, pr)
		}
		// Text with English words must be translated; a bare "ATR" or "{reader}: {atr}" need not.
		hasWords := englishWord.MatchString(placeholder.ReplaceAllString(en.m[k], ""))
		if hasWords && !strings.ContainsFunc(ru.m[k], func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("key %q: Russian text %q has no Cyrillic", k, ru.m[k])
		}
	}
	for _, f := range catalogueFiles() {
		if !strings.HasSuffix(f, ".ru.json") && !strings.HasSuffix(f, ".en.json") {
			t.Errorf("catalogue %s is named for neither language", f)
		}
	}
}

func TestFormat(t *testing.T) {
	c := &Catalog{Lang: "ru", m: map[string]string{
		"validate.date.before": "{field}: {got} раньше, чем {other_field} {other}",
		"field.issue_date":     "дата выдачи",
		"field.birth_date":     "дата рождения",
	}}
	got := c.T("validate.date.before", "field", "issue_date", "got", "01.01.1980", "other_field", "birth_date", "other", "15.03.1985")
	if want := "дата выдачи: 01.01.1980 раньше, чем дата рождения 15.03.1985"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := c.T("no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key gives %q", got)
	}
	if got := c.T("validate.date.before"); !strings.Contains(got, "{got}") {
		t.Fatalf("missing parameter vanished: %q", got)
	}
}

func TestDetect(t *testing.T) {
	for _, tt := range []struct{ env, want string }{
		{"en_US.UTF-8", English}, {"ru_RU.UTF-8", Russian}, {"C.UTF-8", Russian}, {"de_DE.UTF-8", Russian},
	} {
		t.Setenv("LANGUAGE", "")
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tt.env)
		if got := Detect(""); got != tt.want {
			t.Errorf("LANG=%s: %s, want %s", tt.env, got, tt.want)
		}
	}
	if Detect("en") != English {
		t.Fatal("explicit choice ignored")
	}
}
