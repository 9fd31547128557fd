package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// validateCase is one row of a validator table: input, and either no error (code "") or the
// exact code and parameters of the *FieldError.
type validateCase struct {
	name   string
	in     string
	code   string
	params map[string]string
}

// validateSuite is one validator with its table. The catalogue test runs every suite to
// learn which codes and parameters the validators produce.
type validateSuite struct {
	name  string
	fn    func(string) error
	cases []validateCase
}

func fieldParams(kv ...string) map[string]string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var enpCases = []validateCase{
	// oms-card-format.md §5 examples.
	{"example 1", "5001234567890127", "", nil},
	{"example 2", "7800000000012341", "", nil},
	{"example 3", "1234567890123452", "", nil},
	{"all zeros", "0000000000000000", "", nil},

	{"empty", "", "enp.empty", nil},
	{"15 digits", "500123456789012", "enp.length", fieldParams("got", "15", "want", "16")},
	{"17 digits", "50012345678901270", "enp.length", fieldParams("got", "17", "want", "16")},
	{"9-digit temporary certificate", "123456789", "enp.length", fieldParams("got", "9", "want", "16")},
	{"latin letter", "500123456789012A", "enp.not_digits", fieldParams("char", "'A'", "pos", "16")},
	{"cyrillic O for zero", "5001234567890О27", "enp.not_digits", fieldParams("char", "'О'", "pos", "14")},
	{"fullwidth digit", "５001234567890127", "enp.not_digits", fieldParams("char", "'５'", "pos", "1")},
	{"grouped with spaces", "5001 2345 6789 0127", "enp.not_digits", fieldParams("char", "' '", "pos", "5")},
	{"leading space", " 5001234567890127", "enp.not_digits", fieldParams("char", "' '", "pos", "1")},
	{"trailing newline", "5001234567890127\n", "enp.not_digits", fieldParams("char", "U+000A", "pos", "17")},
	{"no-break space", "5001\u00a02345678901", "enp.not_digits", fieldParams("char", "U+00A0", "pos", "5")},
	{"NUL padding", "500123456789012\x00", "enp.not_digits", fieldParams("char", "U+0000", "pos", "16")},
	{"invalid UTF-8", "\xff5001234567890127", "enp.not_digits", fieldParams("char", "0xFF", "pos", "1")},
	{"wrong check digit", "5001234567890123", "enp.check_digit", fieldParams("got", "3", "want", "7")},
	{"wrong check digit 2", "7800000000012340", "enp.check_digit", fieldParams("got", "0", "want", "1")},
	{"swapped adjacent digits", "5002134567890127", "enp.check_digit", fieldParams("got", "7", "want", "8")},
	// The one adjacent swap Luhn cannot see (90 ↔ 09): valid by the rule.
	{"swap 90 to 09 undetected", "5001234567809127", "", nil},
}

// enpBodyCases run ENPCheckDigit through the same table shape: a valid row means "no
// error"; the digit itself is checked in TestENPCheckDigit.
var enpBodyCases = []validateCase{
	{"example 1", "500123456789012", "", nil},
	{"empty", "", "enp.empty", nil},
	{"14 digits", "50012345678901", "enp.length", fieldParams("got", "14", "want", "15")},
	{"whole ENP", "5001234567890127", "enp.length", fieldParams("got", "16", "want", "15")},
	{"letter", "50012345678901x", "enp.not_digits", fieldParams("char", "'x'", "pos", "15")},
}

var snilsCases = []validateCase{
	// oms-card-format.md §5 examples, in every accepted form.
	{"example printed", "112-233-445 95", "", nil},
	{"example digits", "11223344595", "", nil},
	{"example all hyphens", "112-233-445-95", "", nil},
	{"example no-break space", "112-233-445\u00a095", "", nil},
	{"example S=202", "087-654-303 00", "", nil},
	{"example S=202 digits", "08765430300", "", nil},
	// Each branch of the rule.
	{"S<10 keeps leading zero", "010-000-000 08", "", nil},
	{"S=99 < 100", "100-427-626 99", "", nil},
	{"S=100 gives 00", "100-356-355 00", "", nil},
	{"S=101 gives 00", "100-079-190 00", "", nil},
	{"S=102 > 101", "100-166-299 01", "", nil},
	{"S=150 > 101", "100-958-199 49", "", nil},
	{"S=201 mod 101 is 100 gives 00", "106-897-449 00", "", nil},
	{"S=302 mod 101 is 0", "389-993-780 00", "", nil},
	{"S=403 mod 101 is 100 gives 00", "999-999-997 00", "", nil},
	{"S=405 maximum", "999-999-999 01", "", nil},
	// Numbers up to 001-001-998 are not checked.
	{"unchecked limit 00", "001-001-998 00", "", nil},
	{"unchecked limit 64", "001-001-998 64", "", nil},
	{"unchecked limit 99", "00100199899", "", nil},
	{"unchecked small", "000-000-001 23", "", nil},
	{"first checked number", "001-001-999 65", "", nil},

	{"empty", "", "snils.empty", nil},
	{"first checked number wrong", "001-001-999 00", "snils.check_digit", fieldParams("got", "00", "want", "65")},
	{"wrong check", "112-233-445 96", "snils.check_digit", fieldParams("got", "96", "want", "95")},
	{"S=101 written 01", "100-079-190 01", "snils.check_digit", fieldParams("got", "01", "want", "00")},
	{"S=201 written 01", "106-897-449 01", "snils.check_digit", fieldParams("got", "01", "want", "00")},
	{"leading zero dropped", "010-000-000 80", "snils.check_digit", fieldParams("got", "80", "want", "08")},
	{"10 digits", "112-233-445 9", "snils.length", fieldParams("got", "10", "want", "11")},
	{"12 digits", "112233445955", "snils.length", fieldParams("got", "12", "want", "11")},
	{"only separators", "---", "snils.length", fieldParams("got", "0", "want", "11")},
	{"letter", "112-233-445 9A", "snils.not_digits", fieldParams("char", "'A'", "pos", "14")},
	{"dots", "112.233.445 95", "snils.not_digits", fieldParams("char", "'.'", "pos", "4")},
	{"tab", "112-233-445\t95", "snils.not_digits", fieldParams("char", "U+0009", "pos", "12")},
	{"spaces only", "112 233 445 95", "snils.format", nil},
	{"groups wrong", "1122-33-445 95", "snils.format", nil},
	{"separator missing", "112-233-44595", "snils.format", nil},
	{"separator doubled", "112--233-445 95", "snils.format", nil},
	{"two spaces", "112-233-445  95", "snils.format", nil},
	{"leading space", " 11223344595", "snils.format", nil},
	{"trailing space", "11223344595 ", "snils.format", nil},
}

var snilsBodyCases = []validateCase{
	{"example", "112233445", "", nil},
	{"empty", "", "snils.empty", nil},
	{"8 digits", "11223344", "snils.length", fieldParams("got", "8", "want", "9")},
	{"with hyphens", "112-233-445", "snils.not_digits", fieldParams("char", "'-'", "pos", "4")},
}

var ogrnCases = []validateCase{
	// oms-card-format.md §5 examples.
	{"example", "1027700132195", "", nil},
	{"mod 11 gives 10", "1027739008440", "", nil},
	{"synthetic", "1027700000008", "", nil},
	{"first digit 5", "5027700000004", "", nil},

	{"empty", "", "ogrn.empty", nil},
	{"wrong check", "1027700132196", "ogrn.check_digit", fieldParams("got", "6", "want", "5")},
	{"mod 11 = 10 written as 1", "1027739008441", "ogrn.check_digit", fieldParams("got", "1", "want", "0")},
	{"synthetic wrong", "1027700000009", "ogrn.check_digit", fieldParams("got", "9", "want", "8")},
	{"12 digits", "102770013219", "ogrn.length", fieldParams("got", "12", "want", "13")},
	{"14 digits", "10277001321950", "ogrn.length", fieldParams("got", "14", "want", "13")},
	{"OGRNIP given", "304500116000157", "ogrn.length", fieldParams("got", "15", "want", "13")},
	{"first digit 2", "2027700132195", "ogrn.first_digit", fieldParams("got", "2")},
	{"first digit 3", "3045001160001", "ogrn.first_digit", fieldParams("got", "3")},
	{"first digit 0", "0027700000000", "ogrn.first_digit", fieldParams("got", "0")},
	{"letter", "10277001321O5", "ogrn.not_digits", fieldParams("char", "'O'", "pos", "12")},
	{"space", "1027700 132195", "ogrn.not_digits", fieldParams("char", "' '", "pos", "8")},
}

var ogrnipCases = []validateCase{
	{"example", "304500116000157", "", nil},
	{"second", "312774600000017", "", nil},

	{"empty", "", "ogrnip.empty", nil},
	{"wrong check", "304500116000158", "ogrnip.check_digit", fieldParams("got", "8", "want", "7")},
	{"first digit 1", "104500116000157", "ogrnip.first_digit", fieldParams("got", "1")},
	{"14 digits", "30450011600015", "ogrnip.length", fieldParams("got", "14", "want", "15")},
	{"OGRN given", "1027700132195", "ogrnip.length", fieldParams("got", "13", "want", "15")},
	{"letter", "30450011600015I", "ogrnip.not_digits", fieldParams("char", "'I'", "pos", "15")},
	{"hyphen", "304-500116000157", "ogrnip.not_digits", fieldParams("char", "'-'", "pos", "4")},
}

var ogrnEitherCases = []validateCase{
	{"OGRN", "1027700132195", "", nil},
	{"OGRNIP", "304500116000157", "", nil},

	{"empty", "", "ogrn.empty", nil},
	{"OGRN wrong check", "1027700132196", "ogrn.check_digit", fieldParams("got", "6", "want", "5")},
	{"OGRNIP wrong check", "304500116000158", "ogrnip.check_digit", fieldParams("got", "8", "want", "7")},
	{"OGRNIP first digit", "104500116000157", "ogrnip.first_digit", fieldParams("got", "1")},
	{"14 digits", "30450011600015", "ogrn.length_ogrn_or_ogrnip", fieldParams("got", "14")},
	{"12 digits", "102770013219", "ogrn.length_ogrn_or_ogrnip", fieldParams("got", "12")},
	{"letter", "1027700132l95", "ogrn.not_digits", fieldParams("char", "'l'", "pos", "11")},
}

var okatoCases = []validateCase{
	{"Moscow subject form", "45000", "", nil},
	{"Saint Petersburg", "40000", "", nil},
	{"Moscow Oblast", "46000", "", nil},
	{"Altai Krai leading zero", "01000", "", nil},
	{"Crimea", "35000", "", nil},
	{"Sevastopol", "67000", "", nil},
	{"Khanty-Mansi", "71100", "", nil},
	{"two digits", "45", "", nil},
	{"eight digits", "45286560", "", nil},
	{"eleven digits", "45286560000", "", nil},

	{"empty", "", "okato.empty", nil},
	{"4 digits", "4500", "okato.length", fieldParams("got", "4")},
	{"6 digits", "450000", "okato.length", fieldParams("got", "6")},
	{"12 digits", "452865600001", "okato.length", fieldParams("got", "12")},
	{"letter", "4500O", "okato.not_digits", fieldParams("char", "'O'", "pos", "5")},
	{"space", "45 000", "okato.not_digits", fieldParams("char", "' '", "pos", "3")},
	{"subject 00", "00000", "okato.unknown_subject", fieldParams("subject", "00")},
	{"subject 02", "02000", "okato.unknown_subject", fieldParams("subject", "02")},
	{"subject 72", "72000", "okato.unknown_subject", fieldParams("subject", "72")},
	{"subject 13 short form", "13", "okato.unknown_subject", fieldParams("subject", "13")},
}

func validateSuites() []validateSuite {
	enpCheck := func(s string) error { _, err := ENPCheckDigit(s); return err }
	snilsCheck := func(s string) error { _, err := SNILSCheck(s); return err }
	normalize := func(s string) error { _, err := NormalizeSNILS(s); return err }
	// NormalizeSNILS checks form only: the check-number rows are valid for it.
	var normCases []validateCase
	for _, c := range snilsCases {
		if c.code == "snils.check_digit" {
			c.code, c.params = "", nil
		}
		normCases = append(normCases, c)
	}
	return []validateSuite{
		{"ValidateENP", ValidateENP, enpCases},
		{"ENPCheckDigit", enpCheck, enpBodyCases},
		{"ValidateSNILS", ValidateSNILS, snilsCases},
		{"NormalizeSNILS", normalize, normCases},
		{"SNILSCheck", snilsCheck, snilsBodyCases},
		{"ValidateOGRN", ValidateOGRN, ogrnCases},
		{"ValidateOGRNIP", ValidateOGRNIP, ogrnipCases},
		{"ValidateOGRNOrOGRNIP", ValidateOGRNOrOGRNIP, ogrnEitherCases},
		{"ValidateOKATO", ValidateOKATO, okatoCases},
	}
}

// checkFieldError asserts that err is exactly what the row wants.
func checkFieldError(t *testing.T, err error, c validateCase) {
	t.Helper()
	if c.code == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %s", c.code)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("got %T %v, want *FieldError", err, err)
	}
	if fe.Code != c.code {
		t.Fatalf("code = %q, want %q (error %v)", fe.Code, c.code, err)
	}
	if field, _, _ := strings.Cut(c.code, "."); fe.Field != field {
		t.Errorf("field = %q, want %q", fe.Field, field)
	}
	if !maps.Equal(fe.Params, c.params) {
		t.Errorf("params = %v, want %v", fe.Params, c.params)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, fe.Field+": ") || strings.Contains(msg, "{") {
		t.Errorf("Error() = %q: want %q prefix and no unfilled placeholder", msg, fe.Field+": ")
	}
}

func TestValidators(t *testing.T) {
	for _, s := range validateSuites() {
		t.Run(s.name, func(t *testing.T) {
			for _, c := range s.cases {
				t.Run(c.name, func(t *testing.T) { checkFieldError(t, s.fn(c.in), c) })
			}
		})
	}
}

func TestFieldErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ValidateENP("5001234567890123"), "enp: check digit is 3, want 7 (Luhn)"},
		{ValidateENP("50012345678901"), "enp: length is 14, want 16 digits"},
		{ValidateENP("5001 2345"), "enp: character ' ' at position 5 is not a digit"},
		{ValidateSNILS("112-233-445 96"), "snils: check number is 96, want 95"},
		{ValidateOGRN("2027700132195"), "ogrn: first digit is 2, want 1 or 5 (legal entity)"},
		{ValidateOKATO("72000"), "okato: 72 is not a subject code of the OKATO classifier"},
		{&FieldError{Field: "x", Code: "x.other", Params: fieldParams("b", "2", "a", "1")}, "x: x.other (a=1, b=2)"},
		{&FieldError{Field: "x", Code: "x.other"}, "x: x.other"},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("want error %q, got nil", tt.want)
			continue
		}
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestFieldErrorIs(t *testing.T) {
	err := ValidateENP("1")
	wrapped := fmt.Errorf("reading owner record: %w", err)
	if !errors.Is(wrapped, ErrInvalid) {
		t.Errorf("errors.Is(wrapped, ErrInvalid) = false")
	}
	var fe *FieldError
	if !errors.As(wrapped, &fe) || fe.Code != "enp.length" {
		t.Errorf("errors.As(wrapped) = %v, want code enp.length", fe)
	}
	if errors.Is(err, io.EOF) {
		t.Errorf("errors.Is(err, io.EOF) = true, want false")
	}
}

func TestENPCheckDigit(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		{"500123456789012", '7'},
		{"780000000001234", '1'},
		{"123456789012345", '2'},
		{"000000000000000", '0'},
	}
	for _, tt := range tests {
		got, err := ENPCheckDigit(tt.body)
		if err != nil || got != tt.want {
			t.Errorf("ENPCheckDigit(%q) = %q, %v; want %q, nil", tt.body, got, err, tt.want)
		}
	}
}

// TestENPLuhnProperty: for random bodies the computed check digit validates, and every
// single-digit change is caught (Luhn detects all single-digit errors).
func TestENPLuhnProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x0e5, 0x16))
	n := 2000
	if testing.Short() {
		n = 200
	}
	for range n {
		var body [enpBodyLength]byte
		for i := range body {
			body[i] = byte('0' + rng.IntN(10))
		}
		check, err := ENPCheckDigit(string(body[:]))
		if err != nil {
			t.Fatalf("ENPCheckDigit(%q): %v", body, err)
		}
		enp := []byte(string(body[:]) + string(check))
		if err := ValidateENP(string(enp)); err != nil {
			t.Fatalf("ValidateENP(%q) = %v, want nil", enp, err)
		}
		for i := range enp {
			orig := enp[i]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig {
					continue
				}
				enp[i] = d
				var fe *FieldError
				if err := ValidateENP(string(enp)); !errors.As(err, &fe) || fe.Code != "enp.check_digit" {
					t.Fatalf("ValidateENP(%q) (digit %d changed) = %v, want enp.check_digit", enp, i+1, err)
				}
			}
			enp[i] = orig
		}
	}
}

// TestSNILSCheckRoundTrip: SNILSCheck agrees with ValidateSNILS for random bodies, and a
// wrong check number on a checked body fails.
func TestSNILSCheckRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5a1, 0x15))
	for range 2000 {
		body := fmt.Sprintf("%09d", rng.IntN(1_000_000_000))
		check, err := SNILSCheck(body)
		if err != nil || len(check) != 2 {
			t.Fatalf("SNILSCheck(%q) = %q, %v", body, check, err)
		}
		if err := ValidateSNILS(body + check); err != nil {
			t.Fatalf("ValidateSNILS(%q) = %v", body+check, err)
		}
		wrong := fmt.Sprintf("%02d", (int(check[0]-'0')*10+int(check[1]-'0')+1)%100)
		err = ValidateSNILS(body + wrong)
		if body <= snilsLastUnchecked {
			if err != nil {
				t.Fatalf("ValidateSNILS(%q) = %v, want nil (unchecked number)", body+wrong, err)
			}
		} else if err == nil {
			t.Fatalf("ValidateSNILS(%q) = nil, want check error", body+wrong)
		}
	}
}

func TestSNILSCheck(t *testing.T) {
	tests := []struct{ body, want string }{
		{"112233445", "95"},
		{"087654303", "00"}, // S = 202, mod 101 = 0
		{"010000000", "08"}, // S = 8
		{"100427626", "99"}, // S = 99
		{"100356355", "00"}, // S = 100
		{"100079190", "00"}, // S = 101
		{"100166299", "01"}, // S = 102
		{"100958199", "49"}, // S = 150
		{"106897449", "00"}, // S = 201, mod 101 = 100
		{"999999997", "00"}, // S = 403, mod 101 = 100
		{"001001999", "65"},
	}
	for _, tt := range tests {
		got, err := SNILSCheck(tt.body)
		if err != nil || got != tt.want {
			t.Errorf("SNILSCheck(%q) = %q, %v; want %q, nil", tt.body, got, err, tt.want)
		}
	}
}

func TestNormalizeAndFormatSNILS(t *testing.T) {
	norm := []struct{ in, want string }{
		{"112-233-445 95", "11223344595"},
		{"112-233-445-95", "11223344595"},
		{"112-233-445\u00a095", "11223344595"},
		{"11223344595", "11223344595"},
		{"112-233-445 96", "11223344596"}, // form only, no check
	}
	for _, tt := range norm {
		got, err := NormalizeSNILS(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeSNILS(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
	format := []struct{ in, want string }{
		{"11223344595", "112-233-445 95"},
		{"112-233-445-95", "112-233-445 95"},
		{"112-233-445 95", "112-233-445 95"},
		{"08765430300", "087-654-303 00"},
		{"11223344596", "112-233-445 96"},    // no check
		{"1122334459", "1122334459"},         // cannot normalise: unchanged
		{"112 233 445 95", "112 233 445 95"}, // unchanged
		{"", ""},
	}
	for _, tt := range format {
		if got := FormatSNILS(tt.in); got != tt.want {
			t.Errorf("FormatSNILS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOKATOSubject(t *testing.T) {
	tests := []struct {
		code, wantCode, wantEN string
		ok                     bool
	}{
		{"45000", "45", "Moscow", true},
		{"45", "45", "Moscow", true},
		{"45286560000", "45", "Moscow", true},
		{"40000", "40", "Saint Petersburg", true},
		{"46000", "46", "Moscow Oblast", true},
		{"01000", "01", "Altai Krai", true},
		{"35000", "35", "Republic of Crimea", true},
		{"67000", "67", "Sevastopol", true},
		{"77000", "77", "Chukotka Autonomous Okrug", true}, // region number 77 is Moscow; OKATO 77 is not
		{"78000", "78", "Yaroslavl Oblast", true},          // region number 78 is St Petersburg
		{"50000", "50", "Novosibirsk Oblast", true},        // region number 50 is Moscow Oblast
		{"71000", "71", "Tyumen Oblast", true},
		{"71", "71", "Tyumen Oblast", true},
		{"71100", "71100", "Khanty-Mansi Autonomous Okrug – Yugra", true},
		{"71100000", "71100", "Khanty-Mansi Autonomous Okrug – Yugra", true},
		{"71140", "71140", "Yamalo-Nenets Autonomous Okrug", true},
		{"11100", "11100", "Nenets Autonomous Okrug", true},
		{"11000", "11", "Arkhangelsk Oblast", true},
		{"00000", "", "", false},
		{"72", "", "", false},
		{"7", "", "", false},
		{"", "", "", false},
		{"x5000", "", "", false},
	}
	for _, tt := range tests {
		s, ok := OKATOSubject(tt.code)
		if ok != tt.ok || s.Code != tt.wantCode || s.NameEN != tt.wantEN {
			t.Errorf("OKATOSubject(%q) = %+v, %v; want code %q %q, %v", tt.code, s, ok, tt.wantCode, tt.wantEN, tt.ok)
		}
	}
	if s, _ := OKATOSubject("45000"); s.NameRU != "Москва" {
		t.Errorf("OKATOSubject(45000).NameRU = %q, want Москва", s.NameRU)
	}
}

// TestOKATOTable checks the table's shape: unique codes, two-digit subjects, five-digit
// okrugs inside a listed subject, names in both languages, and the number of federal
// subjects (85 before 2022, four more since; 55 Baikonur is listed but is not one).
func TestOKATOTable(t *testing.T) {
	seen := map[string]bool{}
	all := slices.Concat(okatoSubjects, okatoOkrugs)
	for i, s := range all {
		if seen[s.Code] {
			t.Errorf("duplicate code %q", s.Code)
		}
		seen[s.Code] = true
		wantLen := 2
		if i >= len(okatoSubjects) {
			wantLen = 5
			if _, ok := okatoSubjectsByCode[s.Code[:2]]; !ok {
				t.Errorf("okrug %q: enclosing subject %q not listed", s.Code, s.Code[:2])
			}
		}
		if len(s.Code) != wantLen || firstNonDigit("okato", s.Code) != nil {
			t.Errorf("code %q: want %d ASCII digits", s.Code, wantLen)
		}
		if !strings.ContainsFunc(s.NameRU, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("%s: NameRU %q has no Cyrillic", s.Code, s.NameRU)
		}
		if s.NameEN == "" || strings.ContainsFunc(s.NameEN, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("%s: NameEN %q empty or not English", s.Code, s.NameEN)
		}
		if err := ValidateOKATO(s.Code[:2] + "000"); err != nil {
			t.Errorf("ValidateOKATO(%s000) = %v", s.Code[:2], err)
		}
		if got, ok := OKATOSubject(s.Code + strings.Repeat("0", 11-len(s.Code))); !ok || got != s {
			t.Errorf("OKATOSubject of %q = %+v, %v; want %+v", s.Code, got, ok, s)
		}
	}
	if got := len(okatoSubjects) - 1 + len(okatoOkrugs); got != 89 {
		t.Errorf("federal subjects = %d, want 89", got)
	}
	if !slices.IsSortedFunc(okatoSubjects, func(a, b Subject) int { return strings.Compare(a.Code, b.Code) }) {
		t.Errorf("okatoSubjects not in code order")
	}
}

// TestValidatorsHostileInput: arbitrary bytes never panic, and every error is a
// *FieldError whose code has an English template.
func TestValidatorsHostileInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789-  \x00\xff\xd0\x9e5")
	inputs := []string{strings.Repeat("9", 1<<20), strings.Repeat("-", 1<<20), "\xd0", "1\xd0"}
	for range 5000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	suites := validateSuites()
	for _, in := range inputs {
		for _, s := range suites {
			err := s.fn(in)
			if err == nil {
				continue
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("%s(%q) = %T %v, want *FieldError", s.name, in, err, err)
			}
			if _, ok := fieldMessagesEN[fe.Code]; !ok {
				t.Fatalf("%s(%q): code %q has no message", s.name, in, fe.Code)
			}
		}
		OKATOSubject(in)
		FormatSNILS(in)
	}
}

// readValidateCatalogue reads one catalogue strictly: a flat object of strings with no
// duplicate keys.
func readValidateCatalogue(t *testing.T, name string) map[string]string {
	t.Helper()
	path := filepath.Join("..", "..", "assets", "i18n", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading catalogue: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: want a JSON object, got %v %v", name, tok, err)
	}
	m := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		key := tok.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: value of %q: %v", name, key, err)
		}
		if _, dup := m[key]; dup {
			t.Fatalf("%s: duplicate key %q", name, key)
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: data after the object", name)
	}
	return m
}

var validatePlaceholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

func TestValidateCatalogues(t *testing.T) {
	en := readValidateCatalogue(t, "validate.en.json")
	ru := readValidateCatalogue(t, "validate.ru.json")

	if !slices.Equal(slices.Sorted(maps.Keys(en)), slices.Sorted(maps.Keys(ru))) {
		t.Errorf("en and ru key sets differ:\n en %v\n ru %v", slices.Sorted(maps.Keys(en)), slices.Sorted(maps.Keys(ru)))
	}

	// Every error the tables produce, grouped by code.
	produced := map[string][]*FieldError{}
	for _, s := range validateSuites() {
		for _, c := range s.cases {
			var fe *FieldError
			if errors.As(s.fn(c.in), &fe) {
				produced[fe.Code] = append(produced[fe.Code], fe)
			}
		}
	}
	codes := slices.Sorted(maps.Keys(produced))
	if want := slices.Sorted(maps.Keys(fieldMessagesEN)); !slices.Equal(codes, want) {
		t.Errorf("codes produced by the tables %v\nwant every code the validators can return %v", codes, want)
	}
	var wantKeys []string
	for _, c := range codes {
		wantKeys = append(wantKeys, "validate."+c)
	}
	if got := slices.Sorted(maps.Keys(en)); !slices.Equal(got, wantKeys) {
		t.Errorf("catalogue keys %v\nwant %v", got, wantKeys)
	}

	for _, code := range codes {
		key := "validate." + code
		for lang, cat := range map[string]map[string]string{"en": en, "ru": ru} {
			tmpl, ok := cat[key]
			if !ok {
				continue // reported above
			}
			if strings.TrimSpace(tmpl) == "" {
				t.Errorf("%s %s: empty template", lang, key)
			}
			if lang == "ru" && !strings.ContainsFunc(tmpl, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
				t.Errorf("ru %s: %q is not Russian", key, tmpl)
			}
			for _, fe := range produced[code] {
				for _, m := range validatePlaceholderRE.FindAllStringSubmatch(tmpl, -1) {
					if _, ok := fe.Params[m[1]]; !ok {
						t.Errorf("%s %s: placeholder {%s} not in params %v", lang, key, m[1], fe.Params)
					}
				}
			}
		}
		// The English catalogue is the text of Error.
		for _, fe := range produced[code] {
			if got := expandFieldTemplate(en[key], fe.Params); got != fe.Error() {
				t.Errorf("en %s renders %q, Error() is %q", key, got, fe.Error())
			}
		}
	}
}
