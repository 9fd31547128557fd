package report

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify"
	"omsdesk/cardio/verify/verifytest"
)

var (
	created = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	today   = policy.MakeDate(2026, 11, 25)
)

func newSigner(t testing.TB) verifytest.Signer {
	return verifytest.NewSigner(t, "Тестовый страховщик")
}

// dumpOf lays a policy out as a dump of the card vcard would make of it.
func dumpOf(p *policy.Policy) *dump.Dump {
	return dump.FromLayout(vcard.FromPolicy(p), "Virtual PCD 00 00")
}

// passingReport checks the synthetic sample card, correctly signed.
func passingReport(t testing.TB) *verify.Report {
	s := newSigner(t)
	p := vcard.SamplePolicy(2000)
	p.Owner.SNILS = "112-233-445 95"
	s.Sign(t, p.Insurer)
	r := verify.Dump(dumpOf(p), verify.Options{Today: today})
	if r.Verdict != verify.Pass {
		t.Fatalf("sample card failed: %v", r.Failed())
	}
	return r
}

// unknownTags is how many foreign tags the failing card's owner record carries: enough
// that the reason naming them all wraps over several lines.
const unknownTags = 40

// failingReport checks a sample card with a wrong ENP check digit, many tags that do
// not belong in the owner record, and a certificate judged after it expired.
func failingReport(t testing.TB) *verify.Report {
	s := newSigner(t)
	p := vcard.SamplePolicy(2000)
	p.Owner.ENP = "5001234567890128"
	for i := range unknownTags {
		p.Owner.Unknown = append(p.Owner.Unknown, tlv.Primitive(tlv.Tag(0xDF01+i), []byte{1}))
	}
	s.Sign(t, p.Insurer)
	r := verify.Dump(dumpOf(p), verify.Options{Today: policy.MakeDate(2031, 1, 1)})
	for _, id := range []string{"enp", "tags.owner", "certificate"} {
		if c, _ := r.Find(id); c.Status != verify.Fail {
			t.Fatalf("check %s did not fail: %+v", id, c)
		}
	}
	return r
}

func render(t testing.TB, r *verify.Report, lang string, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, i18n.MustLoad(lang), opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tool finds a poppler-utils program; tests that need one skip without it, unless
// OMSDESK_REQUIRE_TOOLS=1 makes its absence a failure.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not found (Debian: poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (Debian: poppler-utils)", name)
	}
	return path
}

// run runs a poppler tool on the PDF (its last argument) and returns its output.
func run(t *testing.T, pdf []byte, name string, args ...string) string {
	t.Helper()
	bin := tool(t, name)
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, file)
	if name == "pdftotext" {
		args = append(args, "-")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

// text is the PDF's text with all white space collapsed to single spaces.
func text(t *testing.T, pdf []byte, args ...string) string {
	return strings.Join(strings.Fields(run(t, pdf, "pdftotext", append([]string{"-enc", "UTF-8"}, args...)...)), " ")
}

// info is pdfinfo's key: value output.
func info(t *testing.T, pdf []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(run(t, pdf, "pdfinfo", "-isodates"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

func pages(t *testing.T, pdf []byte) int {
	n, err := strconv.Atoi(info(t, pdf)["Pages"])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// word is a word pdftotext -bbox found, in points from the page's top left.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var (
	pageTag = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordTag = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func words(t *testing.T, pdf []byte) (ws []word, pageW, pageH float64) {
	out := run(t, pdf, "pdftotext", "-bbox", "-enc", "UTF-8")
	for i, pg := range strings.Split(out, "<page ")[1:] {
		m := pageTag.FindStringSubmatch("<page " + pg)
		if m == nil {
			t.Fatalf("page %d: no size in %.80q", i+1, pg)
		}
		pageW, _ = strconv.ParseFloat(m[1], 64)
		pageH, _ = strconv.ParseFloat(m[2], 64)
		for _, m := range wordTag.FindAllStringSubmatch(pg, -1) {
			w := word{page: i + 1, text: html.UnescapeString(m[5])}
			w.xMin, _ = strconv.ParseFloat(m[1], 64)
			w.yMin, _ = strconv.ParseFloat(m[2], 64)
			w.xMax, _ = strconv.ParseFloat(m[3], 64)
			w.yMax, _ = strconv.ParseFloat(m[4], 64)
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		t.Fatal("no words in the PDF")
	}
	return ws, pageW, pageH
}

const ptPerMM = 72 / 25.4

// assertInside fails on any word outside the page's margins: text that overflowed its
// cell would run into the right margin or off the page.
func assertInside(t *testing.T, pdf []byte) {
	t.Helper()
	ws, pw, ph := words(t, pdf)
	const slack = 0.5 // pt
	for _, w := range ws {
		if w.xMin < margin*ptPerMM-slack || w.xMax > pw-margin*ptPerMM+slack || w.yMin < 0 || w.yMax > ph {
			t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f is outside the margins of a %.0f×%.0f page",
				w.page, w.text, w.xMin, w.xMax, w.yMin, w.yMax, pw, ph)
		}
	}
}

// leakedKey finds catalogue keys in the text: Catalog.T returns the key of a missing
// translation.
var leakedKey = regexp.MustCompile(`\b(report|verify|validate)\.[a-z_.]+`)

func TestRender(t *testing.T) {
	pass, fail := passingReport(t), failingReport(t)
	tests := []struct {
		name   string
		r      *verify.Report
		lang   string
		opts   Options
		pages  int
		want   []string // literal texts, beside those derived from the report below
		reader string
	}{
		{"pass/ru", pass, i18n.Russian, Options{Created: created, Program: "omsdesk 0.3.0"}, 2,
			[]string{"Отчёт о проверке целостности карты ОМС", "Карта прошла все применимые проверки", "Номер полиса (ЕНП)", "норма",
				"Составлен программой omsdesk 0.3.0 25.11.2026 14:30", "Страница 1 из 2", "Подпись страховщика", "Действует по", "2030-01-01"},
			"Virtual PCD 00 00"},
		{"pass/en", pass, i18n.English, Options{Created: created, Program: "omsdesk 0.3.0"}, 2,
			[]string{"OMS card integrity report", "The card passed every applicable check", "Policy number (ENP)", "pass",
				"Made by omsdesk 0.3.0 on 2026-11-25 14:30", "Page 1 of 2", "Signed bytes", "card bytes without 7F60"},
			"Virtual PCD 00 00"},
		{"fail/ru", fail, i18n.Russian, Options{Created: created, ReaderLabel: "встроенная виртуальная карта"}, 2,
			[]string{"Карта НЕ ПРОШЛА проверки", "ОШИБКА", "ЕНП: контрольная цифра 8, ожидалась 7", "Составлен 25.11.2026 14:30", "Страница 2 из 2"},
			"встроенная виртуальная карта"},
		{"fail/en", fail, i18n.English, Options{Created: created}, 2,
			[]string{"The card FAILED", "FAIL", "enp: check digit is 8, want 7 (Luhn)", "Made on 2026-11-25 14:30", "Page 2 of 2"},
			"Virtual PCD 00 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := render(t, tt.r, tt.lang, tt.opts)
			tr := i18n.MustLoad(tt.lang)
			in := info(t, pdf)
			if got := in["Page size"]; got != "595.28 x 841.89 pts (A4)" {
				t.Errorf("page size %q, want A4", got)
			}
			if got := in["Pages"]; got != strconv.Itoa(tt.pages) {
				t.Errorf("%s pages, want %d", got, tt.pages)
			}
			if got := in["Title"]; got != tr.T("report.title") {
				t.Errorf("title %q", got)
			}
			txt := text(t, pdf)
			want := append([]string{tr.T("report.title"), Verdict(tr, tt.r), "3B F7 13", tt.reader}, tt.want...)
			for _, c := range tt.r.Checks {
				want = append(want, tr.T("verify.check."+c.ID), tr.T("verify.status."+string(c.Status)), Reason(tr, c))
			}
			for _, w := range want {
				if !strings.Contains(txt, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("text lacks %q", w)
				}
			}
			if tt.opts.ReaderLabel != "" && strings.Contains(txt, tt.r.Reader) {
				t.Errorf("reader %q shown beside its label", tt.r.Reader)
			}
			if k := leakedKey.FindString(txt); k != "" {
				t.Errorf("untranslated key %q in the text", k)
			}
			assertInside(t, pdf)
		})
	}
}

// TestLongReasonWraps checks that the reason listing 40 foreign tags is wrapped over
// several lines inside the reason column.
func TestLongReasonWraps(t *testing.T) {
	r := failingReport(t)
	c, _ := r.Find("tags.owner")
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			pdf := render(t, r, lang, Options{Created: created})
			ws, _, _ := words(t, pdf)
			lines := map[float64]bool{}
			found := 0
			left := (margin + statusW + checkW) * ptPerMM
			right := (margin + contentWidth) * ptPerMM
			for i := range unknownTags {
				tag := fmt.Sprintf("DF%02X", i+1)
				for _, w := range ws {
					if strings.TrimRight(w.text, ",") != tag {
						continue
					}
					found++
					lines[w.yMin] = true
					if w.xMin < left || w.xMax > right {
						t.Errorf("%s at x %.1f–%.1f, outside the reason column %.1f–%.1f", tag, w.xMin, w.xMax, left, right)
					}
				}
			}
			if found != unknownTags {
				t.Errorf("found %d of the %d tags of %q", found, unknownTags, Reason(i18n.MustLoad(lang), c))
			}
			if len(lines) < 3 {
				t.Errorf("the tags take %d lines, want the reason wrapped over at least 3", len(lines))
			}
		})
	}
}

// TestPagination renders a report of many checks, some with long reasons, and
// requires every row exactly once, page numbers "i of n" on every page, and the table
// header repeated on every page the table continues on.
func TestPagination(t *testing.T) {
	const n = 120
	r := &verify.Report{SchemaVersion: verify.SchemaVersion, Reader: "Test reader", ATR: "3B00", Verdict: verify.Fail}
	for i := range n {
		st := []verify.Status{verify.Pass, verify.Fail, verify.NA}[i%3]
		errText := fmt.Sprintf("row-%03d", i)
		if i%7 == 0 {
			errText += strings.Repeat(" lorem ipsum dolor", 12)
		}
		r.Checks = append(r.Checks, verify.Check{ID: "atr", Status: st, Code: "atr_bad", Params: map[string]string{"error": errText}})
	}
	pdf := render(t, r, i18n.English, Options{Created: created})
	np := pages(t, pdf)
	if np < 3 {
		t.Fatalf("%d checks on %d pages", n, np)
	}
	all := text(t, pdf)
	for i := range n {
		if got := strings.Count(all, fmt.Sprintf("row-%03d", i)); got != 1 {
			t.Errorf("row %d shown %d times", i, got)
		}
	}
	for p := 1; p <= np; p++ {
		pg := text(t, pdf, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
		if want := fmt.Sprintf("Page %d of %d", p, np); !strings.Contains(pg, want) {
			t.Errorf("page %d lacks %q", p, want)
		}
		if !strings.Contains(pg, "Result") || !strings.Contains(pg, "Details") {
			t.Errorf("page %d has no table header", p)
		}
	}
	assertInside(t, pdf)
}

// TestHostileText renders texts a damaged or forged card could put into a report:
// invalid UTF-8, control characters, characters DejaVu lacks, words longer than a
// column and a reason taller than a page.
func TestHostileText(t *testing.T) {
	tall := strings.Repeat("Щ", 3*maxText)
	r := &verify.Report{Reader: "\x00\x1b[31mreader\r\n\t\xff\xfe", ATR: "not hex", Verdict: "???",
		Checks: []verify.Check{
			{ID: "tags.owner", Status: verify.Fail, Code: "decode_bad", Params: map[string]string{"error": strings.Repeat("DEADBEEF", 200)}},
			{ID: "photo", Status: "bogus", Code: "no_such_code", Params: nil},
			{ID: "certificate", Status: verify.Fail, Code: "cert_bad", Params: map[string]string{"error": "😀 漢字 \u202Eevil\u202C \uFFFF"}},
			{ID: "signature", Status: verify.Fail, Code: "cert_bad", Params: map[string]string{"error": tall}},
		},
		Signature:   &verify.SignatureInfo{},
		Certificate: &verify.CertificateInfo{Subject: "CN=\xc3\x28" + strings.Repeat("x", 10000)},
	}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			pdf := render(t, r, lang, Options{Created: created, Program: "\n"})
			if np := pages(t, pdf); np < 2 {
				t.Errorf("a reason of %d wide letters fits on %d page", maxText, np)
			}
			all := text(t, pdf)
			// The reason taller than a page is split across pages, no line lost; it is
			// cut at maxText characters, the reason's opening words included.
			want := strings.Count(clean(Reason(i18n.MustLoad(lang), r.Checks[3])), "Щ")
			if got := strings.Count(all, "Щ"); got != want || want < maxText-50 {
				t.Errorf("%d of the reason's %d letters shown", got, want)
			}
			if !strings.Contains(all, "DEADBEEFDEAD") {
				t.Error("the long word is missing")
			}
			assertInside(t, pdf)
		})
	}
}

func TestDeterministic(t *testing.T) {
	r := failingReport(t)
	a := render(t, r, i18n.Russian, Options{Created: created, Program: "omsdesk"})
	b := render(t, r, i18n.Russian, Options{Created: created, Program: "omsdesk"})
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same report differ")
	}
	later := render(t, r, i18n.Russian, Options{Created: created.Add(time.Minute), Program: "omsdesk"})
	if bytes.Equal(a, later) {
		t.Fatal("the creation date does not reach the PDF")
	}
	if got := info(t, a)["CreationDate"]; !strings.HasPrefix(got, "2026-11-25T14:30:00") {
		t.Errorf("CreationDate %q, want 2026-11-25T14:30:00", got)
	}
}

func TestReason(t *testing.T) {
	en, ru := i18n.MustLoad(i18n.English), i18n.MustLoad(i18n.Russian)
	tests := []struct {
		name string
		tr   *i18n.Catalog
		c    verify.Check
		want string
	}{
		{"validator code wins", en, verify.Check{ID: "enp", Status: verify.Fail, Code: "field_invalid",
			Params: map[string]string{"validate": "enp.check_digit", "got": "8", "want": "7", "message": "English"}},
			"enp: check digit is 8, want 7 (Luhn)"},
		{"passing field", ru, verify.Check{ID: "snils", Status: verify.Pass, Code: "field_ok", Params: map[string]string{"value": "English"}},
			ru.T("verify.ok.snils")},
		{"reason code", en, verify.Check{ID: "tlv.owner", Status: verify.Pass, Code: "tlv_ok", Params: map[string]string{"template": "62", "size": "125"}},
			"one 62 template, 125 bytes, lengths consistent"},
		{"reason code ru", ru, verify.Check{ID: "photo", Status: verify.NA, Code: "photo_absent"},
			"фотографии на карте нет"},
		{"empty validate is ignored", en, verify.Check{ID: "dates", Code: "dates_ok", Params: map[string]string{"validate": ""}},
			"dates are calendar dates and in order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reason(tt.tr, tt.c); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := ru.T("verify.ok.snils"); got == "verify.ok.snils" {
		t.Fatal("verify.ok.snils is not translated")
	}
}

func TestVerdict(t *testing.T) {
	en := i18n.MustLoad(i18n.English)
	r := &verify.Report{Verdict: verify.Fail, Checks: []verify.Check{
		{ID: "enp", Status: verify.Fail}, {ID: "atr", Status: verify.Pass}, {ID: "dates", Status: verify.Fail}}}
	if got, want := Verdict(en, r), "The card FAILED: Policy number (ENP); Dates"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	r.Verdict = verify.Pass
	if got, want := Verdict(en, r), "The card passed every applicable check"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderErrors(t *testing.T) {
	en := i18n.MustLoad(i18n.English)
	if err := Render(&bytes.Buffer{}, nil, en, Options{}); !errors.Is(err, ErrNoReport) {
		t.Errorf("nil report: %v", err)
	}
	if err := Render(&bytes.Buffer{}, &verify.Report{}, nil, Options{}); !errors.Is(err, ErrNoReport) {
		t.Errorf("nil catalogue: %v", err)
	}
	err := Render(failingWriter{}, &verify.Report{Verdict: verify.Pass}, en, Options{Created: created})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: %v", err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, &verify.Report{Verdict: verify.Pass}, en, Options{}); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("empty report: %v, %.10q", err, buf.Bytes())
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  a\r\n\tb  ", "a b"},
		{"a\x00b\x1bc", "a b c"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"кириллица «ёлки»", "кириллица «ёлки»"},
		{strings.Repeat("ж", maxText+5), strings.Repeat("ж", maxText) + "…"},
		{strings.Repeat("ж", maxText), strings.Repeat("ж", maxText)},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%.20q) = %.20q, want %.20q", tt.in, got, tt.want)
		}
	}
}

func TestSpacedHex(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"3BF71300", "3B F7 13 00"},
		{"3bf7", "3B F7"},
		{"", ""},
		{"3BF", "3BF"},
		{"zz00", "zz00"},
	} {
		if got := spacedHex(tt.in); got != tt.want {
			t.Errorf("spacedHex(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for _, bc := range []struct {
		name string
		r    *verify.Report
	}{{"pass", passingReport(b)}, {"fail", failingReport(b)}} {
		b.Run(bc.name, func(b *testing.B) {
			tr := i18n.MustLoad(i18n.Russian)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, bc.r, tr, Options{Created: created, Program: "omsdesk"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "pdf-bytes")
		})
	}
}
