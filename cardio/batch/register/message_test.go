package register

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"omsdesk/assets/i18n"
)

func TestMessage(t *testing.T) {
	en, ru := i18n.MustLoad(i18n.English), i18n.MustLoad(i18n.Russian)
	for _, tt := range []struct {
		p      Problem
		en, ru string
	}{
		{Problem{Line: 17, Column: "snils", Code: "snils.check_digit", Params: map[string]string{"got": "65", "want": "64"}},
			"row 17, column snils: the check number is 65, it should be 64",
			"строка 17, столбец snils: контрольное число 65, должно быть 64"},
		{Problem{Line: 6, Column: "insurance_start", Code: "date.before", Params: map[string]string{
			"field": "insurance_start", "got": "14.03.1985", "other_field": "birth_date", "other": "15.03.1985"}},
			"row 6, column insurance_start: 14.03.1985 is earlier than birth date 15.03.1985",
			"строка 6, столбец insurance_start: 14.03.1985 раньше, чем дата рождения 15.03.1985"},
		{Problem{Line: 1, Code: "file.no_rows"},
			"row 1: the register has a header but no rows",
			"строка 1: в реестре есть заголовок, но нет ни одной строки данных"},
	} {
		if got := tt.p.Message(en); got != tt.en {
			t.Errorf("en: %q, want %q", got, tt.en)
		}
		if got := tt.p.Message(ru); got != tt.ru {
			t.Errorf("ru: %q, want %q", got, tt.ru)
		}
	}
}

var leftover = regexp.MustCompile(`\{[a-z_]+\}`)

// TestEveryCodeTranslatedAndDocumented renders every code the package produces from
// the test files in both languages (no placeholder may be left unfilled) and demands
// each code in docs/csv-register.md.
func TestEveryCodeTranslatedAndDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "csv-register.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for _, c := range codes {
			if !tr.Has("register." + c) {
				t.Errorf("%s: no text for register.%s", lang, c)
			}
		}
	}
	for _, c := range codes {
		if !strings.Contains(string(doc), "`"+c+"`") {
			t.Errorf("docs/csv-register.md does not document `%s`", c)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	seen := map[string]bool{}
	for _, f := range files {
		reg, err := parseFile(t, filepath.Base(f))
		if err != nil {
			continue
		}
		for _, p := range reg.Problems {
			seen[p.Code] = true
			for _, lang := range i18n.Languages {
				if msg := p.Message(i18n.MustLoad(lang)); leftover.MatchString(msg) || strings.Contains(msg, "register.") {
					t.Errorf("%s %s: %q", lang, f, msg)
				}
			}
		}
	}
	// Every code is shown by a test file, except defensive fallbacks that encoding/csv
	// and the validators cannot trigger today, and file errors tested on their own
	// (TestFilesHostile, TestDirUnreadable, TestLimits).
	notInFiles := []string{"row.syntax", "value.invalid", "file.dir_unreadable", "file.unreadable", "file.too_many_problems"}
	for _, c := range codes {
		if !seen[c] && !slices.Contains(notInFiles, c) {
			t.Errorf("no test file produces %s", c)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	errs := []error{
		ErrEmpty,
		fmt.Errorf("reading header on line 1: %w", ErrNoHeader),
		&EncodingError{Line: 3, Guess: EncodingCP1251},
		&EncodingError{Line: 4},
		&LimitError{Limit: LimitRows, Max: 10, Line: 12},
		&LimitError{Limit: LimitBytes, Max: 100},
		errors.New("disk on fire"),
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		seen := map[string]bool{}
		for _, err := range errs {
			msg := ErrorMessage(err, tr)
			if leftover.MatchString(msg) || strings.HasPrefix(msg, "register.") || seen[msg] {
				t.Errorf("%s: %v → %q", lang, err, msg)
			}
			seen[msg] = true
		}
		if msg := ErrorMessage(&EncodingError{Line: 3, Guess: EncodingCP1251}, tr); !strings.Contains(msg, "windows-1251") || !strings.Contains(msg, "3") {
			t.Errorf("%s: CP1251 message %q does not say so", lang, msg)
		}
	}
}

// TestDocExample parses the example register of docs/csv-register.md: the
// documentation must show a file that passes.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "csv-register.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "## Example")
	if !ok {
		t.Fatal("no example section")
	}
	_, block, _ := strings.Cut(after, "```\n")
	block, _, _ = strings.Cut(block, "```")
	dir := t.TempDir()
	jpg, err := os.ReadFile(filepath.Join("testdata", "photos", "adult.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "photos", "ivanov.jpg"), jpg, 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := Parse(strings.NewReader(block), Options{Now: GenerateNow, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !reg.Valid() || len(reg.Rows) != 3 {
		t.Errorf("the documented example has problems %q and %d rows", problemKeys(reg.Problems), len(reg.Rows))
	}
}
