// Package face lays out the two faces of the OMS policy card, an ID-1 plastic card
// (85.60 × 53.98 mm, ISO/IEC 7810), for printing on a card printer: the front with the
// 16-digit policy number, the emblem and the OMS system mark, the chip's contact area
// (ISO/IEC 7816-2) left clear; the back with the holder's names, photo, card serial,
// birth date, signature, the area for the holographic mark, the territorial fund's phone
// and a QR code.
//
// Layout computes the faces once as layout/doc pages (every area in millimetres, texts
// measured and fitted); package doc writes them as a vector PDF (one page per side) or
// PNG at any resolution. docs/card-face.md documents the geometry.
package face

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/layout/calibration"
	"omsdesk/layout/doc"
)

// Data is what the card shows.
type Data struct {
	// Policy holds the owner (names, birth date, ENP) and the current insurer.
	Policy *policy.Policy
	// CardSerial is the card's serial number, printed under the photo.
	CardSerial string
	// Photo is the holder's photo (JPEG or PNG). It is not printed for holders under
	// 14 at the issue date; a photo whose sides are not 3:4 is cropped to 3:4 about its
	// centre.
	Photo []byte
	// SignatureImage is the holder's scanned signature (PNG with transparency, or JPEG),
	// fitted into its area keeping its proportions.
	SignatureImage []byte
	// FundPhone is the territorial OMS fund's phone number, printed as given.
	FundPhone string
	// QRText is the QR code's payload, already signed (package layout/qr), ASCII.
	QRText string
	// Issued is the card's issue date, which decides the holder's age; zero means the
	// owner record's issue date.
	Issued policy.Date
}

// Options tune a layout.
type Options struct {
	// Bleed extends each page by this many millimetres on every side; backgrounds run
	// into it. 0 gives pages of exactly the card's size.
	Bleed float64
	// Adjust is the printer's calibration: the front gets its front offset, the back its
	// back offset, both its scale.
	Adjust calibration.Adjustment
}

// Errors callers can match with errors.Is. The CLI translates them (face.err.*).
var (
	ErrNoPolicy    = errors.New("no policy to lay out")
	ErrBadENP      = errors.New("policy number not printable")
	ErrNoBirthDate = errors.New("no birth date to decide the photo by")
	ErrQRTooLarge  = doc.ErrQRTooLarge
	ErrBadImage    = doc.ErrBadImage
)

// Colours.
var (
	blue  = doc.Color{R: 0x1B, G: 0x4F, B: 0x9C}
	ink   = doc.Color{R: 0x21, G: 0x25, B: 0x29}
	grey  = doc.Color{R: 0x6C, G: 0x75, B: 0x7D}
	rule  = doc.Color{R: 0xB0, G: 0xB8, B: 0xC0}
	white = doc.Color{R: 0xFF, G: 0xFF, B: 0xFF}
	paper = doc.Color{R: 0xF2, G: 0xF6, B: 0xFB}
)

// Layout computes both faces.
func Layout(d Data, tr *i18n.Catalog, opts Options) (front, back *doc.Page, err error) {
	if front, err = Front(d, tr, opts); err != nil {
		return nil, nil, err
	}
	if back, err = Back(d, tr, opts); err != nil {
		return nil, nil, err
	}
	return front, back, nil
}

func page(name string, opts Options, back bool) *doc.Page {
	ox, oy := opts.Adjust.Offset(back)
	pg := &doc.Page{Name: name, W: CardW, H: CardH, Bleed: opts.Bleed, OffsetX: ox, OffsetY: oy}
	if f := opts.Adjust.Factor(); f != 1 {
		pg.Scale = f
	}
	return pg
}

func text(id, s string, b Box, bold bool, size, minSize float64, align string, c doc.Color) doc.TextSpec {
	return doc.TextSpec{ID: id, Text: s, X: b.X, Y: b.Y, W: b.W, H: b.H, Bold: bold, Size: size, MinSize: minSize, Align: align, Color: c}
}

// Front lays out the front face.
func Front(d Data, tr *i18n.Catalog, opts Options) (*doc.Page, error) {
	if d.Policy == nil {
		return nil, fmt.Errorf("laying out card front: %w", ErrNoPolicy)
	}
	enp := d.Policy.Owner.ENP
	if err := policy.ValidateENP(enp); err != nil {
		return nil, fmt.Errorf("laying out card front: %w: %w", ErrBadENP, err)
	}
	fs, err := doc.Fonts()
	if err != nil {
		return nil, fmt.Errorf("laying out card front: %w", err)
	}
	emblem, err := doc.Emblem()
	if err != nil {
		return nil, fmt.Errorf("laying out card front: %w", err)
	}
	mark, err := doc.OMSMark()
	if err != nil {
		return nil, fmt.Errorf("laying out card front: %w", err)
	}
	pg := page("front", opts, false)
	b := opts.Bleed
	pg.Items = append(pg.Items,
		doc.Item{Kind: doc.KindRect, ID: "background", W: CardW, H: CardH, Bleed: true, Fill: &paper},
		doc.Item{Kind: doc.KindRect, ID: "band", X: -b, Y: -b, W: frontBand.W + 2*b, H: frontBand.H + b, Fill: &blue},
		doc.Item{Kind: doc.KindPath, ID: "emblem", X: frontEmblem.X, Y: frontEmblem.Y, W: frontEmblem.W, H: frontEmblem.H, Art: emblem},
		fs.FitText(withVAlign(text("title", tr.T("face.title"), frontTitle, true, 6.5, 4.5, "C", white), "M")),
		doc.Item{Kind: doc.KindRect, ID: "mark_disc", X: frontMarkDisc.X, Y: frontMarkDisc.Y, W: frontMarkDisc.W, H: frontMarkDisc.H, Radius: frontMarkDisc.W / 2, Fill: &white},
		doc.Item{Kind: doc.KindPath, ID: "mark_small", X: frontMarkDisc.X + 0.4, Y: frontMarkDisc.Y + 0.4, W: frontMarkDisc.W - 0.8, H: frontMarkDisc.H - 0.8, Art: mark},
		// The chip's area is drawn with neither fill nor stroke: it is in the layout so
		// that tests can prove nothing else is printed there.
		doc.Item{Kind: doc.KindRect, ID: "chip_clear", X: ChipClear.X, Y: ChipClear.Y, W: ChipClear.W, H: ChipClear.H},
		doc.Item{Kind: doc.KindPath, ID: "mark", X: frontMark.X, Y: frontMark.Y, W: frontMark.W, H: frontMark.H, Art: mark},
		fs.FitText(text("wordmark", tr.T("face.wordmark"), frontWordmark, true, 11, 8, "C", blue)),
		fs.FitText(text("enp_label", tr.T("face.enp_label"), frontENPLabel, false, 6, 4.5, "L", grey)),
		fs.FitText(noWrap(text("enp", groupENP(enp), frontENP, true, 15, 10, "L", ink))),
		fs.FitText(text("validity", tr.T("face.valid"), frontValid, false, 5.5, 4, "L", grey)),
	)
	return pg, nil
}

func withVAlign(s doc.TextSpec, v string) doc.TextSpec { s.VAlign = v; return s }
func noWrap(s doc.TextSpec) doc.TextSpec               { s.NoWrap = true; return s }

// groupENP writes the 16 digits in groups of four: 5001 2345 6789 0127.
func groupENP(enp string) string {
	var b strings.Builder
	for i, r := range enp {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AgeAt is the holder's age in whole years on date on.
func AgeAt(birth, on policy.Date) int {
	age := on.Year - birth.Year
	if on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day) {
		age--
	}
	return age
}

// IssueDate is the date the card's age rule is applied on: Data.Issued, else the owner
// record's issue date.
func (d Data) IssueDate() policy.Date {
	if !d.Issued.IsZero() {
		return d.Issued
	}
	if d.Policy != nil {
		return d.Policy.Owner.IssueDate
	}
	return policy.Date{}
}

// ShowsPhoto reports whether the card carries a photo: not for holders under 14 on the
// issue date. A missing issue date counts as today.
func (d Data) ShowsPhoto() (bool, error) {
	birth := d.Policy.Owner.BirthDate
	if birth.IsZero() || !birth.Valid() {
		return false, ErrNoBirthDate
	}
	on := d.IssueDate()
	if on.IsZero() {
		on = policy.DateOf(time.Now())
	}
	return AgeAt(birth, on) >= ChildAge, nil
}

// Back lays out the back face.
func Back(d Data, tr *i18n.Catalog, opts Options) (*doc.Page, error) {
	if d.Policy == nil {
		return nil, fmt.Errorf("laying out card back: %w", ErrNoPolicy)
	}
	showPhoto, err := d.ShowsPhoto()
	if err != nil {
		return nil, fmt.Errorf("laying out card back: %w", err)
	}
	fs, err := doc.Fonts()
	if err != nil {
		return nil, fmt.Errorf("laying out card back: %w", err)
	}
	o := d.Policy.Owner
	pg := page("back", opts, true)
	pg.Items = append(pg.Items, doc.Item{Kind: doc.KindRect, ID: "background", W: CardW, H: CardH, Bleed: true, Fill: &white})
	switch {
	case !showPhoto:
		pg.Notes = append(pg.Notes, fmt.Sprintf("photo omitted: holder under %d on the issue date", ChildAge))
	case len(d.Photo) == 0:
		pg.Notes = append(pg.Notes, "photo missing")
		pg.Items = append(pg.Items, box("photo_frame", backPhoto, rule, 0.2, 0))
	default:
		photo, err := doc.CropAspect(d.Photo, 3, 4)
		if err != nil {
			return nil, fmt.Errorf("laying out card back: photo: %w", err)
		}
		pg.Items = append(pg.Items, imageItem("photo", photo, backPhoto), box("photo_frame", backPhoto, rule, 0.2, 0))
	}
	if d.CardSerial != "" {
		pg.Items = append(pg.Items, fs.FitText(noWrap(text("serial", tr.T("face.serial", "serial", d.CardSerial), backSerial, false, 6.5, 4.5, "C", ink))))
	}
	holo := box("hologram", backHologram, rule, 0.2, 0.8)
	pg.Items = append(pg.Items, holo,
		fs.FitText(text("hologram_label", tr.T("face.hologram"), Box{backHologram.X + 1, backHologram.Y + 1, backHologram.W - 2, backHologram.H - 2}, false, 4.5, 3.5, "C", grey)),
		fs.FitText(text("surname", o.Surname, backSurname, true, 11, 6, "L", ink)),
		fs.FitText(text("first_name", o.FirstName, backFirstName, true, 9, 5.5, "L", ink)),
	)
	if o.Patronymic != "" {
		pg.Items = append(pg.Items, fs.FitText(text("patronymic", o.Patronymic, backPatronymic, true, 9, 5.5, "L", ink)))
	}
	birth := o.BirthDate.Russian()
	if tr.Lang != i18n.Russian {
		birth = o.BirthDate.String()
	}
	pg.Items = append(pg.Items,
		fs.FitText(text("birth_label", tr.T("face.birth_date"), backBirthLabel, false, 5, 4, "L", grey)),
		fs.FitText(noWrap(text("birth_date", birth, backBirth, true, 8, 6, "L", ink))),
	)
	if len(d.SignatureImage) > 0 {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(d.SignatureImage))
		if err != nil {
			return nil, fmt.Errorf("laying out card back: signature: %w: %v", ErrBadImage, err)
		}
		pg.Items = append(pg.Items, imageItem("signature", d.SignatureImage, contain(backSignature, float64(cfg.Width), float64(cfg.Height))))
	}
	pg.Items = append(pg.Items,
		doc.Item{Kind: doc.KindLine, ID: "signature_line", X: backSignature.X, Y: backSignLine, W: backSignature.W, Stroke: &rule, LineW: 0.15},
		fs.FitText(text("signature_label", tr.T("face.signature"), backSignLabel, false, 4.5, 3.5, "L", grey)),
	)
	if d.FundPhone != "" {
		pg.Items = append(pg.Items, fs.FitText(text("phone", tr.T("face.phone", "phone", d.FundPhone), backPhone, false, 6, 4.5, "L", ink)))
	}
	if d.QRText != "" {
		q, err := doc.QR("qr", d.QRText, backQR.X, backQR.Y, backQR.W, MinQRModule)
		if err != nil {
			return nil, fmt.Errorf("laying out card back: %w", err)
		}
		pg.Items = append(pg.Items, q)
	}
	return pg, nil
}

func box(id string, b Box, c doc.Color, lw, dash float64) doc.Item {
	return doc.Item{Kind: doc.KindRect, ID: id, X: b.X, Y: b.Y, W: b.W, H: b.H, Stroke: &c, LineW: lw, Dash: dash}
}

func imageItem(id string, data []byte, b Box) doc.Item {
	sum := sha256.Sum256(data)
	return doc.Item{Kind: doc.KindImage, ID: id, X: b.X, Y: b.Y, W: b.W, H: b.H, Image: data, ImageSHA: hex.EncodeToString(sum[:])}
}

// contain fits an image of iw × ih pixels into b keeping its proportions, centred.
func contain(b Box, iw, ih float64) Box {
	if iw <= 0 || ih <= 0 {
		return b
	}
	s := min(b.W/iw, b.H/ih)
	w, h := iw*s, ih*s
	return Box{round2(b.X + (b.W-w)/2), round2(b.Y + (b.H-h)/2), round2(w), round2(h)}
}

func round2(v float64) float64 { return float64(int64(v*1e4+0.5)) / 1e4 }

// WritePDF writes the faces as one PDF, one page per side, each exactly the card's size
// plus bleed. created fixes the PDF's dates (zero: now).
func WritePDF(w io.Writer, pages []*doc.Page, tr *i18n.Catalog, created time.Time) error {
	return doc.WritePDF(w, pages, doc.PDFOptions{Created: created, Title: tr.T("face.title"), Lang: tr.Lang})
}

// WritePNG renders one face at dpi (300 and 600 are the card printers' resolutions).
func WritePNG(w io.Writer, pg *doc.Page, dpi float64) error { return doc.WritePNG(w, pg, dpi) }
