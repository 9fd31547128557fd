package register

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// FuzzParse: Parse never panics; a register it returns satisfies the invariants
// (problems on lines of the file with documented codes, valid rows pass the policy
// validators); and every valid row, written back as a register of its own, parses to
// the same row.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(Generate(5, 1))
	opts := Options{Now: GenerateNow, Dir: "testdata", MaxBytes: 1 << 20, MaxRows: 1000, MaxFieldBytes: 256}
	f.Fuzz(func(t *testing.T, data []byte) {
		reg, err := Parse(bytes.NewReader(data), opts)
		if err != nil {
			if reg != nil {
				t.Fatal("an error came with a register")
			}
			return
		}
		lines := 1 + bytes.Count(data, []byte{'\n'})
		if lines == 1 { // CR-only line ends
			lines += bytes.Count(data, []byte{'\r'})
		}
		for _, p := range reg.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem %+v outside the file's %d lines", p, lines)
			}
		}
		checkInvariants(t, reg, opts)
		for _, r := range reg.Rows {
			if r.Line < 2 || r.Line > lines {
				t.Fatalf("row line %d outside 2..%d", r.Line, lines)
			}
			again := reparse(t, r, opts)
			if !reflect.DeepEqual(again, r) {
				t.Fatalf("row does not survive a round trip:\n %+v %+v\n %+v %+v", r, r.Policy, again, again.Policy)
			}
		}
	})
}

// reparse writes r as a one-row register and parses it. Upper-casing can lengthen a
// value (ɐ is 2 bytes, Ɐ 3), so the field limit is relaxed for the second pass.
func reparse(t *testing.T, r Row, opts Options) Row {
	t.Helper()
	o := r.Policy.Owner
	rec := make([]string, numColumns)
	rec[colENP] = o.ENP
	rec[colSurname], rec[colFirstName], rec[colPatronymic] = o.Surname, o.FirstName, o.Patronymic
	rec[colBirthDate] = o.BirthDate.String()
	rec[colSex] = strconv.Itoa(int(o.Sex))
	rec[colSNILS] = o.SNILS
	rec[colBirthPlace] = o.BirthPlace
	rec[colCitizenship] = o.Citizenship.Code
	rec[colInsurerOGRN], rec[colInsurerOKATO] = r.Policy.Insurer.OGRN, r.Policy.Insurer.OKATO
	rec[colInsuranceStart] = r.Policy.Insurer.Start.Russian()
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		s, err := filepath.Rel(opts.Dir, p)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(s)
	}
	rec[colPhoto], rec[colSignatureImage] = rel(r.PhotoPath), rel(r.SignaturePath)
	rec[colReason], rec[colOldCardSerial] = r.Reason, r.OldCardSerial
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(Columns())
	w.Write(rec)
	w.Flush()
	opts.MaxFieldBytes *= 2
	reg, err := Parse(&b, opts)
	if err != nil || !reg.Valid() || len(reg.Rows) != 1 {
		t.Fatalf("row %+v written back: %v %v", r, err, reg.Problems)
	}
	again := reg.Rows[0]
	again.Line = r.Line
	return again
}
