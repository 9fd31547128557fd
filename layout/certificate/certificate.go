// Package certificate lays out the A4 certificate of an OMS policy card: everything the
// chip holds — the owner record, the policy number, the current insurer (named from
// its OGRN where the insurer table knows it, with the region of its OKATO code), the
// insurance dates, the card serial and the issue date — with the holder's photo and the
// signed QR codes, in Russian or English, as a PDF with the embedded DejaVu fonts.
//
// Batch mode writes many certificates into one PDF (one page each) or one PDF per
// certificate. The fonts are parsed once per process (package layout/doc), so a batch
// costs layout and writing only.
package certificate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/layout/doc"
	"omsdesk/layout/face"
	"omsdesk/layout/insurers"
)

// Data is one certificate.
type Data struct {
	// Policy is the card's content: owner and current insurer.
	Policy *policy.Policy
	// CardSerial is the card's serial number.
	CardSerial string
	// Photo is the holder's photo (JPEG or PNG); nil uses the owner record's photo. It
	// is left out for holders under 14 on IssueDate, as on the card.
	Photo []byte
	// QRTexts are the QR codes' payloads (already signed, ASCII), drawn in order.
	QRTexts []string
	// Office names the issuing office.
	Office string
	// IssueDate is the date the certificate is issued; zero means the owner record's
	// issue date.
	IssueDate policy.Date
}

// Options tune a rendering.
type Options struct {
	// Created is the PDF's creation date and the date in the footer. The zero time
	// means now; fixing it makes the output identical byte for byte.
	Created time.Time
	// Insurers names insurers by OGRN; nil uses insurers.Builtin().
	Insurers *insurers.Table
}

// Errors callers can match with errors.Is (the CLI translates them: certificate.err.*).
var (
	ErrNoPolicy   = errors.New("no policy to lay out")
	ErrEmptyBatch = errors.New("empty batch")
	ErrQRTooLarge = doc.ErrQRTooLarge
	ErrBadImage   = doc.ErrBadImage
)

// Page geometry, mm.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	labelW       = 52.0
	photoW       = 36.0
	photoH       = photoW * 4 / 3
	photoX       = pageW - margin - photoW
	valueW       = photoX - 4 - margin - labelW - 2 // beside the photo
	bodySize     = 9.5
	rowPad       = 1.0
	qrBox        = 44.0
	qrMinModule  = 0.5 // 3 pixels per module at 150 dpi
)

var (
	ink      = doc.Color{R: 0x21, G: 0x25, B: 0x29}
	muted    = doc.Color{R: 0x6C, G: 0x75, B: 0x7D}
	rule     = doc.Color{R: 0xC8, G: 0xCE, B: 0xD4}
	blue     = doc.Color{R: 0x1B, G: 0x4F, B: 0x9C}
	lblFill  = doc.Color{R: 0xF3, G: 0xF5, B: 0xF7}
	bodyLine = bodySize * doc.LineFactor * doc.PtMM
)

// builder accumulates a page.
type builder struct {
	fs *doc.FontSet
	tr *i18n.Catalog
	pg *doc.Page
	y  float64
}

func (b *builder) add(items ...doc.Item) { b.pg.Items = append(b.pg.Items, items...) }

// section draws a section title.
func (b *builder) section(id, title string) {
	b.y += 3
	t := b.fs.FitText(doc.TextSpec{ID: id, Text: title, X: margin, Y: b.y, W: contentW, H: 6, Bold: true, Size: 12, MinSize: 9, Color: blue, VAlign: "T"})
	b.add(t, doc.Item{Kind: doc.KindLine, ID: id + "_rule", X: margin, Y: b.y + 6.2, W: contentW, Stroke: &rule, LineW: 0.2})
	b.y += 7.5
}

// row draws a label and a value that wraps over up to three lines within width w.
func (b *builder) row(id, label, value string, w float64) {
	const maxLines = 3
	lbl := b.fs.FitText(doc.TextSpec{ID: id + "_label", Text: label, X: margin + 1, Y: b.y + rowPad, W: labelW - 2, H: maxLines * bodyLine, Size: bodySize - 1, MinSize: 7, Color: muted, VAlign: "T"})
	val := b.fs.FitText(doc.TextSpec{ID: id, Text: value, X: margin + labelW, Y: b.y + rowPad, W: w, H: maxLines * bodyLine, Size: bodySize, MinSize: bodySize - 1.5, Color: ink, VAlign: "T"})
	n := max(len(lbl.Lines), len(val.Lines), 1)
	h := float64(n)*bodyLine + 2*rowPad
	lbl.H, val.H = float64(len(lbl.Lines))*bodyLine, float64(len(val.Lines))*bodyLine
	b.add(doc.Item{Kind: doc.KindRect, ID: id + "_cell", X: margin, Y: b.y, W: labelW - 0.5, H: h, Fill: &lblFill}, lbl, val,
		doc.Item{Kind: doc.KindLine, ID: id + "_sep", X: margin, Y: b.y + h, W: labelW + w, Stroke: &rule, LineW: 0.15})
	b.y += h
}

// Layout computes one certificate page.
func Layout(d Data, tr *i18n.Catalog, opts Options) (*doc.Page, error) {
	if d.Policy == nil {
		return nil, fmt.Errorf("laying out certificate: %w", ErrNoPolicy)
	}
	fs, err := doc.Fonts()
	if err != nil {
		return nil, fmt.Errorf("laying out certificate: %w", err)
	}
	emblem, err := doc.Emblem()
	if err != nil {
		return nil, fmt.Errorf("laying out certificate: %w", err)
	}
	mark, err := doc.OMSMark()
	if err != nil {
		return nil, fmt.Errorf("laying out certificate: %w", err)
	}
	tab := opts.Insurers
	if tab == nil {
		tab = builtinTable
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	o := &d.Policy.Owner
	issue := d.IssueDate
	if issue.IsZero() {
		issue = o.IssueDate
	}
	b := &builder{fs: fs, tr: tr, pg: &doc.Page{Name: "certificate", W: pageW, H: pageH}, y: margin}
	b.add(
		doc.Item{Kind: doc.KindPath, ID: "emblem", X: margin, Y: margin, W: 12, H: 14.4, Art: emblem},
		doc.Item{Kind: doc.KindPath, ID: "mark", X: pageW - margin - 14, Y: margin + 0.2, W: 14, H: 14, Art: mark},
		fs.FitText(doc.TextSpec{ID: "title", Text: tr.T("certificate.title"), X: margin + 16, Y: margin, W: contentW - 32, H: 10, Bold: true, Size: 14, MinSize: 10, Align: "C", Color: ink}),
		fs.FitText(doc.TextSpec{ID: "subtitle", Text: tr.T("certificate.subtitle"), X: margin + 16, Y: margin + 10, W: contentW - 32, H: 4.5, Size: 9, MinSize: 7, Align: "C", Color: muted}),
	)
	b.y = margin + 17

	fd := func(dt policy.Date) string {
		if dt.IsZero() {
			return tr.T("certificate.value.none")
		}
		if tr.Lang == i18n.Russian {
			return dt.Russian()
		}
		return dt.String()
	}
	or := func(s string) string {
		if s == "" {
			return tr.T("certificate.value.none")
		}
		return s
	}

	b.section("section_owner", tr.T("certificate.section.owner"))
	photoTop := b.y
	photo := d.Photo
	if photo == nil && o.Photo != nil {
		photo = o.Photo.Data
	}
	showPhoto := true
	if !o.BirthDate.IsZero() && !issue.IsZero() && face.AgeAt(o.BirthDate, issue) < face.ChildAge {
		showPhoto = false
	}
	switch {
	case !showPhoto:
		b.add(fs.FitText(doc.TextSpec{ID: "photo_omitted", Text: tr.T("certificate.photo_omitted"), X: photoX, Y: photoTop, W: photoW, H: photoH, Size: 8, MinSize: 6, Align: "C", Color: muted}),
			doc.Item{Kind: doc.KindRect, ID: "photo_frame", X: photoX, Y: photoTop, W: photoW, H: photoH, Stroke: &rule, LineW: 0.2, Dash: 1})
		b.pg.Notes = append(b.pg.Notes, fmt.Sprintf("photo omitted: holder under %d on the issue date", face.ChildAge))
	case len(photo) > 0:
		photo, err := doc.CropAspect(photo, 3, 4)
		if err != nil {
			return nil, fmt.Errorf("laying out certificate: photo: %w", err)
		}
		sum := sha256.Sum256(photo)
		b.add(doc.Item{Kind: doc.KindImage, ID: "photo", X: photoX, Y: photoTop, W: photoW, H: photoH, Image: photo, ImageSHA: hex.EncodeToString(sum[:])},
			doc.Item{Kind: doc.KindRect, ID: "photo_frame", X: photoX, Y: photoTop, W: photoW, H: photoH, Stroke: &rule, LineW: 0.2})
	}
	sex := map[policy.Sex]string{policy.Male: tr.T("certificate.value.male"), policy.Female: tr.T("certificate.value.female")}[o.Sex]
	if sex == "" && o.Sex != policy.SexUnknown {
		sex = o.Sex.String()
	}
	cit := ""
	if o.Citizenship != nil {
		cit = o.Citizenship.Name
		if o.Citizenship.Code != "" {
			cit += " (" + o.Citizenship.Code + ")"
		}
	}
	snils := o.SNILS
	if n, err := policy.NormalizeSNILS(snils); err == nil {
		snils = policy.FormatSNILS(n)
	}
	expiry := fd(o.Expiry)
	if o.Expiry.Unlimited() {
		expiry = tr.T("certificate.value.unlimited")
	}
	b.row("surname", tr.T("certificate.label.surname"), or(o.Surname), valueW)
	b.row("first_name", tr.T("certificate.label.first_name"), or(o.FirstName), valueW)
	b.row("patronymic", tr.T("certificate.label.patronymic"), or(o.Patronymic), valueW)
	b.row("birth_date", tr.T("certificate.label.birth_date"), fd(o.BirthDate), valueW)
	b.row("sex", tr.T("certificate.label.sex"), or(sex), valueW)
	wide := contentW - labelW
	w := func() float64 { // rows below the photo use the full width
		if b.y > photoTop+photoH+1 {
			return wide
		}
		return valueW
	}
	b.row("birth_place", tr.T("certificate.label.birth_place"), or(o.BirthPlace), w())
	b.row("citizenship", tr.T("certificate.label.citizenship"), or(cit), w())
	b.row("snils", tr.T("certificate.label.snils"), or(snils), w())
	b.row("enp", tr.T("certificate.label.enp"), or(o.ENP), w())
	b.row("expiry", tr.T("certificate.label.expiry"), expiry, w())
	b.row("policy_issued", tr.T("certificate.label.policy_issued"), fd(o.IssueDate), w())
	b.y = max(b.y, photoTop+photoH)

	b.section("section_insurer", tr.T("certificate.section.insurer"))
	if d.Policy.Insurer != nil {
		ins := tab.Describe(d.Policy.Insurer, tr.Lang)
		name := ins.Name
		if name == "" {
			name = tr.T("certificate.value.unknown_insurer", "ogrn", ins.OGRN)
		}
		terr := ins.OKATO
		if ins.Region != "" {
			terr += " — " + ins.Region
		}
		b.row("insurer_name", tr.T("certificate.label.insurer_name"), name, wide)
		b.row("ogrn", tr.T("certificate.label.ogrn"), or(ins.OGRN), wide)
		b.row("territory", tr.T("certificate.label.territory"), or(terr), wide)
		b.row("insurance_start", tr.T("certificate.label.insurance_start"), fd(d.Policy.Insurer.Start), wide)
		b.row("insurance_end", tr.T("certificate.label.insurance_end"), fd(d.Policy.Insurer.End), wide)
	} else {
		b.row("insurer_name", tr.T("certificate.label.insurer_name"), tr.T("certificate.value.none"), wide)
	}

	b.section("section_card", tr.T("certificate.section.card"))
	b.row("card_serial", tr.T("certificate.label.card_serial"), or(d.CardSerial), wide)
	b.row("office", tr.T("certificate.label.office"), or(d.Office), wide)
	b.row("issued", tr.T("certificate.label.issued"), fd(issue), wide)

	if len(d.QRTexts) > 0 {
		b.section("section_qr", tr.T("certificate.section.qr"))
		cw, step := contentW, qrBox+4.0
		perRow := max(1, int(cw/step))
		total := strconv.Itoa(len(d.QRTexts))
		top := b.y
		for i, text := range d.QRTexts {
			col, line := i%perRow, i/perRow
			x := margin + float64(col)*(qrBox+4)
			y := top + float64(line)*(qrBox+12)
			if y+qrBox+10 > pageH-margin-8 {
				return nil, fmt.Errorf("laying out certificate: %d QR codes do not fit the page: %w", len(d.QRTexts), ErrQRTooLarge)
			}
			q, err := doc.QR("qr_"+strconv.Itoa(i+1), text, x, y, qrBox, qrMinModule)
			if err != nil {
				return nil, fmt.Errorf("laying out certificate: %w", err)
			}
			b.add(q, fs.FitText(doc.TextSpec{ID: "qr_caption_" + strconv.Itoa(i+1), Text: tr.T("certificate.qr_caption", "n", strconv.Itoa(i+1), "total", total),
				X: x, Y: y + qrBox + 0.5, W: qrBox, H: 8, Size: 7, MinSize: 6, Align: "C", Color: muted, VAlign: "T"}))
			b.y = y + qrBox + 9
		}
	}
	date := created.Format("02.01.2006")
	if tr.Lang != i18n.Russian {
		date = created.Format("2006-01-02")
	}
	b.add(doc.Item{Kind: doc.KindLine, ID: "footer_rule", X: margin, Y: pageH - margin - 5, W: contentW, Stroke: &rule, LineW: 0.2},
		fs.FitText(doc.TextSpec{ID: "footer", Text: tr.T("certificate.footer", "date", date), X: margin, Y: pageH - margin - 4.5, W: contentW, H: 8, Size: 7.5, MinSize: 6, Color: muted, VAlign: "T"}))
	return b.pg, nil
}

var builtinTable = insurers.Builtin()

// Write lays out each certificate and writes them all as one PDF, one page each.
func Write(w io.Writer, batch []Data, tr *i18n.Catalog, opts Options) error {
	if len(batch) == 0 {
		return fmt.Errorf("writing certificates: %w", ErrEmptyBatch)
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	pages := make([]*doc.Page, 0, len(batch))
	for i, d := range batch {
		pg, err := Layout(d, tr, opts)
		if err != nil {
			return fmt.Errorf("writing certificate %d of %d: %w", i+1, len(batch), err)
		}
		pages = append(pages, pg)
	}
	return doc.WritePDF(w, pages, doc.PDFOptions{Created: opts.Created, Title: tr.T("certificate.title"), Lang: tr.Lang})
}

// WriteEach writes one PDF per certificate, to the writer open returns for it (a file,
// typically); the writer is closed after the certificate is written.
func WriteEach(batch []Data, open func(i int, d Data) (io.WriteCloser, error), tr *i18n.Catalog, opts Options) error {
	if len(batch) == 0 {
		return fmt.Errorf("writing certificates: %w", ErrEmptyBatch)
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	for i, d := range batch {
		w, err := open(i, d)
		if err != nil {
			return fmt.Errorf("writing certificate %d of %d: %w", i+1, len(batch), err)
		}
		err = Write(w, []Data{d}, tr, opts)
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing certificate %d of %d: %w", i+1, len(batch), cerr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
