package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// runCLI runs the command line in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func decodeReport(t *testing.T, s string) report {
	t.Helper()
	var r report
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("output is not the documented JSON: %v\n%s", err, s)
	}
	return r
}

// wantPolicy compares a report's policy with the fixture it was read from, every field.
func wantPolicy(t *testing.T, got *policy.Document, fixture string) {
	t.Helper()
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var f vcard.Fixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	want := f.Policy
	if got == nil {
		t.Fatal("no policy in the report")
	}
	checks := []struct{ name, got, want string }{
		{"enp", got.ENP, want.ENP}, {"surname", got.Surname, want.Surname},
		{"first_name", got.FirstName, want.FirstName}, {"patronymic", got.Patronymic, want.Patronymic},
		{"birth_date", got.BirthDate.String(), want.BirthDate.String()}, {"sex", got.Sex, want.Sex},
		{"snils", got.SNILS, want.SNILS}, {"expiry", got.Expiry.String(), want.Expiry.String()},
		{"birth_place", got.BirthPlace, want.BirthPlace}, {"issue_date", got.IssueDate.String(), want.IssueDate.String()},
	}
	if want.Citizenship != nil {
		checks = append(checks, struct{ name, got, want string }{"citizenship", got.Citizenship.Code + "/" + got.Citizenship.Name,
			want.Citizenship.Code + "/" + want.Citizenship.Name})
	}
	if wi := want.Insurer; wi != nil {
		gi := got.Insurer
		if gi == nil {
			t.Fatal("insurer missing")
		}
		checks = append(checks, []struct{ name, got, want string }{
			{"insurer.file_id", gi.FileID, wi.FileID}, {"insurer.ogrn", gi.OGRN, wi.OGRN}, {"insurer.okato", gi.OKATO, wi.OKATO},
			{"insurer.start", gi.Start.String(), wi.Start.String()}, {"insurer.end", gi.End.String(), wi.End.String()},
		}...)
		if wi.Signature != nil {
			checks = append(checks, struct{ name, got, want string }{"signature", gi.Signature.Value, wi.Signature.Value})
		}
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(want.UnknownTags) != len(got.UnknownTags) {
		t.Errorf("unknown tags %+v, want %+v", got.UnknownTags, want.UnknownTags)
	}
	if f.PhotoSize > 0 && (got.Photo == nil || got.Photo.Size != f.PhotoSize || got.Photo.MediaType != "image/jpeg" ||
		!bytes.Equal(got.Photo.Data, vcard.SyntheticPhoto(f.PhotoSize))) {
		t.Errorf("photo does not match the fixture's")
	}
}

func TestReadVirtualHuman(t *testing.T) {
	code, out, _ := runCLI(t, "--lang", "ru", "read", "--virtual", "--today", "2026-11-25")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"ИВАНОВ", "5001 2345 6789 0127", "15.03.1985", "ДЕЙСТВУЕТ", "Москва", "мужской"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "read", "--virtual", "--lang", "en", "--today", "2026-11-25")
	if code != exitOK || !strings.Contains(out, "VALID") || !strings.Contains(out, "Birth date:") {
		t.Fatalf("English output (exit %d):\n%s", code, out)
	}
}

func TestReadFixtureJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "read", "--fixture", "testdata/petrova.json", "--json", "--today", "2026-11-25")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := decodeReport(t, out)
	wantPolicy(t, r.Policy, "testdata/petrova.json")
	if r.SchemaVersion != 1 || r.Source != "virtual" || r.Status != policy.StatusInsurerClosed {
		t.Fatalf("schema %d source %q status %q", r.SchemaVersion, r.Source, r.Status)
	}
}

func TestDecodeFiles(t *testing.T) {
	code, out, errOut := runCLI(t, "decode", "--owner", "testdata/owner.hex", "--insurer", "testdata/insurer.hex", "--json", "--today", "2026-11-25")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := decodeReport(t, out)
	if r.Policy.Surname != "ИВАНОВ" || r.Policy.Insurer.OGRN != "1027700000008" || r.Status != policy.StatusValid || len(r.Validation) != 0 {
		t.Fatalf("decoded %+v", r)
	}
	// The same bytes as a binary file decode the same.
	hexBytes, _ := vcard.ReadRawFile("testdata/owner.hex")
	bin := filepath.Join(t.TempDir(), "0201.bin")
	os.WriteFile(bin, hexBytes, 0o600)
	code, out2, _ := runCLI(t, "decode", "--owner", bin, "--json", "--today", "2026-11-25")
	if code != exitOK || decodeReport(t, out2).Policy.ENP != "5001234567890127" {
		t.Fatalf("binary owner file: exit %d", code)
	}
}

func TestDecodeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	tests := []struct {
		name string
		data []byte
		code int
		msg  string
	}{
		{"truncated", []byte{0x62, 0x7D, 0x5F, 0x26, 0x10, '5'}, exitUnreadable, "not a well-formed OMS record"},
		{"garbage", []byte("\x01\x02\x03 not a card file"), exitUnreadable, "not a well-formed OMS record"},
		{"wrong template", []byte{0x64, 0x00}, exitUnreadable, "wrong template"},
		{"impossible length", []byte{0x62, 0x84, 0xFF, 0xFF, 0xFF, 0xFF}, exitUnreadable, "length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "--lang", "en", "decode", "--owner", write(tt.name, tt.data))
			if code != tt.code || !strings.Contains(errOut, tt.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tt.code, tt.msg)
			}
			code, out, _ := runCLI(t, "decode", "--json", "--owner", write(tt.name, tt.data))
			if r := decodeReport(t, out); code != tt.code || r.Error == nil || r.Error.Code != "bad_data" || r.Policy != nil {
				t.Fatalf("JSON: exit %d, %+v", code, r.Error)
			}
		})
	}
}

func TestPhotoSaved(t *testing.T) {
	p := filepath.Join(t.TempDir(), "photo.jpg")
	if code, _, errOut := runCLI(t, "read", "--virtual", "--photo", p); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) {
		t.Fatalf("photo file: %v % X", err, b[:min(4, len(b))])
	}
}

func TestUsageAndExitCodes(t *testing.T) {
	if code, _, errOut := runCLI(t); code != exitUsage || !strings.Contains(errOut, "omsdesk") {
		t.Fatalf("no arguments: exit %d", code)
	}
	if code, _, errOut := runCLI(t, "--lang", "en", "frobnicate"); code != exitUsage || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "read", "--no-such-flag"); code != exitUsage {
		t.Fatalf("bad flag: exit %d", code)
	}
	if code, _, _ := runCLI(t, "read", "--virtual", "--today", "31.02.2020"); code != exitUsage {
		t.Fatalf("bad --today: exit %d", code)
	}
	if code, _, _ := runCLI(t, "decode"); code != exitUsage {
		t.Fatalf("decode without --owner: exit %d", code)
	}
}

func TestReadVirtualTraceIsRedacted(t *testing.T) {
	_, _, errOut := runCLI(t, "read", "--virtual", "--trace")
	surnameHex := strings.ToUpper(strings.Join(splitPairs(hexOf("ИВАНОВ")), " "))
	if !strings.Contains(errOut, "00 A4 04 0C 09 66 6F 6D 73 5F 72 6F 6F 74") || strings.Contains(errOut, surnameHex) {
		t.Fatalf("trace:\n%s", errOut)
	}
	_, _, full := runCLI(t, "read", "--virtual", "--full-trace")
	if !strings.Contains(full, surnameHex) {
		t.Fatal("the full trace does not show the data")
	}
}

func TestATRCommand(t *testing.T) {
	code, out, _ := runCLI(t, "--lang", "en", "atr", "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9")
	if code != exitOK || !strings.Contains(out, "T=1") || !strings.Contains(out, "IFSC=254") || !strings.Contains(out, "FOMSOMS") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "atr", "--json", "3BF71300008131FE45464F4D534F4D53A9")
	var v map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &v) != nil || v["tck_valid"] != true {
		t.Fatalf("JSON exit %d: %s", code, out)
	}
	if code, _, _ := runCLI(t, "atr", "3B"); code != exitUnreadable {
		t.Fatalf("truncated ATR: exit %d", code)
	}
	if code, _, _ := runCLI(t, "atr", "zz"); code != exitUsage {
		t.Fatalf("non-hex ATR: exit %d", code)
	}
}

// hexOf writes s's bytes as upper-case hex without spaces.
func hexOf(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteString(strings.ToUpper(string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])))
	}
	return b.String()
}

func splitPairs(s string) []string {
	var out []string
	for i := 0; i+1 < len(s); i += 2 {
		out = append(out, s[i:i+2])
	}
	return out
}

func TestDumpReadDiff(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if code, _, errOut := runCLI(t, "dump", "--virtual", "-o", a); code != exitOK {
		t.Fatalf("dump: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "dump", "--fixture", "testdata/petrova.json", "-o", b); code != exitOK {
		t.Fatalf("dump: exit %d %s", code, errOut)
	}
	if fi, err := os.Stat(a); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dump file mode: %v %v", fi.Mode(), err)
	}
	// A dump reads back as the card it was made from.
	code, out, _ := runCLI(t, "read", "--dump", b, "--json", "--today", "2026-11-25")
	if code != exitOK {
		t.Fatalf("read --dump: exit %d", code)
	}
	wantPolicy(t, decodeReport(t, out).Policy, "testdata/petrova.json")
	if code, out, _ := runCLI(t, "--lang", "en", "diff", a, a); code != exitOK || !strings.Contains(out, "same") {
		t.Fatalf("diff of a dump with itself: exit %d %s", code, out)
	}
	code, out, _ = runCLI(t, "diff", "--json", a, b)
	var diffs []struct{ Field, A, B string }
	if code != exitDiffer || json.Unmarshal([]byte(out), &diffs) != nil {
		t.Fatalf("diff: exit %d %s", code, out)
	}
	found := false
	for _, d := range diffs {
		if d.Field == "surname" && d.A == "ИВАНОВ" && d.B == "ПЕТРОВА-ВОДКИНА" {
			found = true
		}
	}
	if !found {
		t.Fatalf("diff does not name the surname: %s", out)
	}
	if code, _, _ := runCLI(t, "diff", a, "testdata/owner.hex"); code != exitUnreadable {
		t.Fatalf("diff with a non-dump: exit %d", code)
	}
}

func TestVerifyCommand(t *testing.T) {
	code, out, _ := runCLI(t, "--lang", "en", "verify", "--virtual", "--today", "2026-11-25")
	if code != exitOK || !strings.Contains(out, "passed every applicable check") || !strings.Contains(out, "Luhn") {
		t.Fatalf("virtual card: exit %d\n%s", code, out)
	}
	// petrova.json carries an unknown tag and a certificate that is not one.
	code, out, _ = runCLI(t, "verify", "--json", "--fixture", "testdata/petrova.json", "--today", "2026-11-25")
	var r struct {
		Verdict string
		Checks  []struct{ ID, Status, Code string }
	}
	if code != exitFailedChecks || json.Unmarshal([]byte(out), &r) != nil || r.Verdict != "fail" {
		t.Fatalf("petrova: exit %d\n%s", code, out)
	}
	failed := map[string]string{}
	for _, c := range r.Checks {
		if c.Status == "fail" {
			failed[c.ID] = c.Code
		}
	}
	if failed["tags.owner"] != "tags_unknown" || failed["signature"] != "cert_bad" || len(failed) != 3 {
		t.Fatalf("failed checks %v", failed)
	}
	// A dump is checked as saved; a Russian report names the checks in Russian.
	d := filepath.Join(t.TempDir(), "d.json")
	if code, _, _ := runCLI(t, "dump", "--virtual", "-o", d); code != exitOK {
		t.Fatal("dump failed")
	}
	code, out, _ = runCLI(t, "--lang", "ru", "verify", "--dump", d, "--today", "2026-11-25")
	if code != exitOK || !strings.Contains(out, "Номер полиса (ЕНП)") || !strings.Contains(out, "прошла все применимые") {
		t.Fatalf("dump: exit %d\n%s", code, out)
	}
}

func TestDiagnoseWritesABundle(t *testing.T) {
	p := filepath.Join(t.TempDir(), "diag.json")
	code, _, errOut := runCLI(t, "--lang", "en", "diagnose", "-o", p)
	if code != exitOK || !strings.Contains(errOut, "no personal data") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var b map[string]any
	data, err := os.ReadFile(p)
	if err != nil || json.Unmarshal(data, &b) != nil {
		t.Fatalf("bundle is not JSON: %v", err)
	}
	if _, ok := b["program"]; !ok {
		t.Fatalf("bundle lacks the program section: %s", data)
	}
}

func TestVerifyPDF(t *testing.T) {
	p := filepath.Join(t.TempDir(), "report.pdf")
	if code, _, errOut := runCLI(t, "verify", "--virtual", "--pdf", p, "--today", "2026-11-25"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 1000 {
		t.Fatalf("not a PDF: %v, %d bytes", err, len(b))
	}
}

// TestPartialRead: a card whose insurer pointer dangles still shows its holder, with
// the error beside, and verify names the broken pointer.
func TestPartialRead(t *testing.T) {
	code, out, _ := runCLI(t, "read", "--fixture", "testdata/dangling.json", "--json")
	r := decodeReport(t, out)
	if code != exitUnreadable || r.Policy == nil || r.Policy.Surname != "ИВАНОВ" || r.Error == nil ||
		r.Error.Code != "insurer_unreadable" || r.Status != "" {
		t.Fatalf("exit %d, %+v", code, r)
	}
	code, out, _ = runCLI(t, "--lang", "en", "read", "--fixture", "testdata/dangling.json")
	if code != exitUnreadable || !strings.Contains(out, "ИВАНОВ") || !strings.Contains(out, "insurer record could not be") {
		t.Fatalf("human: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "verify", "--json", "--fixture", "testdata/dangling.json", "--today", "2026-11-25")
	if code != exitFailedChecks || !strings.Contains(out, "pointer_dangling") {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
}
