package certificate

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
	"omsdesk/layout/doc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var created = time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)

const qrSigned = "OMS1.5001234567890127.20260203.MEUCIQDx3v8fN2lq0Yb1kJ7mC5nP4rS6tU8wX0yZ2aB4cD6eFgIgH1jK3lM5nO7pQ9rS1tU3vW5xY7zA9bC1dE3fG5hI7jK"

type testCase struct {
	name string
	lang string
	data Data
}

func cases() []testCase {
	adult := vcard.SamplePolicy(0)
	adult.Owner.SNILS = "11223344595"
	base := Data{Policy: adult, CardSerial: "0001234567", Photo: vcard.SyntheticPhoto(0), Office: "Пункт выдачи № 1, г. Москва, ул. Тестовая, д. 1",
		QRTexts: []string{qrSigned, "OMS1.CHECK.5001234567890127"}, IssueDate: policy.MakeDate(2026, 2, 3)}
	child := base
	child.Policy = vcard.SamplePolicy(0)
	child.Policy.Owner.Surname, child.Policy.Owner.FirstName, child.Policy.Owner.BirthDate = "ЁЛКИНА", "АЛЁНА", policy.MakeDate(2015, 6, 1)
	unknown := base
	unknown.Policy = vcard.SamplePolicy(0)
	unknown.Policy.Insurer.OGRN, unknown.Policy.Insurer.OKATO = "1027739008440", "46000"
	unknown.Policy.Insurer.End = policy.MakeDate(2025, 12, 31)
	long := base
	long.Policy = vcard.SamplePolicy(0)
	long.Policy.Owner.Surname = strings.Repeat("ПРЕОБРАЖЕНСКИЙ-", 8) + "ОВ"
	long.Policy.Owner.BirthPlace = strings.Repeat("ГОРОД ОЧЕНЬ ДЛИННОЕ НАЗВАНИЕ МЕСТА РОЖДЕНИЯ ", 6)
	return []testCase{
		{"adult_ru", "ru", base},
		{"adult_en", "en", base},
		{"child_ru", "ru", child},
		{"unknown_insurer_ru", "ru", unknown},
		{"long_values_ru", "ru", long},
	}
}

func golden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s missing (run go test ./layout/certificate -update): %v", path, err)
	}
	return want
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (OMSDESK_REQUIRE_TOOLS=1): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

func TestLayoutGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			pg, err := Layout(c.data, i18n.MustLoad(c.lang), Options{Created: created})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(pg, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			if want := golden(t, "layout_"+c.name+".json", got); !bytes.Equal(got, want) {
				t.Errorf("layout differs from testdata/layout_%s.json (run with -update if intended)", c.name)
			}
			fs := doc.MustFonts()
			for _, it := range pg.Items {
				if it.X < 0 || it.Y < 0 || it.X+it.W > pageW || it.Y+it.H > pageH {
					t.Errorf("%s leaves the page", it.ID)
				}
				for _, l := range it.Lines {
					if w := fs.Face(it.Bold).Width(l.Text, it.Size); l.X+w > it.X+it.W+1e-6 {
						t.Errorf("%s: line %q overflows", it.ID, l.Text)
					}
				}
			}
		})
	}
}

func TestContent(t *testing.T) {
	texts := func(pg *doc.Page) map[string]string {
		m := map[string]string{}
		for _, it := range pg.Items {
			var s []string
			for _, l := range it.Lines {
				s = append(s, l.Text)
			}
			m[it.ID] = strings.Join(s, " ")
		}
		return m
	}
	tests := []struct {
		c    int
		id   string
		want string
	}{
		{0, "insurer_name", "АО «Тестовая страховая медицинская компания»"},
		{0, "territory", "45000 — Москва"},
		{0, "snils", "112-233-445 95"},
		{0, "expiry", "без ограничения срока"},
		{1, "territory", "45000 — Moscow"},
		{1, "birth_date", "1985-03-15"},
		{3, "insurer_name", "нет в справочнике (ОГРН 1027739008440)"},
		{3, "insurance_end", "31.12.2025"},
		{2, "photo", ""},
	}
	for _, tt := range tests {
		c := cases()[tt.c]
		pg, err := Layout(c.data, i18n.MustLoad(c.lang), Options{Created: created})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := texts(pg)[tt.id]
		if tt.id == "photo" {
			if ok {
				t.Errorf("%s: photo shown for a child", c.name)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s/%s = %q, want %q", c.name, tt.id, got, tt.want)
		}
	}
}

func TestPDFGolden(t *testing.T) {
	c := cases()[0]
	var buf bytes.Buffer
	if err := Write(&buf, []Data{c.data}, i18n.MustLoad(c.lang), Options{Created: created}); err != nil {
		t.Fatal(err)
	}
	if want := golden(t, "adult_ru.pdf", buf.Bytes()); !bytes.Equal(buf.Bytes(), want) {
		t.Error("PDF differs from testdata/adult_ru.pdf (run with -update if intended)")
	}
}

// TestPNGGolden renders the certificate's layout at 100 dpi with the raster backend and
// compares the decoded pixels (0.1 % may differ by more than two levels: see the face
// package's test for why).
func TestPNGGolden(t *testing.T) {
	c := cases()[0]
	pg, err := Layout(c.data, i18n.MustLoad(c.lang), Options{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WritePNG(&buf, pg, 100); err != nil {
		t.Fatal(err)
	}
	want := golden(t, "adult_ru_100dpi.png", buf.Bytes())
	n, total, err := doc.PixelDiff(buf.Bytes(), want, 2)
	if err != nil || n*1000 > total {
		t.Errorf("PNG differs from testdata/adult_ru_100dpi.png: %d of %d pixels, %v", n, total, err)
	}
}

// TestBatchScan writes every case into one PDF and each into its own, checks page count
// and A4 size, and decodes every QR code of every page (pdftoppm at 150 dpi, zbarimg).
func TestBatchScan(t *testing.T) {
	zbar, pdftoppm, pdfinfo := requireTool(t, "zbarimg"), requireTool(t, "pdftoppm"), requireTool(t, "pdfinfo")
	dir := t.TempDir()
	var batch []Data
	for _, c := range cases() {
		batch = append(batch, c.data)
	}
	tr := i18n.MustLoad("ru")
	path := filepath.Join(dir, "batch.pdf")
	var buf bytes.Buffer
	if err := Write(&buf, batch, tr, Options{Created: created}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdfinfo, "-f", "1", "-l", "99", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	norm := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(norm, fmt.Sprintf("Pages: %d", len(batch))) || strings.Count(norm, "size: 595.276 x 841.89 pts") != len(batch) {
		t.Errorf("pdfinfo:\n%s", out)
	}
	if out, err := exec.Command(pdftoppm, "-r", "150", "-png", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != len(batch) {
		t.Fatalf("%d pages rasterised, want %d", len(pages), len(batch))
	}
	for i, p := range pages {
		got, err := exec.Command(zbar, "--nodbus", "--raw", "-q", p).Output()
		if err != nil {
			t.Fatalf("zbarimg page %d: %v", i+1, err)
		}
		lines := strings.Split(strings.TrimSpace(string(got)), "\n")
		if !sameSet(lines, batch[i].QRTexts) {
			t.Errorf("page %d: zbarimg read %q, want %q", i+1, lines, batch[i].QRTexts)
		}
	}

	var names []string
	err = WriteEach(batch, func(i int, d Data) (io.WriteCloser, error) {
		name := filepath.Join(dir, fmt.Sprintf("each-%d.pdf", i))
		names = append(names, name)
		return os.Create(name)
	}, tr, Options{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		out, err := exec.Command(pdfinfo, n).CombinedOutput()
		if err != nil || !strings.Contains(strings.Join(strings.Fields(string(out)), " "), "Pages: 1") {
			t.Errorf("%s: %v\n%s", n, err, out)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func TestErrors(t *testing.T) {
	tr := i18n.MustLoad("ru")
	if err := Write(io.Discard, nil, tr, Options{}); !errors.Is(err, ErrEmptyBatch) {
		t.Errorf("empty batch: %v", err)
	}
	if err := WriteEach(nil, nil, tr, Options{}); !errors.Is(err, ErrEmptyBatch) {
		t.Errorf("empty batch (each): %v", err)
	}
	if err := Write(io.Discard, []Data{{}}, tr, Options{}); !errors.Is(err, ErrNoPolicy) {
		t.Errorf("no policy: %v", err)
	}
	d := cases()[0].data
	d.QRTexts = []string{strings.Repeat("Z", 2000)}
	if err := Write(io.Discard, []Data{d}, tr, Options{}); !errors.Is(err, ErrQRTooLarge) {
		t.Errorf("long QR: %v", err)
	}
	d = cases()[0].data
	d.Photo = []byte("junk")
	if err := Write(io.Discard, []Data{d}, tr, Options{}); !errors.Is(err, ErrBadImage) {
		t.Errorf("bad photo: %v", err)
	}
}
