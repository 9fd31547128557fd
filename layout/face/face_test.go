package face

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
	"omsdesk/layout/calibration"
	"omsdesk/layout/doc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var created = time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)

// qrText stands for a signed payload of the length layout/qr produces.
const qrText = "OMS1.5001234567890127.20260203.MEUCIQDx3v8fN2lq0Yb1kJ7mC5nP4rS6tU8wX0yZ2aB4cD6eFgIgH1jK3lM5nO7pQ9rS1tU3vW5xY7zA9bC1dE3fG5hI7jK"

// signature draws a synthetic signature: a blue scribble on a transparent background.
func signature() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for x := 10; x < 290; x++ {
		y := 50 + int(30*math.Sin(float64(x)/17)*math.Cos(float64(x)/41))
		for d := -2; d <= 2; d++ {
			img.SetNRGBA(x, y+d, color.NRGBA{0x10, 0x20, 0x80, 0xFF})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

type testCase struct {
	name string
	lang string
	data Data
	opts Options
}

func person(surname, name, patronymic string, birth policy.Date) *policy.Policy {
	p := vcard.SamplePolicy(0)
	p.Owner.Surname, p.Owner.FirstName, p.Owner.Patronymic, p.Owner.BirthDate = surname, name, patronymic, birth
	return p
}

func cases() []testCase {
	base := func(p *policy.Policy) Data {
		return Data{Policy: p, CardSerial: "0001234567", Photo: vcard.SyntheticPhoto(0), SignatureImage: signature(),
			FundPhone: "8 (800) 000-00-00", QRText: qrText, Issued: policy.MakeDate(2026, 2, 3)}
	}
	adult := base(vcard.SamplePolicy(0))
	child := base(person("ЁЛКИНА", "АЛЁНА", "ПЕТРОВНА", policy.MakeDate(2012, 2, 4))) // 13 on 2026-02-03
	teen := base(person("ЁЛКИН", "ПЁТР", "ПЕТРОВИЧ", policy.MakeDate(2012, 2, 3)))    // 14 that day
	long := base(person(strings.Repeat("ПРЕОБРАЖЕНСКИЙ", 4)+"ОВА", "АННА-МАРИЯ-ЕЛИЗАВЕТА", "КОНСТАНТИНОПОЛЬСКАЯ-ЩЕДРИНА", policy.MakeDate(1990, 12, 31)))
	double := base(person("ЛЕБЕДЕВА-КУМАЧ-ЩЕДРИНА-СКЛОДОВСКАЯ", "ЁЛКА", "", policy.MakeDate(1975, 1, 1)))
	latin := base(person("O'CONNOR-SMITH", "JEAN-BAPTISTE", "", policy.MakeDate(1980, 7, 14)))
	wide := base(vcard.SamplePolicy(0))
	wide.Photo = widePhoto()
	return []testCase{
		{"adult", "ru", adult, Options{}},
		{"child", "ru", child, Options{}},
		{"teen", "ru", teen, Options{}},
		{"long_names", "ru", long, Options{}},
		{"double_surname", "ru", double, Options{}},
		{"latin_en", "en", latin, Options{}},
		{"wide_photo", "ru", wide, Options{}},
		{"bleed_calibrated", "ru", adult, Options{Bleed: 2, Adjust: calibration.Adjustment{OffsetX: 0.4, OffsetY: -0.3, Scale: 0.99, BackOffsetX: -0.5, BackOffsetY: 0.2}}},
	}
}

// widePhoto is a 4:3 photo, which the layout must crop to 3:4.
func widePhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y * 2), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func layoutCase(t *testing.T, c testCase) (*doc.Page, *doc.Page) {
	t.Helper()
	f, b, err := Layout(c.data, i18n.MustLoad(c.lang), c.opts)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return f, b
}

// golden compares got with testdata/name, or rewrites it with -update. A missing
// golden fails.
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
		t.Fatalf("golden %s missing (run go test ./layout/face -update): %v", path, err)
	}
	return want
}

func TestLayoutGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			f, b := layoutCase(t, c)
			got, err := json.MarshalIndent([]*doc.Page{f, b}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			if want := golden(t, "layout_"+c.name+".json", got); !bytes.Equal(got, want) {
				t.Errorf("layout differs from testdata/layout_%s.json (run with -update if intended):\n%s", c.name, got)
			}
		})
	}
}

// TestLayoutRules checks what every layout must satisfy: texts inside their boxes and
// inside the card, nothing printed on the chip, the photo rule for under-14s.
func TestLayoutRules(t *testing.T) {
	chip := ChipClear
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			f, b := layoutCase(t, c)
			for _, pg := range []*doc.Page{f, b} {
				for _, it := range pg.Items {
					if it.Bleed || it.ID == "chip_clear" || it.ID == "band" {
						continue
					}
					if it.X < 0 || it.Y < 0 || it.X+it.W > CardW+1e-9 || it.Y+it.H > CardH+1e-9 {
						t.Errorf("%s/%s: box %.2f,%.2f %.2f×%.2f leaves the card", pg.Name, it.ID, it.X, it.Y, it.W, it.H)
					}
					if pg.Name == "front" && (Box{it.X, it.Y, it.W, it.H}).Overlaps(chip) {
						t.Errorf("front/%s overlaps the chip area", it.ID)
					}
					fs := doc.MustFonts()
					for _, l := range it.Lines {
						if w := fs.Face(it.Bold).Width(l.Text, it.Size); l.X < it.X-1e-6 || l.X+w > it.X+it.W+1e-6 {
							t.Errorf("%s/%s: line %q overflows its box", pg.Name, it.ID, l.Text)
						}
					}
				}
			}
			hasPhoto := false
			for _, it := range b.Items {
				hasPhoto = hasPhoto || it.ID == "photo"
			}
			wantPhoto := c.name != "child"
			if hasPhoto != wantPhoto {
				t.Errorf("photo shown %v, want %v", hasPhoto, wantPhoto)
			}
		})
	}
}

func TestAgeAt(t *testing.T) {
	tests := []struct {
		birth, on policy.Date
		want      int
	}{
		{policy.MakeDate(2012, 2, 3), policy.MakeDate(2026, 2, 3), 14},
		{policy.MakeDate(2012, 2, 4), policy.MakeDate(2026, 2, 3), 13},
		{policy.MakeDate(2012, 3, 1), policy.MakeDate(2026, 2, 28), 13},
		{policy.MakeDate(2012, 2, 29), policy.MakeDate(2026, 2, 28), 13},
		{policy.MakeDate(2012, 2, 29), policy.MakeDate(2026, 3, 1), 14},
	}
	for _, tt := range tests {
		if got := AgeAt(tt.birth, tt.on); got != tt.want {
			t.Errorf("AgeAt(%v, %v) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tr := i18n.MustLoad("ru")
	good := cases()[0].data
	noPolicy := good
	noPolicy.Policy = nil
	badENP := good
	badENP.Policy = vcard.SamplePolicy(0)
	badENP.Policy.Owner.ENP = "5001234567890128"
	longQR := good
	longQR.QRText = strings.Repeat("A", 600)
	noBirth := good
	noBirth.Policy = vcard.SamplePolicy(0)
	noBirth.Policy.Owner.BirthDate = policy.Date{}
	badPhoto := good
	badPhoto.Photo = []byte("not an image")
	for _, tt := range []struct {
		name string
		d    Data
		want error
	}{
		{"no policy", noPolicy, ErrNoPolicy},
		{"bad ENP", badENP, ErrBadENP},
		{"QR too long", longQR, ErrQRTooLarge},
		{"no birth date", noBirth, ErrNoBirthDate},
		{"bad photo", badPhoto, ErrBadImage},
	} {
		if _, _, err := Layout(tt.d, tr, Options{}); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := doc.WritePDF(&bytes.Buffer{}, nil, doc.PDFOptions{}); !errors.Is(err, doc.ErrNoPages) {
		t.Errorf("empty PDF: %v", err)
	}
}

// TestPNGGolden compares the 300 dpi renders with golden PNGs. Pixels are compared
// decoded, allowing 0.1 % of them to differ by more than two levels per channel: the
// rasteriser's antialiasing is computed in float32 with SIMD on amd64 and may round
// differently on other CPUs; a real change (a moved box, another glyph) differs in far
// more pixels.
func TestPNGGolden(t *testing.T) {
	for _, c := range cases() {
		if c.name != "adult" && c.name != "long_names" && c.name != "child" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			f, b := layoutCase(t, c)
			for _, pg := range []*doc.Page{f, b} {
				if c.name != "adult" && pg.Name == "front" {
					continue // fronts differ only in the number
				}
				var buf bytes.Buffer
				if err := WritePNG(&buf, pg, 300); err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s_%s_300dpi.png", c.name, pg.Name)
				want := golden(t, name, buf.Bytes())
				if n, total, err := doc.PixelDiff(buf.Bytes(), want, 2); err != nil || n*1000 > total {
					if err == nil {
						err = fmt.Errorf("%d of %d pixels differ", n, total)
					}
					os.WriteFile(filepath.Join(t.TempDir(), name), buf.Bytes(), 0o644)
					t.Errorf("%s: %v (run with -update if intended)", name, err)
				}
			}
		})
	}
}

func TestPDFGolden(t *testing.T) {
	for _, c := range cases() {
		if c.name != "adult" && c.name != "bleed_calibrated" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			f, b := layoutCase(t, c)
			var buf bytes.Buffer
			if err := WritePDF(&buf, []*doc.Page{f, b}, i18n.MustLoad(c.lang), created); err != nil {
				t.Fatal(err)
			}
			if want := golden(t, c.name+".pdf", buf.Bytes()); !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("PDF differs from testdata/%s.pdf (run with -update if intended)", c.name)
			}
		})
	}
}

// requireTool returns the path of an external program; it skips the test when the
// program is missing, or fails it when OMSDESK_REQUIRE_TOOLS=1 (CI).
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

// TestOutputsScanAndMeasure renders every case as PNG at 300 and 600 dpi and as PDF,
// checks the sizes (pdfinfo, PNG bounds) and decodes the QR code with zbarimg from the
// 300 dpi PNG and from the PDF rasterised by pdftoppm at 150 dpi.
func TestOutputsScanAndMeasure(t *testing.T) {
	zbar, pdftoppm, pdfinfo := requireTool(t, "zbarimg"), requireTool(t, "pdftoppm"), requireTool(t, "pdfinfo")
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			f, b := layoutCase(t, c)
			for _, dpi := range []float64{300, 600} {
				var buf bytes.Buffer
				if err := WritePNG(&buf, b, dpi); err != nil {
					t.Fatal(err)
				}
				cfg, err := png.DecodeConfig(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				ww := int(math.Round((CardW + 2*c.opts.Bleed) * dpi / 25.4))
				wh := int(math.Round((CardH + 2*c.opts.Bleed) * dpi / 25.4))
				if cfg.Width != ww || cfg.Height != wh {
					t.Errorf("%v dpi: %d×%d px, want %d×%d", dpi, cfg.Width, cfg.Height, ww, wh)
				}
				if c.opts.Bleed == 0 && dpi == 300 && (cfg.Width != 1011 || cfg.Height != 638) {
					t.Errorf("300 dpi card is %d×%d, want 1011×638", cfg.Width, cfg.Height)
				}
				if dpi == 300 {
					path := filepath.Join(dir, "back.png")
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					scan(t, zbar, path, c.data.QRText)
				}
			}
			var pdf bytes.Buffer
			if err := WritePDF(&pdf, []*doc.Page{f, b}, i18n.MustLoad(c.lang), created); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "card.pdf")
			if err := os.WriteFile(path, pdf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdfinfo, "-f", "1", "-l", "2", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v\n%s", err, out)
			}
			wpt := (CardW + 2*c.opts.Bleed) * 72 / 25.4
			hpt := (CardH + 2*c.opts.Bleed) * 72 / 25.4
			norm := strings.Join(strings.Fields(string(out)), " ")
			for _, p := range []int{1, 2} {
				want := fmt.Sprintf("Page %d size: %.3f x %.3f pts", p, wpt, hpt)
				if !strings.Contains(norm, want) {
					t.Errorf("pdfinfo lacks %q:\n%s", want, out)
				}
			}
			if out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-f", "2", "-l", "2", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
			if len(pages) != 1 {
				t.Fatalf("pdftoppm wrote %v", pages)
			}
			scan(t, zbar, pages[0], c.data.QRText)
		})
	}
}

// scan decodes every QR code in an image and demands exactly one, with the payload.
func scan(t *testing.T, zbar, path, want string) {
	t.Helper()
	out, err := exec.Command(zbar, "--nodbus", "--raw", "-q", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v", filepath.Base(path), err)
	}
	if got := strings.TrimSuffix(string(out), "\n"); got != want {
		t.Errorf("zbarimg %s read %q, want %q", filepath.Base(path), got, want)
	}
}

// TestQRCapacity proves the card's QR area holds a version-14 symbol (the largest that
// layout/qr's signed records need, for names in three-byte UTF-8) at the minimum module
// size, and refuses version 15.
func TestQRCapacity(t *testing.T) {
	tests := []struct {
		n  int // bytes of payload: version 14-M holds 362 in byte mode
		ok bool
	}{{362, true}, {363, false}}
	for _, tt := range tests {
		_, err := doc.QR("qr", strings.Repeat("a", tt.n), backQR.X, backQR.Y, backQR.W, MinQRModule)
		if (err == nil) != tt.ok {
			t.Errorf("%d bytes: %v, want ok %v", tt.n, err, tt.ok)
		}
	}
}
