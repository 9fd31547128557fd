package register

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"omsdesk/cardio/policy"
)

// TestParseFiles feeds every malformed (and a few well-formed) registers in testdata
// and demands the exact problems, in order, or the exact fatal error.
func TestParseFiles(t *testing.T) {
	tests := []struct {
		file  string
		want  []string // "line:column:code"
		rows  int      // valid rows expected
		err   error    // fatal error expected (errors.Is)
		check func(t *testing.T, reg *Register, err error)
	}{
		{file: "valid.csv", rows: 3, check: checkValid},
		{file: "all_columns.csv", rows: 1, want: []string{
			"3:signature_image:file.not_found",
			"4:signature_image:file.not_image",
		}, check: checkAllColumns},
		{file: "bom_semicolon_crlf.csv", rows: 3, check: func(t *testing.T, reg *Register, _ error) {
			want, err := parseFile(t, "valid.csv")
			if err != nil || !reflect.DeepEqual(reg, want) {
				t.Errorf("BOM + ';' + CRLF register differs from the plain one:\n%+v\n%+v", reg, want)
			}
		}},
		{file: "cr_only.csv", rows: 3, check: func(t *testing.T, reg *Register, _ error) {
			if want, _ := parseFile(t, "valid.csv"); !reflect.DeepEqual(reg, want) {
				t.Errorf("CR-only register differs from the plain one")
			}
		}},
		{file: "cp1251.csv", err: ErrNotUTF8, check: wantEncoding(2, EncodingCP1251)},
		{file: "koi8r.csv", err: ErrNotUTF8, check: wantEncoding(2, EncodingKOI8R)},
		{file: "utf16.csv", err: ErrNotUTF8, check: wantEncoding(1, EncodingUTF16LE)},
		{file: "binary_garbage.csv", err: ErrNotUTF8, check: wantEncoding(1, EncodingUnknown)},
		{file: "empty.csv", err: ErrEmpty},
		{file: "bom_only.csv", err: ErrEmpty},
		{file: "no_header.csv", err: ErrNoHeader},
		{file: "header_only.csv", want: []string{"1::file.no_rows"}},
		{file: "embedded_newline.csv", rows: 2, want: []string{
			"4:enp:enp.check_digit",            // the record after a two-line record starts on line 4
			"5:birth_place:value.control_char", // a newline inside a name-like field
		}, check: func(t *testing.T, reg *Register, _ error) {
			if got := []int{reg.Rows[0].Line, reg.Rows[1].Line}; !slices.Equal(got, []int{2, 7}) {
				t.Errorf("row lines %v, want [2 7]", got)
			}
		}},
		{file: "missing_column.csv", rows: 0, want: []string{"1:insurer_okato:header.missing_column"}},
		{file: "extra_column.csv", rows: 1, want: []string{"1:comment:header.unknown_column"}},
		{file: "duplicate_header.csv", rows: 1, want: []string{"1:enp:header.duplicate_column"}},
		{file: "check_digits.csv", want: []string{
			"2:enp:enp.check_digit",
			"3:snils:snils.check_digit",
			"4:insurer_ogrn:ogrn.check_digit",
			"5:insurer_okato:okato.unknown_subject",
			"6:enp:enp.length",
			"7:insurer_ogrn:ogrn.first_digit",
		}},
		{file: "bad_dates.csv", want: []string{
			"2:birth_date:date.invalid",
			"3:birth_date:date.future",
			"4:birth_date:date.too_early",
			"5:birth_date:date.format",
			"6:insurance_start:date.before",
			"7:insurance_start:insurance_start.too_late",
			"8:birth_date:date.format",
		}},
		{file: "photo_rules.csv", rows: 3, want: []string{
			"2:photo:photo.under_age",
			"3:photo:photo.required",
			"4:photo:file.not_found",
			"5:photo:file.not_image",
			"6:photo:file.outside_dir",
			"8:photo:file.not_image", // GIF
			"11:photo:file.outside_dir",
			"12:photo:file.not_regular",
		}, check: func(t *testing.T, reg *Register, _ error) {
			// 7: Windows backslashes; 9: 14 today, with photo; 10: 14 tomorrow, without.
			if got := rowLines(reg); !slices.Equal(got, []int{7, 9, 10}) {
				t.Errorf("valid rows %v, want [7 9 10]", got)
			}
			if got, want := reg.Rows[0].PhotoPath, filepath.Join("testdata", "photos", "adult.png"); got != want {
				t.Errorf("photo path %q, want %q", got, want)
			}
		}},
		{file: "duplicates.csv", rows: 1, want: []string{
			"3:snils:snils.duplicate",
			"4:enp:enp.duplicate",
			"5:old_card_serial:old_card_serial.duplicate",
		}, check: func(t *testing.T, reg *Register, _ error) {
			if got := reg.Problems[1].Params["other_line"]; got != "2" {
				t.Errorf("duplicate ENP names line %q, want 2", got)
			}
		}},
		{file: "huge_field.csv", rows: 1, want: []string{"2:patronymic:value.too_long"}},
		{file: "field_count.csv", rows: 1, want: []string{"2::row.field_count", "3::row.field_count"}},
		{file: "quotes.csv", rows: 1, want: []string{"2::row.bare_quote", "4::row.quote"}},
		{file: "reasons.csv", rows: 1, want: []string{
			"2:old_card_serial:old_card_serial.required",
			"3:reason:reason.newborn_not_child",
			"4:reason:reason.unknown",
			"5:old_card_serial:old_card_serial.unexpected",
			"6:old_card_serial:old_card_serial.format",
		}},
		{file: "more_fields.csv", want: []string{
			"1::header.empty_name",
			"2:enp:enp.not_digits",
			"3:snils:snils.not_digits",
			"4:snils:snils.check_digit",
			"5:snils:snils.length", // Excel dropped the leading zero
			"6:insurer_ogrn:ogrn.not_digits",
			"7:insurer_ogrn:ogrn.length",
			"8:insurer_okato:okato.not_digits",
			"9:insurer_okato:okato.length",
			"10:old_card_serial:old_card_serial.length",
		}, check: func(t *testing.T, reg *Register, _ error) {
			if got := reg.Problems[2].Params["pos"]; got != "11" {
				t.Errorf("the S in 112-233-44S 95 is reported at position %s, want 11", got)
			}
		}},
		{file: "names.csv", rows: 2, want: []string{
			"2:surname:name.mixed_script", // a Latin "a" among Cyrillic letters
			"3:surname:name.invalid_char",
			"4:first_name:value.control_char", // TAB
			"6:surname:name.invalid_char",
			"7:surname:value.required",
			"9:first_name:value.control_char", // zero-width space
		}, check: func(t *testing.T, reg *Register, _ error) {
			if got := reg.Rows[0].Policy.Owner.Surname; got != "ТОЛСТОЙ" {
				t.Errorf("И + combining breve gave %q, want ТОЛСТОЙ", got)
			}
			if got := reg.Rows[1].Policy.Owner.Surname; got != "O'BRIEN" {
				t.Errorf("Latin surname %q, want O'BRIEN", got)
			}
		}},
		{file: "excel_sex_citizenship.csv", rows: 1, want: []string{
			"2:enp:value.excel_number",
			"3:sex:sex.format",
			"4:citizenship:citizenship.format",
			"5:citizenship:citizenship.unknown",
			"7::row.field_count", // an unquoted "1,23456789E+11" splits in two
			"8:snils:value.excel_number",
		}, check: func(t *testing.T, reg *Register, _ error) {
			o := reg.Rows[0].Policy.Owner
			if o.SNILS != "11223344595" || o.Citizenship.Code != "KAZ" {
				t.Errorf("SNILS with spaces %q, citizenship %q", o.SNILS, o.Citizenship.Code)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			reg, err := parseFile(t, tt.file)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				if reg != nil {
					t.Errorf("a fatal error came with a register")
				}
			} else {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got := problemKeys(reg.Problems); !slices.Equal(got, tt.want) {
					t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
				}
				if len(reg.Rows) != tt.rows {
					t.Errorf("%d valid rows, want %d", len(reg.Rows), tt.rows)
				}
				if reg.Valid() != (len(tt.want) == 0) {
					t.Errorf("Valid() = %v with %d problems", reg.Valid(), len(reg.Problems))
				}
				checkInvariants(t, reg, testOptions)
			}
			if tt.check != nil {
				tt.check(t, reg, err)
			}
		})
	}
}

func rowLines(reg *Register) []int {
	var l []int
	for _, r := range reg.Rows {
		l = append(l, r.Line)
	}
	return l
}

func wantEncoding(line int, guess string) func(*testing.T, *Register, error) {
	return func(t *testing.T, _ *Register, err error) {
		var ee *EncodingError
		if !errors.As(err, &ee) {
			t.Fatalf("error %T, want *EncodingError", err)
		}
		if ee.Line != line || ee.Guess != guess {
			t.Errorf("line %d guess %q, want line %d guess %q", ee.Line, ee.Guess, line, guess)
		}
	}
}

func checkValid(t *testing.T, reg *Register, _ error) {
	want := []Row{
		{Line: 2, Reason: ReasonNew, PhotoPath: filepath.Join("testdata", "photos", "adult.jpg"), Policy: &policy.Policy{
			Owner: policy.Owner{ENP: "7700000000000016", Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
				BirthDate: policy.MakeDate(1985, 3, 15), Sex: policy.Male, SNILS: "11223344595",
				Citizenship: &policy.Citizenship{Code: "RUS"}},
			Insurer: &policy.Insurer{OGRN: "1027700000008", OKATO: "45000", Start: policy.MakeDate(2015, 9, 1)}}},
		{Line: 3, Reason: ReasonNew, Policy: &policy.Policy{
			Owner: policy.Owner{ENP: "7700000000000024", Surname: "ПЕТРОВА", FirstName: "АЛЁНА", Patronymic: "СЕРГЕЕВНА",
				BirthDate: policy.MakeDate(2018, 4, 10), Sex: policy.Female,
				Citizenship: &policy.Citizenship{Code: "RUS"}},
			Insurer: &policy.Insurer{OGRN: "1027700000008", OKATO: "45000", Start: policy.MakeDate(2018, 5, 10)}}},
		{Line: 4, Reason: ReasonNewborn, Policy: &policy.Policy{
			Owner: policy.Owner{ENP: "7700000000000032", Surname: "СЕМЁНОВ", FirstName: "ПЁТР", Patronymic: "ЮРЬЕВИЧ",
				BirthDate: policy.MakeDate(2026, 2, 14), Sex: policy.Male,
				Citizenship: &policy.Citizenship{Code: "RUS"}},
			Insurer: &policy.Insurer{OGRN: "1027700000008", OKATO: "45000", Start: policy.MakeDate(2026, 2, 14)}}},
	}
	if !reflect.DeepEqual(reg.Rows, want) {
		for i := range want {
			if i < len(reg.Rows) && !reflect.DeepEqual(reg.Rows[i], want[i]) {
				t.Errorf("row %d:\n got  %+v %+v\n want %+v %+v", i, reg.Rows[i], reg.Rows[i].Policy, want[i], want[i].Policy)
			}
		}
		t.Fatalf("rows differ")
	}
}

func checkAllColumns(t *testing.T, reg *Register, _ error) {
	r := reg.Rows[0]
	o := r.Policy.Owner
	if o.BirthPlace != "Г. КАЗАНЬ, РЕСП. ТАТАРСТАН" || o.Citizenship.Code != "KAZ" {
		t.Errorf("birth place %q, citizenship %q", o.BirthPlace, o.Citizenship.Code)
	}
	if r.Reason != ReasonDataChange || r.OldCardSerial != "AB-12345" {
		t.Errorf("reason %q, old serial %q", r.Reason, r.OldCardSerial)
	}
	if want := filepath.Join("testdata", "photos", "adult.png"); r.SignaturePath != want {
		t.Errorf("signature %q, want %q", r.SignaturePath, want)
	}
}

// checkInvariants holds for every register Parse returns: problems are sorted, on
// lines of the file, with known codes; a row is valid exactly when no problem names
// its line, and every valid row passes the policy model's own validation.
func checkInvariants(t testing.TB, reg *Register, opts Options) {
	t.Helper()
	probLines := map[int]bool{}
	for i, p := range reg.Problems {
		if p.Line < 1 {
			t.Errorf("problem %+v has line < 1", p)
		}
		if i > 0 && p.Line < reg.Problems[i-1].Line {
			t.Errorf("problems not sorted by line: %d after %d", p.Line, reg.Problems[i-1].Line)
		}
		if !slices.Contains(codes, p.Code) {
			t.Errorf("problem code %q is not in the documented list", p.Code)
		}
		probLines[p.Line] = true
	}
	today := policy.DateOf(opts.Now)
	for _, r := range reg.Rows {
		if probLines[r.Line] {
			t.Errorf("row on line %d is valid but has problems", r.Line)
		}
		if errs := r.Policy.Validate(today); len(errs) > 0 {
			t.Errorf("row on line %d fails policy validation: %v", r.Line, errs)
		}
		if err := policy.ValidateOGRN(r.Policy.Insurer.OGRN); err != nil {
			t.Errorf("row on line %d: %v", r.Line, err)
		}
		age := ageOn(r.Policy.Owner.BirthDate, today)
		if (age >= photoAge) != (r.PhotoPath != "") {
			t.Errorf("row on line %d: age %d with photo %q", r.Line, age, r.PhotoPath)
		}
	}
}

func TestLimits(t *testing.T) {
	data := Generate(10, 1)
	dir := photoDir(t)
	opts := Options{Now: GenerateNow, Dir: dir}

	o := opts
	o.MaxRows = 5
	_, err := Parse(bytes.NewReader(data), o)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitRows || le.Line != 7 || !errors.Is(err, ErrTooLarge) {
		t.Errorf("row limit: %v", err)
	}
	o = opts
	o.MaxBytes = int64(len(data) - 1)
	_, err = Parse(bytes.NewReader(data), o)
	if !errors.As(err, &le) || le.Limit != LimitBytes {
		t.Errorf("byte limit: %v", err)
	}
	o.MaxBytes = int64(len(data))
	if reg, err := Parse(bytes.NewReader(data), o); err != nil || !reg.Valid() {
		t.Errorf("a file of exactly MaxBytes: %v %v", err, reg)
	}
	o = opts
	o.MaxFieldBytes = 15 // ENPs are 16
	reg, err := Parse(bytes.NewReader(data), o)
	if err != nil || len(reg.Problems) < 10 || reg.Problems[0].Code != "value.too_long" || reg.Problems[0].Column != "enp" {
		t.Errorf("field limit: %v %v", err, reg.Problems)
	}
	all := reg.Problems
	o.MaxProblems = 3
	reg, err = Parse(bytes.NewReader(data), o)
	want := append(problemKeys(all[:3]), fmt.Sprintf("%d::file.too_many_problems", all[3].Line))
	if err != nil || !slices.Equal(problemKeys(reg.Problems), want) || len(reg.Rows) != 0 {
		t.Errorf("problem limit: %v %q, %d rows", err, problemKeys(reg.Problems), len(reg.Rows))
	}
	// Records that are not even CSV count towards the row limit, or a file of them
	// would produce unbounded problems.
	bad := "enp\n" + strings.Repeat("a\"b\n", 20)
	if _, err := Parse(strings.NewReader(bad), Options{Now: GenerateNow, MaxRows: 5}); !errors.As(err, &le) || le.Line != 7 {
		t.Errorf("row limit with syntax errors: %v", err)
	}
}

func TestGenerate(t *testing.T) {
	dir := photoDir(t)
	opts := Options{Now: GenerateNow, Dir: dir}
	for _, seed := range []int64{1, 2} {
		data := Generate(2000, seed)
		reg, err := Parse(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reg.Valid() || len(reg.Rows) != 2000 {
			t.Fatalf("seed %d: %d rows, problems %v", seed, len(reg.Rows), problemKeys(reg.Problems[:min(10, len(reg.Problems))]))
		}
		checkInvariants(t, reg, opts)
		reasons := map[string]int{}
		for _, r := range reg.Rows {
			reasons[r.Reason]++
		}
		if len(reasons) != 6 {
			t.Errorf("seed %d: reasons %v, want all six", seed, reasons)
		}
	}
	if !bytes.Equal(Generate(50, 7), Generate(50, 7)) {
		t.Error("same seed, different registers")
	}
	if bytes.Equal(Generate(50, 7), Generate(50, 8)) {
		t.Error("different seeds, same register")
	}
	// On another day the age rules move: the register must not be valid by accident.
	other := opts
	other.Now = GenerateNow.AddDate(3, 0, 0)
	if reg, err := Parse(bytes.NewReader(Generate(500, 1)), other); err != nil || reg.Valid() {
		t.Errorf("generated register three years later: %v, valid=%v", err, reg.Valid())
	}
}

func TestDetectDelimiter(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want rune
	}{
		{"enp,surname\n1;2;3;4", ','},
		{"enp;surname\n1,2,3,4", ';'},
		{"\n\nenp;surname", ';'},
		{`"a,b";c;d` + "\n", ';'},
		{"enp", ','},
	} {
		if got := detectDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseName(t *testing.T) {
	for _, tt := range []struct{ in, want, code string }{
		{"ёлкин", "ЁЛКИН", ""},
		{"Салтыков-Щедрин", "САЛТЫКОВ-ЩЕДРИН", ""},
		{"Анна  Мария", "АННА МАРИЯ", ""},
		{"д’Артаньян", "Д'АРТАНЬЯН", ""},
		{"Е\u0308жиков", "ЁЖИКОВ", ""},
		{"Іванова", "ІВАНОВА", ""},
		{"Ivanov", "IVANOV", ""},
		{"Иванов-", "", "name.invalid_char"},
		{"Иван--ов", "", "name.invalid_char"},
		{"Иванов.", "", "name.invalid_char"},
		{"\u0306", "", "name.invalid_char"},
		{"Ivanоv", "", "name.mixed_script"},
		{"Σωκράτης", "", "name.invalid_char"},
	} {
		got, f := parseName(tt.in)
		code := ""
		if f != nil {
			code = f.code
		}
		if got != tt.want || code != tt.code {
			t.Errorf("%q: %q %q, want %q %q", tt.in, got, code, tt.want, tt.code)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want policy.Date
		code string
	}{
		{"15.03.1985", policy.MakeDate(1985, 3, 15), ""},
		{"1985-03-15", policy.MakeDate(1985, 3, 15), ""},
		{"29.02.2024", policy.MakeDate(2024, 2, 29), ""},
		{"29.02.2023", policy.Date{}, "date.invalid"},
		{"1985-13-01", policy.Date{}, "date.invalid"},
		{"15/03/1985", policy.Date{}, "date.format"},
		{"15.03.85", policy.Date{}, "date.format"},
		{"+5.03.1985", policy.Date{}, "date.format"},
		{"1985-03-1x", policy.Date{}, "date.format"},
		{"", policy.Date{}, "date.format"},
	} {
		got, f := parseDate(tt.in)
		code := ""
		if f != nil {
			code = f.code
		}
		if got != tt.want || code != tt.code {
			t.Errorf("%q: %v %q, want %v %q", tt.in, got, code, tt.want, tt.code)
		}
	}
}

func TestGuessEncoding(t *testing.T) {
	// "Иванов Пётр" in each encoding, and random-looking bytes.
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{[]byte{0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, ' ', 0xCF, 0xB8, 0xF2, 0xF0}, EncodingCP1251},
		{[]byte{0xE9, 0xD7, 0xC1, 0xCE, 0xCF, 0xD7, ' ', 0xF0, 0xA3, 0xD4, 0xD2}, EncodingKOI8R},
		{[]byte{0x80, 0x81, 0x90, 0xC0, 0xA0, 0x9F, 0x85, 0xFF}, EncodingUnknown},
	} {
		if got := guessEncoding(tt.in); got != tt.want {
			t.Errorf("% X: %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAgeOn(t *testing.T) {
	b := policy.MakeDate(2012, 6, 1)
	for _, tt := range []struct {
		day  policy.Date
		want int
	}{
		{policy.MakeDate(2026, 5, 31), 13},
		{policy.MakeDate(2026, 6, 1), 14},
		{policy.MakeDate(2027, 1, 1), 14},
	} {
		if got := ageOn(b, tt.day); got != tt.want {
			t.Errorf("age on %v: %d, want %d", tt.day, got, tt.want)
		}
	}
	if got := ageOn(policy.MakeDate(2008, 2, 29), policy.MakeDate(2022, 2, 28)); got != 13 {
		t.Errorf("born 29 February, on 28 February: %d, want 13", got)
	}
}

func TestCodesHaveNoSpaces(t *testing.T) {
	for _, c := range codes {
		if strings.ContainsAny(c, " {}") || !strings.Contains(c, ".") {
			t.Errorf("code %q is not of the form area.problem", c)
		}
	}
}

func TestDirUnreadable(t *testing.T) {
	reg, err := Parse(strings.NewReader("enp,surname,first_name,birth_date,sex,insurer_ogrn,insurer_okato,insurance_start,photo\n"+
		"7700000000000016,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,a.jpg\n"),
		Options{Now: GenerateNow, Dir: filepath.Join(t.TempDir(), "missing")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := problemKeys(reg.Problems), []string{"2:photo:file.dir_unreadable"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
