package certificate

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"omsdesk/assets/fonts"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/vcard"
	"omsdesk/layout/doc"
)

// benchData is a certificate with a photo and two QR codes, like a real one.
func benchData(i int) Data {
	p := vcard.SamplePolicy(0)
	p.Owner.SNILS = "11223344595"
	p.Owner.Surname = fmt.Sprintf("ИВАНОВ-%d", i%97)
	return Data{Policy: p, CardSerial: fmt.Sprintf("%010d", i), Photo: vcard.SyntheticPhoto(0), Office: "Пункт выдачи № 1",
		QRTexts: []string{fmt.Sprintf("OMS1:5001234567890127:%010d:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", i)}}
}

var benchCreated = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func perSecond(b *testing.B, docs int) {
	b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkSingle is one certificate laid out and written as one PDF.
func BenchmarkSingle(b *testing.B) {
	tr := i18n.MustLoad("ru")
	d := []Data{benchData(0)}
	for b.Loop() {
		if err := Write(io.Discard, d, tr, Options{Created: benchCreated}); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, 1)
}

// BenchmarkBatch1000 is 1,000 certificates into one PDF.
func BenchmarkBatch1000(b *testing.B) {
	tr := i18n.MustLoad("ru")
	batch := make([]Data, 1000)
	for i := range batch {
		batch[i] = benchData(i)
	}
	for b.Loop() {
		if err := Write(io.Discard, batch, tr, Options{Created: benchCreated}); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, len(batch))
}

// BenchmarkBatch1000NoQR is BenchmarkBatch1000 without QR codes: the share of the QR
// encoder (github.com/skip2/go-qrcode, about 1 ms per code) shows as the difference.
func BenchmarkBatch1000NoQR(b *testing.B) {
	tr := i18n.MustLoad("ru")
	batch := make([]Data, 1000)
	for i := range batch {
		batch[i] = benchData(i)
		batch[i].QRTexts = nil
	}
	for b.Loop() {
		if err := Write(io.Discard, batch, tr, Options{Created: benchCreated}); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, len(batch))
}

// BenchmarkQREncode is the QR encoder alone on the benchmark's payload.
func BenchmarkQREncode(b *testing.B) {
	text := benchData(7).QRTexts[0]
	for b.Loop() {
		if _, err := doc.QR("qr", text, 0, 0, 44, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeparateFiles is 100 certificates written as 100 PDF files.
func BenchmarkSeparateFiles(b *testing.B) {
	tr := i18n.MustLoad("ru")
	batch := make([]Data, 100)
	for i := range batch {
		batch[i] = benchData(i)
	}
	dir := b.TempDir()
	open := func(i int, _ Data) (io.WriteCloser, error) {
		return os.Create(filepath.Join(dir, fmt.Sprintf("cert-%03d.pdf", i)))
	}
	for b.Loop() {
		if err := WriteEach(batch, open, tr, Options{Created: benchCreated}); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, len(batch))
}

// BenchmarkNaiveFpdf is the baseline: the same laid-out page drawn with a new fpdf
// document per certificate, fonts added (parsed) for each.
func BenchmarkNaiveFpdf(b *testing.B) {
	tr := i18n.MustLoad("ru")
	d := benchData(0)
	for b.Loop() {
		pg, err := Layout(d, tr, Options{Created: benchCreated})
		if err != nil {
			b.Fatal(err)
		}
		if err := naiveFpdf(io.Discard, pg); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, 1)
}

// naiveFpdf draws a page with fpdf the obvious way (texts, rectangles, lines, images,
// QR modules; artwork left out), for the baseline.
func naiveFpdf(w io.Writer, pg *doc.Page) error {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pg.W, Ht: pg.H}})
	p.SetAutoPageBreak(false, 0)
	p.AddUTF8FontFromBytes("DejaVu", "", fonts.Regular())
	p.AddUTF8FontFromBytes("DejaVu", "B", fonts.Bold())
	p.SetCreationDate(benchCreated)
	p.SetModificationDate(benchCreated)
	p.AddPage()
	for i, it := range pg.Items {
		switch it.Kind {
		case doc.KindText:
			style := ""
			if it.Bold {
				style = "B"
			}
			p.SetFont("DejaVu", style, it.Size)
			for _, l := range it.Lines {
				p.Text(l.X, l.Baseline, l.Text)
			}
		case doc.KindRect:
			if it.Fill != nil {
				p.SetFillColor(int(it.Fill.R), int(it.Fill.G), int(it.Fill.B))
				p.Rect(it.X, it.Y, it.W, it.H, "F")
			}
		case doc.KindLine:
			p.Line(it.X, it.Y, it.X+it.W, it.Y+it.H)
		case doc.KindImage:
			name := fmt.Sprintf("img%d", i)
			p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(it.Image))
			p.ImageOptions(name, it.X, it.Y, it.W, it.H, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		case doc.KindQR:
			p.SetFillColor(0, 0, 0)
			for y, row := range it.QRBitmap() {
				for x, dark := range row {
					if dark {
						p.Rect(it.X+float64(x)*it.ModuleMM, it.Y+float64(y)*it.ModuleMM, it.ModuleMM, it.ModuleMM, "F")
					}
				}
			}
		}
	}
	return p.Output(w)
}
